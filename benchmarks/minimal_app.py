"""The baselines of bench_terminal: minimal Textual apps run as their own
process in the same terminal as hashiya.

    python benchmarks/minimal_app.py
    python benchmarks/minimal_app.py --pages FILE [FILE ...]

The first (the baseline since bench_terminal was written) is a Header, one
Static line updated on every key and a Footer: it starts showing "keys: 0";
each key shows the count and the key's name.

``--pages`` is the same action as the reader's paging and article keys in
a minimal app: a Header, a Static filling the screen with a page of the
files' plain text (wrapped at the screen's width once, when the size is
known: no shaping, no bidi, no spans), a status line like the other app's
and a Footer. PgDn / PgUp show the next / previous page (a page is the
text's height less one row, as the reader's), J / K the first page of the
next / previous file; every key updates the status line ("keys: N (key) ·
file F line L"). Both Statics have a fixed height, so an update asks for
no layout pass.

Ctrl+Q quits (Textual's own binding).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Minimal(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.keys = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("keys: 0", id="keys")
        yield Footer()

    def on_key(self, event: events.Key) -> None:
        self.keys += 1
        self.query_one("#keys", Static).update(f"keys: {self.keys} ({event.key})")


class Pages(App[None]):
    CSS = """
    #page { height: 1fr; }
    #keys { height: 1; }
    """

    def __init__(self, texts: list[str]) -> None:
        super().__init__()
        self.texts = texts
        self.lines: list[list[str]] = [[] for _ in texts]  # each text wrapped at the width
        self.width = 0
        self.file = 0
        self.top = 0
        self.keys = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="page", markup=False)
        yield Static("keys: 0", id="keys", markup=False)
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        width = max(1, event.size.width)
        if width != self.width:
            self.width = width
            self.lines = [_wrapped(text, width) for text in self.texts]
        self._show()

    def _height(self) -> int:
        return max(1, self.query_one("#page", Static).size.height or self.size.height - 3)

    def _show(self) -> None:
        lines = self.lines[self.file]
        self.query_one("#page", Static).update("\n".join(lines[self.top:self.top + self._height()]),
                                               layout=False)

    def on_key(self, event: events.Key) -> None:
        page = max(1, self._height() - 1)
        last = max(0, len(self.lines[self.file]) - page)
        if event.key == "pagedown":
            self.top = min(last, self.top + page)
        elif event.key == "pageup":
            self.top = max(0, self.top - page)
        elif event.key in ("J", "K"):
            step = 1 if event.key == "J" else -1
            self.file = max(0, min(len(self.texts) - 1, self.file + step))
            self.top = 0
        self._show()
        self.keys += 1
        self.query_one("#keys", Static).update(
            f"keys: {self.keys} ({event.key}) · file {self.file + 1} line {self.top + 1}", layout=False)


def _wrapped(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width) or [""])
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--pages"]:
        Pages([Path(name).read_text(encoding="utf-8") for name in sys.argv[2:]]).run()
    else:
        Minimal().run()
