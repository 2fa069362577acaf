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

The parts (this module names the public API and re-exports it):

    layout_cells.py   step 1: a paragraph shaped and cut into cells (``Cell``)
    layout_rows.py    steps 2-5: levels, wrapping, reordering, rows at a width
                      (``Layout``, ``LayoutOptions``, ``Row``, ``layout_text``)
    layout_line.py    one line cut to a width for lists and panels
                      (``display_line``, ``display_cells``)
"""

from __future__ import annotations

from tui.layout_cells import (  # noqa: F401
    DIRECTIONS,
    DOTTED_CIRCLE,
    ELLIPSIS,
    MAX_MARKS_DRAWN,
    MODES,
    Cell,
)
from tui.layout_line import display_cells, display_line, sanitize_for_terminal  # noqa: F401
from tui.layout_rows import MAX_PARAGRAPH, Layout, LayoutOptions, Row, layout_text  # noqa: F401
from tui.sanitize import NEWLINE_MARKER  # noqa: F401

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
