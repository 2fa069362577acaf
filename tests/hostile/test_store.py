"""Attacks on the store folder: deleted and deeply nested article files, a
journal that is a folder, text no UTF-8 file can hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.errors import AnnotationError, StoreCorruptError, StoreError
from annotations.store import Store, article_path, repair

from .helpers import SEED_ID, copy_seeds, run, tree

DEEP = b"[" * 100_000


def _annotated(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    root = tmp_path / "store"
    text = (corpus / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    with Store(root, "ali") as store:
        store.add_span(SEED_ID, text, 0, 4, "PER", "entity")
        store.add_span(SEED_ID, text, 6, 9, "ORG", "entity")
    return corpus, root, Path(article_path(root / "ali" / "articles", SEED_ID))


def test_deleted_article_file_is_reported_and_rebuilt_from_the_journal(tmp_path, capsys):
    corpus, root, shard = _annotated(tmp_path)
    kept = json.loads(shard.read_text(encoding="utf-8"))["spans"]
    shard.unlink()
    shard.with_name(shard.name + ".bak").unlink(missing_ok=True)
    code, out, err = run(capsys, "validate", corpus, "--store", root)
    assert code == 1 and "missing" in out and SEED_ID in out
    with Store(root, "ali") as store:
        with pytest.raises(StoreCorruptError, match="missing"):
            store.spans(SEED_ID)
    code, out, err = run(capsys, "validate", corpus, "--store", root, "--repair")
    assert code == 0, out + err
    assert "was missing" in err
    rebuilt = json.loads(shard.read_text(encoding="utf-8"))["spans"]
    assert sorted(d["id"] for d in rebuilt.values()) == sorted(d["id"] for d in kept.values())


def test_journal_that_is_a_folder_is_a_clear_error(tmp_path):
    root = tmp_path / "store"
    (root / "ali").mkdir(parents=True)
    (root / "ali" / "journal.jsonl").mkdir()
    with pytest.raises(StoreError, match="journal.jsonl"):
        Store(root, "ali")


def test_deeply_nested_article_file_is_damage(tmp_path, capsys):
    corpus, root, shard = _annotated(tmp_path)
    shard.write_bytes(DEEP)
    for command in ("stats", "export", "validate"):
        code, out, err = run(capsys, command, corpus, "--store", root)
        assert code != 0 and "nested too deeply" in out + err, (command, out, err)
    done = repair(root, "ali")
    assert any("rebuilt" in line for line in done)
    with Store(root, "ali", readonly=True) as store:
        assert [s.label for s in store.spans(SEED_ID)] == ["PER", "ORG"]


def test_deeply_nested_index_and_journal_lines(tmp_path):
    _, root, _ = _annotated(tmp_path)
    (root / "ali" / "index.json").write_bytes(DEEP)
    with Store(root, "ali") as store:  # the index is derived: rebuilt
        assert len(store.spans(SEED_ID)) == 2
    with open(root / "ali" / "journal.jsonl", "ab") as journal:
        journal.write(DEEP + b"\n")
    with pytest.raises(StoreCorruptError, match="nested too deeply"):
        Store(root, "ali")


def test_lone_surrogate_is_refused_by_the_store_and_changes_nothing(tmp_path):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.set_status("x", "done")
    before = tree(root)
    with Store(root, "ali") as store:
        with pytest.raises(AnnotationError, match="surrogate"):
            store.add_span("caf\udce9", "abc", 0, 1, "PER", "entity")
        with pytest.raises(AnnotationError, match="surrogate"):
            store.add_span("a", "x\ud800y", 0, 1, "PER", "entity")
    after = tree(root)
    assert {k: v for k, v in after.items() if k != "ali/lock"} == {k: v for k, v in before.items() if k != "ali/lock"}


def test_store_file_holding_a_lone_surrogate_is_damage(tmp_path, capsys):
    corpus, root, shard = _annotated(tmp_path)
    data = json.loads(shard.read_text(encoding="utf-8"))
    for span in data["spans"].values():
        span["label"] = "PER\ud800"
    shard.write_text(json.dumps(data), encoding="ascii")  # escaped: valid JSON, valid UTF-8
    code, out, err = run(capsys, "export", corpus, "--store", root, "-o", tmp_path / "o.jsonl")
    assert code != 0 and "lone surrogate" in err
    code, out, err = run(capsys, "validate", corpus, "--store", root)
    assert code != 0 and "lone surrogate" in out
    assert not (tmp_path / "o.jsonl").exists()
    done = repair(root, "ali")
    assert any("rebuilt" in line for line in done)
    with Store(root, "ali", readonly=True) as store:
        assert [s.label for s in store.spans(SEED_ID)] == ["PER", "ORG"]
