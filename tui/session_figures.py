"""This session's pace: spans made since the app started, and per hour.

"Made" is the net change of this annotator's span count (a span deleted or
undone counts back), read from the store's index when annotations change,
so the figure is right whichever screen or key made the spans.
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
        self.baseline = self._total()
        self.made = 0

    def _total(self) -> int:
        try:
            return sum(self.store.span_counts().values())
        except HashiyaError:
            return 0

    def refresh(self) -> None:
        self.made = self._total() - self.baseline

    def per_hour(self) -> float | None:
        minutes = (self.clock() - self.started) / 60
        if minutes < MIN_MINUTES:
            return None
        return self.made * 60 / minutes

    def text(self) -> str:
        rate = self.per_hour()
        pace = "–/h" if rate is None else f"{rate:.0f}/h"
        return f"session {self.made:+d} span{'' if abs(self.made) == 1 else 's'} ({pace})"
