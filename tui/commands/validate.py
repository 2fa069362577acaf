"""`hashiya validate`: re-check every stored span of every annotator against
its article text. Each problem is printed on its own line (annotator,
article id, span id, label, offsets, reason) and the exit status is 1; when
all is well one summary line is printed and the exit status is 0.

An article file that the index records but that is gone (deleted by hand)
is a problem too. ``--repair`` first repairs damaged or missing store files
(see annotations/store/repair.py: an article file is rebuilt from its
``.bak`` and the journal, a damaged journal is set aside), then
validates."""

from __future__ import annotations

import argparse
import sys

from annotations.sanitize import say

HELP = "re-check every span against its article text; exit non-zero naming each problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .common import add_corpus_argument, add_store_arguments

    add_corpus_argument(
        parser, "the articles the store annotates (env HASHIYA_CORPUS, default the bundled seeds)"
    )
    add_store_arguments(
        parser, annotator_help="check only this annotator's work (default: every annotator in the store)"
    )
    parser.add_argument(
        "--repair",
        action="store_true",
        help="first rebuild damaged store files from their backup and the journal "
        "(needs the annotators' sessions closed)",
    )


def run(args: argparse.Namespace) -> int:
    from annotations.corpus import open_corpus
    from annotations.errors import StoreError
    from annotations.settings import Settings, safe_annotator
    from annotations.store import open_for_reading, repair

    settings = Settings.resolve(corpus=args.corpus, store=args.store, annotator=args.annotator)
    corpus = open_corpus(settings.corpus)
    with open_for_reading(settings.store, settings.annotator) as store:
        present = store.annotators()
    if args.annotator:
        name = safe_annotator(args.annotator)
        if name not in present:
            raise StoreError(f"no annotator {name} in store {settings.store} (it has: {', '.join(present) or 'none'})")
        annotators = [name]
    else:
        annotators = present
    if args.repair:
        for name in annotators:
            for line in repair(settings.store, name):
                say(f"repaired: {line}")
    with open_for_reading(settings.store, settings.annotator) as store:
        problems, n_articles, n_spans = store.check(corpus, annotators)
    for problem in problems:
        say(str(problem), sys.stdout)
    who = f"{len(annotators)} annotator{'s' if len(annotators) != 1 else ''}"
    if problems:
        say(
            f"hashiya: {len(problems)} problem(s) in store {settings.store} "
            f"({n_spans} spans in {n_articles} articles of {who} checked against {settings.corpus})"
        )
        return 1
    say(f"ok: {n_spans} spans in {n_articles} articles of {who} match their article text ({settings.store}, {settings.corpus})", sys.stdout)
    return 0
