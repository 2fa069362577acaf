"""A save whose article file is written later (``add_span(later=True)``,
``Store.write_held``): the app draws a new span first and writes its
article file after the frame. The edit is saved once its journal line is
on disk: what the store answers includes it at once, a kill before the
file is written is completed from the journal, and a file that cannot be
written loses nothing and is written by the next try."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import annotations.store.files as files
from annotations.errors import StoreError
from annotations.store import Store, article_path

TEXT = "في بغداد، اجتمع وزير الصحة مع ممثلي منظمة الصحة العالمية لبحث تدريب الكوادر الطبية."


def _file_spans(root: Path, article: str) -> list[str]:
    """The span texts the article's file holds (none when there is no file)."""
    path = Path(article_path(root / "writer" / "articles", article))
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return sorted(doc["text"] for doc in data.get("spans", {}).values())


class FailingArticleWrites:
    """Article files refused with ``why`` (as a full disk would) while
    ``on``; every other file written as usual."""

    def __init__(self, monkeypatch, why: str) -> None:
        self.on = True
        real = files.atomic_write

        def atomic_write(path, data, **kwargs):
            if self.on and "articles" in str(path):
                raise StoreError(f"cannot write {path}: {why}")
            return real(path, data, **kwargs)

        monkeypatch.setattr(files, "atomic_write", atomic_write)


def test_a_held_save_is_answered_at_once_and_written_by_write_held(tmp_path: Path):
    root = tmp_path / "store"
    with Store(root, "writer") as store:
        store.add_span("art0", TEXT, 3, 8, "LOC", "entity")
        span = store.add_span("art0", TEXT, 16, 20, "PER", "entity", later=True)
        assert [s.id for s in store.spans("art0")][-1] == span.id
        assert store.status("art0").value == "in_progress"
        assert _file_spans(root, "art0") == [TEXT[3:8]]  # the file is behind
        with Store(root, "writer", readonly=True) as reader:  # a reader sees it from the journal
            assert sorted(s.text for s in reader.spans("art0")) == sorted([TEXT[3:8], TEXT[16:20]])
        store.write_held()
        assert _file_spans(root, "art0") == sorted([TEXT[3:8], TEXT[16:20]])
        store.write_held()  # nothing held: nothing to do
        assert _file_spans(root, "art0") == sorted([TEXT[3:8], TEXT[16:20]])


def test_the_next_edit_and_closing_write_what_is_held(tmp_path: Path):
    root = tmp_path / "store"
    with Store(root, "writer") as store:
        store.add_span("art0", TEXT, 3, 8, "LOC", "entity", later=True)
        store.add_span("art1", TEXT, 68, 75, "LOC", "entity")  # another article's edit
        assert _file_spans(root, "art0") == [TEXT[3:8]]
        store.add_span("art0", TEXT, 16, 20, "PER", "entity", later=True)
        assert store.undo() == f"add PER “{TEXT[16:20]}”"
        assert _file_spans(root, "art0") == [TEXT[3:8]]
        store.add_span("art0", TEXT, 36, 41, "ORG", "entity", later=True)
    assert _file_spans(root, "art0") == sorted([TEXT[3:8], TEXT[36:41]])
    with Store(root, "writer") as store:
        assert store.recovery == []
        assert sorted(s.text for s in store.spans("art0")) == sorted([TEXT[3:8], TEXT[36:41]])


def test_a_kill_before_the_file_is_written_is_completed_on_open(tmp_path: Path):
    root = tmp_path / "store"
    with Store(root, "writer") as store:
        store.add_span("art0", TEXT, 3, 8, "LOC", "entity")
    code = textwrap.dedent(
        f"""
        import os
        from annotations.store import Store
        store = Store({str(root)!r}, "writer")
        store.add_span("art0", {TEXT!r}, 16, 20, "PER", "entity", later=True)
        os._exit(9)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr.decode()
    assert _file_spans(root, "art0") == [TEXT[3:8]]
    with Store(root, "writer") as store:
        assert store.recovery == ["completed 1 save that the journal holds but the article file did not"]
        assert sorted(s.text for s in store.spans("art0")) == sorted([TEXT[3:8], TEXT[16:20]])
    assert _file_spans(root, "art0") == sorted([TEXT[3:8], TEXT[16:20]])


def test_a_file_that_cannot_be_written_stays_held_and_loses_nothing(tmp_path: Path, monkeypatch):
    root = tmp_path / "store"
    with Store(root, "writer") as store:
        store.add_span("art0", TEXT, 3, 8, "LOC", "entity")
        failing = FailingArticleWrites(monkeypatch, "No space left on device")
        span = store.add_span("art0", TEXT, 16, 20, "PER", "entity", later=True)
        with pytest.raises(StoreError, match="No space left"):
            store.write_held()
        # still answered, still undoable; the file as it was
        assert [s.id for s in store.spans("art0")][-1] == span.id
        assert _file_spans(root, "art0") == [TEXT[3:8]]
        with pytest.raises(StoreError, match="No space left"):  # the next edit tries it first
            store.add_span("art0", TEXT, 36, 41, "ORG", "entity")
        assert [s.id for s in store.spans("art0")][-1] == span.id and len(store.spans("art0")) == 2
        failing.on = False
        store.write_held()
        assert _file_spans(root, "art0") == sorted([TEXT[3:8], TEXT[16:20]])
        store.add_span("art0", TEXT, 36, 41, "ORG", "entity")
    with Store(root, "writer") as store:
        assert store.recovery == []
        assert len(store.spans("art0")) == 3


def test_a_store_closed_while_a_file_cannot_be_written_completes_it_next_time(tmp_path: Path, monkeypatch):
    root = tmp_path / "store"
    store = Store(root, "writer")
    store.add_span("art0", TEXT, 3, 8, "LOC", "entity")
    store.add_span("art0", TEXT, 16, 20, "PER", "entity", later=True)
    failing = FailingArticleWrites(monkeypatch, "Input/output error")
    with pytest.raises(StoreError, match="Input/output error"):
        store.close()
    failing.on = False
    with Store(root, "writer") as store:
        assert store.recovery == ["completed 1 save that the journal holds but the article file did not"]
        assert sorted(s.text for s in store.spans("art0")) == sorted([TEXT[3:8], TEXT[16:20]])


def test_a_held_save_is_written_now_and_synced_before_its_file(tmp_path: Path, monkeypatch):
    """``later`` leaves the journal's fdatasync for ``write_held`` too (it
    cost as much as drawing the key's frame): the line is written at once
    -- a reader sees it, a kill keeps it (above) -- and synced before any
    file is written; an edit after it syncs it first as well."""
    import annotations.store.journal as journal

    root = tmp_path / "store"
    events: list[str] = []
    real_sync, real_write = journal.os.fdatasync, files.atomic_write
    monkeypatch.setattr(journal.os, "fdatasync", lambda fd: (events.append("sync"), real_sync(fd))[1])

    def atomic_write(path, data, **kwargs):
        if "articles" in str(path):
            events.append("file")
        return real_write(path, data, **kwargs)

    monkeypatch.setattr(files, "atomic_write", atomic_write)
    with Store(root, "writer") as store:
        events.clear()
        store.add_span("art0", TEXT, 16, 20, "PER", "entity", later=True)
        assert events == []  # written, neither synced nor filed yet
        assert b'"kind":"add"' in (root / "writer" / "journal.jsonl").read_bytes()
        store.write_held()
        assert events == ["sync", "file"]
        events.clear()
        store.add_span("art0", TEXT, 3, 8, "LOC", "entity", later=True)
        store.add_span("art0", TEXT, 36, 41, "ORG", "entity")  # the next edit: the held one first
        assert events == ["sync", "file", "sync", "file"]  # its own line synced before its file


def test_a_sync_that_fails_keeps_the_save_held_and_says_why(tmp_path: Path, monkeypatch):
    import annotations.store.journal as journal
    from annotations.errors import StoreSyncError

    def failing(fd):
        raise OSError(5, "Input/output error")

    root = tmp_path / "store"
    with Store(root, "writer") as store:
        span = store.add_span("art0", TEXT, 16, 20, "PER", "entity", later=True)
        real = journal.os.fdatasync
        monkeypatch.setattr(journal.os, "fdatasync", failing)
        with pytest.raises(StoreSyncError, match="cannot sync .*journal.jsonl to disk: Input/output error"):
            store.write_held()
        assert _file_spans(root, "art0") == []  # no file before its line is synced
        assert [s.id for s in store.spans("art0")] == [span.id]
        monkeypatch.setattr(journal.os, "fdatasync", real)
        store.write_held()
        assert _file_spans(root, "art0") == [TEXT[16:20]]
