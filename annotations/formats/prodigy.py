"""Prodigy / spaCy-style JSONL, one article per line:

    {"text": "…",
     "tokens": [{"text": "وزير", "start": 0, "end": 4, "id": 0, "ws": true}, …],
     "spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 0,
                "label": "PER", "text": "…"}],
     "theme_spans": [… same shape, theme spans (they may overlap) …],
     "accept": ["…document themes…"],
     "answer": "accept", "meta": {"id": "…", "annotator": "…", "status": "…"},
     "id": "…", "direction": "rtl", "offset_unit": "codepoint"}

``token_end`` is inclusive. Tokens follow spaCy's layout: a token owns at
most one following space (``ws``), any other whitespace (line breaks, runs of
spaces) is a token of its own, so ``Doc(vocab, words, spaces)`` rebuilt from
``tokens`` has exactly the article text and every span is a
``Doc.char_span(..., alignment_mode="strict")``. Tokens are the article's
canonical tokens (:mod:`annotations.segment`), the same for every
annotator; a span with an edge inside a token is left out and reported with
its id, article and annotator. ``spans`` holds entity spans (flat, ready for
NER); theme spans are kept apart in ``theme_spans`` because they may overlap
entities.
"""

from __future__ import annotations

from typing import Iterable, Iterator, TextIO

from ..model import ENTITY, OFFSET_UNIT, THEME, ArticleRecord
from .common import (
    ExportOptions,
    ExportReport,
    ImportResult,
    LineProblem,
    RecordError,
    Utf16,
    IMPORTED_STATUS,
    build_record,
    check_offset_unit,
    direction_of,
    dumps,
    iter_json_lines,
    read_all,
    kind_for,
    record_edges,
    selected_spans,
    spacy_tokens,
    spans_on_tokens,
    write_encoded,
)

SUFFIX = ".jsonl"


def to_dict(record: ArticleRecord, options: ExportOptions, report: ExportReport) -> dict:
    edges = record_edges(record, options)
    tokens = spacy_tokens(record.text, list(zip(*edges)))
    spans = [span for span, _, _ in spans_on_tokens(record, selected_spans(record, options), edges, report)]
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    utf16 = Utf16(record.text) if options.utf16 else None

    def span_dict(span) -> dict:
        item = {
            "end": span.end,
            "label": span.label,
            "start": span.start,
            "text": span.text,
            "token_end": ends[span.end],
            "token_start": starts[span.start],
        }
        if utf16:
            item["start_utf16"] = utf16(span.start)
            item["end_utf16"] = utf16(span.end)
        return item

    token_dicts = []
    for i, t in enumerate(tokens):
        item = {"end": t.end, "id": i, "start": t.start, "text": t.text, "ws": t.ws}
        if utf16:
            item["start_utf16"] = utf16(t.start)
            item["end_utf16"] = utf16(t.end)
        token_dicts.append(item)
    return {
        "accept": list(record.themes) if options.themes else [],
        "answer": "accept",
        "direction": direction_of(record.text),
        "id": record.id,
        "meta": {"annotator": record.annotator, "id": record.id, "status": record.status.value},
        "offset_unit": OFFSET_UNIT,
        "spans": [span_dict(s) for s in spans if s.kind == ENTITY],
        "text": record.text,
        "theme_spans": [span_dict(s) for s in spans if s.kind == THEME],
        "tokens": token_dicts,
    }


def encode(record: ArticleRecord, report: ExportReport, options: ExportOptions) -> str:
    """One record as its JSON line (with the line end)."""
    obj = to_dict(record, options, report)
    report.records += 1
    report.spans += len(obj["spans"]) + len(obj["theme_spans"])
    return dumps(obj) + "\n"


def write(records: Iterable[ArticleRecord], out: TextIO, report: ExportReport, options: ExportOptions) -> None:
    write_encoded(records, out, lambda record: encode(record, report, options))


def _spans(items, default_kind: str, schema, key: str):
    if items is None:
        return
    if not isinstance(items, list):
        raise RecordError(f"{key!r} must be a list")
    for item in items:
        if not isinstance(item, dict) or not {"start", "end", "label"} <= item.keys():
            raise RecordError(f"{key} item {dumps(item)} needs start, end and label")
        kind = THEME if default_kind == THEME else kind_for(item["label"], schema)
        yield item["start"], item["end"], item["label"], kind, item.get("text"), None


def read(lines: Iterable[str], *, schema=None, annotator: str = "", name: str = "") -> ImportResult:
    return read_all(iter_read, lines, schema=schema, annotator=annotator, name=name)


def iter_read(
    lines: Iterable[str], result: ImportResult, *, schema=None, annotator: str = "", name: str = ""
) -> Iterator[tuple[int, ArticleRecord]]:
    """(line, record) for each good record as ``lines`` are read (so a file
    streams); bad lines go to ``result.problems`` (and ``skipped``)."""
    for number, obj in iter_json_lines(lines, result):
        answer = obj.get("answer", "accept")
        if answer != "accept":
            result.skipped.append(LineProblem(number, f"answer is {answer!r}, not imported"))
            continue
        try:
            check_offset_unit(obj)
            meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
            article_id = obj.get("id", meta.get("id"))
            if article_id is None:
                article_id = f"{name or 'prodigy'}-{number:05d}"
            themes = obj.get("accept", [])
            if not isinstance(themes, list):
                raise RecordError("\"accept\" must be a list of labels")
            spans = list(_spans(obj.get("spans"), ENTITY, schema, "spans"))
            spans += list(_spans(obj.get("theme_spans"), THEME, schema, "theme_spans"))
            record = build_record(
                article_id,
                obj.get("text"),
                spans,
                themes=themes,  # a non-string entry is refused by name, never dropped
                status=meta.get("status", IMPORTED_STATUS),
                annotator=annotator or str(meta.get("annotator") or ""),
            )
        except RecordError as exc:
            result.problems.append(LineProblem(number, str(exc)))
            continue
        yield number, record
