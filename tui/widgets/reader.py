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
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterable

from rich.color import ANSI_COLOR_NAMES, Color as RichColor
from rich.color import ColorSystem, ColorType
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations import words
from tui.layout import Layout, LayoutOptions
from annotations.segment import Evidence

#: A search match outside the reader (search results), as the reader draws
#: one by default (reader--match).
MATCH = Style(color="black", bgcolor="bright_yellow")

_ANSI_NAMES = {number: name for name, number in ANSI_COLOR_NAMES.items() if number < 16}


def _named(colour: RichColor | None) -> RichColor | None:
    """Textual names an ANSI colour from CSS by its number ("color(11)");
    Rich's own name for it ("bright_yellow") draws the same and compares
    equal to the styles written with names."""
    if colour is not None and colour.type is ColorType.STANDARD and colour.number in _ANSI_NAMES:
        return RichColor.parse(_ANSI_NAMES[colour.number])
    return colour


@dataclass(frozen=True)
class Highlight:
    """A span as the reader draws it."""

    start: int
    end: int
    label: str
    kind: str  # "entity" or "theme"
    colour: str = "white"
    stale: bool = False


def _luminance(red: int, green: int, blue: int) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(a: float, b: float) -> float:
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def contrast_colour(colour: str) -> str:
    """Black or white text, whichever reads better on `colour` both as given
    and as a 16-colour terminal shows it (Rich's downgrade of that colour)."""
    try:
        parsed = RichColor.parse(colour)
    except Exception:
        return "black"
    backgrounds = [parsed.get_truecolor(), parsed.downgrade(ColorSystem.STANDARD).get_truecolor()]
    lums = [_luminance(*triplet) for triplet in backgrounds]
    on_black = min(_contrast(lum, 0.0) for lum in lums)
    on_white = min(_contrast(lum, 1.0) for lum in lums)
    return "black" if on_black >= on_white else "bright_white"


def _overlapping(starts: list[int], ends: list[int], lo: int, hi: int) -> range:
    """Indices of sorted, non-overlapping ranges that intersect [lo, hi)."""
    first = bisect_right(ends, lo)
    last = bisect_left(starts, hi)
    return range(first, max(first, last))


class Reader(ScrollView, can_focus=True, inherit_bindings=False):
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
        #: Whether snapping a word trims a leading clitic (set from the prefs).
        self.word_clitics = False

    # ------------------------------------------------------------------ state

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
        """Show another text (another article); cursor and selection reset."""
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
        self.post_message(self.Moved(self))

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
        self._entities = entities
        self._entity_starts = [h.start for h in entities]
        # Entities are flat (never overlap), so their ends are sorted too; a
        # stale store could break that, so keep the bisect safe by max-ing.
        ends: list[int] = []
        for h in entities:
            ends.append(max(h.end, ends[-1] if ends else 0))
        self._entity_ends = ends
        self._themes = sorted(themes, key=lambda h: (h.start, h.end))
        self._stale = stale
        self._invalidate()

    def set_suggestions(self, highlights: Iterable[Highlight]) -> None:
        """Replace the drawn suggestions: the label's colour as the text's
        colour, italic and double-underlined, never a background, so a
        suggestion never looks like an accepted entity."""
        self._suggested = sorted(highlights, key=lambda h: (h.start, h.end))
        self._invalidate()

    def set_others(self, highlights: Iterable[Highlight]) -> None:
        """Another annotator's spans, drawn over the text in their label's
        colour, italic and overlined (never editable here: the reader only
        draws them)."""
        self._others = sorted(highlights, key=lambda h: (h.start, h.end))
        self._invalidate()

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
        width = self.scrollable_content_region.width
        return max(1, width or self.size.width or 80)

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
        size = Size(self.content_width, self._row_count())
        if size != self.virtual_size:
            # The reader's own size never depends on its rows: a new row count
            # moves the scrollbar and the scroll limits, which is all it
            # updates here (showing or hiding the scrollbar still asks for
            # a layout pass), instead of a layout of the whole screen, which
            # would be followed by a frame of its own for the scrollbar.
            self.set_reactive(Reader.virtual_size, size)
            self._scroll_update(size)

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
        height = self.size.height
        width = self.size.width
        regions = []
        for row in rows:
            self._strips.pop(row, None)
            if top <= row < top + height:
                regions.append(Region(0, row - top, width, 1))
        if regions:
            self.refresh(*regions)

    def notify_style_update(self) -> None:
        super().notify_style_update()
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

    # ---------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        strip = self._strips.get(index)
        if strip is None:
            strip = self._draw_row(index)
            if len(self._strips) > 512:
                self._strips.clear()
            self._strips[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self.base_style)

    def _component(self, name: str) -> Style:
        """The style of the component class reader--`name` alone, looked up
        once per style update."""
        style = self._components.get(name)
        if style is None:
            style = self.get_component_rich_style(f"reader--{name}", partial=True)
            style = style + Style(color=_named(style.color), bgcolor=_named(style.bgcolor))
            self._components[name] = style
        return style

    def _style_for(self, key: tuple) -> Style:
        style = self._styles.get(key)
        if style is not None:
            return style
        entity, themes, stale, match, selected, cursor, marker, suggested, other = key
        component = self._component
        style = Style()
        if marker:
            style += component("marker")
        if entity is not None:
            style += Style(bgcolor=entity, color=contrast_colour(entity))
        if themes:
            # Themes underline; with no entity behind, the text takes the
            # first theme's colour so overlapping themes stay tellable.
            style += Style(underline=True)
            if entity is None:
                style += Style(color=themes[0])
            if len(themes) > 1:
                style += Style(bold=True)
        if suggested is not None and entity is None:
            style += component("suggestion") + Style(color=suggested)
        if other is not None:
            style += component("other")
            if entity is None:
                style += Style(color=other)
        if stale:
            style += component("stale")
        if match:
            style += component("current-match" if match == 2 else "match")
        if selected:
            style += component("selection")
        if cursor:
            style += component("cursor")
        style = self.base_style + style
        self._styles[key] = style
        return style

    def _draw_row(self, index: int) -> Strip:
        layout = self.layout
        try:
            row = layout.row(index)
        except IndexError:
            return Strip.blank(self.content_width, self.base_style)
        base = self.base_style
        cursor_row, cursor_col = self._cursor_row_col()
        if cursor_row != index:
            cursor_col = -1
        selection = self.selection
        lo, hi = row.start, row.end + 1
        entities = [self._entities[i] for i in _overlapping(self._entity_starts, self._entity_ends, lo, hi)]
        themes = [h for h in self._themes if h.start < hi and lo < h.end]
        stale = [h for h in self._stale if h.start < hi and lo < h.end]
        suggested = [h for h in self._suggested if h.start < hi and lo < h.end]
        matches = [self._matches[i] for i in _overlapping(self._match_starts, self._match_ends, lo, hi)]
        others = [h for h in self._others if h.start < hi and lo < h.end] if self._others else ()
        segments: list[Segment] = []
        if row.indent:
            segments.append(Segment(" " * row.indent, base))
        column = row.indent
        cursor_drawn = False
        # Neighbouring cells of one style are one segment: every segment is
        # carried through Textual's line filters and written to the terminal
        # with its own style sequence.
        run: list[str] = []
        run_style: Style | None = None
        for cell in row.cells:
            s, e = cell.start, cell.end
            entity = None
            for h in entities:
                if h.start < e and s < h.end:
                    entity = h.colour
                    break
            cell_themes = tuple(h.colour for h in themes if h.start < e and s < h.end)
            is_stale = any(h.start < e and s < h.end for h in stale)
            suggestion = next((h.colour for h in suggested if h.start < e and s < h.end), None)
            match = 0
            for ms, me in matches:
                if ms < e and s < me:
                    match = 2 if (ms, me) == self._current_match else 1
                    break
            selected = selection is not None and selection[0] < e and s < selection[1]
            on_cursor = column == cursor_col
            cursor_drawn = cursor_drawn or on_cursor
            other = next((h.colour for h in others if h.start < e and s < h.end), None) if others else None
            key = (entity, cell_themes, is_stale, match, selected, on_cursor, cell.marker, suggestion, other)
            style = self._style_for(key)
            if style is not run_style and run:
                segments.append(Segment("".join(run), run_style))
                run = []
            run_style = style
            run.append(cell.text)
            column += cell.width
        if run:
            segments.append(Segment("".join(run), run_style))
        strip = Strip(segments, column)
        if cursor_col >= 0 and not cursor_drawn:
            # The cursor stands on no cell (end of a paragraph, a blank row):
            # draw it as a reversed blank at its column.
            strip = strip.extend_cell_length(max(column, cursor_col + 1), base)
            before, at, after = strip.divide([cursor_col, cursor_col + 1, strip.cell_length])[:3]
            strip = Strip.join([before, at.apply_style(self._component("cursor")), after])
        return strip

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

    # --------------------------------------------------------------- movement

    def _rows_between(self, a: int, b: int) -> range:
        layout = self.layout
        ra = layout.locate(min(a, b))[0]
        rb = layout.locate(max(a, b))[0]
        return range(ra, rb + 1)

    def move_cursor_to(self, offset: int, select: bool = False, *, keep_goal: bool = False) -> None:
        """Put the cursor at logical `offset`; with `select`, extend the selection."""
        offset = max(0, min(offset, len(self._text)))
        old_cursor, old_anchor = self._cursor, self._anchor
        if select:
            if self._anchor is None:
                self._anchor = self._cursor
        else:
            self._anchor = None
        self._cursor = offset
        if not keep_goal:
            self._goal_column = None
        touched = set(self._rows_between(old_cursor, old_cursor))
        touched.update(self._rows_between(offset, offset))
        if old_anchor is not None:
            touched.update(self._rows_between(old_anchor, old_cursor))
        if self._anchor is not None:
            touched.update(self._rows_between(self._anchor, self._cursor))
        self._invalidate(touched)
        if self._cursor_row_col()[0] >= self.virtual_size.height:
            self._sync_virtual_size()
        self._scroll_to_cursor()
        self.post_message(self.Moved(self))

    def select(self, start: int, end: int) -> None:
        """Select the logical range [start, end); the cursor goes to `end`."""
        start = max(0, min(start, len(self._text)))
        end = max(0, min(end, len(self._text)))
        old = self.selection
        self._anchor = start
        old_cursor = self._cursor
        self._cursor = end
        self._goal_column = None
        touched = set(self._rows_between(old_cursor, old_cursor))
        if old is not None:
            touched.update(self._rows_between(*old))
        touched.update(self._rows_between(start, end))
        self._invalidate(touched)
        self._scroll_to_cursor()
        self.post_message(self.Moved(self))

    def clear_selection(self) -> None:
        if self._anchor is not None:
            old = self.selection
            self._anchor = None
            if old is not None:
                self._invalidate(self._rows_between(*old))
            self.post_message(self.Moved(self))

    def _scroll_to_cursor(self) -> None:
        if not self.size.height:
            return
        row = self._cursor_row_col()[0]
        top = round(self.scroll_y)
        height = self.scrollable_content_region.height or self.size.height
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _positions(self, row_index: int) -> list[tuple[float, int]]:
        """(column, offset) of every place the cursor can stand on a row, left
        to right: each cell's start, plus the end of the paragraph on its last
        row (so a selection can reach the last character), which stands at the
        row's far end in the paragraph direction: the left in RTL."""
        layout = self.layout
        row = layout.row(row_index)
        positions: list[tuple[float, int]] = []
        column = row.indent
        for cell in row.cells:
            positions.append((column, cell.start))
            column += cell.width
        if self._is_paragraph_end(row.end):
            if not row.cells:
                positions.append((layout.locate(row.end)[1], row.end))
            elif self._mode == "visual" and row.rtl:
                positions.insert(0, (row.indent - 0.5, row.end))
            else:
                positions.append((column - 0.5, row.end))
        return positions

    def _is_paragraph_end(self, offset: int) -> bool:
        return offset >= len(self._text) or self._text[offset] == "\n"

    def _horizontal(self, step: int) -> int:
        """Offset one place left (step -1) or right (+1) on screen."""
        layout = self.layout
        row_index, column = self._cursor_row_col()
        rtl = self._direction_of(row_index)
        forward = (step < 0) == rtl
        if self._mode == "logical":
            # The terminal orders the text itself: left is forward in RTL.
            return self._logical_step(1 if forward else -1)
        positions = self._positions(row_index)
        cursor = self._cursor
        index = next((i for i, (_, offset) in enumerate(positions) if offset == cursor), None)
        if index is None:
            # Inside a cell (a ligature's second letter, a harakah): the cell's place.
            index = next((i for i, (col, _) in enumerate(positions) if col == column), 0)
        target = index + step
        if 0 <= target < len(positions):
            return positions[target][1]
        # Off the edge of the row: continue on the row before or after in
        # reading order (the left edge of an RTL row leads to the next row).
        next_row = row_index + (1 if forward else -1)
        if next_row < 0:
            return self._cursor  # the visual edge of the first row
        if not self._has_row(next_row):
            return len(self._text)
        other = layout.row(next_row)
        if self._direction_of(next_row) == rtl:
            places = self._positions(next_row)
            return places[-1][1] if step < 0 else places[0][1]
        # A change of paragraph direction: land on its reading start or end.
        return other.start if forward else other.end

    def _direction_of(self, row_index: int) -> bool:
        """True for right-to-left. A blank row has no direction of its own:
        it takes the one of the nearest row above with text (or below)."""
        layout = self.layout
        row = layout.row(row_index)
        if row.cells:
            return row.rtl
        for other in range(row_index - 1, max(-1, row_index - 50), -1):
            above = layout.row(other)
            if above.cells:
                return above.rtl
        for other in range(row_index + 1, row_index + 50):
            if not self._has_row(other):
                break
            below = layout.row(other)
            if below.cells:
                return below.rtl
        return row.rtl

    def _logical_step(self, step: int) -> int:
        """One displayed cell forward (+1) or back (-1) in logical order."""
        layout = self.layout
        offset = self._cursor
        if step > 0:
            if offset >= len(self._text):
                return offset
            row, col = layout.locate(offset)
            cell = layout.cell_at(row, col)
            end = cell.end if cell is not None and cell.start <= offset < cell.end else offset + 1
            return min(end, len(self._text))
        if offset <= 0:
            return 0
        row, col = layout.locate(offset - 1)
        cell = layout.cell_at(row, col)
        if cell is not None and cell.start <= offset - 1 < cell.end:
            return cell.start
        return offset - 1

    def _vertical(self, rows: int) -> int:
        layout = self.layout
        row_index, column = self._cursor_row_col()
        if self._goal_column is None:
            self._goal_column = column
        target = max(0, row_index + rows)
        if not self._has_row(target):
            target = layout.row_count - 1
        if target == row_index:
            # Up on the first row goes to the start, down on the last to the end.
            return 0 if rows < 0 else len(self._text)
        return layout.hit(target, self._goal_column)

    def action_cursor_left(self, select: bool = False) -> None:
        self.move_cursor_to(self._horizontal(-1), select)

    def action_cursor_right(self, select: bool = False) -> None:
        self.move_cursor_to(self._horizontal(+1), select)

    def action_cursor_up(self, select: bool = False) -> None:
        self.move_cursor_to(self._vertical(-1), select, keep_goal=True)

    def action_cursor_down(self, select: bool = False) -> None:
        self.move_cursor_to(self._vertical(+1), select, keep_goal=True)

    def action_page_up(self, select: bool = False) -> None:
        page = max(1, (self.scrollable_content_region.height or 1) - 1)
        self.move_cursor_to(self._vertical(-page), select, keep_goal=True)

    def action_page_down(self, select: bool = False) -> None:
        page = max(1, (self.scrollable_content_region.height or 1) - 1)
        self.move_cursor_to(self._vertical(page), select, keep_goal=True)

    def _row_rtl(self) -> bool:
        return self._direction_of(self._cursor_row_col()[0])

    def _word_step(self, forward: bool, select: bool) -> int:
        text = self._text
        if forward:
            # Extending forward stops at a word's end so the selection never
            # swallows the following space.
            if select:
                return words.next_word_end(text, self._cursor)
            return words.next_word_start(text, self._cursor)
        return words.previous_word_start(text, self._cursor)

    def action_word_left(self, select: bool = False) -> None:
        self.move_cursor_to(self._word_step(self._row_rtl(), select), select)

    def action_word_right(self, select: bool = False) -> None:
        self.move_cursor_to(self._word_step(not self._row_rtl(), select), select)

    def action_row_start(self, select: bool = False) -> None:
        row = self.layout.row(self._cursor_row_col()[0])
        self.move_cursor_to(row.start, select)

    def action_row_end(self, select: bool = False) -> None:
        row = self.layout.row(self._cursor_row_col()[0])
        end = row.end
        if end > row.start and end <= len(self._text) and self._text[end - 1].isspace():
            end -= 1
        self.move_cursor_to(end, select)

    def action_text_start(self) -> None:
        self.move_cursor_to(0)

    def action_text_end(self) -> None:
        self.move_cursor_to(len(self._text))

    def select_word(self, clitics: bool = False, evidence: Evidence | None = None) -> tuple[int, int] | None:
        """Select the word(s) under the cursor or the selection, snapped to
        word boundaries (trimming leading proclitics the evidence supports,
        if asked)."""
        current = self.selection or (self._cursor, self._cursor)
        snapped = words.snap_to_words(self._text, current[0], current[1], clitics=clitics, evidence=evidence)
        if snapped is not None:
            self.select(*snapped)
        return snapped

    # ------------------------------------------------------------------ mouse

    @property
    def hit_layout(self) -> Layout:
        """The layout that matches what the terminal shows, for mouse hits.
        In logical mode the terminal reorders each row itself, which (for a
        terminal following the Unicode algorithm) puts the cells where the
        engine's visual mode would: rows wrap the same in both modes."""
        layout = self.layout
        if self._mode != "logical":
            return layout
        if self._hit is None or self._hit[0] is not layout:
            options = LayoutOptions(width=layout.options.width, mode="visual", harakat=self._harakat)
            self._hit = (layout, Layout(self._text, options))
        return self._hit[1]

    def _cell_under(self, event: events.MouseEvent) -> tuple[int, int] | None:
        offset = event.get_content_offset_capture(self)
        scroll_x, scroll_y = self.scroll_offset
        row = offset.y + scroll_y
        column = offset.x + scroll_x
        if row < 0:
            return (0, 0)
        if not self._has_row(row):
            return (len(self._text), len(self._text))
        layout = self.hit_layout
        cell = layout.cell_at(row, column)
        if cell is not None:
            return (cell.start, cell.end)
        point = layout.hit(row, column)
        return (point, point)

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1 or event.get_content_offset(self) is None:
            return
        cell = self._cell_under(event)
        if cell is None:
            return
        self.focus()
        if event.shift:
            # Shift+click extends the selection to take in the clicked cell.
            anchor = self._anchor if self._anchor is not None else self._cursor
            if cell[0] >= anchor:
                self.select(anchor, max(cell[1], anchor))
            else:
                self.select(anchor, cell[0])
            event.stop()
            return
        self.capture_mouse()
        self._drag_cell = cell
        self.move_cursor_to(cell[0])
        event.stop()

    async def _on_click(self, event: events.Click) -> None:
        if event.chain == 2 and event.get_content_offset(self) is not None:
            # Double click: the word under the mouse, snapped like the
            # select-word key.
            self.select_word(clitics=self.word_clitics)
            event.stop()

    async def _on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_cell is None:
            return
        cell = self._cell_under(event)
        if cell is None or cell == self._drag_cell:
            return
        pressed = self._drag_cell
        # A drag covers both the pressed cell and the cell under the mouse,
        # whichever way it goes in logical order.
        if cell[0] >= pressed[0]:
            self.select(pressed[0], max(cell[1], pressed[1]))
        else:
            self._select_backward(cell[0], pressed[1])
        event.stop()

    def _select_backward(self, start: int, end: int) -> None:
        self.select(end, start)

    async def _on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_cell is not None:
            self._drag_cell = None
            self.release_mouse()
            event.stop()
