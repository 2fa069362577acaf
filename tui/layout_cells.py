"""Step 1 of the layout engine (``tui.layout``): a paragraph shaped and cut into
cells in logical order, each with its width, its kind and the logical range it
covers (``_Prep``), and the drawn ``Cell``. Pure Python, no Textual."""

from __future__ import annotations

from typing import NamedTuple

from tui import rtl
from tui.sanitize import marker_for, neutralise
from rich.cells import cell_len

from tui.shaping import char_width, is_combining, is_harakah, lam_alef, shape

DOTTED_CIRCLE = "\u25cc"
ELLIPSIS = "\u2026"
_ALEFS = frozenset("\u0622\u0623\u0625\u0627")
# Whitespace a line may break after (no-break spaces excluded).
_BREAK_SPACES = frozenset(
    " \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
)
# Characters never drawn on their own although some width tables give them a column.
_INVISIBLE = frozenset("\u00ad\u180e")

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
