"""index.py on its own: ``write_index`` then ``read_index`` gives back what
the annotator held; an index that is missing, damaged, of another format or
not as this store writes it reads as None (the store rebuilds it), and a
writer keeps a damaged one aside as ``index.json.damaged``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.model import Status
from annotations.store import Store
from annotations.store.index import FORMAT, read_index, write_index

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "store"


def fill(store: Store) -> None:
    store.add_span("a1", TEXT, 4, 8, "PER", "entity")
    store.add_span("a1", TEXT, 27, 32, "LOC", "entity")
    store.toggle_theme("a2", "health", TEXT)
    store.set_note("a2", note="check the date", flagged=True, article_text=TEXT)
    store.set_status("a3", Status.DONE)
    store.add_span("a4", TEXT, 4, 8, "PER", "entity")
    store.undo()


def test_write_then_read_gives_what_the_annotator_holds(root: Path):
    with Store(root, "ali") as store:
        fill(store)
        ann = store._own
        write_index(ann)
        assert ann.snapshot_seq == ann.seq
        for writer in (False, True):
            snap = read_index(ann.index_path, writer=writer)
            assert snap is not None and snap["format"] == FORMAT
            assert snap["seq"] == ann.seq and snap["journal_pos"] == ann.journal.size
            assert snap["undo"] == ann.undo_stack and snap["redo"] == ann.redo_stack
            assert len(snap["undo"]) == 5 and len(snap["redo"]) == 1
            assert set(snap["flagged"]) == ann.flagged == {"a2"}
            assert {aid: row[:4] for aid, row in snap["articles"].items()} == ann.summary
            assert snap["articles"]["a1"][:2] == [2, "in_progress"] and snap["articles"]["a3"][1] == "done"


def test_a_missing_index_is_none_and_nothing_is_made(tmp_path: Path):
    path = tmp_path / "index.json"
    assert read_index(path, writer=True) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("raw", [b"{garbage", b"", b"  \n", b"\xff\xfe{}", b'{"format": 1, "a": "\\ud800"}', b"[" * 100_000])
def test_a_damaged_index_is_none_and_a_writer_keeps_it_aside(tmp_path: Path, raw: bytes):
    path = tmp_path / "index.json"
    path.write_bytes(raw)
    assert read_index(path, writer=False) is None
    assert path.read_bytes() == raw and not path.with_name("index.json.damaged").exists()  # a reader moves nothing
    assert read_index(path, writer=True) is None
    assert not path.exists() and path.with_name("index.json.damaged").read_bytes() == raw


def written(root: Path) -> dict:
    with Store(root, "ali") as store:
        fill(store)
    return json.loads((root / "ali" / "index.json").read_text(encoding="utf-8"))


def drop(key: str):
    return lambda snap: snap.pop(key)


def put(key: str, value):
    return lambda snap: snap.update({key: value})


def first_article(change):
    def apply(snap):
        aid = sorted(snap["articles"])[0]
        snap["articles"][aid] = change(snap["articles"][aid])
    return apply


CHANGES = {
    "another format": put("format", FORMAT + 1),
    "no format": drop("format"),
    "no seq": drop("seq"),
    "no journal_pos": drop("journal_pos"),
    "no articles": drop("articles"),
    "no undo": drop("undo"),
    "no redo": drop("redo"),
    "seq no number": put("seq", "many"),
    "journal_pos null": put("journal_pos", None),
    "undo no list": put("undo", {"a": 1}),
    "redo no list": put("redo", "x"),
    "articles a list": put("articles", []),
    "flagged a number": put("flagged", 5),
    "article row short": first_article(lambda row: row[:2]),
    "article count no number": first_article(lambda row: ["two", *row[1:]]),
    "article theme count no number": first_article(lambda row: [*row[:3], "many"]),
    "article row a number": first_article(lambda row: 3),
}


@pytest.mark.parametrize("change", list(CHANGES.values()), ids=list(CHANGES))
def test_an_index_not_as_this_store_writes_it_is_none_and_kept(root: Path, change):
    snap = written(root)
    path = root / "ali" / "index.json"
    assert read_index(path, writer=True) is not None  # as written: good
    change(snap)
    raw = json.dumps(snap).encode()
    path.write_bytes(raw)
    assert read_index(path, writer=True) is None
    assert path.read_bytes() == raw and not path.with_name("index.json.damaged").exists()  # valid JSON: nothing set aside


@pytest.mark.parametrize("value", [[], "index", 1, None])
def test_json_that_is_no_object_is_none(tmp_path: Path, value):
    path = tmp_path / "index.json"
    path.write_text(json.dumps(value))
    assert read_index(path, writer=True) is None


def test_the_store_rebuilds_from_the_article_files_what_a_refused_index_held(root: Path):
    snap = written(root)
    with Store(root, "ali", readonly=True) as store:
        expected = (store.span_counts(), store.statuses(), store.flagged_articles())
    assert expected[2] == {"a2"} and len(expected[0]) == 1
    snap["format"] = FORMAT + 1
    (root / "ali" / "index.json").write_text(json.dumps(snap))
    with Store(root, "ali") as store:
        assert (store.span_counts(), store.statuses(), store.flagged_articles()) == expected
    # the writer wrote a good index again on closing
    assert read_index(root / "ali" / "index.json", writer=False)["format"] == FORMAT
