"""spaCy's own training format: a ``.spacy`` DocBin written with spaCy.

Each article becomes a ``Doc`` built from the same tokens as the prodigy
export (spaCy's layout, split at every span edge), so ``doc.text`` is the
article text exactly. Entity spans are ``doc.ents``, theme spans the span
group ``doc.spans["themes"]``, document themes ``doc.cats`` (1.0 each), and
``doc.user_data`` holds ``id``, ``annotator``, ``status`` and ``direction``.
Needs the optional ``spacy`` extra (``pip install 'hashiya[spacy]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..errors import FormatError
from ..model import ENTITY, THEME, ArticleRecord
from .common import ExportOptions, ExportReport, direction_of, record_tokens, selected_spans, spacy_tokens

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
    tokens = spacy_tokens(record.text, record_tokens(record, spans, options), spans)
    doc = Doc(vocab, words=[t.text for t in tokens], spaces=[t.ws for t in tokens])
    ents = []
    themes = []
    for span in spans:
        piece = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
        if piece is None:  # cannot happen: tokens are split at every edge
            report.leave_out("spans not on token boundaries", f"{record.id}:{span.start}-{span.end}")
            continue
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
    """Written as every output file is (annotations.formats.output): whole or not at
    all, with the umask's mode, never through a link or over an input."""
    from .output import write_file

    write_file(path, lambda stream: stream.write(data), binary=True)
