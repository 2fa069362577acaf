"""The Unicode Bidirectional Algorithm (UAX #9, Unicode 15), in pure Python.

One module on purpose: its rules (P, X, W, N, I, L) are read against the
standard in its order, share the class codes and the run-sequence helpers,
and are checked as one against Unicode's conformance files
(tests/unit/test_bidi_conformance.py); cut apart they would be harder to
check rule by rule.

Public API (see also the project notes)::

    bidi_classes(text) -> list[str]
    paragraph_level(text, direction="auto") -> int
    resolve_paragraph(text, direction="auto") -> ParagraphLevels
    line_levels(para, text, start, end) -> list[int]
    reorder_line(levels, *, skip=None) -> list[int]
    visual_order(text, direction="auto") -> list[int]
    mirror(ch) -> str
    is_mirrored(ch) -> bool

Implementation notes
--------------------
Every character is first mapped to a one-letter code of its bidi class (a table lookup at
C speed), so that the paragraph becomes a byte string of classes.  The
weak, neutral and implicit rules (W1-W7, N0-N2, I1-I2) are then run over each isolating
run sequence with regular expressions and ``bytes`` operations, which work on whole runs
of equal classes at C speed instead of one character at a time in Python.  Paragraphs
without explicit embedding/override/isolate characters (nearly all real text) skip rules
X1-X10 altogether: they form a single isolating run sequence at the paragraph level.

Characters removed by rule X9 (BN and the embedding/override/PDF controls) are left out of
the isolating run sequences; in ``ParagraphLevels.levels`` they carry the level of the
character before them (the paragraph level at the start), and ``removed`` flags them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from tui import _unicode_tables as _tables

__all__ = [
    "Direction",
    "ParagraphLevels",
    "bidi_classes",
    "paragraph_level",
    "resolve_paragraph",
    "line_levels",
    "reorder_line",
    "visual_order",
    "mirror",
    "is_mirrored",
    "MAX_DEPTH",
]

Direction = Literal["ltr", "rtl", "auto"]

MAX_DEPTH = 125  # BD2
_MAX_BRACKET_PAIRS = 63  # BD16: size of the bracket stack

# One letter per bidi class, in the order of _tables.CLASS_NAMES:
#   L R AL EN ES ET AN CS NSM BN B S WS ON LRE LRO RLE RLO PDF LRI RLI FSI PDI
_LETTERS = "LRAE+$N,MbPSWO123456789"
assert len(_LETTERS) == len(_tables.CLASS_NAMES)
_NAME_OF_LETTER = {ord(letter): name for letter, name in zip(_LETTERS, _tables.CLASS_NAMES)}

_BIDI_STARTS = _tables.BIDI_STARTS
_BIDI_VALUES = _tables.BIDI_VALUES


def _build_class_string() -> str:
    """A string of 0x110000 class letters indexed by code point: ``str.translate`` with a
    string table is the fastest per-character lookup available in pure Python."""
    starts = list(_BIDI_STARTS) + [0x110000]
    return "".join(
        _LETTERS[v] * (starts[k + 1] - starts[k]) for k, v in enumerate(_BIDI_VALUES)
    )


_CLASS_STRING = _build_class_string()


_MAX_PAGES = 8
_PAGE_TABLES: dict[int, bytes] = {}
_PAGE_MASKS: dict[int, bytes] = {}


def _page_tables(page: int) -> tuple[bytes, bytes]:
    """For the 256 code points U+pp00..U+ppFF: low byte -> class letter, and a table that
    maps a high byte to 0xFF when it is ``page``, to 0 otherwise."""
    table = _PAGE_TABLES.get(page)
    if table is None:
        table = _PAGE_TABLES[page] = _CLASS_STRING[page << 8 : (page + 1) << 8].encode("ascii")
        mask = bytearray(256)
        mask[page] = 0xFF
        _PAGE_MASKS[page] = bytes(mask)
    return table, _PAGE_MASKS[page]


def _class_bytes(text: str) -> bytes:
    """The class letters of ``text``, one byte per code point.

    Long texts are mapped a 256-code-point page at a time: the UTF-16 code units are
    split into low and high bytes, each page present translates the low bytes, and the
    pages are merged with big-integer masks -- all at C speed.  Text outside the BMP (or
    with lone surrogates) goes through ``str.translate`` with the full table."""
    n = len(text)
    if n < 256:
        return text.translate(_CLASS_STRING).encode("ascii")
    try:
        units = text.encode("utf-16-le")
    except UnicodeEncodeError:
        return text.translate(_CLASS_STRING).encode("ascii")
    if len(units) != 2 * n:  # characters outside the BMP
        return text.translate(_CLASS_STRING).encode("ascii")
    low = units[0::2]
    high = units[1::2]
    rest = high
    merged = 0
    first = True
    pages = 0
    while rest:
        pages += 1
        if pages > _MAX_PAGES:  # e.g. CJK text: the full table is quicker
            return text.translate(_CLASS_STRING).encode("ascii")
        page = rest[0]
        table, mask = _page_tables(page)
        rest = rest.replace(bytes((page,)), b"")
        if first and not rest:
            return low.translate(table)
        first = False
        merged |= int.from_bytes(low.translate(table), "little") & int.from_bytes(
            high.translate(mask), "little"
        )
    return merged.to_bytes(n, "little")


# --------------------------------------------------------------------------- tables

_L, _R, _AL, _EN, _AN, _NSM, _BN, _B, _ON = (ord(c) for c in "LRAENMbPO")
_LRE, _LRO, _RLE, _RLO, _PDF, _LRI, _RLI, _FSI, _PDI = (ord(c) for c in "123456789")
_ISOLATE_INITIATORS = frozenset((_LRI, _RLI, _FSI))

_EXPLICIT_RE = re.compile(rb"[1-9]")
_ISOLATE_INIT_RE = re.compile(rb"[678]")
_STRUCTURE_RE = re.compile(rb"[1-9P]")
_ISOLATE_OR_B_RE = re.compile(rb"[6789P]")
_FIRST_STRONG_RE = re.compile(rb"[LRA6789P]")

_W1_RE = re.compile(rb"([^M])(M+)")
_W2_RE = re.compile(rb"A[^LRA]*?E[^LRA]*")
# (Patterns start with a character set rather than a lookbehind, so that the regex
# engine can skip quickly to the candidates.)
_W4_EN_RE = re.compile(rb"[+,](?<=E[+,])(?=E)")
_W4_AN_RE = re.compile(rb",(?<=N,)(?=N)")
# A run of ET is tried once, from its first character: without the lookbehind, a long run
# followed by neither EN nor anything else would be scanned again from each of its
# characters (quadratic in the run's length).
_W5_RE = re.compile(rb"(?<!\$)\$+(?=E)|(?<=E)\$+")
_W6_TABLE = bytes.maketrans(b"+$,", b"OOO")
_W7_RE = re.compile(rb"L[^LR]*?E[^LR]*")
_NI = rb"[PSWO6789]"
_N1_L_RUNS_RE = re.compile(rb"L(" + _NI + rb"+)(?=L)")
_N1_R_RUNS_RE = re.compile(rb"[REN](" + _NI + rb"+)(?=[REN])")
_KEPT_RE = re.compile(rb"[^b1-5]+")  # characters X9 keeps
_REMOVED_RE = re.compile(rb"[b1-5]+")  # characters X9 removes
_SAME_BYTE_RUN_RE = re.compile(rb"(.)\1*", re.DOTALL)
_L1_WHITESPACE = b"W6789b12345"  # WS, isolate formatters, and what X9 removes
# Whitespace (W6789b1-5) then a separator, tried from the start of each whitespace run only
# (a lookbehind), so that a long run not followed by a separator is scanned once.
_L1_BEFORE_SEPARATOR_RE = re.compile(rb"(?<![W6789b1-5])[W6789b1-5]*[SP]")

_CANONICAL_BRACKET = _tables.BRACKET_CANONICAL  # U+2329/U+232A are U+3008/U+3009
_BRACKET_RE = re.compile(
    "[" + "".join(re.escape(chr(cp)) for cp in sorted(_tables.BRACKETS)) + "]"
)

_LEVEL_TABLES: dict[int, bytes] = {}


def _level_table(level: int) -> bytes:
    """I1/I2: resolved class letter -> level, for an isolating run sequence at ``level``."""
    table = _LEVEL_TABLES.get(level)
    if table is None:
        out = bytearray(range(256))
        if level % 2 == 0:
            out[_L], out[_R], out[_EN], out[_AN] = level, level + 1, level + 2, level + 2
        else:
            out[_L], out[_R], out[_EN], out[_AN] = level + 1, level, level + 1, level + 1
        for neutral in b"PSWO6789":  # N2: neutrals not resolved by N1
            out[neutral] = level
        table = _LEVEL_TABLES[level] = bytes(out)
    return table


_RUN_AT_LEAST: dict[int, re.Pattern[bytes]] = {}


def _runs_at_least(level: int) -> re.Pattern[bytes]:
    pattern = _RUN_AT_LEAST.get(level)
    if pattern is None:
        pattern = _RUN_AT_LEAST[level] = re.compile(b"[" + re.escape(bytes([level])) + b"-\xff]+")
    return pattern


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class ParagraphLevels:
    base: int  # paragraph embedding level
    levels: list[int]  # resolved level per code point (after I1/I2), before L1
    removed: list[bool]  # True for characters removed by rule X9


def bidi_classes(text: str) -> list[str]:
    """The Bidi_Class of every code point of ``text``, as the short names of UAX #9."""
    names = _NAME_OF_LETTER
    return [names[b] for b in _class_bytes(text)]


def _check_direction(direction: str) -> None:
    if direction not in ("ltr", "rtl", "auto"):
        raise ValueError(f"direction must be 'ltr', 'rtl' or 'auto', not {direction!r}")


def _match_isolates(cls: bytes) -> dict[int, int]:
    """BD9: index of each isolate initiator -> index of its matching PDI."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for m in _ISOLATE_OR_B_RE.finditer(cls):
        i = m.start()
        c = cls[i]
        if c == _PDI:
            if stack:
                match[stack.pop()] = i
        elif c == _B:
            stack.clear()
        else:
            stack.append(i)
    return match


def _first_strong(cls: bytes, start: int, end: int, matching: dict[int, int]) -> int | None:
    """P2/P3 over cls[start:end]: 0 for L, 1 for R/AL, None when there is no strong
    character; characters between an isolate initiator and its matching PDI (or the end
    of the paragraph) are skipped."""
    pos = start
    while True:
        m = _FIRST_STRONG_RE.search(cls, pos, end)
        if m is None:
            return None
        i = m.start()
        c = cls[i]
        if c == _L:
            return 0
        if c == _R or c == _AL:
            return 1
        if c in _ISOLATE_INITIATORS:
            j = matching.get(i)
            if j is None:
                return None
            pos = j + 1
        elif c == _B:
            return None
        else:  # unmatched PDI
            pos = i + 1


def _base_level(cls: bytes, direction: str, matching: dict[int, int]) -> int:
    if direction == "ltr":
        return 0
    if direction == "rtl":
        return 1
    return _first_strong(cls, 0, len(cls), matching) or 0


def paragraph_level(text: str, direction: Direction = "auto") -> int:
    """P2/P3: the paragraph embedding level: 0 for "ltr", 1 for "rtl"; for "auto" that of
    the first strong character (isolates skipped), 0 when there is none."""
    _check_direction(direction)
    if direction != "auto":
        return 0 if direction == "ltr" else 1
    cls = _class_bytes(text)
    matching = _match_isolates(cls) if _ISOLATE_INIT_RE.search(cls) else {}
    return _base_level(cls, direction, matching)


def resolve_paragraph(text: str, direction: Direction = "auto") -> ParagraphLevels:
    """Rules P2-P3, X1-X10, W1-W7, N0-N2 and I1-I2 over one paragraph."""
    _check_direction(direction)
    n = len(text)
    cls = _class_bytes(text)
    has_explicit = _EXPLICIT_RE.search(cls) is not None
    matching = _match_isolates(cls) if has_explicit and _ISOLATE_INIT_RE.search(cls) else {}
    base = _base_level(cls, direction, matching)
    has_brackets = _BRACKET_RE.search(text) is not None

    if not has_explicit:
        # Fast path: one isolating run sequence at the paragraph level (minus BN).
        sos = b"R" if base & 1 else b"L"
        if _BN not in cls:
            resolved = _resolve_sequence(cls, text if has_brackets else None, base, sos, sos)
            return ParagraphLevels(base, list(resolved), [False] * n)
        kept = [m.span() for m in _KEPT_RE.finditer(cls)]
        chars = "".join([text[a:b] for a, b in kept]) if has_brackets else None
        resolved = _resolve_sequence(cls.replace(b"b", b""), chars, base, sos, sos)
        levels = bytearray(n)
        offset = 0
        for a, b in kept:
            levels[a:b] = resolved[offset : offset + b - a]
            offset += b - a
        return ParagraphLevels(base, *_finish_removed(levels, cls, base))

    return _resolve_explicit(text, cls, base, matching, has_brackets)


def line_levels(para: ParagraphLevels, text: str, start: int, end: int) -> list[int]:
    """Levels of the line text[start:end] after rule L1: segment and paragraph separators,
    and any whitespace / isolate formatters (and X9-removed characters) before them or at
    the end of the line, are reset to the paragraph level."""
    levels = para.levels[start:end]
    cls = _class_bytes(text[start:end])
    base = para.base
    n = len(cls)
    body = len(cls.rstrip(_L1_WHITESPACE))
    if body < n:
        levels[body:n] = [base] * (n - body)
    if b"S" in cls or b"P" in cls:
        for m in _L1_BEFORE_SEPARATOR_RE.finditer(cls, 0, body):
            s, e = m.span()
            levels[s:e] = [base] * (e - s)
    return levels


def reorder_line(levels: list[int], *, skip: list[bool] | None = None) -> list[int]:
    """Rule L2: the indices 0..len-1 of a line in visual order (left to right), leaving out
    those whose ``skip`` flag is true."""
    if skip is not None and True in skip:
        order = [i for i, s in enumerate(skip) if not s]
        levels = [levels[i] for i in order]
    else:
        order = list(range(len(levels)))
    if not levels:
        return order
    packed = bytes(levels)
    highest = max(packed)
    lowest_odd = min(packed) | 1
    n = len(order)
    for level in range(highest, lowest_odd - 1, -1):
        for m in _runs_at_least(level).finditer(packed):
            s, e = m.span()
            if e - s == n:
                order.reverse()
            else:
                order[s:e] = order[s:e][::-1]
    return order


def visual_order(text: str, direction: Direction = "auto") -> list[int]:
    """The whole text as one line: logical indices in visual order, left to right, without
    the characters removed by rule X9."""
    para = resolve_paragraph(text, direction)
    return reorder_line(line_levels(para, text, 0, len(text)), skip=para.removed)


def mirror(ch: str) -> str:
    """Bidi_Mirroring_Glyph of ``ch`` (rule L4), or ``ch`` itself when it has none."""
    cp = _tables.MIRRORING.get(ord(ch))
    return ch if cp is None else chr(cp)


_MIRRORED_STARTS = tuple(lo for lo, _hi in _tables.MIRRORED_RANGES)


def is_mirrored(ch: str) -> bool:
    """The Bidi_Mirrored property of ``ch`` (a glyph to draw mirrored in RTL runs; see
    ``mirror`` for the characters that have a mirrored counterpart)."""
    cp = ord(ch)
    k = bisect_right(_MIRRORED_STARTS, cp) - 1
    return k >= 0 and cp <= _tables.MIRRORED_RANGES[k][1]


# --------------------------------------------------------------------------- internals


def _finish_removed(levels: bytearray, cls: bytes, base: int) -> tuple[list[int], list[bool]]:
    """Give each character removed by X9 the level of the character before it (the
    paragraph level at the start); return the levels and the removed flags as lists."""
    removed = [False] * len(cls)
    for m in _REMOVED_RE.finditer(cls):
        a, b = m.span()
        levels[a:b] = bytes((levels[a - 1] if a else base,)) * (b - a)
        removed[a:b] = [True] * (b - a)
    return list(levels), removed


def _resolve_explicit(
    text: str, cls: bytes, base: int, matching: dict[int, int], has_brackets: bool
) -> ParagraphLevels:
    """X1-X10, then the implicit rules per isolating run sequence."""
    n = len(text)
    work = bytearray(cls)  # classes after overrides (X6)
    levels = bytearray(n)

    # Stack entries: (level, override letter or 0, isolate flag).
    stack: list[tuple[int, int, bool]] = [(base, 0, False)]
    overflow_isolates = overflow_embeddings = valid_isolates = 0

    def fill(a: int, b: int) -> None:
        level, override, _iso = stack[-1]
        levels[a:b] = bytes((level,)) * (b - a)
        if override:
            segment = work[a:b]
            for j in range(b - a):
                if segment[j] != _BN and segment[j] != _B:
                    segment[j] = override
            work[a:b] = segment

    pos = 0
    for m in _STRUCTURE_RE.finditer(cls):
        i = m.start()
        if i > pos:
            fill(pos, i)
        pos = i + 1
        c = cls[i]
        level, override, _iso = stack[-1]
        if c in (_RLE, _LRE, _RLO, _LRO):  # X2-X5
            levels[i] = level
            new = (level + 1) | 1 if c in (_RLE, _RLO) else (level + 2) & ~1
            if new <= MAX_DEPTH and overflow_isolates == 0 and overflow_embeddings == 0:
                ov = _R if c == _RLO else _L if c == _LRO else 0
                stack.append((new, ov, False))
            elif overflow_isolates == 0:
                overflow_embeddings += 1
        elif c in _ISOLATE_INITIATORS:  # X5a-X5c
            levels[i] = level
            if override:
                work[i] = override
            if c == _FSI:
                rtl = _first_strong(cls, i + 1, matching.get(i, n), matching) == 1
            else:
                rtl = c == _RLI
            new = (level + 1) | 1 if rtl else (level + 2) & ~1
            if new <= MAX_DEPTH and overflow_isolates == 0 and overflow_embeddings == 0:
                valid_isolates += 1
                stack.append((new, 0, True))
            else:
                overflow_isolates += 1
        elif c == _PDI:  # X6a
            if overflow_isolates > 0:
                overflow_isolates -= 1
            elif valid_isolates:
                overflow_embeddings = 0
                while not stack[-1][2]:
                    stack.pop()
                stack.pop()
                valid_isolates -= 1
            level, override, _iso = stack[-1]
            levels[i] = level
            if override:
                work[i] = override
        elif c == _PDF:  # X7
            levels[i] = level
            if overflow_isolates > 0:
                pass
            elif overflow_embeddings > 0:
                overflow_embeddings -= 1
            elif not stack[-1][2] and len(stack) >= 2:
                stack.pop()
        else:  # B (X8): back to the paragraph level, all embeddings terminated
            levels[i] = base
            stack = [(base, 0, False)]
            overflow_isolates = overflow_embeddings = valid_isolates = 0
    if pos < n:
        fill(pos, n)

    # X9 removes BN and the embedding/override/PDF controls: the rest, as maximal
    # segments [a, b) of kept characters.
    kept = [m.span() for m in _KEPT_RE.finditer(cls)]

    # X10: level runs over the kept characters (a run may straddle removed ones), as
    # lists of segments, chained into isolating run sequences across isolate initiator /
    # matching PDI pairs.
    packed = bytes(levels)
    runs: list[tuple[int, list[tuple[int, int]]]] = []  # (level, segments)
    for a, b in kept:
        for m in _SAME_BYTE_RUN_RE.finditer(packed, a, b):
            level = packed[m.start()]
            if runs and runs[-1][0] == level:
                runs[-1][1].append(m.span())
            else:
                runs.append((level, [m.span()]))

    sequences: list[list] = []  # [segments, index of first run, index of last run]
    waiting: dict[int, list] = {}  # matching PDI index -> sequence record to continue
    for r, (level, segments) in enumerate(runs):
        first = segments[0][0]
        last = segments[-1][1] - 1
        record = waiting.pop(first, None) if cls[first] == _PDI else None
        if record is not None:
            record[0].extend(segments)
            record[2] = r
        else:
            record = [list(segments), r, r]
            sequences.append(record)
        if cls[last] in _ISOLATE_INITIATORS and last in matching:
            waiting[matching[last]] = record

    out = bytearray(levels)
    nruns = len(runs)
    for segments, first_run, last_run in sequences:
        level = runs[first_run][0]
        prev_level = runs[first_run - 1][0] if first_run > 0 else base
        last = segments[-1][1] - 1
        if cls[last] in _ISOLATE_INITIATORS or last_run + 1 >= nruns:
            next_level = base
        else:
            next_level = runs[last_run + 1][0]
        sos = b"R" if max(level, prev_level) & 1 else b"L"
        eos = b"R" if max(level, next_level) & 1 else b"L"
        seq_cls = b"".join([work[a:b] for a, b in segments])
        chars = "".join([text[a:b] for a, b in segments]) if has_brackets else None
        resolved = _resolve_sequence(seq_cls, chars, level, sos, eos)
        offset = 0
        for a, b in segments:
            out[a:b] = resolved[offset : offset + b - a]
            offset += b - a
    return ParagraphLevels(base, *_finish_removed(out, cls, base))


def _w1(m: re.Match[bytes]) -> bytes:
    prev = m.group(1)
    kind = b"O" if prev in b"6789" else prev
    return prev + kind * (m.end() - m.start(2))


def _w2(m: re.Match[bytes]) -> bytes:
    return m.group().replace(b"E", b"N")


def _w5(m: re.Match[bytes]) -> bytes:
    return b"E" * (m.end() - m.start())


def _w7(m: re.Match[bytes]) -> bytes:
    return m.group().replace(b"E", b"L")


def _resolve_sequence(cls: bytes, chars: str | None, level: int, sos: bytes, eos: bytes) -> bytes:
    """W1-W7, N0-N2, I1-I2 over one isolating run sequence; returns its levels.

    ``cls`` holds the class letters of the sequence (after overrides), ``chars`` its
    characters (None when the paragraph has no bracket at all)."""
    original = cls
    # W1: NSM takes the class of what precedes it (sos at the start; ON after isolates).
    if b"M" in cls:
        cls = _W1_RE.sub(_w1, sos + cls)[1:]
    # W2: EN after AL (no strong type in between) becomes AN.  W3: AL -> R.
    if b"A" in cls:
        if b"E" in cls:
            cls = _W2_RE.sub(_w2, cls)
        cls = cls.replace(b"A", b"R")
    # W4: a single ES/CS between two EN, a single CS between two AN.
    if b"+" in cls or b"," in cls:
        cls = _W4_EN_RE.sub(b"E", cls)
        if b"N" in cls:
            cls = _W4_AN_RE.sub(b"N", cls)
    # W5: ET next to EN becomes EN.  W6: remaining separators/terminators -> ON.
    if b"$" in cls:
        if b"E" in cls:
            cls = _W5_RE.sub(_w5, cls)
        cls = cls.translate(_W6_TABLE)
    elif b"+" in cls or b"," in cls:
        cls = cls.translate(_W6_TABLE)
    # W7: EN preceded by L (or sos L) becomes L.
    if b"E" in cls and (b"L" in cls or sos == b"L"):
        cls = _W7_RE.sub(_w7, sos + cls)[1:]
    # N0: paired brackets.
    if chars is not None and _BRACKET_RE.search(chars):
        cls = _resolve_brackets(cls, original, chars, level, sos)
    # N1/N2: a run of neutrals between strong types of the same direction (EN/AN count as
    # R) takes that direction, any other run the embedding direction e.  So only the runs
    # bounded on both sides by the direction opposite to e need finding; every other
    # neutral becomes e, which the I1/I2 table does directly.
    work = sos + cls + eos
    if level & 1:
        opposite_runs, opposite = _N1_L_RUNS_RE, b"L"
    else:
        opposite_runs, opposite = _N1_R_RUNS_RE, b"R"
    if opposite_runs.search(work):
        buf = bytearray(work)
        for m in opposite_runs.finditer(work):
            s, t = m.span(1)
            buf[s:t] = opposite * (t - s)
        work = bytes(buf)
    # I1/I2 (neutrals left over take the embedding level).
    return work[1:-1].translate(_level_table(level))




def _resolve_brackets(cls: bytes, original: bytes, chars: str, level: int, sos: bytes) -> bytes:
    """N0 over one isolating run sequence (BD14-BD16 to find the pairs)."""
    brackets = _tables.BRACKETS
    canonical = _CANONICAL_BRACKET
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[int, int]] = []  # (expected closing code point, opening index)
    for m in _BRACKET_RE.finditer(chars):
        i = m.start()
        if cls[i] != _ON:
            continue
        cp = ord(chars[i])
        other, kind = brackets[cp]
        if kind == "o":
            if len(stack) == _MAX_BRACKET_PAIRS:
                break
            stack.append((canonical.get(other, other), i))
        else:
            cp = canonical.get(cp, cp)
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == cp:
                    pairs.append((stack[k][1], i))
                    del stack[k:]
                    break
    if not pairs:
        return cls
    pairs.sort()
    buf = bytearray(cls)
    n = len(buf)
    e = _R if level & 1 else _L
    opposite = _L if e == _R else _R
    # The last strong direction before an opening bracket (sos when there is none) is
    # found by one scan forward over the sequence: the pairs come in the order of their
    # openings, and nothing before an opening changes once it is reached (N0 only sets
    # the brackets of this and later pairs, and the marks after them).
    scanned = 0
    before = sos[0]  # the last strong direction in buf[:scanned]
    for o, c in pairs:
        inner = buf[o + 1 : c]
        has_l = _L in inner
        has_r = _R in inner or _EN in inner or _AN in inner
        if (e == _L and has_l) or (e == _R and has_r):
            t = e
        elif has_l or has_r:
            # Only the opposite direction inside: look at the context before the pair.
            if scanned < o:
                jl = buf.rfind(b"L", scanned, o)
                jr = max(
                    buf.rfind(b"R", scanned, o),
                    buf.rfind(b"E", scanned, o),
                    buf.rfind(b"N", scanned, o),
                )
                if jl >= 0 or jr >= 0:
                    before = _L if jl > jr else _R
                scanned = o
            t = opposite if before == opposite else e
        else:
            continue
        buf[o] = buf[c] = t
        for p in (o, c):
            j = p + 1
            while j < n and original[j] == _NSM:
                buf[j] = t
                j += 1
    return bytes(buf)
