"""Span agreement, theme kappa and adjudication rules on records."""

from __future__ import annotations

import pytest

from annotations.agreement import adjudicate, agreement, kappa, parse_rule
from annotations.errors import HashiyaError
from annotations.model import ArticleRecord, Span, Status

TEXT = "زار وزير الصحة العراقي لندن والتقى سفير المملكة المتحدة في العاصمة"


def rec(aid, who, spans, themes=(), status=Status.DONE, text=TEXT):
    return ArticleRecord(
        aid, text, [Span(aid, s, e, label, kind, text[s:e], who) for s, e, label, kind in spans], list(themes), status, who
    )


def test_kappa_textbook_value():
    pairs = [(True, True)] * 20 + [(True, False)] * 5 + [(False, True)] * 10 + [(False, False)] * 15
    assert kappa(pairs) == pytest.approx(0.4)
    assert kappa([(True, True), (False, False)]) == pytest.approx(1.0)
    assert kappa([(True, True)] * 3) is None  # no variation: undefined
    assert kappa([]) is None


def test_exact_and_overlap_span_agreement_per_label():
    a = rec("x", "alice", [(4, 14, "PER", "entity"), (24, 28, "GPE", "entity"), (41, 56, "GPE", "entity")])
    b = rec("x", "bob", [(4, 14, "PER", "entity"), (24, 28, "GPE", "entity"), (40, 56, "GPE", "entity"), (60, 67, "LOC", "entity")])
    [pair] = agreement([a, b])
    assert (pair.first, pair.second, pair.articles) == ("alice", "bob", 1)
    gpe_exact = pair.exact["entity:GPE"]
    assert (gpe_exact.reference, gpe_exact.other, gpe_exact.matched) == (2, 2, 1)
    assert gpe_exact.f1 == pytest.approx(0.5)
    assert pair.overlap["entity:GPE"].matched == 2
    loc = pair.exact["entity:LOC"]
    assert (loc.reference, loc.other, loc.matched, loc.recall, loc.precision) == (0, 1, 0, None, 0.0)
    total = pair.total("exact")
    assert (total.matched, total.precision, total.recall) == (2, 0.5, 2 / 3)
    assert pair.total("overlap").f1 == pytest.approx(2 * 3 / 7)


def test_overlap_matching_is_one_to_one():
    a = rec("x", "alice", [(0, 28, "EVENT", "theme")])
    b = rec("x", "bob", [(0, 10, "EVENT", "theme"), (15, 28, "EVENT", "theme")])
    [pair] = agreement([a, b])
    assert pair.overlap["theme:EVENT"].matched == 1


def test_only_shared_articles_count_and_theme_kappa():
    records = [
        rec("1", "alice", [], ["cooperation", "training"]),
        rec("1", "bob", [], ["cooperation"]),
        rec("2", "alice", [], []),
        rec("2", "bob", [], ["training"]),
        rec("3", "alice", [(4, 14, "PER", "entity")], ["cooperation"]),  # bob never saw it
    ]
    [pair] = agreement(records, ["cooperation", "training", "digital_health"])
    assert pair.articles == 2
    assert pair.total("exact").reference == 0
    # decisions (article, label): coop (T,T),(F,F); training (T,F),(F,T); digital (F,F)x2
    assert kappa(pair.theme_pairs["training"]) == pytest.approx(-1.0)
    assert pair.theme_kappa == pytest.approx((4 / 6 - (2 / 6 * 2 / 6 + 4 / 6 * 4 / 6)) / (1 - (2 / 6 * 2 / 6 + 4 / 6 * 4 / 6)))
    assert pair.to_dict()["themes"]["labels"]["cooperation"]["both"] == 1


def test_no_shared_articles_no_pairs():
    assert agreement([rec("1", "alice", []), rec("2", "bob", [])]) == []


def test_adjudicate_agreed_keeps_what_everyone_marked():
    a = rec("x", "alice", [(4, 14, "PER", "entity"), (24, 28, "GPE", "entity")], ["cooperation", "training"])
    b = rec("x", "bob", [(4, 14, "PER", "entity"), (24, 28, "LOC", "entity")], ["cooperation"])
    c = rec("y", "alice", [(0, 3, "PER", "entity")])
    merged, disputes, single = adjudicate([a, b, c], "agreed", into="gold")
    assert single == ["y"]
    [gold] = merged
    assert gold.annotator == "gold" and [(s.start, s.end, s.label, s.annotator) for s in gold.spans] == [(4, 14, "PER", "gold")]
    assert gold.themes == ["cooperation"] and gold.status == Status.IN_PROGRESS
    assert [(d.label, d.have, d.lack, d.kept) for d in disputes] == [
        ("GPE", ("alice",), ("bob",), False),
        ("LOC", ("bob",), ("alice",), False),
        ("training", ("alice",), ("bob",), False),
    ]
    assert "marked by alice; not by bob (left out)" in str(disputes[0])


def test_adjudicate_agreed_done_when_all_done_and_no_dispute():
    a = rec("x", "alice", [(4, 14, "PER", "entity")])
    b = rec("x", "bob", [(4, 14, "PER", "entity")])
    [gold], disputes, _ = adjudicate([a, b], "agreed")
    assert gold.status == Status.DONE and disputes == []


def test_adjudicate_priority_takes_the_first_listed_annotator():
    a = rec("x", "alice", [(24, 28, "GPE", "entity")], ["training"], Status.IN_PROGRESS)
    b = rec("x", "bob", [(24, 28, "LOC", "entity")], ["cooperation"])
    c = rec("y", "alice", [(0, 3, "PER", "entity")])
    merged, disputes, single = adjudicate([a, b, c], "priority", ["bob", "alice"])
    assert single == []
    assert [(r.id, [s.label for s in r.spans], r.themes, r.status) for r in merged] == [
        ("x", ["LOC"], ["cooperation"], Status.DONE),
        ("y", ["PER"], [], Status.DONE),
    ]
    assert {(d.label, d.kept) for d in disputes} == {("GPE", False), ("LOC", True), ("training", False), ("cooperation", True)}


def test_parse_rule():
    assert parse_rule("agreed") == ("agreed", [])
    assert parse_rule("priority:alice, bob") == ("priority", ["alice", "bob"])
    for bad in ("priority:", "vote", ""):
        with pytest.raises(HashiyaError):
            parse_rule(bad)
