"""The list of an article's spans and document themes beside (or below) the reader."""

from __future__ import annotations

from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from annotations.model import Span
from tui.layout import display_line


class SpansPanel(OptionList, can_focus=False):
    """One line per span: label, the span's text shaped for display, offsets.
    Clicking a span moves the reader's cursor to it."""

    DEFAULT_CSS = """
    SpansPanel {
        border: none;
        border-left: solid $panel;
        padding: 0 1;
        width: 38;
        height: 1fr;
    }
    """

    class Picked(Message):
        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[Span] = []

    def show(
        self,
        spans: list[Span],
        themes: list[str],
        *,
        stale_ids: set[str] = frozenset(),
        status: str = "",
        mode: str = "visual",
        harakat: bool = True,
    ) -> None:
        self._spans = list(spans)
        width = max(8, (self.size.width or 38) - 22)
        options: list[Option | None] = []
        entities = sum(1 for s in spans if s.kind == "entity")
        header = f"{entities} entities · {len(spans) - entities} theme spans"
        options.append(Option(header, disabled=True))
        for span in spans:
            shown = display_line(span.text, width, mode=mode, harakat=harakat)
            mark = "!" if span.id in stale_ids else " "
            kind = "E" if span.kind == "entity" else "T"
            options.append(
                Option(f"{mark}{kind} {span.label:<10.10} {shown}  {span.start}-{span.end}", id=span.id)
            )
        options.append(Option("Document themes: " + (", ".join(themes) if themes else "none"), disabled=True))
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        if highlighted is not None and highlighted < len(options):
            self.highlighted = highlighted

    def highlight_span(self, span_id: str | None) -> None:
        if span_id is None:
            return
        for index, span in enumerate(self._spans):
            if span.id == span_id:
                self.highlighted = index + 1
                self.scroll_to_highlight()
                return

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        span_id = event.option.id
        for span in self._spans:
            if span.id == span_id:
                self.post_message(self.Picked(span))
                return
