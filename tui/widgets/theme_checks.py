"""Check boxes whose state shows in the glyph, not only in its colour.

Textual's SelectionList draws every box as ▐X▌ and tells on from off by
colour alone, which a 16-colour terminal, a colour-blind reader or a
screenshot in grey loses. Here a box that is off is drawn empty: ▐X▌ on,
▐ ▌ off.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

OFF = " "


class ThemeChecks(SelectionList[str]):
    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            selection = self.get_option_at_index(int(self.scroll_offset.y) + y)
        except OptionDoesNotExist:
            return line
        if selection.value in self.selected:
            return line
        segments = list(line)
        if len(segments) > 1 and segments[1].text == Checkbox.BUTTON_INNER:
            segments[1] = Segment(OFF, segments[1].style, segments[1].control)
        return Strip(segments, line.cell_length)
