"""An export's memory does not grow with the corpus and store: a folder
corpus is listed as one block of ids, a read-only view packs the store's
summary, and each article is made, read and let go in turn. Measured with
tracemalloc between N and 4N articles (no timing)."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from annotations.model import ArticleRecord, Span, Status
from annotations.store import Store
from tui.cli import main

WORDS = ["وزير", "الصحة", "بغداد", "مؤتمرا", "دوليا", "منظمة", "العالمية", "قال"]


def build(root: Path, n: int) -> tuple[Path, Path]:
    corpus, store = root / "corpus", root / "store"
    corpus.mkdir(parents=True)
    records = []
    for i in range(n):
        aid = f"article-{i:05d}"
        text = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(24)) + "."
        (corpus / f"{aid}.txt").write_text(text, encoding="utf-8")
        spans, at = [], 0
        for k, word in enumerate(text[:-1].split(" ")):
            if k % 4 == 0:
                spans.append(Span(aid, at, at + len(word), "PER", "entity", word, "ann"))
            at += len(word) + 1
        records.append(ArticleRecord(aid, text, spans, [], Status.DONE, "ann"))
    with Store(store, "ann") as st:
        assert not st.import_records(records).problems
    return corpus, store


def peak_of_export(root: Path, fmt: str) -> int:
    corpus, store = root / "corpus", root / "store"
    gc.collect()
    tracemalloc.start()
    try:
        assert main(["export", str(corpus), "--store", str(store), "-f", fmt, "-o", str(root / f"out.{fmt}")]) == 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["native", "conll"])
def test_the_export_peak_grows_far_less_than_the_corpus(tmp_path: Path, fmt: str, monkeypatch, capsys):
    """Between 600 and 2,400 articles (past the writers' batch of records)
    the peak grows by far less than an object per article would make
    (a listed article, an index row, an id in a set: ~750 bytes each)."""
    import annotations.records

    # the texts the CoNLL evidence keeps for the records read next: a cache
    # bounded by KEEP_CHARS (4 MB), all of it below that; not what is measured here
    monkeypatch.setattr(annotations.records, "KEEP_CHARS", 20_000)
    small, large = 600, 2400
    build(tmp_path / "small", small)
    build(tmp_path / "large", large)
    peak_of_export(tmp_path / "small", fmt)  # imports and first-use caches, not counted
    grown = peak_of_export(tmp_path / "large", fmt) - peak_of_export(tmp_path / "small", fmt)
    assert grown / (large - small) < 200  # bytes per article (before: ~760)
