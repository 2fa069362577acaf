"""`hashiya [CORPUS]`: open the annotator app."""

from __future__ import annotations

import argparse

HELP = "open the annotator on CORPUS (a folder of .txt files or a .jsonl file)"


CORPUS_HELP = "folder of .txt articles or a .jsonl file (env HASHIYA_CORPUS, default the bundled seeds)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .common import add_corpus_argument, add_store_arguments

    add_corpus_argument(parser, CORPUS_HELP)
    add_store_arguments(parser)
    add_display_arguments(parser)


def add_display_arguments(parser: argparse.ArgumentParser) -> None:
    """The display options of every command that opens the app."""
    parser.add_argument(
        "--mode",
        choices=("visual", "logical"),
        help="visual: hashiya orders RTL text (xterm, tmux, alacritty...); "
        "logical: the terminal orders it (Konsole, mlterm...). Env HASHIYA_MODE.",
    )
    parser.add_argument(
        "--no-harakat",
        action="store_true",
        help="hide harakat (diacritics) on screen; offsets are unchanged",
    )
    parser.add_argument(
        "--model",
        metavar="DIR",
        help="a spaCy pipeline folder: articles opened without stored suggestions get them "
        "in the background (env HASHIYA_MODEL)",
    )
    parser.add_argument(
        "--order",
        choices=("list", "doubt"),
        help="next article to do: in list order, or the one the model is least sure of first "
        "(env HASHIYA_ORDER, default list)",
    )


def app_settings(args: argparse.Namespace, annotator: str | None):
    """The app's settings from the options above, as `annotator`."""
    from annotations.settings import Settings

    return Settings.resolve(
        corpus=args.corpus,
        store=args.store,
        annotator=annotator,
        labels=args.labels,
        mode=args.mode,
        harakat=False if args.no_harakat else None,
        model=args.model,
        order=args.order,
    )


def run(args: argparse.Namespace) -> int:
    settings = app_settings(args, args.annotator)
    # The store's lock is taken and its summary read by a child process while
    # the app is imported (tui.deferred_store).
    from ..deferred_store import StoreOpening

    opening = StoreOpening(settings.store, settings.annotator)
    # The app is imported only here: every other subcommand stays free of Textual.
    from ..app import run_app

    return run_app(settings, opening=opening)
