"""A line-API widget's scrolling: its scrollable size set without
repainting it all, and a vertical scrollbar drawn a row at a time.

Assigning a ``ScrollView``'s ``virtual_size`` repaints the whole widget (it
is a reactive that asks for a layout): a list that grows by a row, or a
reader whose row count the engine has just learnt, would draw every row
it shows again. Its own size never depends on its rows, so only the
scrollbar and the scroll limits follow here (showing or hiding the
scrollbar still asks for a layout pass); the widget repaints the rows
that changed itself.

Textual's ``ScrollBar`` draws itself as a rich renderable, made and cut
into lines again for every frame that shows it: about 0.7 ms for the
reader's 13 rows on each J/K or PgDn. `RowScrollBar` makes the same
segments (Textual's ``ScrollBarRender.render_bar``, with the colours and
state its ``render`` picks) once per position and size and hands out one
row per line (past the styles cache: ``drawn_lines``);
`with_row_scrollbar` gives a widget that scrollbar.
"""

from __future__ import annotations

from rich.color import Color
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

from tui.widgets.drawn_lines import DrawnLines


def set_scroll_size(widget: ScrollView, size: Size) -> None:
    if size != widget.virtual_size:
        widget.set_reactive(Widget.virtual_size, size)
        widget._scroll_update(size)


#: The colours ScrollBarRender falls back on when its style has none.
BACK, BAR = Color.parse("#555555"), Color.parse("bright_magenta")


class RowScrollBar(DrawnLines, ScrollBar):
    """A vertical ScrollBar drawn through the line API (module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rows: list[Strip] = []
        self._rows_size: Size | None = None

    def render_line(self, y: int) -> Strip:
        if not self.vertical:
            return super().render_line(y)
        # Made again when Textual would render the bar again: a change of
        # position, size, colours or hover marks it dirty (refresh).
        if self._dirty_regions or self._rows_size != self.size:
            self._rows = self._make_rows()
            self._rows_size = self.size
            self._dirty_regions.clear()
        width = self.size.width
        return self._rows[y] if y < len(self._rows) else Strip.blank(width)

    def _make_rows(self) -> list[Strip]:
        bar = self.render()  # Textual's choice of colours (hover, grabbed) and sizes
        width, height = self.size
        if not isinstance(bar, ScrollBarRender):
            return [super(RowScrollBar, self).render_line(y) for y in range(height)]
        base = self.rich_style  # what Textual renders the bar's segments over
        style = self.app.console.get_style(bar.style)
        segments = bar.render_bar(
            size=height,
            virtual_size=bar.virtual_size,
            window_size=bar.window_size,
            position=bar.position,
            thickness=width,
            vertical=True,
            back_color=style.bgcolor or BACK,
            bar_color=style.color or BAR,
        )
        return [Strip([Segment(piece.text, base + piece.style)], width) for piece in segments.segments]


def with_row_scrollbar(widget: Widget) -> ScrollBar:
    """`widget`'s vertical scrollbar, made a `RowScrollBar` the first time
    it is asked for (what ``Widget.vertical_scrollbar`` does with a
    ``ScrollBar``)."""
    bar = widget._vertical_scrollbar
    if bar is None:
        bar = widget._vertical_scrollbar = RowScrollBar(
            vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
        )
        bar.display = False
        widget.app._start_widget(widget, bar)
    return bar
