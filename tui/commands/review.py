"""`hashiya review [CORPUS] --from alice,bob --into gold`: open the app on
a review of several annotators' work, building gold (an ordinary annotator
of the store) one decision at a time. The comparison is the one `hashiya
agreement` and `adjudicate` use (annotations/curation.py)."""

from __future__ import annotations

import argparse

HELP = "review several annotators side by side and take their work into gold, in the app"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .common import add_corpus_argument
    from .open import CORPUS_HELP, add_display_arguments

    add_corpus_argument(parser, CORPUS_HELP)
    parser.add_argument("--from", dest="names", metavar="NAMES",
                        help="the annotators compared, comma-separated, in key order 1, 2, ... "
                        "(default: every annotator of the store but --into)")
    parser.add_argument("--into", metavar="NAME", default="gold",
                        help="the annotator that receives the decisions (default gold)")
    parser.add_argument("--store", metavar="DIR",
                        help="annotation store folder (env HASHIYA_STORE, default ./hashiya-store)")
    parser.add_argument("--labels", metavar="FILE",
                        help="label schema TOML file (env HASHIYA_LABELS, default the built-in schema)")
    add_display_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from annotations.errors import HashiyaError
    from annotations.settings import safe_annotator

    from .open import app_settings

    names = [name.strip() for name in (args.names or "").split(",") if name.strip()]
    for name in names:
        safe_annotator(name)
    if len(set(names)) != len(names):
        raise HashiyaError("--from names an annotator twice")
    settings = app_settings(args, args.into)
    from ..app import run_app

    return run_app(settings, review_from=names)
