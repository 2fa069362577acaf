"""The app's corpus index: a reopened folder gives exactly what open_corpus
gives, and any change to the folder is seen."""

from __future__ import annotations

import os
import shutil

from annotations.corpus import open_corpus
from tui.corpus_index import index_path, open_corpus_indexed

from .corpora import summary


def test_reopened_folder_matches_open_corpus(tmp_path, seeds_dir):
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin.txt").write_bytes(b"\xff\xfe bad bytes")
    first = open_corpus_indexed(folder)
    assert index_path(folder).exists()
    again = open_corpus_indexed(folder)
    assert not any(a.loaded for a in again.articles)  # texts stay lazy
    assert summary(again) == summary(first) == summary(open_corpus(folder))
    assert again.articles[0].path == folder / f"{again.articles[0].id}.txt"


def test_a_file_changed_while_indexing_is_read_again(tmp_path, seeds_dir, monkeypatch):
    import annotations.corpus as corpus_module

    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    target = sorted(folder.glob("*.txt"))[0]
    real_open = corpus_module.open_folder

    def open_then_change(path, stats=None):
        corpus = real_open(path, stats)
        stat = target.stat()
        target.write_text("تغيّر العنوان\n", encoding="utf-8")
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        return corpus

    monkeypatch.setattr(corpus_module, "open_folder", open_then_change)
    open_corpus_indexed(folder)
    monkeypatch.setattr(corpus_module, "open_folder", real_open)
    titles = {a.id: a.title for a in open_corpus_indexed(folder).articles}
    assert titles[target.stem] == "تغيّر العنوان"


def test_changes_to_the_folder_are_seen(tmp_path, seeds_dir):
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    open_corpus_indexed(folder)
    target = sorted(folder.glob("*.txt"))[0]
    stat = target.stat()
    target.write_text("عنوان جديد\n\nنص.", encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    (folder / "new.txt").write_text("مقال آخر\n", encoding="utf-8")
    reopened = open_corpus_indexed(folder)
    titles = {a.id: a.title for a in reopened.articles}
    assert titles[target.stem] == "عنوان جديد"
    assert titles["new"] == "مقال آخر"
    assert summary(reopened) == summary(open_corpus(folder))
    (folder / "new.txt").unlink()
    assert "new" not in {a.id for a in open_corpus_indexed(folder).articles}


def test_damaged_index_falls_back(tmp_path, seeds_dir):
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    open_corpus_indexed(folder)
    index_path(folder).write_text("{broken", encoding="utf-8")
    assert summary(open_corpus_indexed(folder)) == summary(open_corpus(folder))
    index_path(folder).write_text('{"stamp": 1, "files": []}', encoding="utf-8")
    assert summary(open_corpus_indexed(folder)) == summary(open_corpus(folder))
