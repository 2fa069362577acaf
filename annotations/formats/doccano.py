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

The article's note, where there is one, goes where doccano keeps notes on an
example: ``comments``, a list holding it (``[]`` for none); import takes
the comments back as the article's note (several joined by blank lines).
doccano has no place for a span's note or for a review flag.
"""

from __future__ import annotations

from typing import Iterable, Iterator, TextIO

from ..model import ARTICLE, OFFSET_UNIT, THEME, ArticleRecord, Note
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
    selected_spans,
    write_encoded,
)

SUFFIX = ".jsonl"


def to_dict(record: ArticleRecord, options: ExportOptions) -> dict:
    spans = selected_spans(record, options)
    obj = {
        "annotator": record.annotator,
        "cats": list(record.themes) if options.themes else [],
        "comments": [note] if (note := record.note_for(ARTICLE).note) else [],
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


def _spans(items, schema, theme_labels=(), kinds=None):
    """(start, end, label, kind, None, None) of each entity; ``kinds``: a
    dict of the kinds of labels met so far (the schema is asked once a
    label), kept by the caller over a file's records."""
    if kinds is None:
        kinds = {}
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
        if label in theme_labels:
            kind = THEME
        else:
            kind = kinds.get(label)
            if kind is None:
                kind = kinds[label] = kind_for(label, schema)
        yield start, end, label, kind, None, None


def _comments(comments) -> dict:
    """The article's note from doccano ``comments`` (strings, or objects
    with a ``text``, as doccano's own export writes them)."""
    if comments is None:
        return {}
    if not isinstance(comments, list):
        raise RecordError("\"comments\" must be a list")
    texts = []
    for item in comments:
        text = item.get("text") if isinstance(item, dict) else item
        if not isinstance(text, str):
            raise RecordError(f"comment {dumps(item)} is not text")
        if text.strip():
            texts.append(text)
    return {ARTICLE: Note("\n\n".join(texts))} if texts else {}


def read(lines: Iterable[str], *, schema=None, annotator: str = "", name: str = "") -> ImportResult:
    return read_all(iter_read, lines, schema=schema, annotator=annotator, name=name)


def iter_read(
    lines: Iterable[str], result: ImportResult, *, schema=None, annotator: str = "", name: str = ""
) -> Iterator[tuple[int, ArticleRecord]]:
    """(line, record) for each good record as ``lines`` are read (so a file
    streams); bad lines go to ``result.problems`` (and ``skipped``)."""
    kinds: dict[str, str] = {}  # of the labels met, from the schema
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
                list(_spans(entities or [], schema, theme_labels, kinds)),
                themes=cats,
                status=IMPORTED_STATUS,
                annotator=annotator or str(obj.get("annotator") or ""),
            )
            record.notes.update(_comments(obj.get("comments")))
        except RecordError as exc:
            result.problems.append(LineProblem(number, str(exc)))
            continue
        yield number, record
