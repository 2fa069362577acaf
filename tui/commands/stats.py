"""`hashiya stats`: how much is annotated — spans per label, per annotator,
articles per status. Reads the store without locking it, so it can run while
annotators work."""

from __future__ import annotations

import argparse
import json
from collections import Counter

from annotations.sanitize import json_visible, say, visible, visible_lines

HELP = "count spans per label, per annotator and articles per status"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .common import add_corpus_argument, add_store_arguments

    add_corpus_argument(
        parser,
        "count statuses over this corpus (articles never opened count as todo); "
        "default: only the articles in the store",
    )
    add_store_arguments(
        parser, annotator_help="count only this annotator's work (default: every annotator in the store)"
    )
    parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")


def collect(store, annotators: list[str], corpus=None) -> dict:
    from annotations.model import Status

    wanted = None if corpus is None else {article.id for article in corpus}
    per_annotator: dict[str, dict] = {}
    annotated: set[str] = set()
    labels: dict[str, Counter] = {}
    themes_total: Counter = Counter()
    statuses_total: Counter = Counter({s.value: 0 for s in Status})
    for name in annotators:
        ids = store.article_ids(name)
        if wanted is not None:
            ids = [aid for aid in ids if aid in wanted]
        annotated.update(ids)
        statuses: Counter = Counter({s.value: 0 for s in Status})
        label_counts: Counter = Counter()
        theme_counts: Counter = Counter()
        spans = 0
        for article_id in ids:
            article_spans = store.spans(article_id, name)
            spans += len(article_spans)
            for span in article_spans:
                label_counts[(span.label, span.kind)] += 1
                labels.setdefault(span.label, Counter())[span.kind] += 1
            for theme in store.themes(article_id, name):
                theme_counts[theme] += 1
                themes_total[theme] += 1
            statuses[store.status(article_id, name).value] += 1
        if wanted is not None:
            statuses[Status.TODO.value] += len(wanted) - len(ids)
        statuses_total.update(statuses)
        per_annotator[name] = {
            "articles": len(ids),
            "spans": spans,
            "entities": sum(n for (_, kind), n in label_counts.items() if kind == "entity"),
            "theme_spans": sum(n for (_, kind), n in label_counts.items() if kind == "theme"),
            "document_themes": sum(theme_counts.values()),
            "statuses": dict(statuses),
            "labels": {f"{label}/{kind}": n for (label, kind), n in sorted(label_counts.items())},
            "themes": dict(sorted(theme_counts.items())),
        }
    return {
        "store": str(store.root),
        "corpus": None if corpus is None else str(corpus.source),
        "corpus_articles": None if corpus is None else len(wanted),
        "annotators": per_annotator,
        "labels": {label: dict(sorted(kinds.items())) for label, kinds in sorted(labels.items())},
        "document_themes": dict(sorted(themes_total.items())),
        "statuses": dict(statuses_total),
        "totals": {
            "annotators": len(per_annotator),
            # articles, each once however many annotators worked on it
            "articles": len(annotated),
            "annotations": sum(a["articles"] for a in per_annotator.values()),
            "spans": sum(a["spans"] for a in per_annotator.values()),
        },
    }


def _table(headers: list[str], rows: list[list]) -> list[str]:
    cells = [headers] + [[visible(str(c)) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    out = []
    for n, row in enumerate(cells):
        parts = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths))
        ]
        out.append("  " + "  ".join(parts).rstrip())
        if n == 0:
            out.append("  " + "  ".join("-" * w for w in widths))
    return out


def render(data: dict) -> str:
    from annotations.model import Status

    totals = data["totals"]
    lines = [
        f"Store {data['store']}: {totals['annotators']} annotator(s), "
        f"{totals['articles']} annotated article(s)"
        + (f" ({totals['annotations']} annotator records)" if totals["annotations"] != totals["articles"] else "")
        + f", {totals['spans']} span(s)"
    ]
    if data["corpus"]:
        lines.append(f"Corpus {data['corpus']}: {data['corpus_articles']} article(s)")
    if data["labels"]:
        lines += ["", "Spans per label"]
        rows = [
            [label, kinds.get("entity", 0), kinds.get("theme", 0), sum(kinds.values())]
            for label, kinds in sorted(data["labels"].items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ]
        lines += _table(["label", "entity", "theme", "total"], rows)
    if data["document_themes"]:
        lines += ["", "Document themes"]
        rows = sorted(data["document_themes"].items(), key=lambda kv: (-kv[1], kv[0]))
        lines += _table(["theme", "articles"], [list(r) for r in rows])
    if data["annotators"]:
        lines += ["", "Per annotator"]
        rows = [
            [
                name,
                a["articles"],
                a["entities"],
                a["theme_spans"],
                a["document_themes"],
                *(a["statuses"][s.value] for s in Status),
            ]
            for name, a in data["annotators"].items()
        ]
        lines += _table(
            ["annotator", "articles", "entities", "theme spans", "doc themes", "todo", "in progress", "done"],
            rows,
        )
        lines += ["", "Articles per status (all annotators)"]
        lines += _table(["status", "articles"], [[s.display, data["statuses"][s.value]] for s in Status])
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from annotations.corpus import open_corpus
    from annotations.settings import Settings, safe_annotator
    from annotations.store import open_for_reading

    settings = Settings.resolve(store=args.store, annotator=args.annotator)
    corpus = open_corpus(args.corpus, titles=False) if args.corpus else None
    for problem in corpus.problems if corpus is not None else ():
        say(f"hashiya: warning: corpus: {problem}")
    with open_for_reading(settings.store, settings.annotator) as store:
        annotators = [safe_annotator(args.annotator)] if args.annotator else store.annotators()
        if args.annotator and annotators[0] not in store.annotators():
            from annotations.errors import StoreError

            raise StoreError(f"no annotator {annotators[0]} in store {store.root} (it has: {', '.join(store.annotators()) or 'none'})")
        data = collect(store, annotators, corpus)
    if args.json:
        print(json_visible(json.dumps(data, ensure_ascii=False, indent=2)))
    else:
        print(visible_lines(render(data)))
    return 0
