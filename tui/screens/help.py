"""Every key: read from the bindings of the app, the screen underneath and
its widgets (never a hand-kept list), plus the label keys of the schema."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..bindings import key_sections, section_title
from ..layout import display_line
from ..node import HashiyaNode
from ..sanitize import plain, visible


def collect_keys(screen: Screen) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """[(section, [(keys, description, tooltip), ...]), ...] for `screen`."""
    app = screen.app
    sections = []
    seen_actions: set[tuple[int, str]] = set()
    for title, node, bindings in key_sections(screen):
        by_action: dict[str, list[Binding]] = {}
        for binding in bindings:
            if not binding.system:
                by_action.setdefault(binding.action, []).append(binding)
        rows = []
        for action, bindings in by_action.items():
            if (id(node), action) in seen_actions:
                continue
            seen_actions.add((id(node), action))
            described = next((b for b in bindings if b.description), bindings[0])
            keys = " / ".join(dict.fromkeys(app.get_key_display(b) for b in bindings))
            rows.append((keys, described.description or action.replace("_", " "), described.tooltip or ""))
        if rows:
            sections.append((title, rows))
    return sections


def _label_style(colour: str) -> Style:
    try:
        return Style.parse(f"bold {colour}")
    except Exception:  # a colour Rich does not know: the name still shows
        return Style(bold=True)


class HelpScreen(HashiyaNode, ModalScreen[None]):
    HELP_TITLE = "Help"
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Static(f"[b]Keys — {section_title(self.target)}[/b]", id="help-title")
            with VerticalScroll(id="help-body"):
                for title, rows in collect_keys(self.target):
                    table = Table(title=title, title_justify="left", title_style="bold",
                                  show_header=False, box=None, expand=True, padding=(0, 1))
                    table.add_column("keys", no_wrap=True, width=16)
                    table.add_column("what", ratio=1)
                    for keys, description, tooltip in rows:
                        # label names and keys (from the schema) among them
                        what = plain(description)
                        if tooltip:
                            what.append(visible(f" — {tooltip}"), style="dim")
                        table.add_row(plain(keys), what)
                    yield Static(table, classes="help-section")
                yield Static(self._labels_table(), classes="help-section", id="help-labels")
            yield Static("[dim]Esc closes · ctrl+p finds any action by name[/dim]", id="help-hint")

    def _labels_table(self) -> Table:
        schema = self.app.schema
        prefs = self.app.prefs
        table = Table(title=plain(f"Label keys (reader) — {schema.source}", "bold"), title_justify="left",
                      title_style="bold", show_header=False, box=None, expand=True, padding=(0, 1))
        table.add_column("key", no_wrap=True, width=4)
        table.add_column("label", no_wrap=True, width=16)
        table.add_column("kind", no_wrap=True, width=7)
        table.add_column("description", ratio=1, no_wrap=True, overflow="crop")
        # The engine cuts a description in reading order; a table cutting the
        # visual string would drop words from the middle of an RTL run.
        box = min(int(self.app.size.width * 0.9), 110)
        room = max(10, box - 2 - 2 - 2 - (4 + 16 + 7) - 8)
        for label in schema.labels:
            description = Text(display_line(label.description, room, mode=prefs.display_mode,
                                            harakat=prefs.harakat)) if label.description else ""
            table.add_row(plain(label.key, "bold"), plain(label.name, _label_style(label.colour)),
                          label.kind, description)
        return table

    def action_close(self) -> None:
        self.dismiss(None)
