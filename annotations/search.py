"""Corpus search and the context shown around each match.

A match is found on folded text (annotations.textnorm: harakat, tatweel,
alef/hamza forms, ى/ي and ة/ه ignored) and reported as [start, end) in the
article text exactly as stored, so ``text[start:end]`` is what was found,
harakat on its last letter included.

The context of a match is plain text with the match's place in it; how it is
shaped and coloured on screen is the interface's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from .corpus import Corpus
from .errors import HashiyaError
from .textnorm import find_all, normalize

MAX_RESULTS = 500


@dataclass(frozen=True)
class Hit:
    """One match of ``query``: ``[start, end)`` in article ``article_id``."""

    article_id: str
    start: int
    end: int
    query: str


def search_corpus(
    corpus: Corpus, query: str, limit: int = MAX_RESULTS, *, whole_words: bool = True
) -> tuple[list[Hit], int]:
    """Folded matches of `query` in every article (up to `limit`), and how
    many articles could not be read.

    With `whole_words` (the default) a match is a whole word or words, after
    leading clitics allowed, by the rule propagation uses to offer other
    occurrences (annotations.words.is_whole_word_match: العراق in والعراق, not
    in العراقية), so the corpus search and the suggestions count the same."""
    from .words import occurrences

    matches = occurrences if whole_words else find_all
    hits: list[Hit] = []
    unreadable = 0
    if not normalize(query):
        return hits, unreadable
    for article in corpus:
        try:
            text = article.peek_text()  # a pass over every article keeps none
        except HashiyaError:
            unreadable += 1
            continue
        for start, end in matches(text, query):
            hits.append(Hit(article.id, start, end, query))
            if len(hits) >= limit:
                return hits, unreadable
    return hits, unreadable


@dataclass(frozen=True)
class Context:
    """A match with some words either side on one line: ``text[start:end]``
    is the match (whitespace runs inside it made one space)."""

    text: str
    start: int
    end: int


def around_for(width: int, length: int) -> int:
    """How much context either side of a match of `length` characters keeps
    the match inside a snippet `width` columns wide."""
    return max(4, min(24, (width - length) // 2))


def context_of(text: str, start: int, end: int, around: int = 24) -> str:
    """The match with some words either side, on one line (whole words:
    a word cut by the `around` limit is left out)."""
    return context_with_match(text, start, end, around)[0]


def context_with_match(text: str, start: int, end: int, around: int = 24) -> tuple[str, int, int]:
    """``context_of`` and where the match is in it: (context, start, end)."""
    lo = max(0, start - around)
    hi = min(len(text), end + around)
    if lo > 0 and not text[lo - 1].isspace():
        gap = next((i for i in range(lo, start) if text[i].isspace()), None)
        lo = start if gap is None else gap
    if hi < len(text) and not text[hi].isspace():
        gap = next((i for i in range(hi - 1, end - 1, -1) if text[i].isspace()), None)
        hi = end if gap is None else gap
    # Runs of whitespace (newlines too) become one space, none at either end.
    out: list[str] = []
    at_start = at_end = None
    for i in range(lo, hi):
        if i == start:
            at_start = len(out)
        if i == end:
            at_end = len(out)
        ch = text[i]
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
    at_start = len(out) if at_start is None else at_start
    at_end = len(out) if at_end is None else at_end
    if out and out[-1] == " ":
        out.pop()
    at_start, at_end = min(at_start, len(out)), min(at_end, len(out))
    return "".join(out), at_start, at_end


def context_for_width(text: str, start: int, end: int, width: int) -> Context:
    """The context of a match sized for a line `width` columns wide."""
    return Context(*context_with_match(text, start, end, around_for(width, end - start)))
