"""Undo and redo of an annotator's store from a screen (the reader's and
the review's u / U): the store's history is per annotator, across
articles, so the screen is told which articles changed."""

from __future__ import annotations

from typing import Callable

from annotations.errors import HashiyaError


def undo_redo(screen, store, article_id: str, redo: bool, changed: Callable[..., None]) -> None:
    """Undo (or redo) the store's last edit; `changed` hears the article
    shown and the one the edit was in; the screen notifies what was done."""
    try:
        target = store.undo_target(redo)
    except HashiyaError:
        target = None
    try:
        done = store.redo() if redo else store.undo()
    except HashiyaError as exc:
        screen.notify(str(exc), title="Not saved", severity="error", timeout=6)
        return
    if done is None:
        screen.notify(f"Nothing to {'redo' if redo else 'undo'}.", timeout=2)
        return
    changed(article_id, *([target] if target else []))
    where = f" (in article {target})" if target and target != article_id else ""
    screen.notify(f"{'Redone' if redo else 'Undone'}: {done}{where}", timeout=3)


class UndoKeys:
    """The actions of u / U for a screen that has ``undo_store`` (the store
    whose history they walk), ``article_id`` and ``_changed(*article_ids)``."""

    def action_undo(self) -> None:
        undo_redo(self, self.undo_store, self.article_id, False, self._changed)

    def action_redo(self) -> None:
        undo_redo(self, self.undo_store, self.article_id, True, self._changed)
