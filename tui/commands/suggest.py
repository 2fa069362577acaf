"""`hashiya suggest`: suggestions for every article of a corpus, from a spaCy
model (``--model DIR``: ``doc.ents``, and ``doc.cats`` above 0.5 as
document themes) or a pattern file (``--patterns FILE.jsonl``, the shape of
spaCy's EntityRuler and Prodigy's patterns), stored per article beside the
annotator's store (see annotations.suggestions.storage) and shown in the
reader, where the annotator accepts or rejects them. Suggestions are never
exported or counted as annotations.

Prints how many suggestions it stored per label and how many of them wait
(not rejected earlier, not overlapping an entity already marked). A
pattern file with bad lines is refused as a whole: each bad line is
printed as ``FILE:LINE: reason`` and nothing is stored."""

from __future__ import annotations

import argparse
import os
import sys

HELP = "suggest entities (and themes) from a spaCy model or a pattern file, for the reader"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .common import add_corpus_argument, add_store_arguments

    add_corpus_argument(
        parser, "folder of .txt articles or a .jsonl file (env HASHIYA_CORPUS, default the bundled seeds)"
    )
    add_store_arguments(parser, annotator_help="whose suggestions (env HASHIYA_ANNOTATOR, default your login name)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--model",
        metavar="DIR",
        help="a spaCy pipeline folder (spacy.load; env HASHIYA_MODEL); needs pip install 'hashiya[spacy]'",
    )
    source.add_argument(
        "--patterns",
        metavar="FILE",
        help='JSONL patterns: {"label": "GPE", "pattern": "الصين"} or token patterns '
        '{"label": ..., "pattern": [{"LOWER": ...}, {"TEXT": ...}]}',
    )


def run(args: argparse.Namespace) -> int:
    from annotations.corpus import open_corpus
    from annotations.errors import HashiyaError
    from annotations.sanitize import say
    from annotations.schema import load_schema
    from annotations.settings import Settings
    from annotations.store import Store
    from annotations.suggestions import ModelSource, PatternError, PatternSource, SuggestionStore, suggest_articles

    settings = Settings.resolve(corpus=args.corpus, store=args.store, annotator=args.annotator, labels=args.labels)
    schema = load_schema(settings.labels)
    model = args.model or (None if args.patterns else os.environ.get("HASHIYA_MODEL"))
    if not model and not args.patterns:
        raise HashiyaError("give a source: --model DIR (or HASHIYA_MODEL) or --patterns FILE")
    try:
        source = ModelSource(model, schema) if model else PatternSource(args.patterns, schema)
    except PatternError as exc:
        for problem in exc.problems:
            say(problem)
        say(f"hashiya: {len(exc.problems)} bad line(s): nothing stored")
        return 1
    corpus = open_corpus(settings.corpus)
    for problem in corpus.problems:
        say(f"skipped: {problem}")
    with Store(settings.store, settings.annotator) as store:
        report = suggest_articles(corpus, SuggestionStore(store), source)
    # labels, file names and model labels are data: printed through the one escaping path
    say(f"{settings.annotator} in {settings.store}:", sys.stdout)
    for line in report.lines():
        say(line, sys.stdout)
    for problem in report.problems:
        say(problem)
    return 1 if report.problems else 0
