"""Corpus search and the context around a match, without the interface."""

from __future__ import annotations

from annotations.corpus import open_corpus
from annotations.search import (
    Hit,
    around_for,
    context_for_width,
    context_of,
    context_with_match,
    search_corpus,
)

FIRST = "مؤتمر في لندن\n\nقالت وزارةُ الصّحّة إن وزارة الخارجية والصحة تعاونتا.\n"
SECOND = "عنوان آخر\n\nوزاره الصحه في العراق ووزارة الداخلية.\n"


def corpus_of(tmp_path, **articles: str):
    for name, text in articles.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    return open_corpus(tmp_path)


def test_hits_are_offsets_into_the_stored_text_with_harakat_and_variants(tmp_path):
    corpus = corpus_of(tmp_path, a=FIRST, b=SECOND)
    hits, unreadable = search_corpus(corpus, "وزارة الصحة")
    assert unreadable == 0
    assert [(hit.article_id, corpus[hit.article_id].text[hit.start:hit.end]) for hit in hits] == [
        ("a", "وزارةُ الصّحّة"),  # harakat inside and on the last letter belong to the match
        ("b", "وزاره الصحه"),  # ة/ه folded
    ]
    assert all(hit.query == "وزارة الصحة" for hit in hits)


def test_every_non_overlapping_match_in_an_article_is_a_hit(tmp_path):
    corpus = corpus_of(tmp_path, a=FIRST)
    hits, _ = search_corpus(corpus, "وزارة")
    text = corpus["a"].text
    assert [text[h.start:h.end] for h in hits] == ["وزارةُ", "وزارة"]
    assert hits[0].start < hits[1].start


def test_the_limit_stops_the_search(tmp_path):
    corpus = corpus_of(tmp_path, a=FIRST, b=SECOND)
    hits, _ = search_corpus(corpus, "وزار", limit=3, whole_words=False)
    assert len(hits) == 3
    assert [h.article_id for h in hits] == ["a", "a", "b"]


def test_corpus_search_counts_whole_words_as_propagation_does(tmp_path):
    from annotations.words import occurrences

    text = "زار الصين وفد، وقالت الصينية إن والصين وبالصين شريكان في الصين."
    corpus = corpus_of(tmp_path, a=text)
    hits, _ = search_corpus(corpus, "الصين")
    found = [(h.start, h.end) for h in hits]
    assert found == occurrences(text, "الصين")
    assert len(found) == 4  # الصين twice, والصين, وبالصين; not الصينية
    assert text.index("الصينية") not in [start for start, _ in found]
    # substrings only when asked
    assert len(search_corpus(corpus, "الصين", whole_words=False)[0]) == 5


def test_a_query_that_folds_to_nothing_finds_nothing(tmp_path):
    corpus = corpus_of(tmp_path, a=FIRST)
    assert search_corpus(corpus, "ـَ") == ([], 0)
    assert search_corpus(corpus, "") == ([], 0)


def test_unreadable_articles_are_counted_and_the_rest_searched(tmp_path):
    (tmp_path / "bad.txt").write_bytes("عنوان\n".encode() + b"x" * 5000 + b"\xff")
    corpus = corpus_of(tmp_path, b=SECOND)
    hits, unreadable = search_corpus(corpus, "العراق")
    assert unreadable == 1
    assert hits == [Hit("b", SECOND.index("العراق"), SECOND.index("العراق") + 6, "العراق")]


def test_context_keeps_whole_words_and_marks_the_match():
    text = "alpha beta gamma MATCH delta epsilon zeta"
    start = text.index("MATCH")
    context, first, last = context_with_match(text, start, start + 5, around=8)
    assert context == "gamma MATCH delta"
    assert context[first:last] == "MATCH"
    assert context_of(text, start, start + 5, around=0) == "MATCH"


def test_context_joins_lines_and_whitespace_runs_into_single_spaces():
    text = "one\n\n  two MATCH\t\tthree\nfour"
    start = text.index("MATCH")
    context, first, last = context_with_match(text, start, start + 5)
    assert context == "one two MATCH three four"
    assert context[first:last] == "MATCH"


def test_context_of_a_match_spanning_a_line_break():
    text = "قال الوزير\nفي بيان"
    start = text.index("الوزير")
    end = text.index("في") + 2
    context, first, last = context_with_match(text, start, end, around=0)
    assert context == "الوزير في"
    assert context[first:last] == "الوزير في"


def test_context_at_the_edges_of_the_text():
    text = "العراق"
    assert context_with_match(text, 0, 6, around=24) == ("العراق", 0, 6)
    text = "في العراق"
    assert context_with_match(text, 3, 9, around=24) == ("في العراق", 3, 9)


def test_context_width_leaves_room_for_the_match():
    assert around_for(80, 6) == 24
    assert around_for(20, 6) == 7
    assert around_for(5, 10) == 4  # never less than a few characters
    text = "كلمة " * 20 + "العراق" + " كلمة" * 20
    start = text.index("العراق")
    narrow = context_for_width(text, start, start + 6, 20)
    assert narrow.text[narrow.start:narrow.end] == "العراق"
    assert len(narrow.text) <= 20
    wide = context_for_width(text, start, start + 6, 80)
    assert len(wide.text) > len(narrow.text)


def test_a_search_of_the_whole_corpus_keeps_no_article_text(tmp_path):
    corpus_of(tmp_path, a=FIRST, b=SECOND)
    corpus = open_corpus(tmp_path, titles=False)  # as the app lists a folder
    opened = corpus["b"].text  # the article open in the reader: its text stays
    hits, _ = search_corpus(corpus, "وزارة")
    assert {hit.article_id for hit in hits} == {"a", "b"}
    assert corpus["a"]._text is None
    assert corpus["b"]._text is opened
