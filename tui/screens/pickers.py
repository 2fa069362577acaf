"""Label and document-theme pickers (modal dialogs returning a value)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from rich.text import Text
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from annotations.schema import Label
from annotations.textnorm import normalize
from tui.layout import display_line
from tui.node import HashiyaNode
from tui.widgets.shaped_input import ShapedInput

NAME_WIDTH = 16
KIND_WIDTH = 6
#: Rows the label picker lists at most: a schema of thousands of labels
#: opens at once, and typing narrows the list to what is wanted.
MAX_SHOWN = 200


def list_text_width(screen_width: int, extra: int = 0) -> int:
    """Columns inside a `.dialog`'s list on a screen this wide: the dialog
    (90% of the screen, at most 110, thick border and padding), the list's
    own border and padding, a scrollbar, and `extra` columns of the list's
    own (a check box)."""
    box = min(int(screen_width * 0.9), 110)
    return max(10, box - 4 - 4 - 2 - extra)


def _cell(text: str, width: int, mode: str, harakat: bool) -> str:
    """`text` shaped and cut to `width`, padded to it."""
    shown = display_line(text, width, mode=mode, harakat=harakat)
    return shown + " " * max(0, width - Text(shown).cell_len)


def label_matches(label: Label, query: str) -> bool:
    """A label matches when the folded query appears in its name, key,
    kind or description (so Arabic examples in descriptions are found too)."""
    query = normalize(query.strip())
    if not query:
        return True
    return all(part in _haystack(label) for part in query.split())


def _haystack(label: Label) -> str:
    return normalize(" ".join((label.name, label.key, label.kind, label.description)))


class LabelPicker(HashiyaNode, ModalScreen[Label | None]):
    """Type to filter, Enter to choose, Escape to cancel."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next label", show=False),
        Binding("up", "move(-1)", "Previous label", show=False),
    ]

    def __init__(self, labels: tuple[Label, ...] | list[Label], title: str = "Apply label") -> None:
        super().__init__()
        self.labels = list(labels)
        self.title_text = title
        #: the labels listed (the first MAX_SHOWN that match), and how many match
        self.shown: list[Label] = self.labels[:MAX_SHOWN]
        self.matching = len(self.labels)
        self._haystacks: list[str] | None = None  # made at the first filter
        self._key_width = max((Text(label.key).cell_len for label in self.labels), default=1)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box", classes="dialog"):
            title = Text(self.title_text, style="bold")
            title.append("  (type to filter, Enter applies)", style="not bold")
            yield Static(title, id="picker-title")
            yield ShapedInput(placeholder="filter labels", id="picker-filter")
            yield OptionList(id="picker-options", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def on_resize(self) -> None:
        self._fill(self.query_one(Input).value, keep=True)

    def option_text(self, label: Label, width: int) -> str:
        """One label's row: key, name, kind, and as much of the description
        as fits in `width` columns, shaped and in reading order."""
        mode, harakat = self.app.prefs.display
        key_width = max(1, self._key_width)
        head = (_cell(label.key, key_width, mode, harakat) + "  "
                + _cell(label.name, NAME_WIDTH, mode, harakat) + " "
                + _cell(label.kind, KIND_WIDTH, mode, harakat) + " ")
        room = width - Text(head).cell_len
        if not label.description or room < 4:
            return head.rstrip()
        return head + display_line(label.description, room, mode=mode, harakat=harakat)

    def _matches(self, query: str) -> list[Label]:
        parts = normalize(query.strip()).split()
        if not parts:
            return self.labels
        if self._haystacks is None:
            self._haystacks = [_haystack(label) for label in self.labels]
        return [label for label, haystack in zip(self.labels, self._haystacks)
                if all(part in haystack for part in parts)]

    def _fill(self, query: str, keep: bool = False) -> None:
        matches = self._matches(query)
        self.matching = len(matches)
        self.shown = matches[:MAX_SHOWN]
        options = self.query_one(OptionList)
        highlighted = options.highlighted if keep else None
        width = list_text_width(self.app.size.width)
        options.clear_options()
        rows = [Option(Text(self.option_text(label, width))) for label in self.shown]
        if self.matching > len(self.shown):
            more = self.matching - len(self.shown)
            rows.append(Option(Text(f"… {more:,} more label{'s' if more != 1 else ''}: type to filter",
                                    style="dim"), disabled=True))
        options.add_options(rows)
        if self.shown:
            options.highlighted = 0 if highlighted is None else min(highlighted, len(self.shown) - 1)

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is not None and 0 <= index < len(self.shown):
            self.dismiss(self.shown[index])

    @on(OptionList.OptionSelected, "#picker-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.shown):
            self.dismiss(self.shown[event.option_index])

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ThemePicker(HashiyaNode, ModalScreen[set[str] | None]):
    """Document-level themes: Space toggles, Enter keeps, Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "keep", "Keep themes", priority=True),
    ]

    def __init__(self, themes: tuple[Label, ...] | list[Label], chosen: set[str]) -> None:
        super().__init__()
        self.themes = list(themes)
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(id="themes-box", classes="dialog"):
            yield Static("[b]Document themes[/b]  (Space toggles, Enter keeps, Esc cancels)")
            width = list_text_width(self.app.size.width, extra=4)
            yield SelectionList[str](
                *[
                    (Text(self.option_text(label, width)), label.name, label.name in self.chosen)
                    for label in self.themes
                ],
                id="themes-list",
            )

    def option_text(self, label: Label, width: int) -> str:
        """A theme's row: its name and as much of its description as fits."""
        mode, harakat = self.app.prefs.display
        head = _cell(label.name, NAME_WIDTH, mode, harakat) + " "
        room = width - Text(head).cell_len
        if not label.description or room < 4:
            return head.rstrip()
        return head + display_line(label.description, room, mode=mode, harakat=harakat)

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_keep(self) -> None:
        self.dismiss(set(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)
