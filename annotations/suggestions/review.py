"""Reviewing one article's suggestions: what the reader asks and then draws.

A :class:`Review` holds the article's waiting suggestions (see
:mod:`.storage` for what waits) as of the last :meth:`Review.update`, and
answers the reader's questions — the suggestion under the cursor, the next
one after it — and carries out accept and reject through the
:class:`SuggestionStore`, so an accepted suggestion is an ordinary span
made by the store. After any edit the caller updates the review with the
spans and themes as stored.
"""

from __future__ import annotations

from bisect import bisect_right

from typing import TYPE_CHECKING

from ..model import Span
from .storage import ArticleSuggestions, Suggestion, SuggestionStore

if TYPE_CHECKING:
    from .rejections import Rejections

__all__ = ["Review"]


class Review:
    def __init__(self, box: SuggestionStore, article_id: str, text: str,
                 rejections: Rejections | None = None) -> None:
        self.box = box
        #: where a rejection is remembered for undo (None: written only)
        self.rejections = rejections
        self.article_id = article_id
        self.text = text
        self.item: ArticleSuggestions | None = None
        self._looked = False  # whether the suggestions have been read at all
        self.waiting: list[Suggestion] = []
        self.themes: list[str] = []

    def update(self, spans: list[Span], themes: list[str], *, read: bool = True) -> None:
        """Re-read the suggestions and recompute what waits, given the
        article's spans and document themes as stored now; ``read=False``:
        the suggestions as last read (a new span changes what waits, not
        what was suggested)."""
        if read or not self._looked:
            self.item = self.box.load(self.article_id, self.text)
            self._looked = True
        if self.item is None:
            self.waiting, self.themes = [], []
            return
        self.waiting = sorted(self.item.waiting(spans), key=lambda s: (s.start, s.end))
        self.themes = self.item.waiting_themes(themes)
        # an edit may have hidden or uncovered some (an undone accept comes
        # back): the list's count follows
        line = self.box.summary().get(self.article_id)
        if (line is None or line.count != len(self)) and not self.box.store.readonly:
            self.box.recount(self.article_id, self.text)

    @property
    def loaded(self) -> bool:
        """True once suggestions exist for this text (even if none wait)."""
        return self.item is not None

    def __len__(self) -> int:
        return len(self.waiting) + len(self.themes)

    def at(self, offset: int) -> Suggestion | None:
        """The waiting suggestion covering `offset` (or ending just before it)."""
        for suggestion in self.waiting:
            if suggestion.start <= offset < suggestion.end:
                return suggestion
        for suggestion in self.waiting:
            if suggestion.end == offset:
                return suggestion
        return None

    def next_after(self, offset: int) -> Suggestion | None:
        """The first waiting suggestion starting after `offset`, wrapping round."""
        if not self.waiting:
            return None
        index = bisect_right([s.start for s in self.waiting], offset)
        return self.waiting[index % len(self.waiting)]

    def of_label(self, label: str) -> list[Suggestion]:
        return [s for s in self.waiting if s.label == label]

    def accept(self, suggestion: Suggestion) -> Span:
        return self.box.accept(self.article_id, self.text, suggestion)

    def accept_label(self, label: str) -> list[Span]:
        return self.box.accept_label(self.article_id, self.text, label)

    def reject(self, suggestion: Suggestion) -> None:
        rejecting = self.box if self.rejections is None else self.rejections
        rejecting.reject(self.article_id, self.text, suggestion)

    def accept_themes(self) -> list[str]:
        accepted = list(self.themes)
        for label in accepted:
            self.box.accept_theme(self.article_id, self.text, label)
        return accepted

    def reject_theme(self, label: str) -> None:
        self.box.reject_theme(self.article_id, self.text, label)
