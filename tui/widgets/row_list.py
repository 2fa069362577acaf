"""A list of one-line rows with a cursor, drawn with the line API: only the
rows on screen are shaped (by the layout engine) and drawn, so a list of
thousands of rows is replaced in place at the cost of the few shown. The
review screen lists an article's agreements and disagreements with it.

Rows are plain text in logical order; each is drawn left to right
(``display_line(..., direction="ltr")``), so Arabic inside a row reads
right to left and numbers and names stay where they are. A subclass may
keep rows of its own kind and draw them (``render_row``) and say which rows
the cursor passes over (``can_stop``): the span list beside the reader.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.layout import display_line
from tui.widgets.drawn_lines import DrawnLines
from tui.widgets.scroll_area import set_scroll_size


class RowList(DrawnLines, ScrollView, can_focus=True, inherit_bindings=False):
    COMPONENT_CLASSES = {"row-list--cursor"}

    DEFAULT_CSS = """
    RowList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    RowList > .row-list--cursor { color: ansi_black; background: ansi_bright_cyan; }
    RowList:focus > .row-list--cursor { text-style: bold; }
    """

    BINDINGS = [
        Binding("up", "move(-1)", "Previous row", show=False),
        Binding("down", "move(1)", "Next row", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First row", show=False),
        Binding("end", "edge(1)", "Last row", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, rows: "RowList", index: int | None) -> None:
            super().__init__()
            self.rows = rows
            self.index = index

        @property
        def control(self) -> "RowList":
            return self.rows

    def __init__(self, *, mode: str = "visual", harakat: bool = True, empty: str = "",
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.mode, self.harakat = mode, harakat
        self.empty = empty
        self.rows: list[str] = []
        self._highlighted: int | None = None
        self._shaped: dict[tuple[str, int], str] = {}
        self._styles: tuple[Style, Style] | None = None

    # ------------------------------------------------------------------ state

    @property
    def highlighted(self) -> int | None:
        return self._highlighted

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if index is not None:
            index = max(0, min(index, len(self.rows) - 1)) if self.rows else None
        old, self._highlighted = self._highlighted, index
        if old == index:
            return
        self._refresh_rows(old, index)
        top = int(self.scroll_y)
        if index is not None and not top <= index < top + self.kept_size.height:  # not on screen
            self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True)
        self.highlight_moved(index)

    def highlight_moved(self, index: int | None) -> None:
        """Say that the cursor moved (a subclass may say it in its own words)."""
        self.post_message(self.Highlighted(self, index))

    def can_stop(self, index: int) -> bool:
        """Whether the cursor may rest on row `index` (all rows, here)."""
        return True

    def set_rows(self, rows: list) -> None:
        """Replace the rows; the cursor stays on its index (clamped). Only
        the rows that changed are drawn again (and those a longer or
        shorter list adds or empties)."""
        old, self.rows = self.rows, list(rows)
        changed = [i for i, (a, b) in enumerate(zip(old, rows)) if a != b]
        if len(rows) != len(old):
            changed.extend(range(min(len(old), len(rows)), max(len(old), len(rows))))
            set_scroll_size(self, Size(self.scrollable_content_region.width or 1, len(rows)))
        self._refresh_rows(*changed)
        if self._highlighted is not None and self._highlighted >= len(rows):
            self.highlighted = len(rows) - 1 if rows else None

    def set_display(self, mode: str, harakat: bool) -> None:
        self.mode, self.harakat = mode, harakat
        self._shaped.clear()
        self.refresh()

    def _refresh_rows(self, *indices: int | None) -> None:
        size = self.kept_size
        top, height, width = int(self.scroll_y), size.height, size.width
        regions = [Region(0, i - top, width, 1) for i in indices if i is not None and top <= i < top + height]
        if regions:
            self.refresh(*regions)

    # --------------------------------------------------------------- actions

    def action_move(self, step: int) -> None:
        if not self.rows:
            return
        if self._highlighted is None:
            self.highlighted = self._stop(0, 1)
            return
        target = max(0, min(len(self.rows) - 1, self._highlighted + step))
        direction = 1 if step > 0 else -1
        found = self._stop(target, direction)
        if found is None:  # none further that way: the nearest back towards the cursor
            found = self._stop(target, -direction)
        if found is not None:
            self.highlighted = found

    def action_page(self, step: int) -> None:
        self.action_move(step * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        if self.rows:
            self.highlighted = self._stop(len(self.rows) - 1, -1) if end else self._stop(0, 1)

    def _stop(self, index: int, direction: int) -> int | None:
        """The first row from `index` on, going `direction`, the cursor may rest on."""
        while 0 <= index < len(self.rows):
            if self.can_stop(index):
                return index
            index += direction
        return None

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_y)
        if 0 <= index < len(self.rows) and self.can_stop(index):
            self.highlighted = index
            self.clicked(index)
        self.focus()

    def clicked(self, index: int) -> None:
        """Row `index` was clicked (and highlighted); nothing more here."""

    # --------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width or 1, len(self.rows))

    def _shape(self, row: str, width: int) -> str:
        key = (row, width)
        shown = self._shaped.get(key)
        if shown is None:
            if len(self._shaped) > 2000:
                self._shaped.clear()
            shown = self._shaped[key] = display_line(row, width, mode=self.mode, harakat=self.harakat,
                                                      direction="ltr")
        return shown

    def render_line(self, y: int) -> Strip:
        if self._styles is None:
            base = self.rich_style
            self._styles = (base, base + self.get_component_rich_style("row-list--cursor"))
        base, cursor = self._styles
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_y)
        if width <= 0:
            return Strip.blank(self.size.width, base)
        if not self.rows:
            text = self.empty[:width] if y == 0 else ""
            return Strip([Segment(text, base)]).adjust_cell_length(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        return self.render_row(index, width, cursor if index == self._highlighted else base)

    def render_row(self, index: int, width: int, style: Style) -> Strip:
        """Row `index` drawn `width` cells wide in `style`."""
        shown = self._shape(self.rows[index], max(1, width - 1))
        return Strip([Segment(" " + shown, style)]).adjust_cell_length(width, style)
