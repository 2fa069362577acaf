"""Reads of many articles that keep nothing, for a pass over a whole store.

``Store.themes`` (like ``spans`` and ``status``) opens the article's file
in the annotator's view and keeps it there, which is right for the app
going back and forth between a few articles and wrong for a command
reading a hundred thousand once each. What is here reads each article's
file once through the view's ``read_state`` and keeps nothing:
``records`` (``Store.records``, for export) and ``themes``."""

from __future__ import annotations

from typing import Iterable, Iterator

from ..model import ArticleRecord, Status
from .packed import PackedSummary


def themes(store, annotator: str, article_ids: Iterable[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(article id, its document themes) of `annotator` for each id."""
    with store._lock:
        view = store._view(annotator)
    for article_id in article_ids:
        with store._lock:
            state = view.read_state(article_id)
        yield article_id, tuple(state.themes)


def records(
    store,
    corpus,
    annotators: list[str] | None = None,
    statuses: list[Status] | None = None,
) -> Iterator[ArticleRecord]:
    with store._lock:
        names = store.annotators() if annotators is None else list(annotators)
        views = [(name, store._view(name)) for name in names]
    wanted = {Status(s) for s in statuses} if statuses else None
    todo = Status.TODO.value
    statuses_by_value = {status.value: status for status in Status}
    for article in corpus:
        article_id = article.id
        for name, view in views:
            summary = view.summary
            if type(summary) is PackedSummary:  # a reader's: its annotated ids are made once
                if article_id not in summary.annotated():
                    continue
            else:
                summary = view.summary.get(article_id)
                if summary is None:
                    continue
                n, status, _fp, nthemes = summary
                if not (n or nthemes or status != todo):
                    continue
            with store._lock:
                state = view.read_state(article_id)
                if not (state.spans or state.themes or state.status != todo):
                    continue
                status = statuses_by_value.get(state.status) if type(state.status) is str else None
                status = status or Status(state.status)
                if wanted is not None and status not in wanted:
                    continue
                spans = state.span_objects()
            yield ArticleRecord(
                article_id,
                article.text,
                spans,
                list(state.themes),
                status,
                name,
                dict(article.metadata),
                notes=state.live_notes(),
            )
