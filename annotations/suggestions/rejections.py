"""Rejected suggestions in the annotator's undo history.

A rejection is written to the suggestion store, not the annotation store's
journal (a suggestion is not an annotation), so the store's undo does not
know it. :class:`Rejections` keeps the session's rejections in a stack of
their own, each marked with the edit on top of the store's undo stack when
it was made (and, once undone, the edit on top of the redo stack). Undo
takes back the last rejection when nothing the store did since sits above
it, else the store's own edit; redo the same way round. So ``u`` after
``r`` brings the suggestion back, and ``u`` after ``r`` then a label undoes
the label first, as an annotator reads the history.

The stacks last as long as the app (the store's history outlives it: a
rejection made before a restart is not undone by ``u``; rejecting is
written at once either way).
"""

from __future__ import annotations

from dataclasses import dataclass

from .storage import Suggestion, SuggestionStore

__all__ = ["Rejection", "Rejections"]


@dataclass
class Rejection:
    article_id: str
    text: str
    suggestion: Suggestion
    #: the store's (top of undo, top of redo) when it was made or undone
    marks: tuple[int | None, int | None]

    @property
    def said(self) -> str:
        return f"reject {self.suggestion.label} “{self.suggestion.text}”"


class Rejections:
    #: as many as the store's own undo keeps
    LIMIT = 1000

    def __init__(self, box: SuggestionStore) -> None:
        self.box = box
        self._done: list[Rejection] = []
        self._undone: list[Rejection] = []

    def _marks(self) -> tuple[int | None, int | None]:
        return self.box.store.undo_marks()

    def reject(self, article_id: str, text: str, suggestion: Suggestion) -> None:
        """Reject `suggestion` (written at once) and remember it for undo."""
        self.box.reject(article_id, text, suggestion)
        self._done.append(Rejection(article_id, text, suggestion, self._marks()))
        del self._done[:-self.LIMIT]
        self._undone.clear()

    def undo(self) -> Rejection | None:
        """Take back the last rejection if it is the latest thing done (no
        store edit above it); None: the store's own undo is next. A
        rejection that cannot be taken back (its article's text changed)
        is forgotten as its error is raised, so the next undo goes on."""
        if not self._done or self._done[-1].marks[0] != self._marks()[0]:
            return None
        rejection = self._done.pop()
        self.box.unreject(rejection.article_id, rejection.text, rejection.suggestion)
        rejection.marks = self._marks()
        self._undone.append(rejection)
        return rejection

    def redo(self) -> Rejection | None:
        """Reject again the last rejection undone, if the store stands where
        it stood when it was undone (redo the store's edits undone after it
        first; after a new edit it never does); None: the store's own redo
        is next, or nothing is."""
        if not self._undone or self._undone[-1].marks != self._marks():
            return None
        rejection = self._undone.pop()
        self.box.reject(rejection.article_id, rejection.text, rejection.suggestion)
        rejection.marks = self._marks()
        self._done.append(rejection)
        return rejection
