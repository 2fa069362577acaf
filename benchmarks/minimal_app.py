"""The baseline of bench_terminal: a minimal Textual app -- a Header, one
Static line updated on every key, a Footer -- run as its own process in the
same terminal as hashiya.

    python benchmarks/minimal_app.py

It starts showing "keys: 0"; each key shows the count and the key's name.
Ctrl+Q quits (Textual's own binding).
"""

from __future__ import annotations

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


if __name__ == "__main__":
    Minimal().run()
