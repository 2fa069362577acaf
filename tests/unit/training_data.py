"""Annotations as an annotator makes them with word selection and clitic
trimming: each entity a whole word, or a word's stem after its proclitics
(الصين out of والصين), never part of a word. Used by the training tests and
benchmarks/bench_training.py."""

from __future__ import annotations

import re
from pathlib import Path

from annotations.model import ArticleRecord, Span, Status
from annotations.store import Store

from .formats_data import seed_texts

ENTITIES = [
    ("منظمة الصحة العالمية", "ORG"),
    ("وزارة الصحة", "ORG"),
    ("المملكة المتحدة", "GPE"),
    ("الصين", "GPE"),
    ("العراق", "GPE"),
    ("المغرب", "GPE"),
    ("لندن", "GPE"),
    ("2025", "DATE"),
]
THEMES = ("cooperation", "diaspora")
# an optional conjunction, then an optional preposition, written attached
_PROCLITICS = "(?:[وف]?[بلك]?)"


def word_edge_spans(article_id: str, text: str, annotator: str, entities=ENTITIES) -> list[Span]:
    """Every occurrence of each surface that is a whole word or follows only
    proclitics, left to right, overlaps skipped."""
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for surface, label in entities:
        pattern = re.compile(rf"(?<!\w){_PROCLITICS}({re.escape(surface)})(?!\w)")
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            spans.append(Span(article_id, start, end, label, "entity", text[start:end], annotator))
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


def training_records(annotator: str = "alice", texts: dict[str, str] | None = None) -> list[ArticleRecord]:
    """The seeds annotated at word edges; document themes vary by article so
    each theme has articles with and without it."""
    records = []
    for n, (article_id, text) in enumerate(sorted((texts or seed_texts()).items())):
        themes = [theme for k, theme in enumerate(THEMES) if (n + k) % 2 == 0]
        spans = word_edge_spans(article_id, text, annotator)
        records.append(ArticleRecord(article_id, text, spans, themes, Status.DONE, annotator))
    return records


def fill_store(store_dir: Path, records: list[ArticleRecord]) -> None:
    """The records' spans, themes and status, added through the Store API."""
    by_annotator: dict[str, list[ArticleRecord]] = {}
    for record in records:
        by_annotator.setdefault(record.annotator, []).append(record)
    for annotator, own in by_annotator.items():
        with Store(store_dir, annotator) as store:
            for record in own:
                for span in record.spans:
                    store.add_span(record.id, record.text, span.start, span.end, span.label, span.kind)
                for theme in record.themes:
                    store.toggle_theme(record.id, theme, record.text)
                store.set_status(record.id, record.status)
