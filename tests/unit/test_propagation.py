"""Propagation without the interface: which occurrences are suggested, and
what accepting and rejecting them stores."""

from __future__ import annotations

import pytest

from annotations.corpus import open_corpus
from annotations.model import ENTITY, THEME
from annotations.propagation import (
    ACCEPTED,
    PENDING,
    REJECTED,
    SKIPPED,
    Propagation,
    Suggestion,
    find_suggestions,
    other_occurrences,
)
from annotations.store import Store

HERE = "عنوان\n\nزار الوفد العراقَ، ثم عاد والعراق إلى بغداد. الحكومة العراقية رحبت بالعراق.\n"
THERE = "عنوان آخر\n\nقالت وزارة الصحة في العراق إن العراقيين بخير.\n"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "here.txt").write_text(HERE, encoding="utf-8")
    (folder / "there.txt").write_text(THERE, encoding="utf-8")
    return open_corpus(folder)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store", "ali") as store:
        yield store


def texts(corpus, suggestions):
    return [corpus[s.article_id].text[s.start:s.end] for s in suggestions]


def test_whole_words_with_harakat_and_clitics_are_found_not_longer_words(corpus, store):
    found = find_suggestions(corpus, store, "العراق", "GPE", ENTITY, ["here"])
    # العراقَ (a haraka on its last letter), العراق after و and after ب;
    # not العراقية
    assert texts(corpus, found) == ["العراقَ", "العراق", "العراق"]
    assert [corpus["here"].text[s.start - 1] for s in found[1:]] == ["و", "ب"]
    assert all(s.state == PENDING and s.reason == "" for s in found)


def test_the_span_itself_and_spans_already_labelled_so_are_not_suggested(corpus, store):
    text = corpus["here"].text
    first = text.index("العراقَ")
    span = store.add_span("here", text, first, first + len("العراقَ"), "GPE", ENTITY)
    last = text.rindex("العراق")
    store.add_span("here", text, last, last + 6, "GPE", ENTITY)
    found = other_occurrences(corpus, store, span, ["here", "there"])
    assert [(s.article_id, s.start) for s in found] == [
        ("here", text.index("والعراق") + 1),
        ("there", corpus["there"].text.index("العراق")),
    ]


def test_a_span_of_another_label_at_the_same_place_is_still_suggested(corpus, store):
    text = corpus["there"].text
    at = text.index("العراق")
    store.add_span("there", text, at, at + 6, "cooperation", THEME)
    found = find_suggestions(corpus, store, "العراق", "GPE", ENTITY, ["there"])
    assert [(s.start, s.end) for s in found] == [(at, at + 6)]


def test_missing_and_unreadable_articles_are_passed_over(tmp_path, store):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "ok.txt").write_text(THERE, encoding="utf-8")
    (folder / "bad.txt").write_bytes("عنوان\n".encode() + b"x" * 5000 + b"\xff")
    corpus = open_corpus(folder)
    found = find_suggestions(corpus, store, "العراق", "GPE", ENTITY, ["gone", "bad", "ok"])
    assert [s.article_id for s in found] == ["ok"]


def test_accepting_stores_spans_and_records_the_outcome(corpus, store):
    found = find_suggestions(corpus, store, "العراق", "GPE", ENTITY, ["here", "there"])
    round_ = Propagation(found, "GPE", ENTITY, corpus=corpus, store=store)
    round_.accept(found[0])
    round_.reject(found[1])
    round_.accept(found[1])  # rejected stays rejected
    assert [s.state for s in found[:2]] == [ACCEPTED, REJECTED]
    assert round_.next_pending(0) == 2
    round_.accept_all()
    assert round_.counts() == {PENDING: 0, ACCEPTED: len(found) - 1, REJECTED: 1, SKIPPED: 0}
    stored = {(s.article_id, s.start, s.end) for s in store.spans("here") + store.spans("there")}
    assert stored == {(s.article_id, s.start, s.end) for s in found if s.state == ACCEPTED}
    for span in round_.outcome.accepted:
        assert corpus[span.article_id].text[span.start:span.end] == span.text
        assert (span.label, span.kind) == ("GPE", ENTITY)
    assert round_.outcome.articles == {"here", "there"}


@pytest.mark.parametrize("label, kind", [("GPE", ENTITY), ("diaspora", THEME)])
def test_an_entity_overlapping_another_is_skipped_with_the_reason_a_theme_is_not(corpus, store, label, kind):
    text = corpus["there"].text
    at = text.index("في العراق")
    store.add_span("there", text, at, at + len("في العراق"), "LOC", ENTITY)
    found = find_suggestions(corpus, store, "العراق", label, kind, ["there"])
    round_ = Propagation(found, label, kind, corpus=corpus, store=store)
    round_.accept_all()
    (suggestion,) = found
    if kind == THEME:  # themes may overlap anything
        assert suggestion.state == ACCEPTED
        assert sorted(s.label for s in store.spans("there")) == ["LOC", label]
        return
    assert suggestion.state == SKIPPED
    assert "overlap" in suggestion.reason
    assert round_.outcome.skipped == [suggestion] and round_.outcome.accepted == []
    assert [s.label for s in store.spans("there")] == ["LOC"]


def test_an_article_gone_from_the_corpus_is_skipped(corpus, store):
    suggestion = Suggestion("gone", 0, 3)
    round_ = Propagation([suggestion], "GPE", ENTITY, corpus=corpus, store=store)
    round_.accept(suggestion)
    assert suggestion.state == SKIPPED and "no longer in the corpus" in suggestion.reason


def test_reject_all_leaves_decided_suggestions_alone(corpus, store):
    found = find_suggestions(corpus, store, "العراق", "GPE", ENTITY, ["here"])
    round_ = Propagation(found, "GPE", ENTITY, corpus=corpus, store=store)
    round_.accept(found[0])
    round_.reject_all()
    assert [s.state for s in found] == [ACCEPTED, REJECTED, REJECTED]
    assert round_.next_pending(0) is None
    assert len(store.spans("here")) == 1


def test_looking_through_the_corpus_keeps_no_article_text(corpus, store):
    corpus = open_corpus(corpus.source, titles=False)  # as the app lists a folder
    found = find_suggestions(corpus, store, "العراق", "GPE", ENTITY, ["here", "there"])
    assert found
    assert corpus["here"]._text is None and corpus["there"]._text is None
