"""The one command, ``hashiya``.

``hashiya [CORPUS]`` opens the app; subcommands export, import, stats,
validate, render, agreement, adjudicate, train and suggest work without it
(``review`` opens the app on a review). Every
subcommand lives in ``tui/commands/<name>.py`` and exposes
``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.

User mistakes end as one line on stderr and a non-zero exit, never a
traceback. Every line that may quote data (ids, file names, labels, span
text) is printed through ``annotations.sanitize`` (``say``), so nothing
from a corpus or store reaches the terminal as a control sequence. Output
that cannot be written (``> /dev/full``) is one error line; a reader that
went away (``| head -1``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys

from annotations.errors import HashiyaError
from annotations.sanitize import say, visible

#: The subcommands that start the app: it turns the garbage collector back on
#: itself, once the corpus is open (``tui.app.make_app``).
APP_COMMANDS = ("open", "review")

# Order is the order shown in --help.
SUBCOMMANDS = (
    "open",
    "export",
    "import",
    "stats",
    "validate",
    "render",
    "agreement",
    "adjudicate",
    "review",
    "train",
    "suggest",
)


def _load(name: str):
    module_name = "import_" if name == "import" else name
    try:
        return importlib.import_module(f"tui.commands.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"tui.commands.{module_name}":
            return None
        raise


class _Parser(argparse.ArgumentParser):
    """argparse, with its error line (which quotes the arguments) escaped
    like every other line; subcommand parsers are of this class too."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {visible(message)}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, that subcommand's alone (its
    module is the only one imported: opening the app does not load what
    export, train and the rest need)."""
    parser = _Parser(
        prog="hashiya",
        description="A terminal reader and annotator for Arabic text.",
        epilog="Run 'hashiya [CORPUS]' to open the annotator (default: the bundled seeds).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS if only is None else (only,):
        module = _load(name)
        if module is None:
            continue
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Starting up makes tens of thousands of objects that live as long as the
    # process (modules, classes, the app's styles): the collector's passes
    # over them while they are made are wasted work (about 6 % of the app's
    # start-up CPU). It is off until the command is known; the app turns it
    # back on once its corpus is open, every other command before it runs.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        if collecting:
            gc.enable()


def _main(argv: list[str] | None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    # `hashiya`, `hashiya CORPUS` and `hashiya --store X CORPUS` open the app.
    first_word = next((a for a in args_in if not a.startswith("-")), None)
    wants_help = any(a in ("-h", "--help") for a in args_in)
    if first_word not in SUBCOMMANDS and not (wants_help and first_word is None):
        args_in.insert(0, "open")
        first_word = "open"
    # Help lists every subcommand; otherwise only the one asked for is built.
    parser = build_parser(None if wants_help else first_word)
    try:
        args = parser.parse_args(args_in)
        if args.command not in APP_COMMANDS:
            gc.enable()
        if not hasattr(args, "_run"):
            parser.print_help()
            return 2
        code = int(args._run(args) or 0)
        sys.stdout.flush()  # a write error shows here, not at exit
        return code
    except HashiyaError as exc:
        say(f"hashiya: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        say("hashiya: interrupted")
        return 130
    except BrokenPipeError:
        # `hashiya render x | head`: the reader went away; not an error.
        _drop_stdout()
        return 0
    except OSError as exc:
        # Writing the output failed (`> /dev/full`); every other OSError is
        # turned into a HashiyaError where it happens.
        _drop_stdout()
        where = exc.filename or "standard output"
        say(f"hashiya: error: cannot write to {where}: {exc.strerror or exc}")
        return 1


def _drop_stdout() -> None:
    """Send what is still buffered for stdout (and anything later) nowhere,
    so the interpreter's last flush at exit raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests capture it): nothing is flushed at exit


if __name__ == "__main__":
    sys.exit(main())
