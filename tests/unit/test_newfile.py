"""annotations/newfile.py: a new file made without a temporary name, whole
or not at all, never over a file made meanwhile; and the writers that use
it (an import's texts and new article files) where it cannot be had."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotations import newfile
from annotations.errors import FormatError
from annotations.formats.output import create_file

def test_a_new_file_is_made_whole_in_one_step(tmp_path: Path):
    assert newfile._function() is not None  # Linux, where the suite runs: O_TMPFILE and linkat
    target = tmp_path / "a1.txt"
    old = os.umask(0o022)
    try:
        written = newfile.create_new(str(target), "نص المقال".encode())
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == "نص المقال"
    assert os.listdir(tmp_path) == ["a1.txt"]  # no temporary name, ever
    info = target.stat()
    assert (written.st_ino, written.st_size, written.st_mtime_ns) == (info.st_ino, info.st_size, info.st_mtime_ns)
    assert info.st_nlink == 1 and info.st_mode & 0o777 == 0o644


def test_a_name_taken_is_refused_and_left_as_it_is(tmp_path: Path):
    target = tmp_path / "a1.txt"
    target.write_text("someone's", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "nowhere")
    for name in ("a1.txt", "link.txt"):
        with pytest.raises(FileExistsError):
            newfile.create_new(str(tmp_path / name), b"mine")
    assert target.read_text(encoding="utf-8") == "someone's" and not (tmp_path / "nowhere").exists()
    assert sorted(os.listdir(tmp_path)) == ["a1.txt", "link.txt"]
    with pytest.raises(FormatError, match="exists"):
        create_file(target, "mine")


def test_where_it_cannot_be_had_the_files_are_made_as_before(tmp_path: Path, monkeypatch):
    assert newfile.create_new(str(tmp_path / "no" / "folder.txt"), b"x") is None  # the caller makes the folder
    monkeypatch.setattr(newfile, "_function", lambda: None)
    assert newfile.create_new(str(tmp_path / "a.txt"), b"x") is None and not (tmp_path / "a.txt").exists()
    create_file(tmp_path / "sub" / "a2.txt", "نص")
    assert (tmp_path / "sub" / "a2.txt").read_text(encoding="utf-8") == "نص"
    with pytest.raises(FormatError, match="exists"):
        create_file(tmp_path / "sub" / "a2.txt", "other")


def test_an_import_writes_its_texts_and_new_article_files_without_temporary_names(tmp_path: Path, monkeypatch):
    """What the import makes is made through create_new (a temporary name
    would show in a listing taken meanwhile; here, in the calls made)."""
    from annotations.model import ArticleRecord, Span
    from annotations.store import Store, article_path
    from annotations.store.bulk_import import Importer

    made = []
    real = newfile.create_new

    def counting(path, data, mode=0o666):
        made.append(os.path.basename(path))
        return real(path, data, mode)

    monkeypatch.setattr("annotations.formats.output.create_new", counting)
    monkeypatch.setattr("annotations.store.articles.create_new", counting)
    text = "ذهب الوزير إلى بغداد أمس."
    start = text.index("بغداد")
    records = [ArticleRecord(f"a{n}", text, [Span(f"a{n}", start, start + 5, "LOC", "entity", "بغداد", "x")], [], "todo") for n in range(3)]
    with Store(tmp_path / "store", "ali") as st:
        importer = Importer(st)
        importer.add(records)
        importer.finish()
        st._writer().settle_writes()
        path = Path(article_path(tmp_path / "store" / "ali" / "articles", "a1"))
        assert os.path.samestat(path.stat(), Path(str(path) + ".bak").stat())
    create_file(tmp_path / "corpus" / "a1.txt", text)  # (the folder made first, as before)
    create_file(tmp_path / "corpus" / "a2.txt", text)
    assert sorted(made) == sorted([Path(article_path("", f"a{n}")).name for n in range(3)] + ["a1.txt", "a2.txt"])
