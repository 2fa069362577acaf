"""What a suggestion source finds in one text (:class:`Found`) and the score
above which a theme is suggested: what the suggestion store keeps needs no
more than this, so opening the store (the article list does, for its counts)
does not load the pattern matcher and its tokenizer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Found", "THEME_THRESHOLD"]

THEME_THRESHOLD = 0.5


@dataclass
class Found:
    entities: list[tuple[int, int, str]] = field(default_factory=list)
    themes: dict[str, float] = field(default_factory=dict)  # every scored theme of the schema
    margin: float | None = None
    unknown: Counter = field(default_factory=Counter)
