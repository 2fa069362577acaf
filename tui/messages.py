"""App-wide messages.

Screens post these to the app; the app forwards them to every screen in
the stack, so the article list and the reader stay in step without
knowing about each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DisplayModeChanged(Message):
    """The display mode ("visual" or "logical") or the harakat setting changed."""

    mode: str
    harakat: bool


@dataclass
class AnnotationsChanged(Message):
    """Spans, themes or status of an article changed in the store."""

    article_id: str
