"""The first-run check: one Arabic sample drawn both ways; the annotator
says which reads correctly and that decides the display mode.

Terminals that reorder right-to-left text themselves (Konsole, mlterm,
PuTTY...) turn the engine's visual order back to front; for them the
logical version is the one that reads correctly.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..layout import display_line
from ..node import HashiyaNode

SAMPLE = "افتُتح المؤتمر الطبي (2025) في London بمشاركة 300 طبيب."
SAMPLE_GLOSS = 'Meaning: "The medical conference (2025) opened in London with 300 doctors."'


class FirstRunScreen(HashiyaNode, ModalScreen[str | None]):
    HELP_TITLE = "First-run check"
    BINDINGS = [
        Binding("1", "choose('visual')", "Line 1 reads correctly"),
        Binding("2", "choose('logical')", "Line 2 reads correctly"),
        Binding("escape", "choose('')", "Decide later"),
    ]

    def compose(self) -> ComposeResult:
        harakat = self.app.prefs.harakat
        visual = display_line(SAMPLE, None, mode="visual", harakat=harakat)
        logical = display_line(SAMPLE, None, mode="logical", harakat=harakat)
        with Vertical(id="first-run-box", classes="dialog"):
            yield Static("[b]Which line reads correctly?[/b]", id="first-run-title")
            yield Static(
                "Your terminal may reorder right-to-left text by itself. Read both lines: the "
                "correct one reads from the right, keeps (2025) in its brackets and shows "
                "London spelled left to right.",
                id="first-run-explain",
            )
            with Horizontal(classes="first-run-choice", id="choice-visual"):
                yield Static("[b]1[/b]", classes="first-run-key")
                yield Static(Text(visual), classes="first-run-sample")
            with Horizontal(classes="first-run-choice", id="choice-logical"):
                yield Static("[b]2[/b]", classes="first-run-key")
                yield Static(Text(logical), classes="first-run-sample")
            yield Static(f"[dim]{SAMPLE_GLOSS}[/dim]")
            yield Static(
                "Press [b]1[/b] or [b]2[/b]. The answer is remembered; F2 switches later. "
                "Esc decides later (line 1 is used).",
                id="first-run-hint",
            )

    def action_choose(self, mode: str) -> None:
        self.dismiss(mode or None)
