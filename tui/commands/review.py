"""`hashiya review [CORPUS] --from alice,bob --into gold`: open the app on
a review of several annotators' work, building gold (an ordinary annotator
of the store) one decision at a time. The comparison is the one `hashiya
agreement` and `adjudicate` use (annotations/curation.py)."""

from __future__ import annotations

import argparse

HELP = "review several annotators side by side and take their work into gold, in the app"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .common import add_corpus_argument

    add_corpus_argument(
        parser, "folder of .txt articles or a .jsonl file (env HASHIYA_CORPUS, default the bundled seeds)"
    )
    parser.add_argument("--from", dest="names", metavar="NAMES",
                        help="the annotators compared, comma-separated, in key order 1, 2, ... "
                        "(default: every annotator of the store but --into)")
    parser.add_argument("--into", metavar="NAME", default="gold",
                        help="the annotator that receives the decisions (default gold)")
    parser.add_argument("--store", metavar="DIR",
                        help="annotation store folder (env HASHIYA_STORE, default ./hashiya-store)")
    parser.add_argument("--labels", metavar="FILE",
                        help="label schema TOML file (env HASHIYA_LABELS, default the built-in schema)")
    parser.add_argument("--mode", choices=("visual", "logical"),
                        help="visual: hashiya orders RTL text; logical: the terminal does. Env HASHIYA_MODE.")
    parser.add_argument("--no-harakat", action="store_true", help="hide harakat (diacritics) on screen")


def run(args: argparse.Namespace) -> int:
    from annotations.errors import HashiyaError
    from annotations.settings import Settings, safe_annotator

    names = [name.strip() for name in (args.names or "").split(",") if name.strip()]
    for name in names:
        safe_annotator(name)
    if len(set(names)) != len(names):
        raise HashiyaError("--from names an annotator twice")
    settings = Settings.resolve(
        corpus=args.corpus,
        store=args.store,
        annotator=args.into,
        labels=args.labels,
        mode=args.mode,
        harakat=False if args.no_harakat else None,
    )
    from ..app import run_app

    return run_app(settings, review_from=names)
