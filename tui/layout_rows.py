"""Steps 2 to 5 of the layout engine (``tui.layout``): a text's paragraphs laid
out as rows at a width -- bidi levels, greedy wrapping, reordering per row,
lazily and cached (``Layout``), with the options it takes (``LayoutOptions``)
and the ``Row`` it gives. Pure Python, no Textual."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from tui import rtl

from tui.shaping import char_width, is_combining


from tui.layout_cells import DIRECTIONS, ELLIPSIS, MODES, Cell, _SPACE, _TAB, _Prep

# A paragraph longer than this is laid out in pieces (each with the paragraph's direction),
# so that a huge single-line file still shows its first screen at once. Bidi levels are
# then computed per piece: exact for everything but a bracket pair or an isolate that
# spans a cut, which is several thousand characters long.
MAX_PARAGRAPH = 8192


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]  # left to right as drawn (no padding)
    indent: int  # blank columns before the first cell
    paragraph: int
    start: int  # logical range covered by this row
    end: int
    rtl: bool  # paragraph direction

    @property
    def width(self) -> int:
        """Columns taken by the cells (indent excluded)."""
        return sum(cell.width for cell in self.cells)

    @property
    def text(self) -> str:
        """The cells' texts joined, left to right, without the indent."""
        return "".join(cell.text for cell in self.cells)

    def line(self) -> str:
        """The row as a string to print: indent as spaces, then the cells."""
        return " " * self.indent + self.text


@dataclass(frozen=True)
class LayoutOptions:
    width: int
    mode: str = "visual"
    harakat: bool = True
    direction: str = "auto"
    tab_size: int = 4

    def __post_init__(self) -> None:
        if not isinstance(self.width, int) or self.width < 1:
            raise ValueError(f"width must be an integer >= 1, not {self.width!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {self.direction!r}")
        if not isinstance(self.tab_size, int) or self.tab_size < 1:
            raise ValueError(f"tab_size must be an integer >= 1, not {self.tab_size!r}")


class Layout:
    """A text laid out for one set of options; rows are made on demand and cached."""

    def __init__(self, text: str, options: LayoutOptions, *, _preps: dict | None = None) -> None:
        self.text = text
        self.options = options
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        ends = [s - 1 for s in starts[1:]] + [len(text)]
        self._heads: list[int] | None = None
        if any(e - s > MAX_PARAGRAPH for s, e in zip(starts, ends)):
            starts, ends, self._heads = _split_long(text, starts, ends)
        self._pstarts = starts
        self._pends = ends
        self._preps: dict[int, _Prep] = {} if _preps is None else _preps
        self._rows: dict[int, list[Row]] = {}
        self._starts_of_rows: dict[int, list[int]] = {}
        self._wrapped: dict[int, list[tuple[int, int]]] = {}
        self._row_base: list[int] = [0]  # global index of paragraph p's first row (prefix)

    # -- paragraphs ------------------------------------------------------------------------

    @property
    def paragraph_count(self) -> int:
        return len(self._pstarts)

    def paragraph_range(self, p: int) -> tuple[int, int]:
        """Logical [start, end) of paragraph ``p`` (its newline excluded)."""
        return self._pstarts[p], self._pends[p]

    def paragraph_of(self, offset: int) -> int:
        """Index of the paragraph holding ``offset`` (a newline belongs to the one it ends)."""
        return bisect.bisect_right(self._pstarts, offset) - 1

    def _prep(self, p: int) -> _Prep:
        prep = self._preps.get(p)
        if prep is None:
            o = self.options
            direction = o.direction
            if self._heads is not None and self._heads[p] != p and direction == "auto":
                # A later piece of a very long paragraph: the paragraph's direction.
                direction = "rtl" if self._prep(self._heads[p]).base_level & 1 else "ltr"
            prep = _Prep(
                self.text[self._pstarts[p] : self._pends[p]], o.harakat, direction, o.tab_size
            )
            self._preps[p] = prep
        return prep

    def paragraph_rows(self, p: int) -> list[Row]:
        rows = self._rows.get(p)
        if rows is None:
            if not 0 <= p < len(self._pstarts):
                raise IndexError(f"paragraph {p} out of range")
            rows = self._layout_paragraph(p)
            self._rows[p] = rows
        return rows

    def _ranges(self, p: int) -> list[tuple[int, int]]:
        """Cell index ranges of paragraph ``p``'s rows (wrapping only, no cells built)."""
        ranges = self._wrapped.get(p)
        if ranges is None:
            prep = self._prep(p)
            W = self.options.width
            widths = prep.widths
            if prep.max_width > W:
                widths = [w if w <= W else 1 for w in widths]
            ranges = _wrap(widths, prep.kinds, W)
            self._wrapped[p] = ranges
        return ranges

    def _layout_paragraph(self, p: int) -> list[Row]:
        prep = self._prep(p)
        ranges = self._ranges(p)
        o = self.options
        W = o.width
        visual = o.mode == "visual"
        offset = self._pstarts[p]
        rtl_para = bool(prep.base_level & 1)
        clamp = prep.max_width > W
        rows: list[Row] = []
        starts, ends, texts, mtexts = prep.starts, prep.ends, prep.texts, prep.mtexts
        widths, markers, bases, kinds = prep.widths, prep.markers, prep.bases, prep.kinds
        removed_cells = prep.removed_cells
        base_level = prep.base_level
        levels, bidi_text = prep.levels, prep.bidi_text
        line_levels, reorder = rtl.line_levels, rtl.reorder_line
        new = tuple.__new__
        for a, b in ranges:
            if a == b:
                indent = W if (rtl_para and visual) else 0
                rows.append(Row((), indent, p, offset, offset, rtl_para))
                continue
            rs, re_ = starts[a], ends[b - 1]
            line = line_levels(levels, bidi_text, rs, re_)
            cell_levels = [line[x - rs] for x in bases[a:b]]
            if removed_cells:
                lo = bisect.bisect_left(removed_cells, a)
                hi = bisect.bisect_left(removed_cells, b, lo)
                for k in removed_cells[lo:hi]:
                    cell_levels[k - a] = base_level
            order = reorder(cell_levels) if visual else range(b - a)
            cells = []
            append = cells.append
            total = 0
            for idx in order:
                k = a + idx
                level = cell_levels[idx]
                w = widths[k]
                text = texts[k]
                if clamp and w > W:
                    w = 1
                    text = " " if kinds[k] == _TAB else ELLIPSIS
                elif level & 1 and visual:
                    mt = mtexts[k]
                    if mt is not None:
                        text = mt
                total += w
                append(new(Cell, (text, offset + starts[k], offset + ends[k], w, level, markers[k])))
            indent = W - total if (rtl_para and visual) else 0
            rows.append(Row(tuple(cells), indent, p, offset + rs, offset + re_, rtl_para))
        return rows

    def _ensure_through(self, p: int) -> None:
        """Lay out paragraphs 0..p so that their global row indices are known."""
        base = self._row_base
        while len(base) <= p + 1 and len(base) <= len(self._pstarts):
            q = len(base) - 1
            base.append(base[q] + len(self._ranges(q)))

    def _ensure_rows(self, count: int) -> None:
        base = self._row_base
        n = len(self._pstarts)
        while base[-1] < count and len(base) <= n:
            q = len(base) - 1
            base.append(base[q] + len(self._ranges(q)))

    def _fully_laid_out(self) -> bool:
        return len(self._row_base) > len(self._pstarts)

    # -- rows ------------------------------------------------------------------------------

    def row(self, index: int) -> Row:
        if index < 0:
            raise IndexError(f"row {index} out of range")
        self._ensure_rows(index + 1)
        base = self._row_base
        if index >= base[-1]:
            raise IndexError(f"row {index} out of range")
        p = bisect.bisect_right(base, index) - 1
        return self.paragraph_rows(p)[index - base[p]]

    def rows(self, first: int, count: int) -> list[Row]:
        first = max(0, first)
        self._ensure_rows(first + max(0, count))
        end = min(first + max(0, count), self._row_base[-1])
        return [self.row(i) for i in range(first, end)]

    @property
    def row_count(self) -> int:
        self._ensure_through(len(self._pstarts) - 1)
        return self._row_base[-1]

    def estimated_row_count(self) -> int:
        if self._fully_laid_out():
            return self._row_base[-1]
        done = len(self._row_base) - 1
        W = self.options.width
        estimate = self._row_base[-1]
        for p in range(done, len(self._pstarts)):
            length = self._pends[p] - self._pstarts[p]
            estimate += max(1, -(-length // W))
        return estimate

    def first_row_of_paragraph(self, p: int) -> int:
        self._ensure_through(p)
        return self._row_base[p]

    # -- the map ---------------------------------------------------------------------------

    def cell_at(self, row: int, column: int) -> Cell | None:
        r = self.row(row)
        col = r.indent
        if column < col:
            return None
        for cell in r.cells:
            if column < col + cell.width:
                return cell
            col += cell.width
        return None

    def hit(self, row: int, column: int) -> int:
        r = self.row(row)
        if not r.cells:
            return r.start
        col = r.indent
        if column < col:
            return r.cells[0].start
        for cell in r.cells:
            if column < col + cell.width:
                return cell.start
            col += cell.width
        return r.cells[-1].start

    def _row_starts(self, p: int) -> list[int]:
        """Logical starts of paragraph ``p``'s rows (ascending), for bisection."""
        starts = self._starts_of_rows.get(p)
        if starts is None:
            starts = self._starts_of_rows[p] = [r.start for r in self.paragraph_rows(p)]
        return starts

    def locate(self, offset: int) -> tuple[int, int]:
        """(row, column) of the cell showing ``offset``.

        A character folded into a cell (harakat, ZWJ, the alef of a lam-alef) maps to that
        cell. The end of a paragraph (its newline, or ``len(text)``) maps to the column just
        past its last row in the paragraph's direction (left of the row for RTL paragraphs
        in visual mode, right of it otherwise), clamped to [0, width - 1]; on a blank row,
        to its reading start. Offsets outside the text are clamped.
        """
        offset = min(max(offset, 0), len(self.text))
        p, first, k = self._row_place(offset)
        rows = self.paragraph_rows(p)
        W = self.options.width
        if k is None:
            r = rows[-1]
            index = first + len(rows) - 1
            if not r.cells:
                return index, (W - 1 if r.indent >= W and W > 0 else r.indent)
            if self.options.mode == "visual" and r.rtl:
                col = r.indent - 1
            else:
                col = r.indent + r.width
            return index, min(max(col, 0), W - 1)
        r = rows[k]
        col = r.indent
        for cell in r.cells:
            if cell.start <= offset < cell.end:
                return first + k, col
            col += cell.width
        raise AssertionError(f"offset {offset} not covered by row {first + k}")  # pragma: no cover

    def row_of(self, offset: int) -> int:
        """The row of ``locate(offset)``, without walking its cells for the
        column (the rows a cursor move or a selection repaints)."""
        p, first, k = self._row_place(min(max(offset, 0), len(self.text)))
        return first + (len(self.paragraph_rows(p)) - 1 if k is None else k)

    def _row_place(self, offset: int) -> tuple[int, int, int | None]:
        """(paragraph, its first row, the row within it) of an offset in
        the text; the row is None for the paragraph's end (its newline)."""
        p = self.paragraph_of(offset)
        self._ensure_through(p)
        if offset >= self._pends[p]:
            return p, self._row_base[p], None
        return p, self._row_base[p], bisect.bisect_right(self._row_starts(p), offset) - 1

    def cells_for_range(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(row, column_start, column_end) runs of adjacent cells intersecting [start, end)."""
        start = max(start, 0)
        end = min(end, len(self.text))
        if end <= start:
            return []
        p0 = self.paragraph_of(start)
        p1 = self.paragraph_of(end - 1)
        self._ensure_through(p1)
        out: list[tuple[int, int, int]] = []
        for p in range(p0, p1 + 1):
            first = self._row_base[p]
            rows = self.paragraph_rows(p)
            k0 = max(bisect.bisect_right(self._row_starts(p), start) - 1, 0) if p == p0 else 0
            for k in range(k0, len(rows)):
                r = rows[k]
                if r.start >= end:
                    break
                if r.end <= start:
                    continue
                col = r.indent
                run = -1
                for cell in r.cells:
                    hit = cell.start < end and cell.end > start
                    if hit and run < 0:
                        run = col
                    elif not hit and run >= 0:
                        out.append((first + k, run, col))
                        run = -1
                    col += cell.width
                if run >= 0:
                    out.append((first + k, run, col))
        return out

    def with_width(self, width: int) -> "Layout":
        """Same text and options at another width; the width-independent work is shared."""
        if width == self.options.width:
            return self
        return Layout(self.text, replace(self.options, width=width), _preps=self._preps)


def _split_long(
    text: str, starts: list[int], ends: list[int]
) -> tuple[list[int], list[int], list[int]]:
    """Cut paragraphs longer than MAX_PARAGRAPH into pieces (after a space where there is
    one, never before a combining mark). Returns the pieces' starts and ends and, for each
    piece, the index of the first piece of its paragraph."""
    new_starts: list[int] = []
    new_ends: list[int] = []
    heads: list[int] = []
    for s, e in zip(starts, ends):
        head = len(new_starts)
        while e - s > MAX_PARAGRAPH:
            cut = text.rfind(" ", s + MAX_PARAGRAPH // 2, s + MAX_PARAGRAPH)
            cut = cut + 1 if cut >= 0 else s + MAX_PARAGRAPH
            while cut < e and (is_combining(text[cut]) or char_width(text[cut]) == 0):
                cut += 1
            if cut >= e:
                break
            new_starts.append(s)
            new_ends.append(cut)
            heads.append(head)
            s = cut
        new_starts.append(s)
        new_ends.append(e)
        heads.append(head)
    return new_starts, new_ends, heads


def _wrap(widths: list[int], kinds: list[int], W: int) -> list[tuple[int, int]]:
    """Cell index ranges of the rows of one paragraph (greedy, break after whitespace).

    Each word is measured once: when it is cut over several rows, what is left of it is
    carried on rather than measured again, so a word of any length wraps in linear time."""
    n = len(widths)
    if n == 0:
        return [(0, 0)]
    rows: list[tuple[int, int]] = []
    row_start = 0
    col = 0
    k = 0
    measured = -1  # the k for which w_end and word below are known
    w_end = word = 0
    while k < n:
        if k != measured:
            w_end = k
            word = 0
            while w_end < n and kinds[w_end] not in (_SPACE, _TAB):
                word += widths[w_end]
                w_end += 1
        # A word goes on this row if it fits together with the space after it (so no row
        # starts with the space of the row before); at a row's start, if it fits at all.
        need = word + (widths[w_end] if w_end < n else 0)
        if col + need <= W or (col == 0 and word <= W):
            col += word
            t = w_end
            while t < n and kinds[t] in (_SPACE, _TAB) and col + widths[t] <= W:
                col += widths[t]
                t += 1
            if t < n and kinds[t] in (_SPACE, _TAB):
                # The row is full of this word and some of its spaces; the rest go on.
                rows.append((row_start, t))
                row_start = t
                col = 0
            k = t
        elif col > 0:
            rows.append((row_start, k))
            row_start = k
            col = 0
            measured = k
        else:
            # A word wider than the row: as much of it as fits, the rest on the next rows.
            t = k
            while t < w_end and col + widths[t] <= W:
                col += widths[t]
                t += 1
            rows.append((row_start, t))
            row_start = t
            word -= col
            col = 0
            k = measured = t
    if row_start < n:
        rows.append((row_start, n))
    return rows


def layout_text(text: str, width: int, **options) -> list[Row]:
    """Every row of ``text`` laid out at ``width`` (options as in LayoutOptions)."""
    layout = Layout(text, LayoutOptions(width=width, **options))
    return layout.rows(0, layout.row_count)
