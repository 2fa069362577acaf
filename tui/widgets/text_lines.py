"""A few fixed lines of plain text drawn through Textual's line API: the
reader's header and status line.

A `Static` given a new text on every key parses it, wraps it and renders
it again as a whole (about half a millisecond for one status line, on each
cursor key). These lines never wrap and hold no markup, so `TextLines`
draws each as one segment in the widget's own style, cut or padded to the
width, and repaints only the rows whose text changed.

It shows data (titles, ids, labels, quoted span text): every line goes
through `tui.sanitize.visible` here, so a control character or a bidi
formatting character is drawn as its marker and nothing is read as markup.
Text for it is already shaped and ordered for the screen (`display_line`).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tui.sanitize import visible
from tui.widgets.drawn_lines import DrawnLines


class TextLines(DrawnLines, Widget):
    """Lines of plain text, each drawn as one segment (module docstring)."""

    DEFAULT_CSS = """
    TextLines {
        height: auto;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[str] = [visible(line) for line in text.split("\n")]
        self._strips: dict[int, Strip] = {}
        self._style: Style | None = None

    @property
    def content(self) -> str:
        """The text shown, lines joined by newlines (after escaping)."""
        return "\n".join(self._lines)

    def update(self, text: str) -> None:
        """Show `text` (lines split at newlines); only the rows that change
        are drawn again, and the widget's height is left as its CSS sets it."""
        lines = [visible(line) for line in text.split("\n")]
        old = self._lines
        if lines == old:
            return
        self._lines = lines
        width = self.kept_size.width
        for y in range(max(len(lines), len(old))):
            if y >= len(lines) or y >= len(old) or lines[y] != old[y]:
                self._strips.pop(y, None)
                if width:
                    self.refresh(Region(0, y, width, 1))
        if not width:
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self._lines))

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is None:
            if self._style is None:
                self._style = self.rich_style
            width = self.kept_size.width
            text = self._lines[y] if y < len(self._lines) else ""
            strip = Strip([Segment(text, self._style)])
            if strip.cell_length > width:
                strip = strip.crop(0, width)  # cheaper than rich's set_cell_size for Arabic text
            strip = self._strips[y] = strip.adjust_cell_length(width, self._style)
        return strip

