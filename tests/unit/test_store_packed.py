"""A read-only view keeps index.json's articles packed (PackedSummary) and
answers every question as a writer's dict does: counts, statuses,
fingerprints, annotated ids, and what the journal changed after the index;
an index not exactly as the store writes it is read as before."""

from __future__ import annotations

import json
from pathlib import Path

from annotations.model import Status
from annotations.store import Store, open_for_reading
from annotations.store.packed import PackedSummary

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025."
OTHER = TEXT + " وأضاف."


def fill(root: Path) -> None:
    with Store(root, "ali") as store:
        store.add_span("a1", TEXT, 4, 8, "PER", "entity")
        store.add_span("a1", TEXT, 27, 32, "LOC", "entity")
        store.toggle_theme("a2", "health", TEXT)
        store.set_status("a3", Status.DONE)  # no text: no fingerprint
        store.set_note("ب4", note="check", flagged=True, article_text=OTHER)
        store.add_span("a5", TEXT, 4, 8, "PER", "entity")
        store.delete_span(store.spans("a5")[0].id)  # back to nothing: in the index, not annotated
        store.set_status("a5", Status.TODO)


def answers(store: Store, name: str = "ali") -> dict:
    ids = ["a1", "a2", "a3", "ب4", "a5", "a6"]
    return {
        "statuses": store.statuses(name),
        "counts": store.span_counts(name),
        "article_ids": store.article_ids(name),
        "annotated": set(store.annotated(name)),
        "status": [store.status(aid, name) for aid in ids],
        "fingerprints": [store.fingerprint(aid, name) for aid in ids],
        "flagged": store.flagged_articles(name),
    }


def test_a_reader_packs_the_index_and_answers_as_the_writer(tmp_path: Path):
    root = tmp_path / "store"
    fill(root)
    with Store(root, "ali") as writer:
        expected = answers(writer)
        rows = dict(writer._own.summary)
    assert expected["article_ids"] == ["a1", "a2", "a3", "ب4"]
    with open_for_reading(root, "reader") as reader:
        assert answers(reader) == expected
        summary = reader._view("ali").summary
        assert type(summary) is PackedSummary
        assert dict(summary.items()) == rows and len(summary) == len(rows) == 5
        assert summary.get("nothing") is None and "nothing" not in summary


def test_what_the_journal_holds_after_the_index_is_seen(tmp_path: Path):
    root = tmp_path / "store"
    fill(root)
    with Store(root, "ali") as writer:
        with open_for_reading(root, "reader") as reader:
            assert type(reader._view("ali").summary) is PackedSummary
            writer.add_span("a6", TEXT, 4, 8, "PER", "entity")  # a new article
            writer.set_status("a1", Status.DONE)
            writer.toggle_theme("a2", "health", TEXT)  # a2 left with no theme
            assert answers(reader) == answers(writer)
            assert set(reader.annotated("ali")) == {"a1", "a2", "a3", "ب4", "a6"}  # a2: in progress
            assert [r.id for r in reader.records(_Corpus(["a1", "a5", "a6", "a2"]), ["ali"])] == ["a1", "a6", "a2"]


def test_an_index_not_as_the_store_writes_it_is_read_as_before(tmp_path: Path):
    root = tmp_path / "store"
    fill(root)
    with Store(root, "ali") as writer:
        expected = answers(writer)
    path = root / "ali" / "index.json"
    data = json.loads(path.read_bytes())
    for raw in (
        json.dumps(data, ensure_ascii=True, sort_keys=True).encode(),  # escapes in the ids
        json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode(),  # not compact
    ):
        path.write_bytes(raw)
        with open_for_reading(root, "reader") as reader:
            assert type(reader._view("ali").summary) is dict
            assert answers(reader) == expected


def test_an_index_entry_out_of_shape_is_read_as_before(tmp_path: Path, monkeypatch):
    """Entries the packed read refuses: the reader answers as the full read
    of the index does (trusting it, or rebuilding from the files)."""
    import annotations.store.packed as packed

    root = tmp_path / "store"
    fill(root)
    path = root / "ali" / "index.json"
    raw = path.read_bytes()
    for bad in (raw.replace(b'"a1":[2,', b'"a1":[-2,'), raw.replace(b'"a1":[2,', b'"a1":["2",'),
                raw.replace(b'"a1":[', b'"a1":[2,[],'), raw.replace(b'"articles":{', b'"articles":{"a1":[0,"todo",null,0],'),
                raw.replace(b'"a2":[0,', b'"a2":[0 ,')):
        path.write_bytes(bad)
        with open_for_reading(root, "reader") as reader:
            got = answers(reader)
            assert type(reader._view("ali").summary) is not PackedSummary
        with monkeypatch.context() as patch:
            patch.setattr(packed, "read_packed", lambda path: None)
            with open_for_reading(root, "reader") as reader:
                assert answers(reader) == got


class _Corpus(list):
    """Articles with ids and a text, as Store.records reads them."""

    def __init__(self, ids):
        super().__init__(_Article(aid) for aid in ids)


class _Article:
    metadata: dict = {}

    def __init__(self, article_id):
        self.id, self.text = article_id, TEXT


# -- a writer's summary, packed at a checkpoint --------------------------------
def _rows(n: int) -> dict:
    statuses = ["todo", "in_progress", "done"]
    return {
        f"a{i:05d}": [i % 7, statuses[i % 3], None if i % 5 == 0 else f"fp{i}", i % 2]
        for i in range(n)
    }


def test_fold_and_index_entries_give_exactly_what_one_dump_gives():
    from annotations.store.files import dump_json
    from annotations.store.packed import fold, index_entries

    rows = _rows(5000)
    rows["ب"] = [1, "done", "fp-ب", 0]  # not ASCII: after every Latin id
    rows['q"\\x'] = [2, "todo", None, 1]  # escaped in JSON
    packed = fold(rows)
    assert type(packed) is PackedSummary and packed.changed() == 0
    assert dict(packed.items()) == rows and list(packed) == sorted(rows)
    whole = dump_json(rows)
    assert b"{" + b"".join(index_entries(packed)) + b"}" == whole
    assert b"{" + b"".join(index_entries(rows)) + b"}" == whole
    assert b"".join(index_entries({})) == b""
    # what changed since: replaced, removed, added before, between and after
    packed["a00010"] = [9, "done", "new", 3]
    del packed["a00011"]
    packed["a"] = [1, "todo", None, 0]
    packed["a00010x"] = [1, "todo", "x", 0]
    packed["zz"] = [1, "todo", "z", 0]
    expected = dict(rows)
    expected.update({"a00010": [9, "done", "new", 3], "a": [1, "todo", None, 0],
                     "a00010x": [1, "todo", "x", 0], "zz": [1, "todo", "z", 0]})
    del expected["a00011"]
    assert packed.changed() == 5
    assert b"{" + b"".join(index_entries(packed)) + b"}" == dump_json(expected)
    again = fold(packed)
    assert again.changed() == 0 and dict(again.items()) == expected and list(again) == sorted(expected)


def test_rows_added_after_the_last_id_are_appended_to_a_folded_summary(monkeypatch):
    """An import of ids in order: the next fold appends the new rows to the
    blocks (the ids held are not hashed and sorted again) and gives what a
    fold from scratch gives; anything else is folded from scratch."""
    from annotations.packed import PackedStrings
    from annotations.store import packed as module
    from annotations.store.packed import fold, index_entries
    from annotations.store.files import dump_json

    rows = _rows(3000)
    folded = fold(rows)
    more = {f"b{n:05d}": [n % 7, "done" if n % 2 else "in_progress", f"fp{n}" if n % 3 else None, n % 2] for n in range(1000)}  # (4,000 ids: positions of 12 bits still)
    for article_id, row in more.items():
        folded[article_id] = row
    expected = {**rows, **more}
    made = []
    monkeypatch.setattr(module, "pack_rows", lambda rows: made.append(1) or PackedSummary(PackedStrings(), [], b"", [], None, []))
    again = fold(folded)
    assert not made  # appended: no fold from scratch
    assert again.changed() == 0 and dict(again.items()) == expected and list(again) == sorted(expected)
    assert all(again._ids.find(article_id) == n for n, article_id in enumerate(sorted(expected)))
    assert again._ids.find("b99999") == -1 and again._ids.distinct == len(expected)
    assert b"{" + b"".join(index_entries(again)) + b"}" == dump_json(expected)
    monkeypatch.undo()
    # an id before the last, or one removed: folded from scratch, as before
    for change in ({"a00000x": [1, "todo", None, 0]}, {"b00001": None}):
        other = fold(dict(expected))
        for article_id, row in change.items():
            if row is None:
                del other[article_id]
            else:
                other[article_id] = row
        want = {**expected, **change}
        want = {k: v for k, v in want.items() if v is not None}
        assert dict(fold(other).items()) == want and list(fold(other)) == sorted(want)


def test_blocks_not_in_id_order_are_sorted_when_folded():
    from annotations.store.packed import fold, pack_rows

    rows = _rows(50)
    shuffled = pack_rows(sorted(rows.items(), reverse=True))
    shuffled["a00001"] = [5, "done", "f", 0]
    rows["a00001"] = [5, "done", "f", 0]
    folded = fold(shuffled)
    assert list(folded) == sorted(rows) and dict(folded.items()) == rows


def test_a_large_writer_packs_its_summary_and_goes_on_saving(tmp_path: Path, monkeypatch):
    """Past FOLD_AT rows a checkpoint packs the writer's summary; saves after
    it change it as they changed the dict, the index written from it reads
    back the same, and a writer opened again sees it all."""
    from annotations.store import packed

    monkeypatch.setattr(packed, "FOLD_AT", 3)
    root = tmp_path / "store"
    fill(root)
    with Store(root, "ali") as writer:
        own = writer._own
        rows = dict(own.summary)
        own.write_snapshot()
        assert type(own.summary) is PackedSummary and dict(own.summary.items()) == rows
        writer.add_span("a6", TEXT, 4, 8, "PER", "entity")
        writer.set_status("a1", Status.DONE)
        writer.toggle_theme("a2", "health", TEXT)
        expected = answers(writer)
        rows = dict(own.summary.items())
        assert rows["a6"][0] == 1 and rows["a1"][1] == "done" and rows["a2"][3] == 0
        own.write_snapshot()
        assert type(own.summary) is PackedSummary and own.summary.changed() == 0
        index = json.loads((root / "ali" / "index.json").read_text(encoding="utf-8"))
        assert index["articles"] == rows and list(index["articles"]) == sorted(rows)
    with Store(root, "ali") as writer:
        assert answers(writer) == expected
        assert writer._own.recovery == []  # the index was taken as it is, not rebuilt
    with open_for_reading(root, "reader") as reader:
        assert answers(reader) == expected
