"""One line of text for lists, panels and pickers (``display_line``,
``display_cells``): shaped, reordered and cut to a width in reading order, the
ellipsis at the logical end. Built on the layout engine (``tui.layout``)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


from tui.shaping import ZWJ

from tui.layout_cells import Cell, ELLIPSIS, _BASE, _SPACE, _Prep
from tui.layout_rows import Layout, LayoutOptions


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
