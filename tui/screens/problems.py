"""The files of the corpus that could not be opened, each with its reason."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from annotations.corpus import CorpusProblem


class ProblemsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("enter", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, problems: list[CorpusProblem], source: str = "") -> None:
        super().__init__()
        self.problems = problems
        self.source = source

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        with Vertical(id="problems-box", classes="dialog"):
            yield Static(
                f"[b]{count} file{'s' if count != 1 else ''} of {self.source} could not be opened[/b]\n"
                "They are left out; the rest of the corpus is open. Fix or remove them and reopen.",
                id="problems-title",
            )
            table = DataTable(id="problems-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("file", "reason")
            for problem in self.problems:
                table.add_row(problem.name, problem.reason)
            yield table
            yield Static("[dim]Esc closes · p on the article list opens this again[/dim]")

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
