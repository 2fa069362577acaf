"""Undo and redo of an annotator's store from a screen (the reader's and
the review's u / U): the store's history is per annotator, across
articles, so the screen is told which articles changed. In the reader a
rejected suggestion takes its turn among the store's edits
(:mod:`annotations.suggestions.rejections`)."""

from __future__ import annotations

from typing import Callable

from annotations.errors import HashiyaError


def undo_redo(screen, store, article_id: str, redo: bool, changed: Callable[..., None]) -> None:
    """Undo (or redo) the last edit: a rejected suggestion of the screen's
    ``rejections`` (the reader's) if it is the latest, else the store's;
    `changed` hears the article shown and the one the edit was in, and
    what was done to say on the screen's status line."""
    rejections = getattr(screen, "rejections", None)
    if rejections is not None:
        try:
            rejection = rejections.redo() if redo else rejections.undo()
        except HashiyaError as exc:
            screen.notify(f"{exc} (that rejection is left as it is)", title="Not undone",
                          severity="error", timeout=6)
            return
        if rejection is not None:
            _done(article_id, redo, rejection.said, rejection.article_id, changed)
            return
    try:
        target = store.undo_target(redo)
    except HashiyaError:
        target = None
    # the reader syncs the edit and writes its file after the frame showing it
    held = getattr(screen, "_write_held", None)
    try:
        done = store.redo(later=held is not None) if redo else store.undo(later=held is not None)
    except HashiyaError as exc:
        screen.notify(str(exc), title="Not saved", severity="error", timeout=6)
        return
    if done is None:
        screen.notify(f"Nothing to {'redo' if redo else 'undo'}.", timeout=2)
        return
    _done(article_id, redo, done, target, changed)
    if held is not None:
        screen.app.after_frame(held)


def _done(article_id: str, redo: bool, done: str, target: str | None,
          changed: Callable[..., None]) -> None:
    # said on the status line, drawn with the edit's own frame (no toast)
    where = f" (in article {target})" if target and target != article_id else ""
    changed(article_id, *([target] if target else []), said=f"{'Redone' if redo else 'Undone'}: {done}{where}")


class UndoKeys:
    """The actions of u / U for a screen that has ``undo_store`` (the store
    whose history they walk), ``article_id`` and ``_changed(*article_ids,
    said=...)``; and, if it has them, ``rejections`` and ``_write_held``."""

    def action_undo(self) -> None:
        undo_redo(self, self.undo_store, self.article_id, False, self._changed)

    def action_redo(self) -> None:
        undo_redo(self, self.undo_store, self.article_id, True, self._changed)
