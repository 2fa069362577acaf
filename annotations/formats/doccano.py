"""doccano JSONL, spans and document categories together ("intent and
slot" shape), one article per line:

    {"id": "…", "text": "…", "entities": [[0, 5, "PER"], …], "cats": ["…"],
     "annotator": "alice", "direction": "rtl", "offset_unit": "codepoint"}

Entity and theme spans are both in ``entities`` (doccano allows overlapping
spans); ``theme_labels`` names the labels of theme spans, so the kind comes
back on import (for files made elsewhere, a label's kind comes from the label
schema, and a label the schema does not know is taken as an entity). Document themes are ``cats``.
With UTF-16 offsets asked for, ``entities_utf16`` repeats the spans in
UTF-16 code units. Import also reads doccano's other shapes: ``label`` as a
list of ``[start, end, label]`` (sequence labelling) or of strings (text
classification), and entities as objects with ``start_offset``,
``end_offset`` and ``label``. doccano has no article status: imported
articles are ``in_progress``.
"""

from __future__ import annotations

from typing import Iterable, TextIO

from ..model import OFFSET_UNIT, THEME, ArticleRecord
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
    kind_for,
    selected_spans,
    write_encoded,
)

SUFFIX = ".jsonl"


def to_dict(record: ArticleRecord, options: ExportOptions) -> dict:
    spans = selected_spans(record, options)
    obj = {
        "annotator": record.annotator,
        "cats": list(record.themes) if options.themes else [],
        "direction": direction_of(record.text),
        "entities": [[s.start, s.end, s.label] for s in spans],
        "id": record.id,
        "offset_unit": OFFSET_UNIT,
        "text": record.text,
        "theme_labels": sorted({s.label for s in spans if s.kind == THEME}),
    }
    if options.utf16:
        utf16 = Utf16(record.text)
        obj["entities_utf16"] = [[utf16(s.start), utf16(s.end), s.label] for s in spans]
    return obj


def encode(record: ArticleRecord, report: ExportReport, options: ExportOptions) -> str:
    """One record as its JSON line (with the line end)."""
    obj = to_dict(record, options)
    report.records += 1
    report.spans += len(obj["entities"])
    return dumps(obj) + "\n"


def write(records: Iterable[ArticleRecord], out: TextIO, report: ExportReport, options: ExportOptions) -> None:
    write_encoded(records, out, lambda record: encode(record, report, options))


def _spans(items, schema, theme_labels=()):
    if not isinstance(items, list):
        raise RecordError("\"entities\" must be a list")
    for item in items:
        if isinstance(item, list) and len(item) == 3:
            start, end, label = item
        elif isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= item.keys():
            start, end, label = item["start_offset"], item["end_offset"], item["label"]
        else:
            raise RecordError(f"entity {dumps(item)} is not [start, end, label]")
        if not isinstance(label, str):
            raise RecordError(f"entity {dumps(item)} has no label name")
        kind = THEME if label in theme_labels else kind_for(label, schema)
        yield start, end, label, kind, None, None


def read(lines: Iterable[str], *, schema=None, annotator: str = "", name: str = "") -> ImportResult:
    result = ImportResult()
    for number, obj in iter_json_lines(lines, result):
        try:
            check_offset_unit(obj)
            cats = obj.get("cats", [])
            entities = obj.get("entities")
            label = obj.get("label")
            if entities is None and isinstance(label, list):
                if all(isinstance(x, str) for x in label):
                    cats = list(cats) + label
                    entities = []
                else:
                    entities = label
            if not isinstance(cats, list):
                raise RecordError("\"cats\" must be a list of labels")
            theme_labels = obj.get("theme_labels") or []
            if not isinstance(theme_labels, list):
                raise RecordError("\"theme_labels\" must be a list of labels")
            article_id = obj.get("id")
            if article_id is None:
                article_id = f"{name or 'doccano'}-{number:05d}"
            record = build_record(
                article_id,
                obj.get("text"),
                list(_spans(entities or [], schema, theme_labels)),
                themes=cats,
                status=IMPORTED_STATUS,
                annotator=annotator or str(obj.get("annotator") or ""),
            )
        except RecordError as exc:
            result.problems.append(LineProblem(number, str(exc)))
            continue
        result.records.append((number, record))
    return result
