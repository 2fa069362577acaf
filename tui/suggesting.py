"""What the app knows about suggestions: the annotator's suggestion store,
the model it suggests with (``--model`` / ``HASHIYA_MODEL``, loaded once, off
the UI thread, on first need), and the order of "next article to do".

No Textual here: the screens run :meth:`Suggester.compute` in a thread
worker and store its result on the UI thread with :meth:`Suggester.keep`,
so the screen never waits on spaCy and the store is written from one
thread.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from annotations.errors import HashiyaError
from annotations.schema import Schema
from annotations.settings import Settings
from annotations.suggestions import Found, Rejections, SuggestionStore, doubt_key

__all__ = ["Suggester"]


class Suggester:
    def __init__(self, settings: Settings, schema: Schema, store) -> None:
        self.settings = settings
        self.schema = schema
        self.box = SuggestionStore(store)
        #: rejections made in the app, for u / U beside the store's edits
        self.rejections = Rejections(self.box)
        self.model_path = settings.model
        #: "doubt": next to do goes to the most doubtful article first
        self.order = settings.order
        self._source = None
        self._load_lock = threading.Lock()
        self.model_error: str | None = None

    @property
    def has_model(self) -> bool:
        return self.model_path is not None and self.model_error is None

    def _model(self):
        from annotations.suggestions import ModelSource

        with self._load_lock:
            if self._source is None and self.model_error is None:
                try:
                    self._source = ModelSource(self.model_path, self.schema)
                except HashiyaError as exc:
                    self.model_error = str(exc)
            if self.model_error is not None:
                raise HashiyaError(self.model_error)
            return self._source

    def compute(self, text: str) -> tuple[Found, str]:
        """What the model finds in `text` (run in a worker thread: the first
        call loads the model)."""
        source = self._model()
        return source.find(text), source.name

    def keep(self, article_id: str, text: str, found: Found, source: str) -> None:
        """Store a computed result (on the UI thread)."""
        self.box.save(article_id, text, found, source)

    def waiting_counts(self) -> dict[str, int]:
        try:
            return {aid: line.count for aid, line in self.box.summary().items() if line.count}
        except HashiyaError:
            return {}

    def toggle_order(self) -> str:
        self.order = "list" if self.order == "doubt" else "doubt"
        return self.order

    def first(self) -> Callable[[str], Any] | None:
        """The sort key "next to do" uses, or None for list order."""
        if self.order != "doubt":
            return None
        try:
            summary = self.box.summary()
        except HashiyaError:
            return None
        return lambda article_id: doubt_key(summary.get(article_id))
