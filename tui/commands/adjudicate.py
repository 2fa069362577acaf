"""`hashiya adjudicate --into gold --rule agreed|priority:alice,bob`: merge
several annotators' work into one annotator's store (default ``gold``) and
list every disagreement for review.

Rules (see annotations/agreement.py): ``agreed`` keeps, for each article
that at least two annotators share, what all of them marked; ``priority``
takes each article from the first listed annotator who has it. The target's
articles that are adjudicated are replaced; a dry run writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys

from annotations.errors import HashiyaError
from annotations.sanitize import json_visible, say

HELP = "merge annotators' work into one store (e.g. gold) by agreement or priority, listing disagreements"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .common import add_selection_arguments

    add_selection_arguments(parser, annotator_help="merge only these annotators (repeat; default all but --into)")
    parser.add_argument("--into", metavar="NAME", default="gold", help="annotator that receives the result (default gold)")
    parser.add_argument("--rule", default="agreed", help="agreed (default) or priority:NAME,NAME,...")
    parser.add_argument("--dry-run", action="store_true", help="list disagreements and what would change; write nothing")
    parser.add_argument("--json", action="store_true", help="print the disagreements as JSON lines")


def run(args: argparse.Namespace) -> int:
    from annotations.agreement import adjudicate, parse_rule
    from annotations.records import open_sources, read_records
    from annotations.settings import safe_annotator
    from annotations.store import Store

    from .common import selection_from

    rule, priority = parse_rule(args.rule)
    into = safe_annotator(args.into)
    selection = selection_from(args)
    settings, corpus, store, names = open_sources(selection)
    names = [n for n in names if n != into]
    try:
        if not names:
            raise HashiyaError(f"no annotators to merge besides {into!r}")
        unknown = [n for n in priority if n not in store.annotators()]
        if unknown:
            raise HashiyaError(f"unknown annotator {unknown[0]!r} in --rule (the store has: {', '.join(store.annotators())})")
        records, stale = read_records(store, corpus, names, selection.statuses, label="adjudicate")
    finally:
        store.close()
    merged, disputes, single = adjudicate(records, rule, priority, into=into)
    for item in disputes:
        if args.json:
            print(json_visible(json.dumps(item.to_dict(), ensure_ascii=False, sort_keys=True)))
        else:
            say(str(item), sys.stdout)
    # a dry run opens the target read-only: it creates nothing, not even its folder
    with Store(settings.store, into, readonly=args.dry_run) as target:
        summary = target.import_records(merged, dry_run=True)
        if summary.problems:
            for message in summary.problems:
                say(f"hashiya: {message}")
            raise HashiyaError(f"the {into!r} store refused the merged records; nothing written")
        if not args.dry_run:
            summary = target.import_records(merged)
    verb = "would write" if args.dry_run else "wrote"
    say(
        f"hashiya: {verb} {len(merged)} article(s) into {into!r} by rule {args.rule} from {', '.join(names)}: "
        f"{summary.articles} changed, {summary.spans_added} span(s) added, {summary.spans_removed} removed; "
        f"{len(disputes)} disagreement(s)"
        + (f"; {len(single)} article(s) with one annotator not adjudicated" if single else "")
        + (f"; {len(stale)} record(s) left out because the article text changed" if stale else "")
    )
    return 0
