"""Options several subcommands share, and their translation into the plain
values the core takes: argparse stops here, nothing below the command line
sees a Namespace."""

from __future__ import annotations

import argparse

from annotations.model import Status
from annotations.records import Selection

STATUS_CHOICES = [s.value for s in Status]

ANNOTATOR_HELP = "whose annotations (env HASHIYA_ANNOTATOR, default your login name)"


def add_corpus_argument(parser: argparse.ArgumentParser, corpus_help: str) -> None:
    """The optional CORPUS positional, with what it means to this subcommand."""
    parser.add_argument("corpus", nargs="?", metavar="CORPUS", help=corpus_help)


def add_store_arguments(
    parser: argparse.ArgumentParser, *, annotator_help: str = ANNOTATOR_HELP, several: bool = False
) -> None:
    """--store / --annotator / --labels, shared by every subcommand that reads
    the store; ``several``: --annotator may be repeated."""
    parser.add_argument(
        "--store",
        metavar="DIR",
        help="annotation store folder (env HASHIYA_STORE, default ./hashiya-store)",
    )
    if several:
        parser.add_argument("--annotator", metavar="NAME", action="append", help=annotator_help)
    else:
        parser.add_argument("--annotator", metavar="NAME", help=annotator_help)
    parser.add_argument(
        "--labels",
        metavar="FILE",
        help="label schema TOML file (env HASHIYA_LABELS, default the built-in schema)",
    )


def add_selection_arguments(parser: argparse.ArgumentParser, *, annotator_help: str) -> None:
    """CORPUS, the store options with repeatable --annotator, and --status:
    what a command reading many annotators' records selects."""
    add_corpus_argument(
        parser, "folder of .txt articles or a .jsonl file (env HASHIYA_CORPUS, default the bundled seeds)"
    )
    add_store_arguments(parser, annotator_help=annotator_help, several=True)
    parser.add_argument(
        "--status",
        action="append",
        choices=STATUS_CHOICES,
        help="only articles with this status (repeat for several; default all)",
    )


def selection_from(args: argparse.Namespace) -> Selection:
    """The Selection the options of add_selection_arguments name."""
    return Selection(
        corpus=args.corpus,
        store=args.store,
        labels=args.labels,
        annotators=tuple(args.annotator or ()),
        statuses=tuple(Status(s) for s in args.status or ()),
    )


RESOLVE_CHOICES = ("per-annotator", "agreed")


def add_resolve_argument(parser: argparse.ArgumentParser, *, help: str) -> None:
    """--resolve: what several annotators' records become (records.group_records)."""
    parser.add_argument("--resolve", choices=RESOLVE_CHOICES, default="per-annotator", help=help)
