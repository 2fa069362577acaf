"""The files of the corpus that could not be opened, each with its reason,
and a store file that could not be read, with the command that repairs it.

File names, paths and reasons are data: they are drawn with ``plain``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from annotations.corpus import CorpusProblem
from tui.node import HashiyaNode
from tui.sanitize import plain


class ProblemsScreen(HashiyaNode, ModalScreen[None]):
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
        display = self.app.prefs.display
        with Vertical(id="problems-box", classes="dialog"):
            title = plain(f"{count} file{'s' if count != 1 else ''} of {self.source} could not be opened",
                          display=display)
            title.stylize("bold")
            title.append("\nThey are left out; the rest of the corpus is open. Fix or remove them and reopen.")
            yield Static(title, id="problems-title")
            table = DataTable(id="problems-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("file", "reason")
            for problem in self.problems:
                table.add_row(plain(problem.name, display=display), plain(problem.reason, display=display))
            yield table
            yield Static("[dim]Esc closes · p on the article list opens this again[/dim]")

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)


class StoreErrorScreen(HashiyaNode, ModalScreen[None]):
    """A store file of the article at hand cannot be read: what and why (the
    error names the file), and the command that repairs it. The article is
    not opened; the others stay usable."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("enter", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, message: str, command: str) -> None:
        super().__init__()
        self.message = message
        self.command = command

    def compose(self) -> ComposeResult:
        display = self.app.prefs.display
        with Vertical(id="store-error-box", classes="dialog"):
            yield Static(Text("The store could not be read; nothing was changed", style="bold"),
                          id="store-error-title")
            yield Static(plain(self.message, display=display), id="store-error-message")
            command = plain(self.command, display=display)
            command.stylize("bold")
            text = Text("To repair it, quit hashiya (Ctrl+Q) and run:\n")
            text.append_text(command)
            text.append("\nIt rebuilds the damaged file from its .bak and the journal and keeps the damaged "
                        "copy. The other articles can still be opened.")
            yield Static(text, id="store-error-repair")
            yield Static("[dim]Esc closes[/dim]")

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
