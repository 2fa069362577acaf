"""The RTL layout engine: shaped, wrapped, reordered rows where every cell knows its offsets.

Pure Python, no Textual. The reader widget, ``hashiya render``, the article list and the
tests all draw with this.

Pipeline, per paragraph (the text split at "\\n"; "\\n" never reaches the bidi step):

1. Cells, in logical order (``_prepare``). The paragraph is shaped one to one
   (tui.shaping.shape: contextual forms, harakat kept, ligatures off) and cut into cells:
   a base character with the combining marks that follow it (at most MAX_MARKS_DRAWN of
   them drawn, the range covering them all); lam + alef joined by the
   shaper as one lam-alef ligature cell (U+FEF5..U+FEFC) covering both characters and their
   marks; a tab as one cell ``tab_size`` columns wide; a control or bidi formatting
   character as a one-column marker cell (tui.sanitize). Characters with no width of their
   own (ZWJ, ZWNJ, ZWSP, word joiner, BOM, soft hyphen, and harakat when they are hidden)
   are never sent to the terminal: they are folded into the range of the cell before them
   (the cell after them at the start of a paragraph), so every code point still belongs to
   exactly one cell. A combining mark with no letter to sit on is drawn on a dotted circle
   (U+25CC). Every cell is at least one column wide.
2. Levels over the whole paragraph (tui.rtl.resolve_paragraph) on a copy of the paragraph
   in which controls and bidi formatting characters are neutralised (tui.sanitize: they are
   shown, not obeyed), with the paragraph direction from the first strong character unless
   the options force one. Width independent: shared by ``with_width``.
3. Wrapping in logical order at whitespace, measured on the cells' widths; a word longer
   than the row is broken between cells (never inside a cell). Spaces after a word stay on
   its row while they fit.
4. Per row, visual mode: rule L1 (tui.rtl.line_levels), L2 reordering of the cells
   (tui.rtl.reorder_line), L4 mirroring of brackets in right-to-left cells
   (tui.rtl.mirror), and right alignment of RTL paragraphs (``Row.indent``).
   Logical mode: the cells stay in logical order with their shapes (the terminal does the
   bidi), no mirroring, and ``indent`` is 0 (the terminal aligns its RTL lines itself).

Layout is lazy: ``Layout(text, options)`` only finds the paragraphs (a paragraph over
MAX_PARAGRAPH characters counts as several, cut after a space; ``Row.paragraph`` numbers
these layout paragraphs); a paragraph is wrapped
the first time its row count is needed and its rows are built the first time one of them is
asked for, both cached for the Layout's width (``row_count`` wraps everything but builds no
rows). ``with_width`` shares the width-independent part (cells in logical order, levels).

Notes on the API:
- ``Cell`` is a NamedTuple with the documented fields and defaults (immutable, compares by
  value): three times cheaper to create than a frozen dataclass.
- A tab is ONE cell, ``tab_size`` columns wide (``Cell.width``), covering the tab's offset;
  at widths smaller than ``tab_size`` it shrinks to one column.
- ``locate`` of a paragraph's end (its newline or ``len(text)``) gives the column just past
  the paragraph's last row in the paragraph direction, clamped to the area.
- Extras: ``Row.width``, ``Row.text``, ``Row.line()``; ``Layout.paragraph_count``,
  ``paragraph_range(p)``, ``paragraph_of(offset)``, ``first_row_of_paragraph(p)``;
  ``display_line(..., direction=)``.
"""

from __future__ import annotations

import bisect
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, replace
from typing import NamedTuple

from tui import rtl
from tui.sanitize import NEWLINE_MARKER, marker_for, neutralise
from rich.cells import cell_len

from tui.shaping import (
    char_width,
    is_combining,
    is_harakah,
    ZWJ,
    lam_alef,
    shape,
)

DOTTED_CIRCLE = "\u25cc"
ELLIPSIS = "\u2026"
_ALEFS = frozenset("\u0622\u0623\u0625\u0627")
# Whitespace a line may break after (no-break spaces excluded).
_BREAK_SPACES = frozenset(
    " \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
)
# Characters never drawn on their own although some width tables give them a column.
_INVISIBLE = frozenset("\u00ad\u180e")

# A paragraph longer than this is laid out in pieces (each with the paragraph's direction),
# so that a huge single-line file still shows its first screen at once. Bidi levels are
# then computed per piece: exact for everything but a bracket pair or an isolate that
# spans a cut, which is several thousand characters long.
MAX_PARAGRAPH = 8192

# Combining marks drawn on one cell at most. A cell's range always covers every mark of
# its cluster, but a flood of thousands of marks on one letter (no text needs more than a
# handful: Unicode's stream-safe format allows 30 in a row) is not all sent to the
# terminal, so a hostile cluster costs no more to draw than 30 marks.
MAX_MARKS_DRAWN = 30

MODES = ("visual", "logical")
DIRECTIONS = ("auto", "ltr", "rtl")


class Cell(NamedTuple):
    """One drawn cell. Immutable; compares by value.

    (A NamedTuple rather than a frozen dataclass: same fields, defaults, attribute access
    and immutability, but three times cheaper to create, which a full layout does 100,000
    times for a 100,000-character article.)
    """

    text: str  # what the terminal is sent: shaped, mirrored, sanitised
    start: int  # logical range [start, end) in the article text
    end: int
    width: int = 1  # terminal columns
    level: int = 0  # bidi level (odd = right to left)
    marker: bool = False  # visible stand-in for a control / bidi formatting character


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


# Cell kinds while preparing.
_BASE, _SPACE, _OTHER, _TAB = 0, 1, 2, 3
# Character classes (cached per character).
_C_BASE, _C_SPACE, _C_MARKER, _C_COMBINING, _C_HIDDEN, _C_TAB, _C_FLAG = range(7)

_CHAR_INFO: dict[str, tuple[int, int, str | None, bool, str | None]] = {}


def _char_info(ch: str) -> tuple[int, int, str | None, bool, str | None]:
    """(class, width, marker text, is harakah, mirrored form) of one character."""
    info = _CHAR_INFO.get(ch)
    if info is not None:
        return info
    mirrored = None
    if ch == "\t":
        info = (_C_TAB, 0, None, False, None)
    else:
        mark = marker_for(ch)
        if mark is not None:
            info = (_C_MARKER, 1, mark, False, None)
        elif is_combining(ch):
            info = (_C_COMBINING, char_width(ch), None, is_harakah(ch), None)
        else:
            w = char_width(ch)
            if w == 0 or ch in _INVISIBLE:
                info = (_C_HIDDEN, 0, None, False, None)
            elif "\U0001f1e6" <= ch <= "\U0001f1ff":
                # Regional indicators: a pair is one flag and must not be split or
                # reversed (in an RTL run "SA" reversed would show another country).
                info = (_C_FLAG, w, None, False, None)
            else:
                if rtl.is_mirrored(ch):
                    m = rtl.mirror(ch)
                    mirrored = m if m != ch else None
                info = (_C_SPACE if ch in _BREAK_SPACES else _C_BASE, w, None, False, mirrored)
    if len(_CHAR_INFO) < 100_000:
        _CHAR_INFO[ch] = info
    return info


def _capped_marks(text: str, marks) -> str:
    """The ``marks`` (a sequence of combining characters) that a cell whose text is
    ``text`` so far still draws: at most MAX_MARKS_DRAWN marks in all."""
    if len(text) + len(marks) <= MAX_MARKS_DRAWN + 1:
        return "".join(marks)
    room = MAX_MARKS_DRAWN - sum(1 for ch in text if is_combining(ch))
    return "".join(marks[: max(room, 0)])


class _Prep:
    """One paragraph's width-independent part: cells in logical order and bidi levels."""

    __slots__ = (
        "starts", "ends", "texts", "mtexts", "widths", "markers", "bases", "kinds",
        "levels", "bidi_text", "base_level", "max_width", "removed_cells",
    )

    def __init__(self, para: str, harakat: bool, direction: str, tab_size: int) -> None:
        shaped = shape(para)
        starts: list[int] = []
        ends: list[int] = []
        texts: list[str] = []
        mtexts: list[str | None] = []
        widths: list[int] = []
        markers: list[bool] = []
        bases: list[int] = []
        kinds: list[int] = []
        pending = -1  # start of hidden characters waiting for a cell to fold into
        n = len(para)
        info_get = _CHAR_INFO.get
        infos = [info_get(ch) or _char_info(ch) for ch in para]
        # Characters that need more than "one character, one cell": everything but plain
        # letters, digits, punctuation and spaces, plus every lam (a lam-alef candidate).
        special = [k for k, info in enumerate(infos) if info[0] > _C_SPACE]
        if "\u0644" in para:
            special = sorted(special + [k for k, ch in enumerate(para) if ch == "\u0644"])
        special.append(n)
        next_special = 0
        i = 0
        while i < n:
            if pending < 0:
                while special[next_special] < i:
                    next_special += 1
                e = special[next_special]
                if e > i:
                    # A run of plain characters: one cell each.
                    run = infos[i:e]
                    starts.extend(range(i, e))
                    ends.extend(range(i + 1, e + 1))
                    texts.extend(shaped[i:e])
                    mtexts.extend([info[4] for info in run])
                    widths.extend([info[1] for info in run])
                    markers.extend([False] * (e - i))
                    bases.extend(range(i, e))
                    kinds.extend([info[0] for info in run])  # _C_BASE/_C_SPACE == _BASE/_SPACE
                    i = e
                    if i >= n:
                        break
            ch = para[i]
            info = infos[i]
            cls = info[0]
            if cls == _C_BASE or cls == _C_SPACE:
                start = i
                if pending >= 0:
                    start = pending
                    pending = -1
                end = i + 1
                text = shaped[i]
                mirrored = info[4]
                if ch == "\u0644":
                    j = i + 1
                    while j < n and is_combining(para[j]):
                        j += 1
                    if j < n and para[j] in _ALEFS:
                        lig = lam_alef(text, para[j])
                        if lig is not None:
                            marks = para[i + 1 : j]
                            if not harakat:
                                marks = "".join(m for m in marks if not is_harakah(m))
                            text = lig + _capped_marks(lig, marks)
                            end = j + 1
                starts.append(start)
                ends.append(end)
                texts.append(text)
                mtexts.append(None if mirrored is None else mirrored + text[1:])
                widths.append(info[1])
                markers.append(False)
                bases.append(i)
                kinds.append(_BASE if cls == _C_BASE else _SPACE)
                i = end
                continue
            if cls == _C_COMBINING:
                if not harakat and info[3]:
                    if texts:
                        ends[-1] = i + 1
                    elif pending < 0:
                        pending = i
                elif texts and kinds[-1] == _BASE and ends[-1] == i:
                    # The whole run of marks (and of characters with no width) that
                    # follows the base joins its cell in one step.
                    j = i
                    drawn: list[str] = []
                    while j < n:
                        c = infos[j][0]
                        if c == _C_COMBINING:
                            if harakat or not infos[j][3]:
                                drawn.append(para[j])
                        elif c != _C_HIDDEN:
                            break
                        j += 1
                    ends[-1] = j
                    if drawn:
                        marks = _capped_marks(texts[-1], drawn)
                        if marks:
                            texts[-1] += marks
                            if mtexts[-1] is not None:
                                mtexts[-1] += marks
                            # Measured as a whole, as Rich does (e.g. a keycap or VS16
                            # emoji).
                            widths[-1] = max(1, cell_len(texts[-1]))
                    i = j
                    continue
                else:
                    self._add(starts, ends, texts, mtexts, widths, markers, bases, kinds,
                              pending, i, DOTTED_CIRCLE + ch, 1, False, _OTHER)
                    pending = -1
                i += 1
                continue
            if cls == _C_FLAG:
                end = i + 2 if i + 1 < n and infos[i + 1][0] == _C_FLAG else i + 1
                starts.append(pending if pending >= 0 else i)
                pending = -1
                ends.append(end)
                texts.append(para[i:end])
                mtexts.append(None)
                widths.append(max(1, cell_len(para[i:end])))
                markers.append(False)
                bases.append(i)
                kinds.append(_BASE)
                i = end
                continue
            if cls == _C_HIDDEN:
                if texts:
                    ends[-1] = i + 1
                elif pending < 0:
                    pending = i
                i += 1
                continue
            if cls == _C_MARKER:
                self._add(starts, ends, texts, mtexts, widths, markers, bases, kinds,
                          pending, i, info[2], 1, True, _OTHER)  # type: ignore[arg-type]
            else:  # tab
                self._add(starts, ends, texts, mtexts, widths, markers, bases, kinds,
                          pending, i, " " * tab_size, tab_size, False, _TAB)
            pending = -1
            i += 1
        if pending >= 0:
            # Only invisible characters: show that something is there.
            starts.append(pending)
            ends.append(n)
            texts.append(DOTTED_CIRCLE)
            mtexts.append(None)
            widths.append(1)
            markers.append(True)
            bases.append(pending)
            kinds.append(_OTHER)

        self.starts = starts
        self.ends = ends
        self.texts = texts
        self.mtexts = mtexts
        self.widths = widths
        self.markers = markers
        self.bases = bases
        self.kinds = kinds
        self.bidi_text = neutralise(para)
        self.levels = rtl.resolve_paragraph(self.bidi_text, direction)  # type: ignore[arg-type]
        self.base_level = self.levels.base
        self.max_width = max(widths, default=1)
        removed = self.levels.removed
        self.removed_cells = [k for k, b in enumerate(bases) if removed[b]] if any(removed) else []

    @staticmethod
    def _add(starts, ends, texts, mtexts, widths, markers, bases, kinds,
             pending, i, text, width, marker, kind) -> None:
        starts.append(pending if pending >= 0 else i)
        ends.append(i + 1)
        texts.append(text)
        mtexts.append(None)
        widths.append(width)
        markers.append(marker)
        bases.append(i)
        kinds.append(kind)


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
        p = self.paragraph_of(offset)
        self._ensure_through(p)
        first = self._row_base[p]
        rows = self.paragraph_rows(p)
        W = self.options.width
        if offset >= self._pends[p]:
            r = rows[-1]
            index = first + len(rows) - 1
            if not r.cells:
                return index, (W - 1 if r.indent >= W and W > 0 else r.indent)
            if self.options.mode == "visual" and r.rtl:
                col = r.indent - 1
            else:
                col = r.indent + r.width
            return index, min(max(col, 0), W - 1)
        k = bisect.bisect_right(self._row_starts(p), offset) - 1
        r = rows[k]
        col = r.indent
        for cell in r.cells:
            if cell.start <= offset < cell.end:
                return first + k, col
            col += cell.width
        raise AssertionError(f"offset {offset} not covered by row {first + k}")  # pragma: no cover

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


@lru_cache(maxsize=4096)
def display_line(
    text: str,
    width: int | None = None,
    mode: str = "visual",
    harakat: bool = True,
    direction: str = "auto",
) -> str:
    """``text`` as one safe line for lists and panels: shaped, in visual order (in visual
    mode), controls and bidi formatting characters as visible markers, newlines as ⏎.
    With ``width``, cut in reading order to fit, ending with "…". No padding."""
    return "".join(cell.text for cell in display_cells(text, width, mode, harakat, direction))


def display_cells(
    text: str,
    width: int | None = None,
    mode: str = "visual",
    harakat: bool = True,
    direction: str = "auto",
) -> list[Cell]:
    """The cells of ``display_line``, left to right, each with the range of ``text`` it
    shows (the "…" of a cut line covers the empty range at the cut)."""
    one = text.replace("\n", "\u2028")  # drawn as ⏎ by tui.sanitize, neutral for bidi
    if not one:
        return []
    prep = _Prep(one, harakat, direction, 4)
    total = sum(prep.widths)
    if direction == "auto":
        direction = "rtl" if prep.base_level & 1 else "ltr"
    cut = len(one)
    if width is not None and total > width:
        if width < 1:
            return []
        cut, joined = _cut_point(prep, width - 1)
        one = one[:cut] + (ZWJ if joined else "") + ELLIPSIS
        prep = _Prep(one, harakat, direction, 4)
        total = sum(prep.widths)
    if not total:
        return []
    layout = Layout(one, LayoutOptions(width=max(total, 1), mode=mode, harakat=harakat,
                                       direction=direction))
    layout._preps[0] = prep
    cells = layout.paragraph_rows(0)[0].cells
    if cut < len(text):  # the ellipsis (and a ZWJ) are not in `text`
        cells = [
            cell._replace(start=cut, end=cut) if cell.start >= cut
            else cell._replace(end=cut) if cell.end > cut else cell
            for cell in cells
        ]
        if mode == "visual":  # other modes keep logical order: the ellipsis is last
            cells = _ellipsis_after_last(cells, cut)
    return list(cells)


def _ellipsis_after_last(cells: list[Cell], cut: int) -> list[Cell]:
    """The cells with the ellipsis moved beside the last character before the cut, on
    the side reading goes on (left of a right-to-left letter, right of a left-to-right
    one): an Arabic phrase cut at the end of a Latin line ends with "…" where it is read
    last, not at the far end of its run."""
    dots = [k for k, cell in enumerate(cells) if cell.text == ELLIPSIS and cell.start == cut]
    last = [k for k, cell in enumerate(cells) if cell.end == cut and cell.start < cut]
    if len(dots) != 1 or not last:
        return cells
    dot = cells[dots[0]]
    rest = cells[: dots[0]] + cells[dots[0] + 1 :]
    anchor = next(k for k, cell in enumerate(rest) if cell.end == cut and cell.start < cut)
    level = rest[anchor].level
    if level & 1:
        at = anchor
    elif level:  # digits or Latin inside right-to-left text: reading goes on left of them
        at = anchor
        while at > 0 and rest[at - 1].level >= level:
            at -= 1
        level -= 1
    else:
        at = anchor + 1
    return rest[:at] + [dot._replace(level=level)] + rest[at:]


_TRAILING = frozenset(",;:\u060c\u061b")
#: How far back (columns) a cut line looks for a word boundary before it cuts a word.
_NEAR_BOUNDARY = 8


def _cut_point(prep: _Prep, room: int) -> tuple[int, bool]:
    """Where a line too wide for ``room`` columns (and an ellipsis) is cut, in the text,
    and whether the letter before the cut joined the one after it (then a ZWJ keeps
    its joining form: a word cut in its middle does not end in a final form).

    The cut is at the end of the last word that fits when that boundary is near (within
    a quarter of the room, at most _NEAR_BOUNDARY columns), else inside the word; spaces
    before the cut are dropped so the ellipsis follows the last word."""
    widths, kinds = prep.widths, prep.kinds
    used = 0
    fit = 0  # cells that fit
    for w in widths:
        if used + w > room:
            break
        used += w
        fit += 1
    if fit == 0:
        return 0, False
    keep = fit
    if fit < len(widths) and kinds[fit] != _SPACE:
        near = min(_NEAR_BOUNDARY, max(room // 4, 1))
        back = 0
        for j in range(fit - 1, -1, -1):
            if kinds[j] == _SPACE:
                keep = j
                break
            back += widths[j]
            if back > near:
                break
    # no space or list comma before the ellipsis
    while keep > 0 and (kinds[keep - 1] == _SPACE or prep.texts[keep - 1] in _TRAILING):
        keep -= 1
    if keep == 0:
        keep = fit
    cut = prep.ends[keep - 1]
    joined = (
        keep < len(widths)
        and kinds[keep] == _BASE
        and kinds[keep - 1] == _BASE
        and _joins_forward(prep.texts[keep - 1][:1])
    )
    return cut, joined


def _joins_forward(shaped: str) -> bool:
    """Whether a shaped letter (a presentation form) is the initial or medial form."""
    if not shaped:
        return False
    name = unicodedata.name(shaped, "")
    return " INITIAL FORM" in name or " MEDIAL FORM" in name


def sanitize_for_terminal(text: str) -> str:
    """One-line safe display of ``text`` (titles, span texts): display_line, visual mode."""
    return display_line(text)


__all__ = [
    "Cell",
    "Row",
    "LayoutOptions",
    "Layout",
    "layout_text",
    "display_line",
    "sanitize_for_terminal",
    "NEWLINE_MARKER",
]
