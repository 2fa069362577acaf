"""bulk_write.py on its own: an import's batch has its journal lines
written first and its article files behind (a thread here); whatever reads
next sees every file, and a file that could not be written is raised at
the next step and completed from the journal on the next opening."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.model import ArticleRecord, Span
from annotations.store import Store

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."


def at(text: str, word: str, label: str, kind: str = "entity", article: str = "a1") -> Span:
    start = text.index(word)
    return Span(article, start, start + len(word), label, kind, word, "someone")


def _records(n: int, first: int = 0) -> list[ArticleRecord]:
    return [
        ArticleRecord(f"w{i}", TEXT, [at(TEXT, "بغداد", "LOC", article=f"w{i}")], [], "todo")
        for i in range(first, first + n)
    ]


def test_files_written_behind_are_there_for_whatever_reads_next(tmp_path: Path):
    """An import's batch has its files written by a thread while the next is
    read; an article read at once, the next batch, a checkpoint and a new
    opening all see every file."""
    from annotations.store.bulk_import import Importer

    root = tmp_path / "store"
    with Store(root, "ali") as st:
        importer = Importer(st)
        importer.add(_records(300))
        assert [s.text for s in st.spans("w299")] == ["بغداد"]  # read while (or after) written
        importer.add(_records(300, first=300))
        importer.finish()
        assert st._writer().writing is None
    with Store(root, "ali") as st:
        assert len(st.article_ids()) == 600 and st._writer().recovery == []
        assert [s.text for s in st.spans("w599")] == ["بغداد"]


def test_a_file_that_cannot_be_written_behind_is_said_and_the_journal_completes_it(tmp_path: Path, monkeypatch):
    """A batch's file that fails to be written behind is raised at the next
    step of the import (never passed over); the batch is in the journal, so
    the next opening writes its files."""
    from annotations.errors import StoreError
    from annotations.store import bulk_write
    from annotations.store.bulk_import import Importer

    root = tmp_path / "store"
    real = bulk_write.write_article

    def failing(path, article_id, *args, **kwargs):
        if article_id == "w150":
            raise StoreError(f"cannot write {path}: No space left on device")
        return real(path, article_id, *args, **kwargs)

    monkeypatch.setattr(bulk_write, "write_article", failing)
    st = Store(root, "ali")
    importer = Importer(st)
    importer.add(_records(300))
    with pytest.raises(StoreError, match="No space left"):
        importer.add(_records(10, first=300))
    st._writer().close(snapshot=False)
    monkeypatch.setattr(bulk_write, "write_article", real)
    with Store(root, "ali") as again:
        assert len(again.article_ids()) == 300
        assert [s.text for s in again.spans("w150")] == ["بغداد"]


def test_files_written_by_a_helper_process_are_those_written_here(tmp_path: Path):
    """A batch's articles go to the helper process as their JSON (not
    pickled), and the files it writes are byte for byte those written in
    this process: notes, themes, times and key order alike."""
    from annotations.behind import Behind
    from annotations.model import ARTICLE, Note
    from annotations.store.bulk_import import Importer

    records = _records(40)
    for n, record in enumerate(records):
        record.themes = ["health", "politics"][: n % 3]
        record.status = "done"
        if n % 4 == 0:
            record.notes = {ARTICLE: Note("ملاحظة", n % 8 == 0), record.spans[0].id: Note("", True)}
    sent = []

    class Watching(Behind):
        def submit(self, fn, *args):
            sent.extend(after for _, _, after, *_ in args[0])
            return super().submit(fn, *args)

    helper = Watching()
    files = {}
    for name, behind in (("here", False), ("helper", helper)):
        root = tmp_path / name
        with Store(root, "ali") as st:
            importer = Importer(st)
            for record in records:
                assert importer.plan(record)
            importer.write(behind=behind)
            st._writer().settle_writes()
        files[name] = {p.relative_to(root): p.read_bytes() for p in sorted((root / "ali" / "articles").rglob("*.json"))}
    helper.close()
    assert len(files["here"]) == 40 and files["here"] == files["helper"]
    assert len(sent) == 40 and all(type(after) is bytes for after in sent)
