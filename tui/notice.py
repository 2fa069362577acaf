"""Notification text as the terminal should draw it.

A notification is an English sentence that may quote article text (a span,
a search query, a store message such as 'overlap ORG “…”'). It is wrapped in
logical order to the toast's width, and every row goes through
``display_line`` with a left-to-right paragraph direction: the Arabic inside
is shaped and (in visual mode) put in visual order, and controls or bidi
override characters from articles become visible markers.

Quoted fragments (between “ and ”) are laid out each on its own, in their
own direction, and put back in the sentence's order: laid out as one line,
an English sentence quoting Arabic twice (“بكين” → “وبكين”) would make one
right-to-left run of both quotes and the arrow between them, and read
backwards with its quotes swapped. In logical mode, where the terminal
orders the line, each fragment is sent inside FSI…PDI, so the terminal
keeps it to itself as well.

No Textual here: the app calls ``notice_text`` from its ``notify``.
"""

from __future__ import annotations

import re

from tui.layout import Layout, LayoutOptions, display_line

# Textual's Toast: 60 columns wide at most, half the screen at most, one
# column of left border and one of padding either side.
TOAST_WIDTH = 60
TOAST_CHROME = 3
FSI, PDI = "\u2068", "\u2069"
_QUOTES = re.compile("([“”])")


def toast_text_width(screen_width: int) -> int:
    """Columns of text inside a toast on a screen ``screen_width`` wide."""
    if screen_width <= 0:
        return TOAST_WIDTH - TOAST_CHROME
    return max(8, min(TOAST_WIDTH, screen_width // 2) - TOAST_CHROME)


def notice_text(text: str, width: int | None = None, mode: str = "visual", harakat: bool = True) -> str:
    """``text`` as the lines to show: each row of the wrapped text through
    ``display_line(row, mode=mode, harakat=harakat, direction="ltr")``,
    joined with newlines. Without ``width`` every paragraph is one line."""
    if not text:
        return ""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if width is None or not paragraph:
            lines.append(_quoted_apart(paragraph, False, mode, harakat)[0])
            continue
        layout = Layout(paragraph, LayoutOptions(width=max(1, width), mode=mode, harakat=harakat,
                                                 direction="ltr"))
        inside = False  # a quote may go on over a line break
        for index in range(layout.row_count):
            row = layout.row(index)
            piece = paragraph[row.start:row.end].rstrip(" ")
            line, inside = _quoted_apart(piece, inside, mode, harakat)
            lines.append(line)
    return "\n".join(lines)


def _quoted_apart(piece: str, inside: bool, mode: str, harakat: bool) -> tuple[str, bool]:
    """One row: the sentence left to right, each quoted fragment laid out
    apart (isolated for the terminal in logical mode). ``inside``: the row
    starts inside a quote; returned for the next row."""
    out: list[str] = []
    for part in _QUOTES.split(piece):
        if part in ("“", "”"):
            inside = part == "“"
            out.append(part)
        elif part and inside:
            shown = display_line(part, None, mode=mode, harakat=harakat)
            out.append(f"{FSI}{shown}{PDI}" if mode == "logical" else shown)
        elif part:
            out.append(display_line(part, None, mode=mode, harakat=harakat, direction="ltr"))
    return "".join(out), inside
