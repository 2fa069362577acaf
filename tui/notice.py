"""Notification text as the terminal should draw it.

A notification is an English sentence that may quote article text (a span,
a search query, a store message such as 'overlap ORG “…”'). It is wrapped in
logical order to the toast's width, and every row goes through
``display_line`` with a left-to-right paragraph direction: the Arabic inside
is shaped and (in visual mode) put in visual order, and controls or bidi
override characters from articles become visible markers.

No Textual here: the app calls ``notice_text`` from its ``notify``.
"""

from __future__ import annotations

from tui.layout import Layout, LayoutOptions, display_line

# Textual's Toast: 60 columns wide at most, half the screen at most, one
# column of left border and one of padding either side.
TOAST_WIDTH = 60
TOAST_CHROME = 3


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
            lines.append(display_line(paragraph, None, mode=mode, harakat=harakat, direction="ltr"))
            continue
        layout = Layout(paragraph, LayoutOptions(width=max(1, width), mode=mode, harakat=harakat,
                                                 direction="ltr"))
        for index in range(layout.row_count):
            row = layout.row(index)
            piece = paragraph[row.start:row.end].rstrip(" ")
            lines.append(display_line(piece, None, mode=mode, harakat=harakat, direction="ltr"))
    return "\n".join(lines)
