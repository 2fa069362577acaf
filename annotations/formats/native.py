"""Native JSONL: one JSON object per (article, annotator), everything the
store holds for it.

    {"annotator": "alice", "direction": "rtl", "fingerprint": "…", "id": "…",
     "metadata": {…}, "offset_unit": "codepoint",
     "spans": [{"annotator": "alice", "end": 9, "id": "…", "kind": "entity",
                "label": "GPE", "start": 4, "text": "…"}],
     "status": "done", "text": "…", "themes": ["…"],
     "note": "…", "flagged": false}

Each span and each record carries its ``note`` (free text, "" for none) and
its ``flagged`` review flag (true / false); import reads both, and a record
or span without them has no note and no flag.

Offsets are Python code points into ``text`` (``offset_unit``); with UTF-16
offsets asked for, each span also has ``start_utf16``/``end_utf16``.
``direction`` is the text's direction from its first strong character.
Keys are sorted and there are no timestamps, so the same store always
exports to the same bytes.
"""

from __future__ import annotations

from typing import Iterable, Iterator, TextIO

from ..errors import AnnotationError
from ..model import ARTICLE, OFFSET_UNIT, ArticleRecord, Note, fingerprint
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
    dumps_plain,
    is_plain,
    iter_json_lines,
    read_all,
    kind_for,
    selected_spans,
    write_encoded,
)

SUFFIX = ".jsonl"


_NO_NOTE = Note()


def to_dict(record: ArticleRecord, options: ExportOptions) -> dict:
    utf16 = Utf16(record.text) if options.utf16 else None
    spans = []
    notes = record.notes
    for span in selected_spans(record, options):
        note = notes.get(span.id) if notes else None  # record.note_for, without a Note per span
        if not note:
            note = _NO_NOTE
        item = {
            "annotator": span.annotator or record.annotator,
            "end": span.end,
            "id": span.id,
            "kind": span.kind,
            "label": span.label,
            "start": span.start,
            "text": span.text,
            "note": note.note,
            "flagged": note.flagged,
        }
        if utf16:
            item["start_utf16"] = utf16(span.start)
            item["end_utf16"] = utf16(span.end)
        spans.append(item)
    return {
        "annotator": record.annotator,
        "direction": direction_of(record.text),
        "fingerprint": fingerprint(record.text),
        "id": record.id,
        "metadata": record.metadata,
        "offset_unit": OFFSET_UNIT,
        "spans": spans,
        "status": record.status.value,
        "text": record.text,
        "themes": list(record.themes) if options.themes else [],
        **record.note_for(ARTICLE).to_dict(),
    }


def encode(record: ArticleRecord, report: ExportReport, options: ExportOptions) -> str:
    """One record as its JSON line (with the line end)."""
    obj = to_dict(record, options)
    # Every other field is a str or int by construction (Span, Status,
    # the offset unit); metadata and themes come from users.
    plain = is_plain(obj["metadata"]) and is_plain(obj["themes"])
    report.records += 1
    report.spans += len(obj["spans"])
    return (dumps_plain(obj) if plain else dumps(obj)) + "\n"


def write(records: Iterable[ArticleRecord], out: TextIO, report: ExportReport, options: ExportOptions) -> None:
    write_encoded(records, out, lambda record: encode(record, report, options))


def _span_tuples(obj: dict, schema):
    if "spans" not in obj:
        raise RecordError("record has no \"spans\" list (is this the native format?)")
    spans = obj["spans"]
    if not isinstance(spans, list):
        raise RecordError("\"spans\" must be a list")
    for item in spans:
        if not isinstance(item, dict):
            raise RecordError(f"span {item!r} is not an object")
        for key in ("start", "end", "label"):
            if key not in item:
                raise RecordError(f"span {dumps(item)} has no {key!r}")
        label = item["label"]
        kind = item.get("kind") or kind_for(label, schema)
        yield item["start"], item["end"], label, kind, item.get("text"), item.get("id")


def _note(item: dict, where: str) -> Note:
    try:
        return Note.from_dict(item)
    except AnnotationError as exc:
        raise RecordError(f"{where}: {exc}") from None


def _attach_notes(record: ArticleRecord, obj: dict) -> None:
    """The record's and its spans' notes and flags, from the same places
    ``to_dict`` writes them."""
    by_key = {}
    for item in obj["spans"]:
        note = _note(item, f"span [{item['start']}, {item['end']}) {item['label']}")
        if note:
            kind = item.get("kind")
            by_key[(item["start"], item["end"], item["label"], kind)] = note
    for span in record.spans:
        note = by_key.get((span.start, span.end, span.label, span.kind)) or by_key.get(
            (span.start, span.end, span.label, None)
        )
        if note:
            record.notes[span.id] = note
    article_note = _note(obj, f"article {record.id!r}")
    if article_note:
        record.notes[ARTICLE] = article_note


def read(lines: Iterable[str], *, schema=None, annotator: str = "", name: str = "") -> ImportResult:
    return read_all(iter_read, lines, schema=schema, annotator=annotator, name=name)


def iter_read(
    lines: Iterable[str], result: ImportResult, *, schema=None, annotator: str = "", name: str = ""
) -> Iterator[tuple[int, ArticleRecord]]:
    """(line, record) for each good record as ``lines`` are read (so a file
    streams); bad lines go to ``result.problems`` (and ``skipped``)."""
    for number, obj in iter_json_lines(lines, result):
        try:
            check_offset_unit(obj)
            themes = obj.get("themes", [])
            if not isinstance(themes, list):
                raise RecordError("\"themes\" must be a list")
            metadata = obj.get("metadata") or {}
            if not isinstance(metadata, dict):
                raise RecordError("\"metadata\" must be an object")
            record = build_record(
                obj.get("id"),
                obj.get("text"),
                list(_span_tuples(obj, schema)),
                themes=themes,
                status=obj.get("status", IMPORTED_STATUS),
                annotator=annotator or str(obj.get("annotator") or ""),
                metadata=metadata,
            )
            _attach_notes(record, obj)
        except RecordError as exc:
            result.problems.append(LineProblem(number, str(exc)))
            continue
        yield number, record
