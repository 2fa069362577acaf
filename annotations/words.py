"""Word logic for the reader: the word at an offset, word-wise movement, and
snapping a selection to whole words with optional clitic trimming.

Word boundaries come from :func:`annotations.tokenize.tokenize` (words and
numbers count as words; punctuation does not). Only a window of text around
the offset is tokenized, so these stay cheap in a 100,000-character article:
tokens never contain whitespace, so a window cut at whitespace tokenizes
exactly as the whole text would.
"""

from __future__ import annotations

from .tokenize import clitic_prefix_length, tokenize

WINDOW = 256


def _is_word(token_text: str) -> bool:
    return token_text[:1].isalnum() or token_text[:1] == "\u0640"


def _window(text: str, lo: int, hi: int) -> tuple[int, int]:
    lo = max(0, min(lo, len(text)))
    hi = max(lo, min(hi, len(text)))
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    return lo, hi


def words_between(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Word ranges of `text` intersecting [lo, hi), in order."""
    lo, hi = _window(text, lo, hi)
    return [
        (lo + token.start, lo + token.end)
        for token in tokenize(text[lo:hi])
        if _is_word(token.text)
    ]


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word under `offset`, or the word that ends just before it."""
    before = None
    for start, end in words_between(text, offset - 1, offset + 1):
        if start <= offset < end:
            return start, end
        if end == offset:
            before = (start, end)
    return before


def _next_edge(text: str, offset: int, edge: int) -> int:
    """The first word start (edge 0) or end (edge 1) after `offset`,
    tokenizing one window at a time; len(text) if none."""
    lo = offset
    while lo < len(text):
        hi = lo + WINDOW
        for word in words_between(text, lo, hi):
            if word[edge] > offset:
                return word[edge]
        lo = _window(text, lo, hi)[1]
        if lo >= len(text):
            break
        lo += 1
    return len(text)


def _previous_edge(text: str, offset: int, edge: int) -> int:
    """The last word start (edge 0) or end (edge 1) before `offset`,
    tokenizing one window at a time; 0 if none."""
    hi = offset
    while hi > 0:
        lo = hi - WINDOW
        found = [word[edge] for word in words_between(text, lo, hi) if word[edge] < offset]
        if found:
            return found[-1]
        hi = _window(text, lo, hi)[0]
        if hi <= 0:
            break
        hi -= 1
    return 0


def next_word_start(text: str, offset: int) -> int:
    """Start of the first word after `offset` (len(text) if none)."""
    return _next_edge(text, offset, 0)


def next_word_end(text: str, offset: int) -> int:
    """End of the first word ending after `offset` (len(text) if none)."""
    return _next_edge(text, offset, 1)


def previous_word_start(text: str, offset: int) -> int:
    """Start of the last word starting before `offset` (0 if none)."""
    return _previous_edge(text, offset, 0)


def previous_word_end(text: str, offset: int) -> int:
    """End of the last word ending before `offset` (0 if none)."""
    return _previous_edge(text, offset, 1)


def trim_clitics(text: str, start: int, end: int, *, article: bool = False) -> tuple[int, int]:
    """Drop a leading conjunction/preposition (and the article if `article`)
    from the word starting at `start`: والصين -> الصين. Nothing is trimmed
    when that would leave the range empty."""
    first = word_at(text, start)
    if first is None or first[0] != start:
        return start, end
    cut = clitic_prefix_length(text[first[0] : first[1]], article=article)
    if cut and start + cut < end:
        return start + cut, end
    return start, end


def snap_to_words(
    text: str, start: int, end: int, *, clitics: bool = False, article: bool = False
) -> tuple[int, int] | None:
    """Grow [start, end) to the whole words it touches; None if it touches no
    word. An empty range snaps to the word at `start`. With `clitics`, a
    leading conjunction/preposition is trimmed from the first word."""
    if start >= end:
        word = word_at(text, start)
        if word is None:
            return None
        start, end = word
    else:
        inside = [(s, e) for s, e in words_between(text, start, end) if s < end and start < e]
        if not inside:
            return None
        start, end = inside[0][0], inside[-1][1]
    if clitics:
        start, end = trim_clitics(text, start, end, article=article)
    return start, end


def is_whole_word_match(text: str, start: int, end: int) -> bool:
    """True when [start, end) ends at a word end and starts at a word start
    or right after leading clitics (العراق in والعراق, not in العراقية)."""
    if start >= end:
        return False
    last = word_at(text, end - 1)
    if last is None or last[1] != end:
        return False
    first = word_at(text, start)
    if first is None:
        return True  # starts on punctuation or a number boundary
    word_start = first[0]
    if word_start == start:
        return True
    word = text[word_start : first[1]]
    prefix = start - word_start
    return prefix in (clitic_prefix_length(word), clitic_prefix_length(word, article=True))


def occurrences(text: str, query: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of `query` in `text`, insensitive to harakat,
    tatweel and alef/hamza, ى/ي and ة/ه variants (see annotations.textnorm)."""
    from .textnorm import find_all

    return [(s, e) for s, e in find_all(text, query) if is_whole_word_match(text, s, e)]
