"""files.py on its own (its JSON reader is tests/unit/test_store_json.py):
opening without links, atomic writes with their backup, leftovers of cut
saves, JSON files read with damage named, the TinyDB storage of an article
file, and the article id a file belongs to."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tinydb import TinyDB

from annotations.errors import StoreCorruptError, StoreError
from annotations.store.articles import shard_name
from annotations.store.files import (
    ShardStorage,
    article_id_from_file,
    atomic_write,
    backup_path,
    load_json_file,
    open_nofollow,
    read_nofollow,
    remove_leftovers,
    shard_corrupt,
)


def test_a_link_is_never_opened(tmp_path: Path):
    target = tmp_path / "target"
    target.write_bytes(b"precious")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(StoreError, match=f"{link} is a symbolic link"):
        open_nofollow(link, os.O_WRONLY)
    with pytest.raises(StoreError, match="symbolic link"):
        read_nofollow(link)
    assert target.read_bytes() == b"precious"


def test_atomic_write_through_a_link_replaces_the_link_not_its_target(tmp_path: Path):
    target = tmp_path / "target"
    target.write_bytes(b"precious")
    link = tmp_path / "a.json"
    link.symlink_to(target)
    atomic_write(link, b"new", backup=True)
    assert target.read_bytes() == b"precious"
    assert not link.is_symlink() and link.read_bytes() == b"new"


def test_read_nofollow(tmp_path: Path):
    path = tmp_path / "f"
    assert read_nofollow(path) is None
    path.write_bytes(b"0123456789")
    seen: list[int] = []
    assert read_nofollow(path, 4, seen) == b"456789" and seen == [path.stat().st_ino]
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(StoreError, match=f"cannot read {fifo}: not a regular file"):
        read_nofollow(fifo)  # refused without waiting for a writer
    with pytest.raises(StoreError, match=f"cannot read {tmp_path}"):
        read_nofollow(tmp_path)


def test_atomic_write_with_backup(tmp_path: Path):
    path = tmp_path / "a.json"
    atomic_write(path, b"one", backup=True)
    assert path.read_bytes() == b"one" and not backup_path(path).exists()  # nothing to keep yet
    atomic_write(path, b"two", backup=True)
    assert path.read_bytes() == b"two" and backup_path(path).read_bytes() == b"one"
    atomic_write(path, b"three")
    assert path.read_bytes() == b"three" and backup_path(path).read_bytes() == b"one"  # kept as it was
    atomic_write(path, b"four", backup=True, durable=False)
    assert backup_path(path).read_bytes() == b"three"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "a.json.bak"]  # no temp file left


def test_atomic_write_replaces_a_leftover_temp_file_or_link(tmp_path: Path):
    path = tmp_path / "a.json"
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    (tmp_path / f".a.json.{os.getpid()}.tmp").symlink_to(victim)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new" and victim.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "victim"]


def test_a_failed_atomic_write_is_a_store_error_and_leaves_no_temp_file(tmp_path: Path):
    path = tmp_path / "a.json"
    path.mkdir()
    (path / "inside").write_bytes(b"kept")
    with pytest.raises(StoreError, match=f"cannot write {path}: "):
        atomic_write(path, b"new")
    assert (path / "inside").read_bytes() == b"kept" and os.listdir(tmp_path) == ["a.json"]


def test_remove_leftovers_removes_only_temp_files(tmp_path: Path):
    names = [".a.json.12.tmp", ".b.json.7.baktmp", "a.json", "a.json.bak", ".hidden", "x.tmp", ".c.json.1.tmp.keep"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    assert remove_leftovers(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:])
    assert remove_leftovers(tmp_path / "missing") == 0


@pytest.mark.parametrize(
    "raw, problem",
    [
        (b"", "the file is empty"),
        (b" \n\t", "the file is empty"),
        (b'{"a": "\xff"}', "not valid UTF-8 (byte 7)"),
        (b'{"a": ', "not valid JSON (Expecting value; line 1 column 7)"),
        (b'{"a": "\\udc00"}', "it holds a lone surrogate (text no UTF-8 file can hold)"),
    ],
)
def test_load_json_file_names_the_file_and_the_damage(tmp_path: Path, raw: bytes, problem: str):
    path = tmp_path / "index.json"
    path.write_bytes(raw)
    with pytest.raises(StoreCorruptError) as info:
        load_json_file(path, "index")
    assert str(info.value) == f"index {path} is damaged: {problem}"


def test_load_json_file(tmp_path: Path):
    path = tmp_path / "index.json"
    assert load_json_file(path, "index") is None
    path.write_text('{"a": [1, "نص"]}', encoding="utf-8")
    assert load_json_file(path, "index") == {"a": [1, "نص"]}


def test_shard_corrupt_says_how_to_rebuild(tmp_path: Path):
    path = tmp_path / "a.json"
    message = str(shard_corrupt(path, "`hashiya validate --repair`", "not valid JSON"))
    assert message == f"store file {path} is damaged: not valid JSON; it was not changed. `hashiya validate --repair` rebuilds the file from the journal"
    backup_path(path).write_bytes(b"{}")
    message = str(shard_corrupt(path, "`fix`", "x"))
    assert message.endswith(f"an earlier version is kept in {path}.bak; `fix` rebuilds the file from it and the journal")


# -- the TinyDB storage of one article file ---------------------------------------


def test_a_batch_of_tinydb_operations_is_one_write(tmp_path: Path, monkeypatch):
    path = tmp_path / "a.json"
    db = TinyDB(path, storage=ShardStorage)
    writes: list[bytes] = []
    import annotations.store.files as files

    real = files.atomic_write
    monkeypatch.setattr(files, "atomic_write", lambda p, data, **kw: (writes.append(data), real(p, data, **kw)))
    with db.storage.batch():
        db.table("spans").insert({"n": 1})
        db.table("spans").insert({"n": 2})
        db.table("article").insert({"status": "done"})
    assert len(writes) == 1
    assert json.loads(path.read_text()) == {"spans": {"1": {"n": 1}, "2": {"n": 2}}, "article": {"1": {"status": "done"}}}
    db.table("spans").insert({"n": 3})  # outside a batch: a write each
    assert len(writes) == 2


def test_a_batch_that_fails_writes_nothing_and_forgets_it(tmp_path: Path):
    path = tmp_path / "a.json"
    db = TinyDB(path, storage=ShardStorage)
    db.table("spans").insert({"n": 1})
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with db.storage.batch():
            db.table("spans").insert({"n": 2})
            raise RuntimeError("cut off")
    assert path.read_bytes() == before
    assert [d["n"] for d in db.table("spans").all()] == [1]  # read again from the file


def test_a_reader_sees_what_a_writer_wrote_and_cannot_write(tmp_path: Path):
    path = tmp_path / "a.json"
    writer = TinyDB(path, storage=ShardStorage)
    reader = TinyDB(path, storage=ShardStorage, readonly=True)
    assert reader.table("spans").all() == []
    writer.table("spans").insert({"n": 1})
    assert [d["n"] for d in reader.table("spans").all()] == [1]
    writer.table("spans").insert({"n": 2})
    assert [d["n"] for d in reader.table("spans").all()] == [1, 2]
    with pytest.raises(StoreError, match="read-only"):
        reader.table("spans").insert({"n": 3})
    assert len(json.loads(path.read_text())["spans"]) == 2


def test_a_damaged_file_is_never_written_over(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_bytes(b'{"spans": ')
    db = TinyDB(path, storage=ShardStorage, hint="`repair`")
    with pytest.raises(StoreCorruptError, match=f"store file {path} is damaged: not valid JSON"):
        db.table("spans").insert({"n": 1})
    assert path.read_bytes() == b'{"spans": '


# -- which article a file belongs to ----------------------------------------------


@pytest.mark.parametrize("article_id", ["a1", "a b", "مقال/1", "~x", ".hidden", "a.bak", "ش" * 200])
def test_the_article_id_of_a_file_written_by_the_store(tmp_path: Path, article_id: str):
    name = shard_name(article_id)
    path = tmp_path / name
    path.write_text(json.dumps({"article": {"1": {"article_id": article_id}}, "spans": {}}), encoding="utf-8")
    assert article_id_from_file(path, name) == article_id


@pytest.mark.parametrize("article_id", ["a b", "مقال/1", ".hidden", "a.bak"])
def test_the_article_id_of_an_encoded_name_without_its_record(tmp_path: Path, article_id: str):
    name = shard_name(article_id)
    path = tmp_path / name
    path.write_text("{}", encoding="utf-8")  # no article document: the name says it
    assert article_id_from_file(path, name) == article_id
    path.unlink()
    assert article_id_from_file(path, name) == article_id


def test_a_hashed_name_without_its_record_names_no_article(tmp_path: Path):
    name = shard_name("ش" * 200)
    assert article_id_from_file(tmp_path / name, name) is None
