"""The review comparison (annotations.curation): agreements, the three
sorts of disagreement, gold's state at each place, and taking versions into
a gold store with undo."""

from __future__ import annotations

from annotations.agreement import adjudicate
from annotations.curation import (
    AGREED, DOCUMENT, EXTENT, GOLD, LABEL, NONE, ONLY, OPEN, OWN, TAKEN, compare, load, places, take,
    take_agreements,
)
from annotations.model import ArticleRecord, Span
from annotations.store import Store

TEXT = "زار محمد علي بغداد ثم سافر إلى القاهرة يوم الأحد مع وزير الصحة"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def span(name: str, word: str, label: str, kind: str = "entity") -> Span:
    start, end = at(word)
    return Span("a1", start, end, label, kind, TEXT[start:end], name)


def record(name: str, spans: list[Span], themes=()) -> ArticleRecord:
    return ArticleRecord("a1", TEXT, spans, list(themes), annotator=name)


ALICE = record("alice", [
    span("alice", "محمد علي", "PER"),      # agreed
    span("alice", "بغداد", "GPE"),         # label: bob says LOC
    span("alice", "القاهرة", "GPE"),       # extent: bob takes إلى القاهرة
    span("alice", "يوم الأحد", "DATE"),    # only alice
], themes=["cooperation", "training"])
BOB = record("bob", [
    span("bob", "محمد علي", "PER"),
    span("bob", "بغداد", "LOC"),
    span("bob", "إلى القاهرة", "GPE"),
    span("bob", "وزير الصحة", "TITLE"),    # only bob
], themes=["cooperation"])


def by_place(review):
    return {(item.what, item.start, item.end, item.kind): item for item in review.items}


def test_agreements_and_each_sort_of_disagreement():
    review = compare("a1", TEXT, {"alice": ALICE, "bob": BOB}, ["alice", "bob"])
    sorts = {(item.sort, item.label) for item in review.items}
    assert sorts == {
        (AGREED, "PER"), (LABEL, "GPE/LOC"), (EXTENT, "GPE"), (ONLY, "DATE"), (ONLY, "TITLE"),
        (AGREED, "cooperation"), (ONLY, "training"),
    }
    extent = next(item for item in review.items if item.sort == EXTENT)
    assert (extent.start, extent.end) == (at("إلى القاهرة")[0], at("القاهرة")[1])
    assert extent.version("alice") == ((*at("القاهرة"), "GPE", "entity"),)
    only = next(item for item in review.items if item.label == "DATE")
    assert only.version("bob") == ()
    assert all(item.state == OPEN for item in review.items)
    assert review.remaining == 5 and review.agreements_missing == 2
    for item in review.items:
        if item.what != DOCUMENT:
            for _, keys in item.versions:
                assert all(TEXT[s:e] for s, e, _, _ in keys)


def test_the_same_agreements_as_adjudicate():
    review = compare("a1", TEXT, {"alice": ALICE, "bob": BOB}, ["alice", "bob"])
    merged, disputes, _ = adjudicate([ALICE, BOB], "agreed")
    agreed = {item.version("alice")[0] for item in review.items if item.sort == AGREED and item.what != DOCUMENT}
    assert agreed == {(s.start, s.end, s.label, s.kind) for s in merged[0].spans}
    disputed = {(d.start, d.end, d.label, d.kind) for d in disputes if d.what == "span"}
    in_places = {k for item in review.disagreements if item.what != DOCUMENT for _, keys in item.versions for k in keys}
    assert in_places == disputed


def test_gold_state_per_place():
    gold = [span("gold", "بغداد", "LOC"), span("gold", "الصحة", "ORG"), span("gold", "القاهرة", "ORG")]
    review = compare("a1", TEXT, {"alice": ALICE, "bob": BOB}, ["alice", "bob"], gold, ["training"],
                     settled=["span:entity:%d:%d" % at("يوم الأحد")])
    items = by_place(review)
    label = items[("span", *at("بغداد"), "entity")]
    assert label.state == TAKEN and label.taken_from == ("bob",)
    date = items[("span", *at("يوم الأحد"), "entity")]
    assert date.state == NONE and date.taken_from == ("bob",)
    title = items[("span", *at("وزير الصحة"), "entity")]
    assert title.state == OWN  # gold's ORG on الصحة is no one's version
    cairo = items[("span", at("إلى القاهرة")[0], at("القاهرة")[1], "entity")]
    assert cairo.state == OWN
    training = next(i for i in review.items if i.label == "training")
    assert training.state == TAKEN and training.taken_from == ("alice",)
    assert review.remaining == 0


def test_gold_span_outside_every_place_is_listed():
    review = compare("a1", TEXT, {"alice": ALICE, "bob": BOB}, ["alice", "bob"], [span("gold", "زار", "EVENT")])
    item = next(i for i in review.items if i.sort == GOLD)
    assert (item.start, item.end, item.state) == (*at("زار"), OWN)
    assert not item.disagreement


def test_places_join_overlaps_through_each_other():
    keys = [(0, 5, "A", "theme"), (4, 9, "B", "theme"), (8, 12, "A", "theme"), (12, 14, "A", "theme")]
    assert places(keys) == [keys[:3], keys[3:]]


def test_missing_record_counts_as_nothing_and_stale_spans_are_left_out():
    stale = Span("a1", 0, 3, "PER", "entity", "xyz", "bob")
    review = compare("a1", TEXT, {"alice": ALICE, "bob": record("bob", [stale])}, ["alice", "bob", "carol"])
    assert all(item.sort in (ONLY,) for item in review.items)
    assert all(item.version("carol") == () and item.version("bob") == () for item in review.items)


def _stores(tmp_path):
    for rec in (ALICE, BOB):
        with Store(tmp_path, rec.annotator) as store:
            for s in rec.spans:
                store.add_span("a1", TEXT, s.start, s.end, s.label, s.kind)
            for theme in rec.themes:
                store.toggle_theme("a1", theme, TEXT)
    return Store(tmp_path, "gold")


def test_take_side_none_and_agreements_in_a_gold_store_with_undo(tmp_path):
    gold = _stores(tmp_path)
    try:
        review = load(gold, "a1", TEXT, ["alice", "bob"])
        edits, refused = take_agreements(gold, review)
        assert (edits, refused) == (2, [])
        assert [(s.label, s.text) for s in gold.spans("a1")] == [("PER", "محمد علي")]
        assert gold.themes("a1") == ["cooperation"]

        review = load(gold, "a1", TEXT, ["alice", "bob"])
        label = next(i for i in review.items if i.sort == LABEL)
        take(gold, review, label, "alice")
        review = load(gold, "a1", TEXT, ["alice", "bob"])
        label = next(i for i in review.items if i.sort == LABEL)
        assert label.state == TAKEN and label.taken_from == ("alice",)
        take(gold, review, label, "bob")  # change of mind: alice's span goes, bob's comes
        assert {(s.label, s.text) for s in gold.spans("a1")} == {("PER", "محمد علي"), ("LOC", "بغداد")}

        review = load(gold, "a1", TEXT, ["alice", "bob"])
        date = next(i for i in review.items if i.label == "DATE")
        take(gold, review, date, None)
        theme = next(i for i in review.items if i.label == "training")
        take(gold, review, theme, "alice")
        review = load(gold, "a1", TEXT, ["alice", "bob"])
        assert next(i for i in review.items if i.label == "DATE").state == NONE
        assert "training" in gold.themes("a1")
        assert review.remaining == 2  # extent and the TITLE only bob marked

        gold.undo()  # training off
        gold.undo()  # the review mark of DATE
        review = load(gold, "a1", TEXT, ["alice", "bob"])
        assert next(i for i in review.items if i.label == "DATE").state == OPEN
        assert gold.themes("a1") == ["cooperation"]
        assert review.remaining == 4
    finally:
        gold.close()
    with Store(tmp_path, "gold", readonly=True) as again:
        assert {(s.label, s.text) for s in again.spans("a1")} == {("PER", "محمد علي"), ("LOC", "بغداد")}
        assert again.settled("a1") == []
