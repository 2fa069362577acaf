"""The list of an article's spans and document themes beside (or below) the reader."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from annotations.model import Span
from tui.layout import display_line
from tui.sanitize import visible


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

    # The panel's size is set by the screen, never by its rows: another
    # article's span count only moves the scrollbar, without a layout pass
    # of the whole screen (and the extra frame that follows one to redraw
    # the scrollbar).
    virtual_size = Reactive(Size(0, 0), layout=False)

    class Picked(Message):
        """A span (or, with ``span`` None, a suggestion) was picked; the
        reader goes to ``start``."""

        def __init__(self, span: Span | None, start: int | None = None) -> None:
            super().__init__()
            self.span = span
            self.start = span.start if span is not None and start is None else start

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        # Span texts come from articles: a "[" in one is text, not markup.
        super().__init__(id=id, classes=classes, markup=False)
        self._spans: list[Span] = []
        self._suggested: list = []
        self._shown: tuple | None = None  # show()'s arguments, to redraw at a new width

    def show(
        self,
        spans: list[Span],
        themes: list[str],
        *,
        stale_ids: set[str] = frozenset(),
        status: str = "",
        mode: str = "visual",
        harakat: bool = True,
        suggestions: list = (),
        suggested_themes: list[str] = (),
    ) -> None:
        """`suggestions`: waiting suggestions (start, end, label, text), listed
        after the spans as "suggested"; `suggested_themes` likewise."""
        self._spans = list(spans)
        self._suggested = list(suggestions)
        self._shown = (self._spans, list(themes), dict(stale_ids=stale_ids, status=status, mode=mode,
                                                       harakat=harakat, suggestions=self._suggested,
                                                       suggested_themes=list(suggested_themes)))
        # Every row fits the list (a wrapped row would split its visual-order
        # text): the content width less a scrollbar, if one may appear.
        room = (self.scrollable_content_region.width or 35) - 2
        options: list[Option | None] = []
        entities = sum(1 for s in spans if s.kind == "entity")
        themed = len(spans) - entities
        header = (f"{entities} entit{'y' if entities == 1 else 'ies'} · "
                  f"{themed} theme span{'' if themed == 1 else 's'}")
        options.append(Option(Text(header), disabled=True))
        for span in spans:
            mark = "!" if span.id in stale_ids else " "
            kind = "E" if span.kind == "entity" else "T"
            head = f"{mark}{kind} {visible(span.label):<10.10} "  # a label from the store
            tail = f"  {span.start}-{span.end}"
            width = max(4, room - cell_len(head) - cell_len(tail))
            shown = display_line(span.text, width, mode=mode, harakat=harakat)
            options.append(Option(Text(head + shown + tail), id=span.id))
        names = display_line(", ".join(themes), mode=mode, harakat=harakat) if themes else "none"
        options.append(Option(Text("Document themes: " + names), disabled=True))
        if self._suggested or suggested_themes:
            count = len(self._suggested)
            options.append(Option(Text(f"{count} suggested (y accept · r reject · ; next)"), disabled=True))
        for index, item in enumerate(self._suggested):
            head = f"?S {item.label:<10.10} "
            tail = f"  {item.start}-{item.end} suggested"
            width = max(4, room - cell_len(head) - cell_len(tail))
            shown = display_line(item.text, width, mode=mode, harakat=harakat)
            options.append(Option(Text(head + shown + tail, style="italic"), id=f"suggestion:{index}"))
        if suggested_themes:
            names = display_line(", ".join(suggested_themes), mode=mode, harakat=harakat)
            options.append(Option(Text("Suggested themes (T accepts): " + names, style="italic"), disabled=True))
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        if highlighted is not None and highlighted < len(options):
            self.highlighted = highlighted

    def on_resize(self) -> None:
        if self._shown is not None:
            spans, themes, options = self._shown
            self.show(spans, themes, **options)

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
        if span_id and span_id.startswith("suggestion:"):
            item = self._suggested[int(span_id.split(":", 1)[1])]
            self.post_message(self.Picked(None, item.start))
            return
        for span in self._spans:
            if span.id == span_id:
                self.post_message(self.Picked(span))
                return
