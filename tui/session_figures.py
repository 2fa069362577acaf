"""This session's pace: spans made since the app started, and per hour.

"Made" is the net change of this annotator's span count (a span deleted or
undone counts back): the store's counts at the start, then each edited
article counted again when annotations change, so the figure is right
whichever screen or key made the spans.
"""

from __future__ import annotations

import time
from typing import Callable

from annotations.errors import HashiyaError

MIN_MINUTES = 1.0  # no rate before a minute has passed: it would mean nothing


class SessionFigures:
    def __init__(self, store, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.clock = clock
        self.started = clock()
        #: span count per article, as of the start and kept current on edits
        self._counts = self._all_counts()
        self.made = 0

    def _all_counts(self) -> dict[str, int]:
        try:
            return dict(self.store.span_counts())
        except HashiyaError:
            return {}

    def refresh(self, *article_ids: str) -> None:
        """Count again after an edit: only `article_ids` (one article read
        each, so an edit costs the same in a corpus of any size), or every
        article when none is named."""
        if not article_ids:
            counts = self._all_counts()
            self.made += sum(counts.values()) - sum(self._counts.values())
            self._counts = counts
            return
        for article_id in article_ids:
            try:
                now = len(self.store.spans(article_id))
            except HashiyaError:
                continue
            self.counted(article_id, now)

    def counted(self, article_id: str, now: int) -> None:
        """`article_id` holds `now` spans (known to the caller, just saved)."""
        self.made += now - self._counts.get(article_id, 0)
        self._counts[article_id] = now

    def per_hour(self) -> float | None:
        minutes = (self.clock() - self.started) / 60
        if minutes < MIN_MINUTES:
            return None
        return self.made * 60 / minutes

    def text(self) -> str:
        rate = self.per_hour()
        pace = "–/h" if rate is None else f"{rate:.0f}/h"
        return f"session {self.made:+d} span{'' if abs(self.made) == 1 else 's'} ({pace})"
