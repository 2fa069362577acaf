"""The list of an article's spans and document themes beside (or below) the reader.

By keyboard: the reader's Tab focuses the list; ↑ ↓ go through the spans in
text order (the reader's cursor follows, so the reader's keys — a label
key, x, e, ! — act on the span highlighted); Enter goes to the span in the
text; Esc or Tab goes back to the text. The document themes and the
article's note sit under the list (``SpansSide``), so they stay in sight
however long the list is.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.model import ARTICLE, Note, Span
from tui.layout import display_line
from tui.sanitize import visible
from tui.node import HashiyaNode

LABEL_WIDTH = 14  # longer label names end in "…" (the built-in ones fit)
LRI, PDI = "\u2066", "\u2069"


def abbreviate(label: str, width: int = LABEL_WIDTH) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def isolated(text: str, mode: str) -> str:
    """Numbers and ranges for a line the terminal may reorder (logical
    mode): inside LRI…PDI, so 13-20 never shows as 20-13 beside Arabic."""
    return f"{LRI}{text}{PDI}" if mode == "logical" else text


def badge(note: Note | None) -> str:
    """Two cells: ⚑ when flagged for review, ✎ when there is a note."""
    if not note:
        return "  "
    return ("⚑" if note.flagged else " ") + ("✎" if note.note else " ")


class SpansSide(Vertical):
    """The span list, with the document themes and the article's note under it."""

    DEFAULT_CSS = """
    SpansSide {
        border: none;
        border-left: solid $panel;
        padding: 0 1;
        width: 38;
        height: 1fr;
    }
    SpansSide > #doc-themes { height: auto; max-height: 3; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield SpansPanel(id="spans-panel")
        yield Static("", id="doc-themes", markup=False)


class SpansPanel(HashiyaNode, OptionList, inherit_bindings=False):
    """One line per span: label, the span's text shaped for display, offsets.
    Enter (or a click) on a span moves the reader's cursor to it."""

    DEFAULT_CSS = """
    SpansPanel {
        border: none;
        padding: 0;
        height: 1fr;
    }
    SpansPanel:focus {
        border: none;
    }
    """

    HELP_TITLE = "Span list (Tab from the text)"
    BINDINGS = [
        Binding("up", "cursor_up", "Previous span", show=False),
        Binding("down", "cursor_down", "Next span", show=False),
        Binding("home", "first", "First span", show=False),
        Binding("end", "last", "Last span", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("enter", "select", "Go to the span in the text"),
        Binding("escape,tab", "leave", "Back to the text"),
    ]

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

    class Highlighted(Message):
        """The list's highlight moved to `span` (by keyboard, with the list focused)."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    class Left(Message):
        """Esc or Tab: back to the text."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        # Span texts come from articles: a "[" in one is text, not markup.
        super().__init__(id=id, classes=classes, markup=False)
        self._spans: list[Span] = []
        self._suggested: list = []
        self._shown: tuple | None = None  # show()'s arguments, to redraw at a new width
        self._footer_lines = 0  # lines of the themes and note under the list
        self._footer = ""  # their text, as last shown
        self._listed: list[tuple] = []  # the lines as last shown: (text, style, id, disabled)
        self._span_lines: dict[tuple, str] = {}  # each span's line, by what it shows
        self._index: dict[str, int] = {}  # each span's place in the list, by id

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
        notes: dict[str, Note] | None = None,
    ) -> None:
        """`suggestions`: waiting suggestions (start, end, label, text), listed
        after the spans as "suggested"; `suggested_themes` likewise; `notes`:
        the article's and its spans' notes and flags."""
        notes = notes or {}
        self._spans = list(spans)
        self._index = {span.id: index for index, span in enumerate(self._spans)}
        self._suggested = list(suggestions)
        self._shown = (self._spans, list(themes), dict(stale_ids=stale_ids, status=status, mode=mode,
                                                       harakat=harakat, suggestions=self._suggested,
                                                       suggested_themes=list(suggested_themes), notes=notes))
        # Every row fits the list (a wrapped row would split its visual-order
        # text): the content width less a scrollbar, if one may appear.
        room = (self.scrollable_content_region.width or 35) - 2
        options: list[Option | None] = []
        entities = sum(1 for s in spans if s.kind == "entity")
        themed = len(spans) - entities
        header = (f"{entities} entit{'y' if entities == 1 else 'ies'} · "
                  f"{themed} theme span{'' if themed == 1 else 's'}")
        options.append(Option(Text(header), disabled=True))
        label_width = min(LABEL_WIDTH, max((len(span.label) for span in spans), default=0))
        # A line per span, kept while nothing it shows changes: an edit
        # shapes the text of the span it changed, not of every span.
        lines: dict[tuple, str] = {}
        for span in spans:
            mark = "!" if span.id in stale_ids else " "
            kind = "E" if span.kind == "entity" else "T"
            head = f"{mark}{kind} {abbreviate(visible(span.label)):<{label_width}} {badge(notes.get(span.id))} "
            key = (head, span.text, span.start, span.end, room, mode, harakat)
            line = self._span_lines.get(key)
            if line is None:
                tail = f"  {span.start}-{span.end}"
                width = max(4, room - cell_len(head) - cell_len(tail))
                shown = display_line(span.text, width, mode=mode, harakat=harakat)
                line = head + shown + "  " + isolated(tail.strip(), mode)
            lines[key] = line
            options.append(Option(Text(line), id=span.id))
        self._span_lines = lines
        names = display_line(", ".join(themes), mode=mode, harakat=harakat) if themes else "none"
        if self._suggested or suggested_themes:
            count = len(self._suggested)
            options.append(Option(Text(f"{count} suggested (y accept · r reject · ; next)"), disabled=True))
        for index, item in enumerate(self._suggested):
            head = f"?S {abbreviate(visible(item.label)):<{label_width}} "
            tail = f"  {item.start}-{item.end} suggested"
            width = max(4, room - cell_len(head) - cell_len(tail))
            shown = display_line(item.text, width, mode=mode, harakat=harakat)
            options.append(Option(Text(head + shown + tail, style="italic"), id=f"suggestion:{index}"))
        if suggested_themes:
            names = display_line(", ".join(suggested_themes), mode=mode, harakat=harakat)
            options.append(Option(Text("Suggested themes (T accepts): " + names, style="italic"), disabled=True))
        footer = "Document themes: " + names
        article_note = notes.get(ARTICLE)
        if article_note:
            text = display_line(" ".join(article_note.note.split()), max(4, room - 12), mode=mode, harakat=harakat)
            footer += f"\nArticle {badge(article_note).strip()} {text}".rstrip()
        below = self.parent.query("#doc-themes") if self.parent is not None else None
        if below:
            # A layout pass (and the extra frame after it) only when the
            # footer's height changes, not on every article or edit.
            lines = footer.count("\n") + 1
            if footer != self._footer:  # unchanged by most edits: no repaint then
                below.first(Static).update(footer, layout=lines != self._footer_lines)
            self._footer_lines = lines
            self._footer = footer
        else:
            options.append(Option(Text(footer), disabled=True))
        listed = [(o.prompt.plain, str(o.prompt.style), o.id, o.disabled) for o in options]
        if listed == self._listed:
            return  # the same lines (another article with none, an edit elsewhere): no repaint
        self._listed = listed
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        if highlighted is not None and highlighted < len(options):
            self.highlighted = highlighted

    def on_resize(self) -> None:
        if self._shown is not None:
            spans, themes, options = self._shown
            self.show(spans, themes, **options)

    def focused_span(self) -> Span | None:
        """The highlighted span while the list has the focus, else None."""
        if not self.has_focus or self.highlighted is None:
            return None
        index = self.highlighted - 1
        return self._spans[index] if 0 <= index < len(self._spans) else None

    def on_focus(self) -> None:
        if self.highlighted is None and self._spans:
            self.highlighted = 1

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        span = self.focused_span()
        if span is not None:
            self.post_message(self.Highlighted(span))

    def action_leave(self) -> None:
        self.post_message(self.Left())

    def highlight_span(self, span_id: str | None) -> None:
        index = self._index.get(span_id) if span_id is not None else None
        if index is None or self.highlighted == index + 1:
            return  # no such span, or highlighted (and scrolled to) already
        self.highlighted = index + 1
        self.scroll_to_highlight()

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
