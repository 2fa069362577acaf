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
