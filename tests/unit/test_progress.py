"""Which article is next to do, without the interface."""

from __future__ import annotations

from annotations.corpus import Article, ids_of
from annotations.model import Status
from annotations.progress import is_to_do, to_do_after

IDS = ["a", "b", "c", "d", "e"]


def test_to_do_means_todo_status_and_no_spans():
    assert is_to_do(Status.TODO, 0)
    assert not is_to_do(Status.TODO, 2)
    assert not is_to_do(Status.IN_PROGRESS, 0)
    assert not is_to_do(Status.DONE, 0)


def test_articles_after_the_position_come_first_then_wrap_round():
    statuses = {"b": Status.DONE, "d": Status.IN_PROGRESS}
    counts = {"e": 3}
    # a and c are to do; from c the search goes d, e, a, b and c itself last
    assert list(to_do_after(IDS, 2, statuses, counts)) == [0, 2]
    assert list(to_do_after(IDS, 0, statuses, counts)) == [2, 0]


def test_an_article_missing_from_the_store_is_to_do():
    assert list(to_do_after(IDS, 4, {}, {})) == [0, 1, 2, 3, 4]


def test_nothing_left_and_nothing_listed():
    done = {article_id: Status.DONE for article_id in IDS}
    assert list(to_do_after(IDS, 1, done, {})) == []
    assert list(to_do_after([], 0, {}, {})) == []


def test_ids_of_uses_a_lazy_list_s_ids_without_making_articles():
    class Lazy(list):
        ids = ["x", "y"]

        def __iter__(self):
            raise AssertionError("no article should be made")

    assert ids_of(Lazy()) == ["x", "y"]
    assert ids_of([Article(id="p", title="t"), Article(id="q", title="u")]) == ["p", "q"]


def test_most_doubtful_first_with_the_suggestion_index():
    from annotations.suggestions import Waiting, doubt_key

    ids = ["a", "b", "c", "d", "e", "f"]
    summary = {
        "b": Waiting(2, 0.40, 1000),  # a model fairly sure of its themes
        "c": Waiting(5, None, 1000),  # patterns only: 5 per 1,000 characters
        "d": Waiting(1, 0.02, 1000),  # a coin toss on some theme
        "e": Waiting(1, None, 2000),  # 0.5 per 1,000 characters
        "f": Waiting(1, 0.01, 1000),  # even closer, but already annotated
    }
    counts = {"f": 3}
    order = list(to_do_after(ids, 0, {}, counts, first=lambda aid: doubt_key(summary.get(aid))))
    assert [ids[i] for i in order] == ["d", "b", "c", "e", "a"]
    # from the most doubtful article, pressing again moves on; it comes last
    order = list(to_do_after(ids, 3, {}, counts, first=lambda aid: doubt_key(summary.get(aid))))
    assert [ids[i] for i in order] == ["b", "c", "e", "a", "d"]
    # without a key the order is the list's, as before
    assert [ids[i] for i in to_do_after(ids, 0, {}, counts)] == ["b", "c", "d", "e", "a"]
