"""Reads of many articles that keep nothing, for a pass over a whole store.

``Store.themes`` (like ``spans`` and ``status``) opens the article's file
in the annotator's view and keeps it there, which is right for the app
going back and forth between a few articles and wrong for a command
reading a hundred thousand once each. What is here reads each article's
file once through the view's ``read_state`` (as ``Store.records`` does)
and keeps nothing. It is a separate module: the store itself is not
changed."""

from __future__ import annotations

from typing import Iterable, Iterator


def themes(store, annotator: str, article_ids: Iterable[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(article id, its document themes) of `annotator` for each id."""
    with store._lock:
        view = store._view(annotator)
    for article_id in article_ids:
        with store._lock:
            state = view.read_state(article_id)
        yield article_id, tuple(state.themes)
