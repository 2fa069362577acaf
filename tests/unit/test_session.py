"""The article session's rules without the interface: what a label key and
a resize key do, which span is where, and stale spans left alone."""

from __future__ import annotations

import pytest

from annotations.model import ENTITY, THEME, Span
from annotations.schema import Label
from annotations.session import (
    ADD,
    ALREADY,
    CHAR,
    EMPTY,
    END,
    NO_SPAN,
    NO_TARGET,
    RELABEL,
    RESIZE,
    STALE,
    START,
    WORD,
    ArticleSession,
    is_mark,
    match_from,
)

TEXT = "نظّمت سفارةُ العراق في لندن مؤتمراً، وزار الوفد والصين ثم عاد إلى العراق."
GPE = Label("GPE", ENTITY, "3")
ORG = Label("ORG", ENTITY, "2")
COOPERATION = Label("cooperation", THEME, "a")


def span(word: str, label: str = "GPE", kind: str = ENTITY, *, nth: int = 0, text: str = TEXT) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Span("a", start, start + len(word), label, kind, word, "ali")


def session_with(*spans: Span, article_stale: bool = False) -> ArticleSession:
    return ArticleSession("a", TEXT, spans, article_stale=article_stale)


def at(word: str, nth: int = 0) -> int:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start


def covered(plan) -> str:
    return TEXT[plan.start:plan.end]


# ------------------------------------------------------------ stale spans


def test_spans_that_no_longer_match_the_text_are_stale():
    good = span("العراق")
    moved = Span("a", good.start + 1, good.end + 1, "GPE", ENTITY, "العراق", "ali")
    session = session_with(good, moved)
    assert session.stale_ids == {moved.id}
    assert session.is_stale(moved) and not session.is_stale(good)


def test_every_span_of_a_changed_article_is_stale_and_update_recomputes():
    good = span("العراق")
    session = session_with(good, article_stale=True)
    assert session.stale_ids == {good.id}
    session.update([good], article_stale=False)
    assert session.stale_ids == set() and not session.article_stale


# ------------------------------------------------------------ where


def test_spans_at_an_offset_entities_first_then_the_narrowest_theme():
    entity = span("لندن")
    wide = Span("a", at("في"), at("مؤتمراً"), "training", THEME, TEXT[at("في"):at("مؤتمراً")], "ali")
    narrow = span("لندن", "cooperation", THEME)
    session = session_with(wide, narrow, entity)
    assert session.spans_at(at("لندن") + 1) == [entity, narrow, wide]
    assert session.spans_at(at("في")) == [wide]
    assert session.spans_at(at("لندن") + len("لندن")) == [wide]  # end is exclusive
    assert session.span_at(at("لندن"), THEME) is narrow
    assert session.span_at(0) is None


def test_the_target_is_the_span_the_selection_covers_else_the_one_under_the_cursor():
    entity = span("لندن")
    theme = Span("a", at("في"), at("لندن") + 4, "training", THEME, "في لندن", "ali")
    session = session_with(entity, theme)
    assert session.target_span(at("لندن"), (theme.start, theme.end)) is theme
    assert session.target_span(at("لندن"), (at("لندن"), at("لندن") + 2)) is entity
    assert session.target_span(at("لندن")) is entity
    assert session.target_span(0) is None


def test_next_and_previous_span_from_the_cursor():
    first, second = span("العراق"), span("لندن")
    session = session_with(second, first)
    assert session.next_span(0) is first
    assert session.next_span(first.start) is second  # strictly after
    assert session.next_span(second.start) is None
    assert session.previous_span(len(TEXT)) is second
    assert session.previous_span(second.start) is first
    assert session.previous_span(first.start) is None


# ------------------------------------------------------------ label keys


def test_a_selection_is_labelled_exactly():
    start = at("سفارةُ")
    plan = session_with().label_key(GPE, 0, (start, start + len("سفارةُ العراق")))
    assert plan.action == ADD and covered(plan) == "سفارةُ العراق" and plan.span is None


def test_a_selection_covering_a_span_of_the_same_kind_relabels_it():
    iraq = span("العراق")
    plan = session_with(iraq).label_key(ORG, 0, (iraq.start, iraq.end))
    assert plan.action == RELABEL and plan.span is iraq


def test_a_theme_key_on_a_selected_entity_adds_a_theme_over_it():
    iraq = span("العراق")
    plan = session_with(iraq).label_key(COOPERATION, 0, (iraq.start, iraq.end))
    assert plan.action == ADD and (plan.start, plan.end) == (iraq.start, iraq.end)


def test_without_a_selection_the_span_under_the_cursor_is_relabelled_or_already_so():
    iraq = span("العراق")
    session = session_with(iraq)
    plan = session.label_key(ORG, iraq.start + 2)
    assert plan.action == RELABEL and plan.span is iraq
    plan = session.label_key(GPE, iraq.start + 2)
    assert plan.action == ALREADY and plan.span is iraq


def test_without_a_selection_a_theme_key_on_an_entity_takes_the_entity_s_range():
    london = span("لندن")
    plan = session_with(london).label_key(COOPERATION, london.start + 1)
    assert plan.action == ADD and covered(plan) == "لندن"


def test_without_a_selection_the_word_under_the_cursor_is_labelled_harakat_included():
    plan = session_with().label_key(ORG, at("سفارةُ") + 2)
    assert plan.action == ADD and covered(plan) == "سفارةُ"
    plan = session_with().label_key(ORG, at("مؤتمراً") + 1)
    assert covered(plan) == "مؤتمراً"  # tanween on the alef stays with the word


def test_clitic_trimming_leaves_the_conjunction_out_of_the_word():
    cursor = at("والصين") + 3
    assert covered(session_with().label_key(GPE, cursor, clitics=True)) == "الصين"
    assert covered(session_with().label_key(GPE, cursor, clitics=False)) == "والصين"


def test_no_selection_no_span_and_no_word_asks_for_a_selection():
    session = ArticleSession("a", "  ، . ")
    plan = session.label_key(GPE, 2)
    assert plan.action == NO_TARGET


def test_a_stale_span_is_not_relabelled_but_the_same_label_is_still_already():
    iraq = span("العراق")
    session = session_with(iraq, article_stale=True)
    plan = session.label_key(ORG, iraq.start)
    assert plan.action == STALE and plan.span is iraq
    assert session.label_key(GPE, iraq.start).action == ALREADY


# ------------------------------------------------------------ edges


def test_characters_move_with_their_harakat():
    session = session_with()
    word = at("نظّمت")
    # ظ carries a shadda: one step forward from after ن lands after ظّ
    assert session.moved_edge(word + 1, 1, CHAR, END) == word + 3
    assert session.moved_edge(word + 3, -1, CHAR, START) == word + 1
    assert is_mark(TEXT[word + 2]) and not is_mark(TEXT[word + 1])


def test_edges_stop_at_the_ends_of_the_text():
    session = session_with()
    assert session.moved_edge(0, -1, CHAR, START) == 0
    assert session.moved_edge(len(TEXT), 1, CHAR, END) == len(TEXT)


def test_growing_and_shrinking_by_a_word():
    iraq = span("العراق")
    session = session_with(iraq)
    plan = session.resize(iraq, START, -1, WORD)
    assert plan.action == RESIZE and covered(plan) == "سفارةُ العراق"
    plan = session.resize(iraq, END, 1, WORD)
    assert covered(plan) == "العراق في"
    both = Span("a", at("سفارةُ"), iraq.end, "ORG", ENTITY, "سفارةُ العراق", "ali")
    plan = session_with(both).resize(both, START, 1, WORD)
    assert covered(plan) == "العراق"
    plan = session_with(both).resize(both, END, -1, WORD)
    assert covered(plan) == "سفارةُ"


def test_growing_by_a_character_takes_the_harakat_along():
    base = at("سفارةُ")
    short = Span("a", base, base + 4, "ORG", ENTITY, TEXT[base:base + 4], "ali")
    plan = session_with(short).resize(short, END, 1, CHAR)
    assert covered(plan) == "سفارةُ"
    plan = session_with(short).resize(short, START, -1, CHAR)
    assert covered(plan) == " سفار"


@pytest.mark.parametrize("edge, step", [(START, 1), (END, -1)])
def test_a_span_keeps_at_least_one_character(edge, step):
    one = Span("a", 0, 1, "ORG", ENTITY, TEXT[0], "ali")
    plan = session_with(one).resize(one, edge, step, CHAR)
    assert plan.action == EMPTY and plan.start >= plan.end


def test_a_stale_span_or_no_span_is_not_resized():
    iraq = span("العراق")
    assert session_with(iraq, article_stale=True).resize(iraq, END, 1, CHAR).action == STALE
    assert session_with().resize(None, END, 1, CHAR).action == NO_SPAN


# ------------------------------------------------------------ find


def test_find_folds_and_steps_through_matches_wrapping_round():
    session = session_with()
    matches = session.find("العراق")
    assert [TEXT[s:e] for s, e in matches] == ["العراق", "العراق"]
    first, second = matches
    assert session.find("") == []
    assert match_from(matches, 0) == first
    assert match_from(matches, first[0]) == first  # at or after
    assert match_from(matches, first[0], 1) == second
    assert match_from(matches, second[0], 1) == first  # wraps round
    assert match_from(matches, first[0], -1) == second
    assert match_from(matches, second[0], -1) == first
    assert match_from([], 3, 1) is None
