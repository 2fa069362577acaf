"""state.py on its own: an article's annotations as a value, the edits
applied to it and their inverses, and reading an article file's tables
(anything this store would not write is damage naming the file)."""

from __future__ import annotations

import copy
import random

import pytest

from annotations.errors import StoreCorruptError, StoreError
from annotations.model import ARTICLE, Span, fingerprint
from annotations.store.state import _State, _apply_state, _invert, _span_dict, _state_from_tables

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."
FP = fingerprint(TEXT)


def span_doc(start: int, end: int, label: str, kind: str = "entity", sid: str | None = None) -> dict:
    return _span_dict(
        Span("a1", start, end, label, kind, TEXT[start:end], "ali", id=sid or f"s{start}-{end}-{label}", created=1.5, updated=2.5)
    )


def word(text: str) -> tuple[int, int]:
    start = TEXT.index(text)
    return start, start + len(text)


BAGHDAD = span_doc(*word("بغداد"), "LOC", sid="s1")
MINISTER = span_doc(*word("وزير الصحة"), "PER", sid="s2")
HEALTH = span_doc(*word("الصحة العراقي"), "health", "theme", sid="s3")


def full_state() -> _State:
    return _State(
        "a1",
        FP,
        "in_progress",
        ("health", "training"),
        {d["id"]: dict(d) for d in (BAGHDAD, MINISTER, HEALTH)},
        seq=7,
        settled=("12:20:LOC",),
        notes={"s1": {"note": "which Baghdad?", "flagged": True}, ARTICLE: {"note": "", "flagged": True}},
    )


def empty_state() -> _State:
    return _State("a1")


def value(state: _State) -> tuple:
    """Everything a state holds but its journal seq."""
    return state.article_id, state.to_dict()


relabelled = dict(BAGHDAD, label="GPE", updated=3.5)
resized = dict(MINISTER, end=MINISTER["end"] + 8, text=TEXT[MINISTER["start"] : MINISTER["end"] + 8], updated=3.5)

# (name, state factory, op): every kind of edit the store journals, as it journals it
INVERTIBLE = [
    ("add to an empty article", empty_state, {"kind": "add", "span": BAGHDAD, "fp": [None, FP], "status": ["todo", "in_progress"]}),
    ("add", full_state, {"kind": "add", "span": span_doc(*word("2025"), "DATE")}),
    ("delete", full_state, {"kind": "delete", "span": BAGHDAD}),
    ("delete the last span of a done article", lambda: _State("a1", FP, "done", (), {"s1": dict(BAGHDAD)}), {"kind": "delete", "span": BAGHDAD}),
    ("relabel", full_state, {"kind": "update", "before": BAGHDAD, "after": relabelled}),
    ("resize", full_state, {"kind": "update", "before": MINISTER, "after": resized}),
    ("entity to theme", full_state, {"kind": "update", "before": BAGHDAD, "after": dict(BAGHDAD, kind="theme", label="place")}),
    ("theme on", full_state, {"kind": "theme", "label": "cooperation", "on": True}),
    ("theme off", full_state, {"kind": "theme", "label": "health", "on": False}),
    ("first theme", empty_state, {"kind": "theme", "label": "health", "on": True, "fp": [None, FP], "status": ["todo", "in_progress"]}),
    ("settle on", full_state, {"kind": "settle", "key": "30:40:ORG", "on": True}),
    ("settle off", full_state, {"kind": "settle", "key": "12:20:LOC", "on": False}),
    ("status", full_state, {"kind": "status", "status": ["in_progress", "done"]}),
    ("status back to todo", full_state, {"kind": "status", "status": ["in_progress", "todo"]}),
    ("new note on a span", full_state, {"kind": "note", "target": "s2", "before": {"note": "", "flagged": False}, "after": {"note": "title?", "flagged": False}}),
    ("note changed", full_state, {"kind": "note", "target": "s1", "before": {"note": "which Baghdad?", "flagged": True}, "after": {"note": "the city", "flagged": False}}),
    ("note cleared", full_state, {"kind": "note", "target": ARTICLE, "before": {"note": "", "flagged": True}, "after": {"note": "", "flagged": False}}),
    ("first note", empty_state, {"kind": "note", "target": ARTICLE, "before": {"note": "", "flagged": False}, "after": {"note": "check", "flagged": True}, "fp": [None, FP], "status": ["todo", "in_progress"]}),
]


EDIT = {name: op for name, _, op in INVERTIBLE}


@pytest.mark.parametrize("make, op", [(m, o) for _, m, o in INVERTIBLE], ids=[name for name, _, _ in INVERTIBLE])
def test_an_edit_then_its_inverse_gives_the_state_back(make, op):
    before = make()
    kept = copy.deepcopy(value(before))
    op_kept = copy.deepcopy(op)
    after = _apply_state(before, op, 8)
    assert after.seq == 8
    assert value(after) != value(before)  # the edit changed something
    back = _apply_state(after, _invert(op), 9)
    assert value(back) == kept and back.seq == 9
    assert value(before) == kept and op == op_kept  # applying changes neither the old state nor the edit
    assert _invert(_invert(op)) == op


def test_what_each_edit_does():
    state = full_state()
    assert _apply_state(state, EDIT["add"], 8).spans[EDIT["add"]["span"]["id"]]["label"] == "DATE"
    assert "s1" not in _apply_state(state, {"kind": "delete", "span": BAGHDAD}, 8).spans
    assert _apply_state(state, {"kind": "update", "before": BAGHDAD, "after": relabelled}, 8).spans["s1"] == relabelled
    assert _apply_state(state, {"kind": "theme", "label": "a", "on": True}, 8).themes == ("a", "health", "training")
    assert _apply_state(state, {"kind": "settle", "key": "0:1:X", "on": True}, 8).settled == ("0:1:X", "12:20:LOC")
    assert _apply_state(state, {"kind": "status", "status": ["in_progress", "done"]}, 8).status == "done"
    noted = _apply_state(state, EDIT["new note on a span"], 8)
    assert noted.live_notes()["s2"].note == "title?"
    # a deleted span's note stays, so undoing the delete brings it back; it is not live meanwhile
    deleted = _apply_state(state, {"kind": "delete", "span": BAGHDAD}, 8)
    assert "s1" in deleted.notes and "s1" not in deleted.live_notes()
    assert _apply_state(deleted, {"kind": "add", "span": BAGHDAD}, 9).live_notes()["s1"].flagged


def test_a_replace_makes_the_article_exactly_its_after_and_cannot_be_undone():
    after = _State("a1", FP, "done", ("x",), {"s9": span_doc(0, 3, "PER", sid="s9")}, settled=("0:3:PER",), notes={"s9": {"note": "n", "flagged": False}})
    op = {"kind": "replace", "after": after.to_dict()}
    for start in (empty_state(), full_state()):
        got = _apply_state(start, op, 12)
        assert value(got) == value(after) and got.seq == 12
    plain = _apply_state(full_state(), {"kind": "replace", "after": _State("a1", FP, "done").to_dict()}, 12)
    assert plain.settled == () and plain.notes == {} and plain.spans == {} and plain.themes == ()
    with pytest.raises(StoreError, match="'replace' cannot be undone"):
        _invert(op)


def _random_edit(state: _State, rng: random.Random) -> dict:
    """One edit the store could make on ``state`` (each one changes it)."""
    words = [(m, m + 3) for m in range(0, len(TEXT) - 3, 4)]
    choice = rng.randrange(7)
    if choice == 0 or not state.spans:
        start, end = rng.choice(words)
        doc = span_doc(start, end, rng.choice(["PER", "LOC"]), rng.choice(["entity", "theme"]), sid=f"n{rng.randrange(10**9)}")
        op = {"kind": "add", "span": doc}
    elif choice == 1:
        op = {"kind": "delete", "span": state.spans[rng.choice(sorted(state.spans))]}
    elif choice == 2:
        old = state.spans[rng.choice(sorted(state.spans))]
        op = {"kind": "update", "before": old, "after": dict(old, label=old["label"] + "x", updated=old["updated"] + 1)}
    elif choice == 3:
        label = rng.choice(["a", "b", "c"])
        op = {"kind": "theme", "label": label, "on": label not in state.themes}
    elif choice == 4:
        key = rng.choice(["0:3:PER", "4:7:LOC"])
        op = {"kind": "settle", "key": key, "on": key not in state.settled}
    elif choice == 5:
        new = rng.choice([s for s in ("todo", "in_progress", "done") if s != state.status])
        op = {"kind": "status", "status": [state.status, new]}
    else:
        target = rng.choice([ARTICLE, *sorted(state.spans)])
        old = state.notes.get(target, {"note": "", "flagged": False})
        new = {"note": old["note"] + "x", "flagged": not old["flagged"]} if rng.random() < 0.7 else {"note": "", "flagged": False}
        if new == old:
            new = {"note": "y", "flagged": False}
        op = {"kind": "note", "target": target, "before": old, "after": new}
    if state.fingerprint is None and op["kind"] != "status":
        op["fp"] = [None, FP]
    return op


def test_any_run_of_edits_undone_in_reverse_gives_the_first_state():
    rng = random.Random(5)
    for _ in range(200):
        states = [rng.choice([empty_state, full_state])()]
        ops = []
        for seq in range(rng.randint(1, 12)):
            op = _random_edit(states[-1], rng)
            ops.append(op)
            states.append(_apply_state(states[-1], op, seq + 1))
        state = states[-1]
        for op, earlier in zip(reversed(ops), reversed(states[:-1])):
            state = _apply_state(state, _invert(op), 99)
            assert value(state) == value(earlier)


# -- reading an article file's tables ---------------------------------------------


def tables(meta: dict | None = None, spans: dict | None = None) -> dict:
    data: dict = {"spans": {"1": dict(BAGHDAD), "2": dict(MINISTER)} if spans is None else spans}
    data["article"] = {"1": {"article_id": "a1", "fingerprint": FP, "status": "done", "themes": ["health"], "seq": 4, **(meta or {})}}
    return data


def test_tables_as_the_store_writes_them_read_back():
    state = _state_from_tables("a1", tables({"settled": ["1:2:X"], "notes": {"s1": {"note": "n", "flagged": True}}}), "a1.json")
    assert state == _State("a1", FP, "done", ("health",), {"s1": BAGHDAD, "s2": MINISTER}, 4, settled=("1:2:X",), notes={"s1": {"note": "n", "flagged": True}})
    assert [s.id for s in state.span_objects()] == ["s2", "s1"]  # in text order
    assert _state_from_tables("a1", {}, "a1.json") == _State("a1")
    assert _state_from_tables("a1", {"spans": {}, "article": {}}, "a1.json") == _State("a1")


def test_reading_tables_keeps_the_callers_documents_unless_owned():
    data = tables()
    state = _state_from_tables("a1", data, "a1.json")
    state.spans["s1"]["label"] = "changed"
    assert data["spans"]["1"]["label"] == "LOC"


@pytest.mark.parametrize(
    "data, problem",
    [
        (tables({"article_id": "a2"}), "it holds article 'a2', not 'a1'"),
        (tables({"status": "finished"}), "'finished' is not a valid Status"),
        (tables({"status": 3}), "3 is not a valid Status"),
        (tables({"themes": 5}), "themes 5 is not a list of names"),
        (tables({"themes": "health"}), "themes 'health' is not a list of names"),
        (tables({"themes": [1, None]}), "themes [1, None] is not a list of names"),
        (tables({"settled": "1:2:X"}), "settled '1:2:X' is not a list of names"),
        (tables({"fingerprint": 12}), "fingerprint 12 is not text"),
        (tables({"seq": "four"}), "seq 'four' is not a whole number"),
        (tables({"seq": "4"}), "seq '4' is not a whole number"),
        (tables({"seq": -1}), "seq -1 is not a whole number"),
        (tables({"notes": [1]}), '"notes" is not an object'),
        (tables({"notes": {"s1": {"note": 5}}}), "note on 's1'"),
        (tables({"notes": {"s1": {"flagged": "yes"}}}), "note on 's1'"),
        (tables(spans={"1": {k: v for k, v in BAGHDAD.items() if k != "start"}}), "'start'"),
        (tables(spans={"1": dict(BAGHDAD, end="x")}), "invalid literal for int()"),
        (tables(spans={"1": dict(BAGHDAD, start=None)}), "unexpected content"),
        (tables(spans={"first": dict(BAGHDAD)}), "invalid literal for int()"),
        ({"article": {"1": []}, "spans": {}}, "unexpected content"),
        ({"article": [], "spans": {}}, "unexpected content"),
    ],
)
def test_tables_the_store_would_not_write_are_damage_naming_the_file(tmp_path, data, problem):
    path = tmp_path / "articles" / "a1.json"
    with pytest.raises(StoreCorruptError) as info:
        _state_from_tables("a1", data, path)
    message = str(info.value)
    assert message.startswith(f"store file {path} is damaged: unexpected content (")
    assert problem in message and "it was not changed" in message and "hashiya validate --repair" in message
