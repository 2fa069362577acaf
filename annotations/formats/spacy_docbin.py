"""spaCy's own training format: a ``.spacy`` DocBin written with spaCy.

Each article becomes a ``Doc`` built from the same tokens as the prodigy
export (the canonical tokens of :mod:`annotations.segment` in spaCy's
layout, the same for every annotator), so ``doc.text`` is the article text
exactly; a span with an edge inside a token is left out and reported. Entity spans are ``doc.ents``, theme spans the span
group ``doc.spans["themes"]``, document themes ``doc.cats`` (1.0 each), and
``doc.user_data`` holds ``id``, ``annotator``, ``status`` and ``direction``.
Needs the optional ``spacy`` extra (``pip install 'hashiya[spacy]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..errors import FormatError
from ..model import ENTITY, THEME, ArticleRecord
from .common import (
    ExportOptions,
    ExportReport,
    direction_of,
    record_edges,
    selected_spans,
    spacy_tokens,
    spans_on_tokens,
)

SUFFIX = ".spacy"
SPAN_GROUP = "themes"


def _spacy():
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
    except ImportError:
        raise FormatError(
            "the spacy format needs spaCy: pip install 'hashiya[spacy]' (or spacy==3.8.18)"
        ) from None
    return spacy, Doc, DocBin


def to_doc(vocab, record: ArticleRecord, options: ExportOptions, report: ExportReport):
    _, Doc, _ = _spacy()
    spans = selected_spans(record, options)
    edges = record_edges(record, options)
    tokens = spacy_tokens(record.text, list(zip(*edges)))
    doc = Doc(vocab, words=[t.text for t in tokens], spaces=[t.ws for t in tokens])
    ents = []
    themes = []
    for span, _, _ in spans_on_tokens(record, spans, edges, report):
        piece = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
        (ents if span.kind == ENTITY else themes).append(piece)
    doc.ents = ents
    if THEME in options.kinds:
        doc.spans[SPAN_GROUP] = themes
    if options.themes:
        doc.cats = {theme: 1.0 for theme in record.themes}
    doc.user_data["id"] = record.id
    doc.user_data["annotator"] = record.annotator
    doc.user_data["status"] = record.status.value
    doc.user_data["direction"] = direction_of(record.text)
    report.records += 1
    report.spans += len(spans)
    return doc


def write_path(records: Iterable[ArticleRecord], path: str | Path, report: ExportReport, options: ExportOptions) -> None:
    spacy, _, DocBin = _spacy()
    vocab = spacy.blank("ar").vocab
    docbin = DocBin(store_user_data=True)
    for record in records:
        docbin.add(to_doc(vocab, record, options, report))
    write_bytes_file(Path(path), docbin.to_bytes())


def write_bytes_file(path: Path, data: bytes) -> None:
    """Write through a temp file and rename: a failed export leaves no half file."""
    import os
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
