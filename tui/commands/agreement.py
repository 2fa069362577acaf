"""`hashiya agreement`: how far annotators agree on the articles they share —
per-label span precision/recall/F1 (exact and overlap match) and Cohen's
kappa for document themes, as a table or JSON (see annotations/agreement.py
for the definitions)."""

from __future__ import annotations

import argparse
import json
import sys

from annotations.sanitize import json_visible, say, visible_lines

HELP = "compare annotators: span P/R/F1 per label (exact, overlap) and Cohen's kappa for themes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .common import add_selection_arguments

    add_selection_arguments(parser, annotator_help="compare only these annotators (repeat; default all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")


def run(args: argparse.Namespace) -> int:
    from annotations.agreement import agreement, format_table
    from annotations.records import open_sources, read_records
    from annotations.schema import load_schema

    from .common import selection_from

    selection = selection_from(args)
    settings, corpus, store, names = open_sources(selection)
    try:
        records, stale = read_records(store, corpus, names, selection.statuses, label="agreement")
    finally:
        store.close()
    schema = load_schema(settings.labels)
    for warning in schema.warnings:
        say(f"hashiya: warning: {warning}")
    pairs = agreement(records, [label.name for label in schema.themes])
    if args.json:
        print(
            json_visible(json.dumps(
                {
                    "store": str(settings.store),
                    "annotators": names,
                    "left_out_changed_articles": stale,
                    "pairs": [pair.to_dict() for pair in pairs],
                },
                ensure_ascii=False,
                sort_keys=True,
                indent=1,
            ))
        )
    else:
        print(visible_lines(format_table(pairs)))
        if stale:
            say(f"left out (article text changed since annotated): {', '.join(stale)}", sys.stdout)
    return 0
