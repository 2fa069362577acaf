"""The reader under the mouse: a click puts the cursor, shift+click and a
drag select, a double click selects the word; in logical mode hits go
through the layout the terminal shows.

`ReaderMouse` is a part of `tui.widgets.reader.Reader`.
"""

from __future__ import annotations

from textual import events

from tui.layout import Layout, LayoutOptions


class ReaderMouse:
    """The reader's mouse handlers and the layout they hit."""

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
