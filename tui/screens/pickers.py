"""Label and document-theme pickers (modal dialogs returning a value)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from annotations.schema import Label
from annotations.textnorm import normalize


def label_matches(label: Label, query: str) -> bool:
    """A label matches when the folded query appears in its name, key,
    kind or description (so Arabic examples in descriptions are found too)."""
    query = normalize(query.strip())
    if not query:
        return True
    haystack = normalize(" ".join((label.name, label.key, label.kind, label.description)))
    return all(part in haystack for part in query.split())


class LabelPicker(ModalScreen[Label | None]):
    """Type to filter, Enter to choose, Escape to cancel."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next label", show=False),
        Binding("up", "move(-1)", "Previous label", show=False),
    ]

    DEFAULT_CSS = """
    LabelPicker #picker-box { height: auto; max-height: 80%; }
    LabelPicker OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, labels: tuple[Label, ...] | list[Label], title: str = "Apply label") -> None:
        super().__init__()
        self.labels = list(labels)
        self.title_text = title
        self.shown: list[Label] = list(labels)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box", classes="dialog"):
            yield Static(f"[b]{self.title_text}[/b]  (type to filter, Enter applies)", id="picker-title")
            yield Input(placeholder="filter labels", id="picker-filter")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        self.shown = [label for label in self.labels if label_matches(label, query)]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(f"{label.key}  {label.name:<16} {label.kind:<6} {label.description[:60]}")
                for label in self.shown
            ]
        )
        if self.shown:
            options.highlighted = 0

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
        self.dismiss(self.shown[event.option_index])

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ThemePicker(ModalScreen[set[str] | None]):
    """Document-level themes: Space toggles, Enter keeps, Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "keep", "Keep themes", priority=True),
    ]

    DEFAULT_CSS = """
    ThemePicker #themes-box { height: auto; max-height: 80%; }
    ThemePicker SelectionList { height: auto; max-height: 20; }
    """

    def __init__(self, themes: tuple[Label, ...] | list[Label], chosen: set[str]) -> None:
        super().__init__()
        self.themes = list(themes)
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(id="themes-box", classes="dialog"):
            yield Static("[b]Document themes[/b]  (Space toggles, Enter keeps, Esc cancels)")
            yield SelectionList[str](
                *[
                    (f"{label.name:<16} {label.description[:60]}", label.name, label.name in self.chosen)
                    for label in self.themes
                ],
                id="themes-list",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_keep(self) -> None:
        self.dismiss(set(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)
