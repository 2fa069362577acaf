"""A one-line text box that shows Arabic as the rest of the app does.

Textual's Input draws its value in logical order and unshaped, so an Arabic
query typed into it reads back to front in a terminal that does no bidi.
This Input draws a value holding right-to-left letters through the layout
engine (shaped, in visual order in visual mode) with the cursor on the cell
of its logical position; editing is Input's own, on the logical value.
"""

from __future__ import annotations

import unicodedata

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Input

from ..layout import Layout, LayoutOptions
from ..node import HashiyaNode


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


class ShapedInput(HashiyaNode, Input):
    def render_line(self, y: int) -> Strip:
        value = self.value
        if y != 0 or not value or self.password or not has_rtl(value):
            return super().render_line(y)
        mode, harakat = self.app.prefs.display
        room = 2 * len(value) + 4
        layout = Layout(value, LayoutOptions(width=room, mode=mode, harakat=harakat))
        row = layout.row(0)
        _, column = layout.locate(self.cursor_position)
        cursor_at = column - row.indent  # -1: left of the text, row width: right of it
        show_cursor = self.has_focus and self._cursor_visible
        base = self.rich_style
        cursor_style = base + self.get_component_rich_style("input--cursor")
        segments: list[Segment] = []
        if cursor_at < 0:
            segments.append(Segment(" ", cursor_style if show_cursor else base))
        x = 0
        for cell in row.cells:
            on_cursor = show_cursor and x == cursor_at
            segments.append(Segment(cell.text, cursor_style if on_cursor else base))
            x += cell.width
        if cursor_at >= x:
            segments.append(Segment(" ", cursor_style if show_cursor else base))
        width = self.scrollable_content_region.width + 1
        return Strip(segments).adjust_cell_length(width, base)
