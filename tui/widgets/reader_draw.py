"""How the reader draws a row: the spans it highlights (`Highlight`), the
style of each cell from its spans, the match, the selection and the cursor,
and neighbouring cells of one style joined into one segment of a strip.

`ReaderDrawing` is a part of `tui.widgets.reader.Reader`: it reads the
reader's layout, cursor, selection and spans, and caches drawn rows and
styles in the reader's dictionaries.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rich.color import ANSI_COLOR_NAMES, Color as RichColor
from rich.color import ColorSystem, ColorType
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

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


def _stretch(ends: list[int], start: int, end: int) -> int | None:
    """Which stretch between sorted `ends` the logical range [start, end)
    lies in (the number of ends at or before `start`), or None when an end
    falls inside it."""
    after = bisect_right(ends, start)
    return after if bisect_left(ends, end) == after else None


class ReaderDrawing:
    """The reader's `render_line`: each row on screen drawn once and kept
    until something over it changes."""

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.kept_size.width
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

    def _cell_key(self, s: int, e: int, entities, themes, stale, suggested, matches, selection, others,
                  on_cursor: bool, marker: bool) -> tuple:
        """What a cell [s, e) is drawn with: the style key of `_style_for`."""
        entity = None
        for h in entities:
            if h.start < e and s < h.end:
                entity = h.colour
                break
        cell_themes = tuple(h.colour for h in themes if h.start < e and s < h.end) if themes else ()
        is_stale = any(h.start < e and s < h.end for h in stale) if stale else False
        suggestion = next((h.colour for h in suggested if h.start < e and s < h.end), None) if suggested else None
        match = 0
        for ms, me in matches:
            if ms < e and s < me:
                match = 2 if (ms, me) == self._current_match else 1
                break
        selected = selection is not None and selection[0] < e and s < selection[1]
        other = next((h.colour for h in others if h.start < e and s < h.end), None) if others else None
        return (entity, cell_themes, is_stale, match, selected, on_cursor, marker, suggestion, other)

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
        if selection is not None and not (selection[0] < hi and lo < selection[1]):
            selection = None
        # Most rows have no span or match over them: their cells differ only
        # by the cursor, the selection and markers, and nothing else is
        # looked at.
        plain = not (entities or themes or stale or suggested or matches or others)
        plain_styles: dict[tuple[bool, bool, bool], Style] = {}
        chosen_start, chosen_end = selection if selection is not None else (0, 0)
        if not plain:
            # Cells between the same two ends of highlights (and of the
            # selection) are covered by the same ones: their style is
            # worked out once (a cell a highlight's end falls inside, a
            # ligature, is worked out on its own).
            ends = sorted({edge for h in (*entities, *themes, *stale, *suggested, *others) for edge in (h.start, h.end)}
                          | {edge for match in matches for edge in match}
                          | ({chosen_start, chosen_end} if selection is not None else set()))
            between: dict[tuple[int, bool, bool], Style] = {}
        for cell in row.cells:
            on_cursor = column == cursor_col
            cursor_drawn = cursor_drawn or on_cursor
            if plain:
                selected = chosen_start < cell.end and cell.start < chosen_end
                style = plain_styles.get((on_cursor, cell.marker, selected))
                if style is None:
                    style = self._style_for((None, (), False, 0, selected, on_cursor, cell.marker, None, None))
                    plain_styles[on_cursor, cell.marker, selected] = style
            else:
                stretch = _stretch(ends, cell.start, cell.end)
                shared = (stretch, on_cursor, cell.marker) if stretch is not None else None
                style = between.get(shared) if shared is not None else None
                if style is None:
                    style = self._style_for(self._cell_key(cell.start, cell.end, entities, themes, stale, suggested,
                                                           matches, selection, others, on_cursor, cell.marker))
                    if shared is not None:
                        between[shared] = style
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
