"""Another annotator's spans beside one's own in the reader (key o): a
small dialog choosing whose, and the toggle the reader screen calls. The
spans are read from the other annotator's folder and only drawn
(Reader.set_others): never editable, never written to this annotator's
store, so never exported as this annotator's."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from tui.layout import display_line
from tui.node import HashiyaNode


class AnnotatorPicker(HashiyaNode, ModalScreen[str | None]):
    """↑/↓ and Enter choose, Escape cancels."""

    HELP_TITLE = "Annotator picker"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, names: list[str], title: str = "Show whose spans beside yours?") -> None:
        super().__init__()
        self.names = list(names)
        self.title_text = title

    def compose(self) -> ComposeResult:
        prefs = self.app.prefs
        with Vertical(id="annotator-box", classes="dialog"):
            yield Static(self.title_text + "  (Enter shows, Esc cancels)", id="annotator-title", markup=False)
            yield OptionList(
                *(display_line(name, 60, mode=prefs.display_mode, harakat=prefs.harakat, direction="ltr")
                  for name in self.names),
                id="annotator-options",
                markup=False,
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.names else None
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.names[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def show_other(screen) -> None:
    """Draw the reader screen's other annotator's spans of its article
    (read-only: they are only drawn, never put in this annotator's store)."""
    from annotations.errors import HashiyaError
    from tui.widgets.reader import Highlight

    reader = screen.reader
    other = screen.other_annotator
    if other is None:
        if reader.others:
            reader.set_others([])
        return
    colours = {label.name: label.colour for label in screen.schema.labels}
    try:
        spans = [s for s in screen.store.spans(screen.article_id, other) if s.is_aligned(screen.text)]
    except HashiyaError as exc:
        screen.notify(str(exc), severity="error", timeout=6)
        spans = []
    reader.set_others(Highlight(s.start, s.end, s.label, s.kind, colours.get(s.label, "white")) for s in spans)


def toggle_other(screen) -> None:
    """Choose another annotator whose spans the reader shows, or hide them."""
    if screen.other_annotator is not None:
        screen.notify(f"{screen.other_annotator}'s spans hidden", timeout=2)
        screen.other_annotator = None
        show_other(screen)
        screen._update_status()
        return
    store = screen.store
    names = [name for name in store.annotators() if name != store.annotator and store.article_ids(name)]
    if not names:
        screen.notify("No other annotator has work in this store.", severity="warning", timeout=3)
        return

    def chosen(name: str | None) -> None:
        if name is not None:
            screen.other_annotator = name
            show_other(screen)
            screen._update_status()
            count = len(screen.reader.others)
            screen.notify(f"{name}'s {count} span(s) here drawn italic and overlined (o hides them)", timeout=3)

    screen.app.push_screen(AnnotatorPicker(names), chosen)
