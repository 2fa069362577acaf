"""`hashiya train`: train a spaCy pipeline on the store's annotations.

The articles are chosen as ``hashiya export`` chooses them (``--annotator``,
``--status``, ``--resolve agreed``); several annotators need one of
``--annotator NAME`` or ``--resolve agreed``, since two annotations of one
article would teach two answers. Entity labels train ``ner``, document
themes ``textcat_multilabel``, on the CPU, with the canonical tokenizer
and its evidence (the corpus's words, the schema's gazetteer, every
annotator's span texts) saved in the pipeline. ``--output DIR`` is a
folder ``spacy.load(DIR)`` opens wherever hashiya is installed.

Progress goes to stderr (a bar on a terminal, a line per evaluation
otherwise); the per-label precision, recall and F1 on the dev split go to
stdout. Needs the spacy extra (``make spacy``).
"""

from __future__ import annotations

import argparse
import sys

from annotations.errors import HashiyaError
from annotations.sanitize import say, visible_lines

HELP = "train a spaCy pipeline (entities, document themes) on the annotations"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from annotations.training import TrainOptions

    from .common import add_resolve_argument, add_selection_arguments

    defaults = TrainOptions()
    add_selection_arguments(parser, annotator_help="whose annotations (repeat with --resolve agreed; default all)")
    add_resolve_argument(
        parser, help="several annotators: per-annotator (default) needs one --annotator; agreed trains on what all marked"
    )
    parser.add_argument("-o", "--output", metavar="DIR", required=True, help="folder to save the pipeline in")
    parser.add_argument(
        "--max-steps", type=int, default=defaults.max_steps, metavar="N", help=f"training steps (default {defaults.max_steps})"
    )
    parser.add_argument(
        "--dev-fraction",
        type=float,
        default=defaults.dev_fraction,
        metavar="F",
        help=f"share of the articles held out to score the pipeline (default {defaults.dev_fraction})",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of the dev split and of training (default 0)")


def run(args: argparse.Namespace) -> int:
    from annotations.records import group_records, open_sources, read_records, token_evidence, warn_stale
    from annotations.spacy_config import require_spacy
    from annotations.training import TrainOptions, check_output, score_table, train_pipeline

    from .common import selection_from

    if args.max_steps < 1:
        raise HashiyaError(f"--max-steps {args.max_steps}: give a whole number of at least 1")
    if not 0 <= args.dev_fraction < 1:
        raise HashiyaError(f"--dev-fraction {args.dev_fraction}: give a share from 0 up to (not including) 1")
    require_spacy()
    selection = selection_from(args)
    settings, corpus, store, names = open_sources(selection, titles=False)
    try:
        output = check_output(args.output, inputs=(settings.labels, settings.corpus, settings.store))
    except HashiyaError:
        store.close()
        raise
    try:
        records, stale = read_records(store, corpus, names, selection.statuses, label="reading")
        evidence = token_evidence("spacy", corpus, settings, store)  # as the spacy export tokenizes
    finally:
        store.close()
    warn_stale(stale)
    groups = group_records(records, args.resolve)
    if len(groups) > 1:
        raise HashiyaError(
            f"{len(groups)} annotators selected ({', '.join(groups)}): train on one with --annotator NAME, "
            "or on what they agree on with --resolve agreed"
        )
    records = next(iter(groups.values()), [])
    if not records:
        raise HashiyaError("no annotated articles matched: nothing to train on")
    options = TrainOptions(max_steps=args.max_steps, dev_fraction=args.dev_fraction, seed=args.seed)
    options.eval_every = min(options.eval_every, max(1, args.max_steps // 4))
    say(f"hashiya: training on {len(records)} article(s) ({', '.join(groups)})")
    result = train_pipeline(records, output, evidence=evidence, options=options)
    if result.left_out:
        shown = "; ".join(map(str, result.left_out[:8])) + (" …" if len(result.left_out) > 8 else "")
        say(
            f"hashiya: warning: left out of training {len(result.left_out)} entity span(s) with an edge inside "
            f"a token (a name marked inside a longer word): {shown}"
        )
    # label names come from the label file or the store: shown, never obeyed
    sys.stdout.write(visible_lines(score_table(result)))
    say(f"hashiya: saved the pipeline to {output} in {result.seconds:.1f} s (load it with spacy.load)")
    return 0
