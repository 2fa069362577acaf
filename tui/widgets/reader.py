"""The reader: an article drawn by the layout engine, with a cursor, a
selection and highlighted spans, using Textual's line API.

Only the rows on screen are laid out and drawn (`render_line`); layouts are
kept per width so a resize back and forth costs nothing, and drawn rows are
cached until the cursor, the selection or the highlights over them change.

The cursor and the selection are logical offsets into the article text: the
cursor sits before the character at `cursor`, the selection is the logical
range [start, end). Every on-screen position goes through the engine's map
(`Layout.locate`, `Layout.cell_at`, `Layout.hit`), so what the annotator sees
highlighted is exactly what gets stored.

This module holds the widget's state, its layouts per width and its
scrolling; the rest is in parts named for what they do:
`reader_draw.py` (rows as strips, their styles, `Highlight`),
`reader_motion.py` (cursor and selection keys) and `reader_mouse.py`
(clicks and drags).
"""

from __future__ import annotations

import bisect
from itertools import chain
from typing import Iterable

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.layout import Layout, LayoutOptions
from tui.widgets.drawn_lines import DrawnLines
from tui.widgets.reader_draw import (  # noqa: F401  (importable from here)
    MATCH, Highlight, ReaderDrawing, _contrast, _luminance, contrast_colour,
)
from tui.widgets.reader_motion import ReaderMotion
from tui.widgets.reader_mouse import ReaderMouse
from tui.widgets.scroll_area import set_scroll_size, with_row_scrollbar


class Reader(ReaderDrawing, ReaderMotion, ReaderMouse, DrawnLines, ScrollView, can_focus=True, inherit_bindings=False):
    """Draws an article laid out by `tui.layout` and edits a logical selection.

    Every key it handles is listed below; ScrollView's own bindings are not
    inherited, so its ctrl+pageup / ctrl+pagedown ("page left/right") do not
    hide the reader screen's previous / next article."""

    COMPONENT_CLASSES = {
        "reader--selection",
        "reader--match",
        "reader--current-match",
        "reader--stale",
        "reader--cursor",
        "reader--marker",
        "reader--suggestion",
        "reader--other",
    }

    # The component colours survive a downgrade to 16 colours: named ANSI
    # colours with an explicit foreground, so text never vanishes into its
    # own background. A label's colour (entities, themes) comes from the schema.
    DEFAULT_CSS = """
    Reader {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    Reader > .reader--selection { color: ansi_black; background: ansi_bright_cyan; }
    Reader > .reader--match { color: ansi_black; background: ansi_bright_yellow; }
    Reader > .reader--current-match { color: ansi_black; background: ansi_yellow; text-style: bold; }
    Reader > .reader--stale { color: ansi_bright_white; background: ansi_red; text-style: strike; }
    Reader > .reader--cursor { text-style: reverse; }
    Reader > .reader--marker { color: ansi_bright_magenta; text-style: bold; }
    /* a suggestion: the label's colour as the text's colour (never a
       background, which is an accepted entity's), italic, double underline */
    Reader > .reader--suggestion { text-style: italic uu; }
    /* another annotator's span, shown read-only: italic, overlined, in
       their label's colour where no entity of one's own is behind it */
    Reader > .reader--other { text-style: italic overline; }
    """

    BINDINGS = [
        Binding("left", "cursor_left", "Left (visual)", show=False),
        Binding("right", "cursor_right", "Right (visual)", show=False),
        Binding("up", "cursor_up", "Up a row", show=False),
        Binding("down", "cursor_down", "Down a row", show=False),
        Binding("shift+left", "cursor_left(True)", "Extend left", show=False),
        Binding("shift+right", "cursor_right(True)", "Extend right", show=False),
        Binding("shift+up", "cursor_up(True)", "Extend up", show=False),
        Binding("shift+down", "cursor_down(True)", "Extend down", show=False),
        Binding("ctrl+left,alt+left", "word_left", "Word left", show=False),
        Binding("ctrl+right,alt+right", "word_right", "Word right", show=False),
        Binding("ctrl+shift+left,alt+shift+left", "word_left(True)", "Extend word left", show=False),
        Binding("ctrl+shift+right,alt+shift+right", "word_right(True)", "Extend word right", show=False),
        Binding("home", "row_start", "Row start", show=False),
        Binding("end", "row_end", "Row end", show=False),
        Binding("shift+home", "row_start(True)", "Extend to row start", show=False),
        Binding("shift+end", "row_end(True)", "Extend to row end", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("shift+pageup", "page_up(True)", "Extend page up", show=False),
        Binding("shift+pagedown", "page_down(True)", "Extend page down", show=False),
        Binding("ctrl+home", "text_start", "Start of article", show=False),
        Binding("ctrl+end", "text_end", "End of article", show=False),
    ]

    class Moved(Message):
        """The cursor or the selection changed."""

        def __init__(self, reader: "Reader") -> None:
            super().__init__()
            self.reader = reader
            self.cursor = reader.cursor
            self.selection = reader.selection

        @property
        def control(self) -> "Reader":
            return self.reader

    def _post_moved(self) -> None:
        """Tell the screen the cursor or the selection moved: posted to the
        screen itself (every key posts one, and each hop up the widget tree
        is a turn of the event loop before the frame); a reader outside a
        screen posts it to itself."""
        try:
            target = self.screen
        except Exception:  # not mounted on a screen
            target = self
        target.post_message(self.Moved(self))

    def __init__(
        self,
        text: str = "",
        *,
        mode: str = "visual",
        harakat: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._text = text
        self._mode = mode
        self._harakat = harakat
        # Layouts of the last few widths: a resize back costs nothing.
        self._layouts: LRUCache[int, Layout] = LRUCache(4)
        self._layout: Layout | None = None  # the one in use
        #: texts laid out ahead (the articles next to this one), for set_text
        self._ahead: dict[str, Layout] = {}
        # Drawn rows until something over them changes. A plain dict emptied
        # when large: every row on screen is looked up on every key, where an
        # LRU's bookkeeping shows.
        self._strips: dict[int, Strip] = {}
        self._cursor = 0
        self._anchor: int | None = None
        self._goal_column: int | None = None
        self._entities: list[Highlight] = []
        self._entity_starts: list[int] = []
        self._entity_ends: list[int] = []
        self._themes: list[Highlight] = []
        self._stale: list[Highlight] = []
        self._suggested: list[Highlight] = []
        self._others: list[Highlight] = []
        self._matches: list[tuple[int, int]] = []
        self._match_starts: list[int] = []
        self._match_ends: list[int] = []
        self._current_match: tuple[int, int] | None = None
        self._styles: dict[tuple, Style] = {}
        self._components: dict[str, Style] = {}
        self._drag_cell: tuple[int, int] | None = None
        self._base_style: Style | None = None
        self._cursor_place: tuple[Layout, int, tuple[int, int]] | None = None
        self._hit: tuple[Layout, Layout] | None = None
        self._content_width: tuple[Size, int] | None = None
        #: Whether snapping a word trims a leading clitic (set from the prefs).
        self.word_clitics = False

    # ------------------------------------------------------------------ state

    @property
    def vertical_scrollbar(self):
        """Drawn a row at a time (scroll_area.RowScrollBar): redrawn on every
        J/K and PgDn, Textual's made its 13 rows again as one renderable."""
        return with_row_scrollbar(self)

    @property
    def text(self) -> str:
        return self._text

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected logical range [start, end), or None."""
        if self._anchor is None or self._anchor == self._cursor:
            return None
        return (min(self._anchor, self._cursor), max(self._anchor, self._cursor))

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def harakat(self) -> bool:
        return self._harakat

    def set_text(self, text: str, cursor: int = 0) -> None:
        """Show another text (another article); cursor and selection reset.
        The layout of the text shown until now is kept with those laid out
        ahead: it is a neighbour of the new one, after J or K."""
        if self._layout is not None and self._text != text:
            self._ahead[self._text] = self._layout
        self._text = text
        self._forget_layouts()
        ahead = self._ahead.pop(text, None)
        if ahead is not None and ahead.options == self._options():
            self._layouts[ahead.options.width] = ahead
        self._cursor = max(0, min(cursor, len(text)))
        self._anchor = None
        self._goal_column = None
        self._matches = []
        self._match_starts = []
        self._match_ends = []
        self._current_match = None
        # Back to the top first: the rows laid out for the next frame are the new text's first.
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._relayout()
        self._scroll_to_cursor()
        self._post_moved()

    def lay_out_ahead(self, texts: Iterable[str]) -> None:
        """Lay out the first screen of texts that may be shown next (the
        articles either side), so that showing one costs no layout."""
        options = self._options()
        ahead = {}
        for text in texts:
            layout = self._ahead.get(text)
            if layout is None or layout.options != options:
                layout = Layout(text, options)
                layout.rows(0, self.size.height)
            ahead[text] = layout
        self._ahead = ahead

    def _options(self) -> LayoutOptions:
        return LayoutOptions(width=self.content_width, mode=self._mode, harakat=self._harakat)

    def set_display(self, mode: str, harakat: bool) -> None:
        """Switch display mode (visual/logical) and harakat on/off; offsets unchanged."""
        if (mode, harakat) == (self._mode, self._harakat):
            return
        self._mode = mode
        self._harakat = harakat
        self._forget_layouts()
        self._relayout()
        self._scroll_to_cursor()

    def set_highlights(self, highlights: Iterable[Highlight]) -> None:
        """Replace the drawn spans."""
        entities, themes, stale = [], [], []
        for item in highlights:
            if item.stale:
                stale.append(item)
            elif item.kind == "entity":
                entities.append(item)
            else:
                themes.append(item)
        entities.sort(key=lambda h: (h.start, h.end))
        before = (self._entities, self._themes, self._stale)
        self._entity_starts = [h.start for h in entities]
        # Entities are flat (never overlap), so their ends are sorted too; a
        # stale store could break that, so keep the bisect safe by max-ing.
        ends: list[int] = []
        for h in entities:
            ends.append(max(h.end, ends[-1] if ends else 0))
        self._entities = entities
        self._entity_ends = ends
        self._themes = sorted(themes, key=lambda h: (h.start, h.end))
        self._stale = stale
        self._invalidate_changed(chain(*before), chain(entities, self._themes, stale))

    def set_suggestions(self, highlights: Iterable[Highlight]) -> None:
        """Replace the drawn suggestions: the label's colour as the text's
        colour, italic and double-underlined, never a background, so a
        suggestion never looks like an accepted entity."""
        before, self._suggested = self._suggested, sorted(highlights, key=lambda h: (h.start, h.end))
        self._invalidate_changed(before, self._suggested)

    def set_others(self, highlights: Iterable[Highlight]) -> None:
        """Another annotator's spans, drawn over the text in their label's
        colour, italic and overlined (never editable here: the reader only
        draws them)."""
        before, self._others = self._others, sorted(highlights, key=lambda h: (h.start, h.end))
        self._invalidate_changed(before, self._others)

    @property
    def others(self) -> list[Highlight]:
        return list(self._others)

    def set_matches(self, matches: list[tuple[int, int]], current: tuple[int, int] | None = None) -> None:
        """Highlight search matches (sorted, non-overlapping logical ranges)."""
        self._matches = sorted(matches)
        self._match_starts = [s for s, _ in self._matches]
        self._match_ends = [e for _, e in self._matches]
        self._current_match = current
        self._invalidate()

    @property
    def matches(self) -> list[tuple[int, int]]:
        return list(self._matches)

    # ----------------------------------------------------------------- layout

    @property
    def content_width(self) -> int:
        # Asked for many times per key (through `layout`): the width less
        # the scrollbar's gutter (always kept: stable) is worked out once
        # per content size (kept by DrawnLines.kept_size).
        size = self.kept_size
        known = self._content_width
        if known is not None and known[0] == size:
            return known[1]
        width = max(1, self.scrollable_content_region.width or size.width or 80)
        self._content_width = (size, width)
        return width

    @property
    def layout(self) -> Layout:
        """The layout for the current width (cached per width)."""
        width = self.content_width
        layout = self._layout
        if layout is not None and layout.options.width == width:
            return layout  # asked for many times per key: no cache lookup
        layout = self._layouts.get(width)
        if layout is None:
            if self._layout is not None:
                layout = self._layout.with_width(width)
            else:
                layout = Layout(self._text, self._options())
            self._layouts[width] = layout
        self._layout = layout
        return layout

    def _forget_layouts(self) -> None:
        self._layouts.clear()
        self._layout = None
        self._cursor_place = None

    def _row_count(self) -> int:
        """Rows as far as known: exact once laid out, estimated before (the
        engine lays out only what is shown)."""
        return max(1, self.layout.estimated_row_count())

    def _has_row(self, index: int) -> bool:
        if index < 0:
            return False
        try:
            self.layout.row(index)
        except IndexError:
            return False
        return True

    def _sync_virtual_size(self) -> None:
        # Not a layout of the whole screen, which would be followed by a
        # frame of its own for the scrollbar (scroll_area).
        set_scroll_size(self, Size(self.content_width, self._row_count()))

    def _prepare_rows(self) -> None:
        """Lay out the rows the next frame shows, and size the scrollable
        area by what that taught the engine about the row count: before the
        frame, so it never waits on layout nor is followed by another one
        correcting the scrollbar."""
        height = self.size.height
        if height:
            self.layout.rows(round(self.scroll_y), height)
        self._sync_virtual_size()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._prepare_rows()

    def _relayout(self) -> None:
        self._strips.clear()
        self._prepare_rows()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._goal_column = None
        self._prepare_rows()
        self._scroll_to_cursor()

    def _invalidate(self, rows: Iterable[int] | None = None) -> None:
        """Forget drawn rows and repaint them (only those on screen)."""
        if rows is None:
            self._strips.clear()
            self.refresh()
            return
        top = round(self.scroll_y)
        height = self.kept_size.height
        width = self.content_width  # the scrollbar beside a row is not part of it
        regions = []
        for row in rows:
            self._strips.pop(row, None)
            if top <= row < top + height:
                regions.append(Region(0, row - top, width, 1))
        if regions:
            self.refresh(*regions)

    def _invalidate_changed(self, before: Iterable[Highlight], after: Iterable[Highlight]) -> None:
        """Repaint the drawn rows under the spans that differ between
        `before` and `after` (a label key changes one span: one or two rows,
        not the screen). Rows not drawn yet are drawn from the new spans
        anyway, and none is laid out here (the rows on screen already are)."""
        changed = set(before).symmetric_difference(after)
        if not changed:
            return
        if len(changed) > 64:
            self._invalidate()
            return
        layout = self.layout
        top = round(self.scroll_y)
        # The rows kept drawn, and those on screen (kept by Textual even when
        # this cache was emptied for its size), in order: a row's logical
        # range follows the one before it, so the rows under a span are
        # found by bisection (hundreds may be kept drawn in a long article).
        drawn = sorted(set(self._strips).union(range(top, top + self.kept_size.height)))
        past = len(self._text) + 1  # where a row past the layout's end "starts"

        def span_of(index: int) -> tuple[int, int]:
            try:
                row = layout.row(index)
            except IndexError:
                return past, past
            return row.start, row.end + 1

        rows = set()
        for h in changed:
            at = bisect.bisect_right(drawn, h.start, key=lambda index: span_of(index)[1])
            while at < len(drawn) and span_of(drawn[at])[0] < h.end:
                rows.add(drawn[at])
                at += 1
        self._invalidate(rows)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._content_width = None  # padding or the scrollbar's size may have changed
        self._base_style = None
        self._styles.clear()
        self._components.clear()
        self._strips.clear()

    @property
    def base_style(self) -> Style:
        """The widget's own style, computed once (the DOM lookup is not cheap)."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    # ------------------------------------------------- the cursor on screen

    def _scroll_to_cursor(self) -> None:
        if not self.kept_size.height:
            return
        row = self._cursor_row_col()[0]
        top = round(self.scroll_y)
        height = self.scrollable_content_region.height or self.size.height
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _cursor_row_col(self) -> tuple[int, int]:
        layout = self.layout
        cursor = self._cursor
        cached = self._cursor_place
        if cached is None or cached[0] is not layout or cached[1] != cursor:
            place = layout.locate(cursor)
            if self._is_paragraph_end(cursor):
                # The end of a paragraph is drawn at the row's far end in the
                # paragraph direction (left of the text in RTL).
                row = layout.row(place[0])
                if row.cells:
                    width = layout.options.width
                    if self._mode == "visual" and row.rtl:
                        place = (place[0], max(0, row.indent - 1))
                    else:
                        place = (place[0], min(width - 1, row.indent + row.width))
            self._cursor_place = cached = (layout, cursor, place)
        return cached[2]

    def _is_paragraph_end(self, offset: int) -> bool:
        return offset >= len(self._text) or self._text[offset] == "\n"
