"""The one command, ``hashiya``.

``hashiya [CORPUS]`` opens the app; subcommands export, import, stats,
validate, render, agreement, adjudicate and train work without it. Every
subcommand lives in ``tui/commands/<name>.py`` and exposes
``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.

User mistakes end as one line on stderr and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from annotations.errors import HashiyaError

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
    "train",
)


def _load(name: str):
    module_name = "import_" if name == "import" else name
    try:
        return importlib.import_module(f"tui.commands.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"tui.commands.{module_name}":
            return None
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hashiya",
        description="A terminal reader and annotator for Arabic text.",
        epilog="Run 'hashiya [CORPUS]' to open the annotator (default: the bundled seeds).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = _load(name)
        if module is None:
            continue
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    # `hashiya`, `hashiya CORPUS` and `hashiya --store X CORPUS` open the app.
    first_word = next((a for a in args_in if not a.startswith("-")), None)
    wants_help = any(a in ("-h", "--help") for a in args_in)
    if first_word not in SUBCOMMANDS and not (wants_help and first_word is None):
        args_in.insert(0, "open")
    parser = build_parser()
    try:
        args = parser.parse_args(args_in)
        if not hasattr(args, "_run"):
            parser.print_help()
            return 2
        return int(args._run(args) or 0)
    except HashiyaError as exc:
        print(f"hashiya: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hashiya: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `hashiya render x | head`: the reader went away; not an error.
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            return 0


if __name__ == "__main__":
    sys.exit(main())
