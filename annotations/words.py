"""Word logic for the reader: the word at an offset, word-wise movement, and
snapping a selection to whole words with optional clitic trimming.

Words are the canonical tokens of :mod:`annotations.segment` before
proclitics are cut: Arabic and other words, numbers, dates, URLs, e-mail
addresses, hashtags and abbreviations count as words; punctuation does not.
Only a window of text around the offset is tokenized, so these stay cheap in
a 100,000-character article: tokens never contain whitespace, so a window
cut at whitespace tokenizes exactly as the whole text would.

Clitic trimming cuts what the canonical tokenization cuts: the proclitics
و ف ب ل ك the evidence supports are left out and the article is kept
(والصين -> الصين, بدمشق -> دمشق when دمشق is a known word; in the لل form
the article's ل is kept: وللصين -> لصين). When the evidence cuts nothing,
a conjunction or preposition in front of the article is still trimmed, as
it always was (والصين -> الصين, وللصين -> للصين); the span made is then
evidence itself, so the export cuts the word the same way. The functions
take an optional ``evidence`` (:class:`annotations.segment.Evidence`, e.g.
the corpus's); without it the words of the text itself serve.
"""

from __future__ import annotations

from .segment import Evidence, clitic_cuts, stem_start, text_evidence, word_ranges
from .tokenize import clitic_prefix_length

WINDOW = 256


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
    return word_ranges(text, lo, hi)


_TEXT_EVIDENCE: dict[str, Evidence] = {}


def evidence_of(text: str, evidence: Evidence | None) -> Evidence:
    """`evidence`, or the words of `text` (kept for the last few texts)."""
    if evidence is not None:
        return evidence
    found = _TEXT_EVIDENCE.get(text)
    if found is None:
        if len(_TEXT_EVIDENCE) >= 4:
            _TEXT_EVIDENCE.pop(next(iter(_TEXT_EVIDENCE)))
        found = _TEXT_EVIDENCE[text] = text_evidence(text)
    return found


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


def clitic_length(word: str, evidence: Evidence, *, article: bool = False) -> int:
    """How many code points of proclitics the canonical tokenization cuts
    from the front of `word` (the article and the لل form's article ل kept);
    with `article`, every cut proclitic and the article ال too. When the
    evidence cuts nothing, a conjunction or preposition in front of the
    article is still trimmed (:func:`annotations.tokenize.clitic_prefix_length`)."""
    cuts = clitic_cuts(word, evidence)
    if not cuts:
        return clitic_prefix_length(word, article=article)
    if not article:
        return stem_start(word, cuts)
    cut = cuts[-1] if cuts else 0
    if word.startswith("ال", cut):
        after = _after_article(word, cut)
        if len(word) - after >= 2:
            return after
    return cut


def _after_article(word: str, at: int) -> int:
    at += 2
    while at < len(word) and not word[at].isalpha():  # marks on the lam
        at += 1
    return at


def trim_clitics(
    text: str, start: int, end: int, *, article: bool = False, evidence: Evidence | None = None
) -> tuple[int, int]:
    """Drop the leading proclitics the evidence supports (and the article if
    `article`) from the word starting at `start`: والصين -> الصين. Nothing is
    trimmed when that would leave the range empty."""
    first = word_at(text, start)
    if first is None or first[0] != start:
        return start, end
    cut = clitic_length(text[first[0] : first[1]], evidence_of(text, evidence), article=article)
    if cut and start + cut < end:
        return start + cut, end
    return start, end


def snap_to_words(
    text: str,
    start: int,
    end: int,
    *,
    clitics: bool = False,
    article: bool = False,
    evidence: Evidence | None = None,
) -> tuple[int, int] | None:
    """Grow [start, end) to the whole words it touches; None if it touches no
    word. An empty range snaps to the word at `start`. With `clitics`, the
    leading proclitics of the first word are trimmed as the canonical
    tokenization cuts them (see the module docstring)."""
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
        start, end = trim_clitics(text, start, end, article=article, evidence=evidence)
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
    # the match itself is the evidence that what follows the clitics is a word
    known = Evidence([text[start:end]])
    return prefix in (clitic_length(word, known), clitic_length(word, known, article=True))


def occurrences(text: str, query: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of `query` in `text`, insensitive to harakat,
    tatweel and alef/hamza, ى/ي and ة/ه variants (see annotations.textnorm)."""
    from .textnorm import find_all

    return [(s, e) for s, e in find_all(text, query) if is_whole_word_match(text, s, e)]
