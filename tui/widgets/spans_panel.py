"""The list of an article's spans and document themes beside (or below) the reader.

By keyboard: the reader's Tab focuses the list; ↑ ↓ go through the spans in
text order (the reader's cursor follows, so the reader's keys — a label
key, x, e, ! — act on the span highlighted); Enter goes to the span in the
text; Esc or Tab goes back to the text. The document themes and the
article's note sit under the list (``SpansSide``), so they stay in sight
however long the list is.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import Static

from annotations.model import ARTICLE, Note, Span
from tui.layout import display_line
from tui.sanitize import visible
from tui.node import HashiyaNode
from tui.widgets.row_list import RowList

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


class SpansPanel(HashiyaNode, RowList, inherit_bindings=False):
    """One line per span: label, the span's text shaped for display, offsets;
    a count above them, waiting suggestions after them. Enter (or a click)
    on a span moves the reader's cursor to it.

    Drawn with the line API (a `RowList` of rows made here): an edit
    changes the rows it changes, and only those on screen are drawn again
    -- a list rebuilt as a whole drew every row shown on every label key."""

    COMPONENT_CLASSES = {"row-list--cursor", "spans-panel--muted", "spans-panel--suggested"}

    DEFAULT_CSS = """
    SpansPanel {
        border: none;
        padding: 0;
        height: 1fr;
    }
    SpansPanel:focus {
        border: none;
    }
    SpansPanel > .spans-panel--muted { color: $text-muted; }
    SpansPanel > .spans-panel--suggested { text-style: italic; }
    """

    HELP_TITLE = "Span list (Tab from the text)"
    BINDINGS = [
        Binding("up", "move(-1)", "Previous span", show=False),
        Binding("down", "move(1)", "Next span", show=False),
        Binding("home", "edge(0)", "First span", show=False),
        Binding("end", "edge(1)", "Last span", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
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
        super().__init__(id=id, classes=classes)
        self._spans: list[Span] = []
        self._suggested: list = []
        self._shown: tuple | None = None  # show()'s arguments, to redraw at a new width
        self._footer_lines = 0  # lines of the themes and note under the list
        self._footer = ""  # their text, as last shown
        self._below: Static | bool | None = None  # where they are shown (False: in the list)
        self.row_ids: list[str | None] = []  # each row's span id (suggestion:N for a suggestion)
        self._span_lines: dict[tuple, str] = {}  # each span's line, by what it shows
        self._index: dict[str, int] = {}  # each span's place in the list, by id
        self._row_styles: dict[str, Style] | None = None

    @property
    def lines(self) -> list[str]:
        """The rows' text, as drawn."""
        return [text for text, _ in self.rows]

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
        rows: list[tuple[str, str]] = []  # (text, kind): "muted" rows are passed over
        ids: list[str | None] = []

        def add(text: str, kind: str, row_id: str | None = None) -> None:
            rows.append((text, kind))
            ids.append(row_id)

        entities = sum(1 for s in spans if s.kind == "entity")
        themed = len(spans) - entities
        header = (f"{entities} entit{'y' if entities == 1 else 'ies'} · "
                  f"{themed} theme span{'' if themed == 1 else 's'}")
        add(header, "muted")
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
            add(line, "span", span.id)
        self._span_lines = lines
        names = display_line(", ".join(themes), mode=mode, harakat=harakat) if themes else "none"
        if self._suggested or suggested_themes:
            count = len(self._suggested)
            add(f"{count} suggested (y accept · r reject · ; next)", "muted")
        for index, item in enumerate(self._suggested):
            head = f"?S {abbreviate(visible(item.label)):<{label_width}} "
            tail = f"  {item.start}-{item.end} suggested"
            width = max(4, room - cell_len(head) - cell_len(tail))
            shown = display_line(item.text, width, mode=mode, harakat=harakat)
            add(head + shown + tail, "suggested", f"suggestion:{index}")
        if suggested_themes:
            names = display_line(", ".join(suggested_themes), mode=mode, harakat=harakat)
            add("Suggested themes (T accepts): " + names, "muted")
        footer = "Document themes: " + names
        article_note = notes.get(ARTICLE)
        if article_note:
            text = display_line(" ".join(article_note.note.split()), max(4, room - 12), mode=mode, harakat=harakat)
            footer += f"\nArticle {badge(article_note).strip()} {text}".rstrip()
        below = self._themes_below()
        if below is not None:
            # A layout pass (and the extra frame after it) only when the
            # footer's height changes, not on every article or edit.
            lines = footer.count("\n") + 1
            if footer != self._footer:  # unchanged by most edits: no repaint then
                below.update(footer, layout=lines != self._footer_lines)
            self._footer_lines = lines
            self._footer = footer
        else:
            for line in footer.split("\n"):
                add(line, "muted")
        self.row_ids = ids
        # Only the rows whose text or kind changed are drawn again (none for
        # another article with none, or an edit elsewhere); the highlight
        # stays on its row.
        self.set_rows(rows)

    def _themes_below(self) -> Static | None:
        """The line under the list that shows the themes and the article's
        note (looked up once), or None: they are rows of the list then."""
        if self._below is None and self.parent is not None:
            found = self.parent.query("#doc-themes")
            self._below = found.first(Static) if found else False
        return self._below or None

    def on_resize(self) -> None:
        super().on_resize()
        if self._shown is not None:
            spans, themes, options = self._shown
            self.show(spans, themes, **options)

    def can_stop(self, index: int) -> bool:
        return self.rows[index][1] != "muted"

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_styles = None

    def render_row(self, index: int, width: int, style: Style) -> Strip:
        text, kind = self.rows[index]
        if kind != "span" and index != self.highlighted:
            if self._row_styles is None:
                base = self.rich_style
                self._row_styles = {name: base + self.get_component_rich_style(f"spans-panel--{name}")
                                    for name in ("muted", "suggested")}
            style = self._row_styles[kind]
        if cell_len(text) > width:
            text = set_cell_size(text, width)
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def focused_span(self) -> Span | None:
        """The highlighted span while the list has the focus, else None."""
        if not self.has_focus or self.highlighted is None:
            return None
        index = self.highlighted - 1
        return self._spans[index] if 0 <= index < len(self._spans) else None

    def on_focus(self) -> None:
        if self.highlighted is None and self._spans:
            self.highlighted = 1

    def highlight_moved(self, index: int | None) -> None:
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

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.clicked(self.highlighted)

    def clicked(self, index: int) -> None:
        row_id = self.row_ids[index] if index < len(self.row_ids) else None
        if row_id is None:
            return
        if row_id.startswith("suggestion:"):
            item = self._suggested[int(row_id.split(":", 1)[1])]
            self.post_message(self.Picked(None, item.start))
            return
        for span in self._spans:
            if span.id == row_id:
                self.post_message(self.Picked(span))
                return
