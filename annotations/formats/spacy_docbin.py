"""spaCy's own training format: a ``.spacy`` DocBin written with spaCy.

Each article becomes a ``Doc`` built from the same tokens as the prodigy
export (the canonical tokens of :mod:`annotations.segment` in spaCy's
layout, the same for every annotator), so ``doc.text`` is the article text
exactly; a span with an edge inside a token is left out and reported. Entity
spans are ``doc.ents``, theme spans the span group ``doc.spans["themes"]``,
document themes ``doc.cats``: 1.0 for each theme of the article and 0.0 for
every other theme found in the file (``textcat_multilabel`` takes a category
left out as unknown, and would never learn that an article lacks a theme),
and ``doc.user_data`` holds ``id``, ``annotator``, ``status`` and
``direction``.

Beside ``X.spacy`` the export writes a training config ``X.cfg`` (spaCy's
starting config, see :mod:`annotations.spacy_config`) and the tokenizer's
evidence ``X.evidence.json`` (the export's own), so that ``python -m spacy
train X.cfg`` runs on the export as it is: its pipeline tokenizes exactly as
the export did, and no exported entity is lost to alignment.
Needs the optional ``spacy`` extra (``make spacy``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..errors import FormatError
from ..model import ENTITY, THEME, ArticleRecord
from ..spacy_config import require_spacy
from .common import (
    ExportOptions,
    ExportReport,
    direction_of,
    record_edges,
    selected_spans,
    spacy_tokens,
    spans_on_tokens,
)
from .stream import Sink

SUFFIX = ".spacy"
SHARD_DOCS = 5_000  # Docs a DocBin holds before the next file (a few kB each)
SPAN_GROUP = "themes"


def _spacy():
    spacy = require_spacy(FormatError)
    from spacy.tokens import Doc, DocBin

    return spacy, Doc, DocBin


def theme_labels(records: Iterable[ArticleRecord]) -> list[str]:
    """The document themes of `records`, sorted: the categories of the file."""
    return sorted({theme for record in records for theme in record.themes})


def to_doc(vocab, record: ArticleRecord, options: ExportOptions, report: ExportReport, categories: Iterable[str] = ()):
    """One record as a Doc; `categories` are the file's document themes
    (each one the article does not have is 0.0 in ``doc.cats``)."""
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
        doc.cats = {**dict.fromkeys(categories, 0.0), **dict.fromkeys(record.themes, 1.0)}
    doc.user_data["id"] = record.id
    doc.user_data["annotator"] = record.annotator
    doc.user_data["status"] = record.status.value
    doc.user_data["direction"] = direction_of(record.text)
    report.records += 1
    report.spans += len(spans)
    return doc


class DocBinSink(Sink):
    """One .spacy file as records stream in: each record becomes a Doc in
    the DocBin at once (the DocBin keeps its tokens' attributes, not the
    record); `categories` are the file's document themes, known before
    the first record. A DocBin holds every Doc it was given until it is
    written: when more than `shard_docs` records are `expected`, X.spacy
    is a folder of DocBins of `shard_docs` Docs each (X-00000.spacy, …),
    which ``spacy train`` reads as one corpus, given the folder. The files
    are put in place when the caller's `stack` closes."""

    def __init__(self, path, report: ExportReport, options: ExportOptions, categories: Iterable[str], *,
                 stack=None, shard_docs: int | None = None, expected: int = 0) -> None:
        super().__init__(path, report)
        spacy, _, DocBin = _spacy()
        self.new_docbin = lambda: DocBin(store_user_data=True)
        self.vocab = spacy.blank("ar").vocab
        self.docbin = self.new_docbin()
        self.options = options
        self.categories = list(categories)
        self.stack = stack
        self.shard_docs = shard_docs or SHARD_DOCS
        self.sharded = expected > self.shard_docs
        self.files: list[Path] = []

    def _add(self, record: ArticleRecord) -> None:
        if self.sharded and len(self.docbin) >= self.shard_docs:
            self._write()
        self.docbin.add(to_doc(self.vocab, record, self.options, self.report, self.categories))

    def _write(self) -> None:
        from .output import opened
        from .parquet import shard_path

        path = Path(self.path)
        if self.sharded:
            path = path / shard_path(path.name, len(self.files)).name
        data = self.docbin.to_bytes()
        self.docbin = self.new_docbin()
        if self.stack is None:
            write_bytes_file(path, data)
        else:
            self.stack.enter_context(opened(path, binary=True)).write(data)
        self.files.append(path)

    def close(self) -> None:
        self._write()

    def described(self) -> str:
        if len(self.files) == 1:
            return str(self.files[0])
        return f"{self.path} (a folder of {len(self.files)} files {self.files[0].name} … {self.files[-1].name})"


def write_path(records: Iterable[ArticleRecord], path: str | Path, report: ExportReport, options: ExportOptions) -> None:
    records = list(records)
    sink = DocBinSink(path, report, options, theme_labels(records))
    for record in records:
        sink.add(record)
    sink.close()


def config_paths(path: str | Path) -> tuple[Path, Path]:
    """(X.cfg, X.evidence.json) beside the export X.spacy."""
    path = Path(path)
    stem = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) and path.name != SUFFIX else path.name
    return path.with_name(f"{stem}.cfg"), path.with_name(f"{stem}.evidence.json")


def write_training_config(
    path: str | Path, options: ExportOptions, *, entities: bool, themes: bool, split: bool
) -> list[Path]:
    """X.cfg and X.evidence.json (``options.evidence``, what the export
    tokenized with) beside the export `path` (X.spacy, or the name --split
    gave X.train.spacy and X.dev.spacy): the files written, none when the
    records hold nothing to train (`entities`: some record of the export
    has an entity span; `themes`: a document theme)."""
    from ..spacy_config import components_for, config_text, training_config
    from ..spacy_tokenizer import evidence_json
    from .output import part_path

    components = components_for(entities=ENTITY in options.kinds and entities, themes=options.themes and themes)
    if not components:
        return []
    path = Path(path)
    train, dev = (part_path(path, "train"), part_path(path, "dev")) if split else (path, path)
    cfg_path, evidence_path = config_paths(path)
    config = training_config(
        components, train=train.resolve(), dev=dev.resolve(), evidence=evidence_path.resolve()
    )
    if split:
        about = [f"paths.train and paths.dev are the --split parts {train.name} and {dev.name}."]
    else:
        about = [
            f"paths.train and paths.dev both point at {path.name}: the export was not split, so the",
            "scores printed while training are on the training articles themselves. Export with",
            "--split 80/10/10 (or pass --paths.dev) for a held-out dev set.",
        ]
    header = [
        f"spaCy training config for the hashiya export {path.name}.",
        f"Train: python -m spacy train {cfg_path.name} --output DIR  (add e.g. --training.max_steps 2000)",
        *about,
        "The tokenizer is hashiya's (hashiya.ArabicTokenizer.v1; hashiya must be installed where this",
        f"runs); its known words are read from paths.evidence ({evidence_path.name}) at initialization.",
        "Paths are absolute; override any with --paths.train, --paths.dev, --paths.evidence.",
    ]
    write_bytes_file(evidence_path, evidence_json(options.evidence).encode("utf-8"))
    write_bytes_file(cfg_path, config_text(config, header).encode("utf-8"))
    return [cfg_path, evidence_path]


def write_bytes_file(path: Path, data: bytes) -> None:
    """Written as every output file is (annotations.formats.output): whole or not at
    all, with the umask's mode, never through a link or over an input."""
    from .output import write_file

    write_file(path, lambda stream: stream.write(data), binary=True)
