"""The reader's cursor and selection keys: moving by a place on screen
(visual or logical order), a row, a page, a word, to a row's or the
article's ends, selecting a range and snapping it to words.

`ReaderMotion` is a part of `tui.widgets.reader.Reader`: every move ends in
`move_cursor_to` or `select`, which repaint only the rows they touched.
"""

from __future__ import annotations

from annotations import words
from annotations.segment import Evidence


class ReaderMotion:
    """Where each key puts the reader's cursor, and the selection it extends."""

    def _rows_between(self, a: int, b: int) -> range:
        layout = self.layout
        ra = layout.row_of(min(a, b))
        rb = ra if a == b else layout.row_of(max(a, b))
        return range(ra, rb + 1)

    def move_cursor_to(self, offset: int, select: bool = False, *, keep_goal: bool = False,
                       quiet: bool = False) -> None:
        """Put the cursor at logical `offset`; with `select`, extend the
        selection; `quiet`: no Moved message (the caller updates the screen
        itself)."""
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
        if not quiet:
            self._post_moved()

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
        self._post_moved()

    def clear_selection(self) -> None:
        if self._anchor is not None:
            old = self.selection
            self._anchor = None
            if old is not None:
                self._invalidate(self._rows_between(*old))
            self._post_moved()

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
