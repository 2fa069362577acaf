"""articles.py on its own: the names of article files and one article as a
small TinyDB file (``_Shard``), whose state is what applying the edits to
a value gives, and what a fresh reader of the file reads back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import StoreCorruptError, StoreError
from annotations.model import ARTICLE, Span, fingerprint
from annotations.store.articles import _Shard, shard_name
from annotations.store.state import _State, _apply_state, _span_dict

TEXT = "أعلنت وزارة الصحة في الأردن عن برنامج لتدريب الكوادر الطبية."
FP = fingerprint(TEXT)

PLAIN_IDS = ["a1", "a-1_2", "0", "-", "art.2024.01", "a.json", "_x", "x" * 120]
ODD_IDS = [
    "A", "A-1_2", "~a", "a b", "a%20b", "a/b", "a\\b", "..", ".", ".hidden", "a.bak", "a.damaged", "a.json.bak",
    "مقال-1", "a\x00b", "a\nb", "x" * 121, "ش" * 40, "ش" * 41, "", " ", "~", "%7E", "a~b",
]


@pytest.mark.parametrize("article_id", PLAIN_IDS)
def test_plain_ids_are_kept(article_id):
    assert shard_name(article_id) == article_id + ".json"


def check_name(name: str) -> None:
    assert name.endswith(".json") and len(name) > len(".json")
    assert "/" not in name and "\x00" not in name and "\\" not in name and "\n" not in name
    assert not name.startswith(".") and name not in (".json", "..json")
    assert len(name.encode("utf-8")) <= 255  # one file name on any common file system


@pytest.mark.parametrize("article_id", ODD_IDS)
def test_other_ids_are_encoded_as_one_safe_file_name(article_id):
    name = shard_name(article_id)
    check_name(name)
    assert name.startswith("~") and name != article_id + ".json"  # encoded, never used as it is
    # an encoded name never looks like a plain one
    assert name not in {shard_name(plain) for plain in PLAIN_IDS}


def test_no_two_ids_share_a_name():
    ids = ODD_IDS + PLAIN_IDS + ["A1", "a1.json", "~a1", "a1 ", "%61", "a" * 200, "a" * 200 + "b", "ش" * 41 + "x", "ش" * 41 + "y"]
    names = [shard_name(i) for i in ids]
    assert len(set(names)) == len(ids)


def test_long_ids_are_hashed_to_a_bounded_name():
    base = "وزارة الصحة " * 30
    first, second = shard_name(base + "1"), shard_name(base + "2")
    assert first != second
    assert len(first) == len(second) <= 110  # '~', 60 encoded characters, '~', 20 of a hash, '.json'
    assert first[:61] == second[:61]  # the same start: only the hash tells them apart
    assert shard_name(base + "1") == first  # the same id always gets the same name


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=150), st.text(min_size=0, max_size=150))
def test_any_two_ids_get_two_names(a, b):
    name_a, name_b = shard_name(a), shard_name(b)
    check_name(name_a)
    assert (name_a == name_b) == (a == b)


# -- one article file ------------------------------------------------------------


def span(start: int, end: int, label: str, kind: str = "entity", sid: str | None = None) -> dict:
    return _span_dict(Span("a1", start, end, label, kind, TEXT[start:end], "ali", id=sid or f"{label}{start}", created=1.0, updated=2.0))


def edits() -> list[dict]:
    first, second = span(0, 5, "PER", sid="p"), span(6, 11, "ORG", sid="o")
    return [
        {"kind": "add", "span": first, "fp": [None, FP], "status": ["todo", "in_progress"]},
        {"kind": "add", "span": second},
        {"kind": "theme", "label": "health", "on": True},
        {"kind": "settle", "key": "12:17:LOC", "on": True},
        {"kind": "note", "target": "p", "before": {"note": "", "flagged": False}, "after": {"note": "who?", "flagged": True}},
        {"kind": "note", "target": ARTICLE, "before": {"note": "", "flagged": False}, "after": {"note": "long", "flagged": False}},
        {"kind": "update", "before": second, "after": dict(second, label="GPE", updated=3.0)},
        {"kind": "status", "status": ["in_progress", "done"]},
        {"kind": "delete", "span": first},
        {"kind": "settle", "key": "12:17:LOC", "on": False},
        {"kind": "note", "target": ARTICLE, "before": {"note": "long", "flagged": False}, "after": {"note": "", "flagged": False}},
        {"kind": "note", "target": "p", "before": {"note": "who?", "flagged": True}, "after": {"note": "", "flagged": False}},
        {"kind": "replace", "after": _State("a1", FP, "in_progress", ("x",), {"n": span(18, 20, "LOC", sid="n")}, settled=("0:5:PER",), notes={"n": {"note": "k", "flagged": False}}).to_dict()},
        {"kind": "replace", "after": _State("a1", FP, "done").to_dict()},
        {"kind": "theme", "label": "y", "on": True},
    ]


def value(state: _State) -> tuple:
    return state.article_id, state.seq, state.to_dict(), [s.to_dict() for s in state.span_objects()]


@pytest.mark.parametrize("article_id", ["a1", "مقال/1"])
def test_a_shard_holds_what_the_edits_give_and_a_reader_reads_it_back(tmp_path: Path, article_id: str):
    path = tmp_path / shard_name(article_id)
    writer = _Shard(path, article_id, readonly=False)
    reader = _Shard(path, article_id, readonly=True)
    assert writer.state() == _State(article_id) and not path.exists()
    expected = _State(article_id)
    for seq, op in enumerate(edits(), 1):
        writer.apply(op, seq)
        expected = _apply_state(expected, op, seq)
        assert value(writer.state()) == value(expected), op["kind"]
        assert value(reader.state()) == value(expected), op["kind"]  # the file, read afresh
        fresh = _Shard(path, article_id, readonly=True)
        assert value(fresh.state()) == value(expected)
        fresh.close()
    writer.close()
    reader.close()


def test_a_read_only_shard_refuses_to_write(tmp_path: Path):
    path = tmp_path / "a1.json"
    writer = _Shard(path, "a1", readonly=False)
    writer.apply(edits()[0], 1)
    before = path.read_bytes()
    reader = _Shard(path, "a1", readonly=True)
    with pytest.raises(StoreError, match="read-only"):
        reader.apply(edits()[1], 2)
    assert path.read_bytes() == before
    assert len(reader.state().spans) == 1


def test_a_damaged_file_is_named_and_never_written_over(tmp_path: Path):
    path = tmp_path / "a1.json"
    path.write_bytes(b'{"spans": {"1": {"start": 0}}, "article": {}}')
    shard = _Shard(path, "a1", readonly=False)
    with pytest.raises(StoreCorruptError, match=f"store file {path} is damaged: unexpected content"):
        shard.state()
    with pytest.raises(StoreCorruptError):
        shard.apply(edits()[0], 1)
    assert path.read_bytes() == b'{"spans": {"1": {"start": 0}}, "article": {}}'


def test_a_file_of_another_article_is_damage(tmp_path: Path):
    path = tmp_path / "a1.json"
    _Shard(path, "a2", readonly=False).apply(edits()[2], 1)
    with pytest.raises(StoreCorruptError, match="it holds article 'a2', not 'a1'"):
        _Shard(path, "a1", readonly=True).state()
