"""An Arabic-aware tokenizer that keeps character offsets — and, re-exported
here, the canonical tokenization every token format and the reader use
(:mod:`annotations.segment`: ``Evidence``, ``canonical_offsets``,
``canonical_tokens``, ``evidence_for``).

The tokenizer below is the earlier one, kept for callers that still use it:
it splits tokens at given span edges and recognises clitics only in front of
the article, without evidence. New code wants ``canonical_offsets``.

``tokenize(text)`` returns ``Token(start, end, text)`` with
``text == source[start:end]`` (Python code points, end exclusive). Whitespace
is never part of a token. Token classes:

* words: runs of letters of one script (Arabic, or any other) with their combining marks — harakat,
  shadda, sukun, superscript alef, Quranic marks — tatweel (ـ) and ZWJ/ZWNJ
  kept inside the word;
* numbers: runs of digits (Latin 0-9, Arabic-Indic ٠-٩, Extended ۰-۹) with
  decimal/thousands separators (``.`` ``,`` ``٫`` ``٬``) *between* digits, so
  ``3.5`` and ``١٤٫٥`` are one token and a full stop after a number is not;
* everything else (punctuation such as ، ؛ ؟ « » “ ” " ' ( ) . ! and any
  symbol or invisible format character) is one token per character, together
  with any combining marks that follow it.

``boundaries`` are extra offsets where a token must be split — the starts and
ends of spans — so that every span covers whole tokens and no entity is
dropped or widened when written in a token format. The text is cut at the
boundaries and each piece is tokenized on its own (a boundary inside
``1.5`` after the ``1`` gives ``1`` ``.`` ``5``).

``token_offsets`` (``(start, end)`` pairs) and ``token_texts`` (strings
only) give the same tokens without building Token objects, for bulk work.

Clitics (``split_clitics=True`` and ``clitic_prefix_length``)
-------------------------------------------------------------
Arabic attaches the conjunctions و ف, the prepositions ب ل ك and the
article ال to the next word. Without a lexicon a bare leading و/ف/ب/ل/ك is
more often a root letter than a clitic (وزير، فريق، بريطانيا، لندن، كلية), so
this module is conservative: a proclitic chain is recognised **only in front
of the article**, where it is unambiguous in practice:

    (و|ف)? (ب|ك|ل)? ال STEM        e.g. والصين  بالعاصمة  وبالتعاون  كالعادة
    (و|ف)? لل STEM                e.g. للصين  وللتعاون  (لِ + article, alef elided)

and only when STEM still has at least two letters (so والد، الى are left
alone). Harakat on a clitic letter stay with it (وَالصين -> وَ + ال + صين).

``tokenize(..., split_clitics=True)`` splits each clitic into its own token:
والصين -> و / ال / صين, للصين -> ل / ل / صين.

``clitic_prefix_length(word)`` is for word snapping in the reader: it returns
how many code points to trim from the front of a snapped word. By default it
trims the conjunction/preposition letters and keeps the article, because a
name is normally annotated with its article (selecting الصين out of والصين,
العاصمة out of بالعاصمة). ``article=True`` trims the article as well
(والصين -> صين). In the ``لل`` form the article cannot be separated from the
preposition in writing, so without ``article=True`` only the letters before
``لل`` are trimmed (وللصين -> للصين) and with it both ل go (-> صين).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .segment import _ARABIC, ARABIC_LETTERS, MARKS, Evidence, canonical_offsets, canonical_tokens, evidence_for

__all__ = [
    "Token",
    "tokenize",
    "token_offsets",
    "token_texts",
    "clitic_prefix_length",
    "MARKS",
    "Evidence",
    "canonical_offsets",
    "canonical_tokens",
    "evidence_for",
]

_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: inside words
_SEPARATORS = ".,\u066b\u066c"  # . , Arabic decimal and thousands separators
_ARABIC_WORD = ARABIC_LETTERS
_TOKEN_RE = re.compile(
    rf"(?P<word>[{_ARABIC_WORD}{_JOINERS}]+"
    rf"|(?:[^\W\d_{_ARABIC}]|[{MARKS}{_JOINERS}])+)"
    rf"|(?P<num>\d+(?:[{_SEPARATORS}]\d+)*[{MARKS}]*)"
    rf"|(?P<other>[^\s][{MARKS}]*)"
)
# the same alternatives without groups, for findall (a token that starts
# with a letter is always a word: letters never reach the later alternatives)
_TOKEN_PLAIN_RE = re.compile(re.sub(r"\(\?P<\w+>", "(?:", _TOKEN_RE.pattern))
_CLITIC_START = frozenset("وفبكلا")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str


_CONJ = "وف"
_PREP = "بكل"
_ARABIC_MARK_RE = re.compile(f"[{MARKS}]*")
_LETTER_RE = re.compile(r"[^\W\d_]")


def _after_marks(word: str, index: int) -> int:
    return _ARABIC_MARK_RE.match(word, index).end()


def _letters(text: str) -> int:
    return len(_LETTER_RE.findall(text.replace("\u0640", "")))


def _clitic_pieces(word: str) -> list[tuple[str, int]]:
    """Leading clitics of `word` as (kind, end offset) pairs, kind one of
    "conj", "prep", "article" or "lil" (the article lam of لل):
    والصين -> [("conj", 1), ("article", 3)]. Empty when no clitic is
    recognised (see the module docstring)."""
    pieces: list[tuple[str, int]] = []
    i = 0
    if i < len(word) and word[i] in _CONJ:
        i = _after_marks(word, i + 1)
        pieces.append(("conj", i))
    if i < len(word) and word[i] in _PREP:
        j = _after_marks(word, i + 1)
        if word[i] == "ل" and j < len(word) and word[j] == "ل":
            k = _after_marks(word, j + 1)
            if _letters(word[k:]) >= 2:
                return pieces + [("prep", j), ("lil", k)]
            return []
        pieces.append(("prep", j))
        i = j
    if word.startswith("ال", i):
        k = _after_marks(word, i + 2)
        if _letters(word[k:]) >= 2:
            return pieces + [("article", k)]
    return []


def _clitic_cuts(word: str) -> list[int]:
    return [end for _, end in _clitic_pieces(word)]


def clitic_prefix_length(word: str, *, article: bool = False) -> int:
    """How many code points of leading clitics to trim from `word`.

    Conjunction and preposition letters are trimmed; the article ال only when
    `article` is true. 0 when nothing is recognised. See the module docstring
    for the (deliberately conservative) rule.
    """
    pieces = _clitic_pieces(word)
    if not pieces:
        return 0
    if article:
        return pieces[-1][1]
    keep = 1  # drop the article piece
    if pieces[-1][0] == "lil":
        keep = 2  # the preposition lam goes with the elided article
    rest = pieces[:-keep]
    return rest[-1][1] if rest else 0


def token_offsets(
    text: str, *, split_clitics: bool = False, boundaries: Iterable[int] = ()
) -> list[tuple[int, int]]:
    """(start, end) of each token: :func:`tokenize` without the Token
    objects, for bulk work (exports). The text is cut at the boundaries first
    and each piece is tokenized on its own."""
    finditer = _TOKEN_RE.finditer
    cuts = sorted(c for c in set(boundaries) if 0 < c < len(text)) if boundaries else []
    out: list[tuple[int, int]] = []
    last = 0
    for stop in cuts + [len(text)]:
        if split_clitics:
            for match in finditer(text, last, stop):
                start, end = match.span()
                if text[start] in _CLITIC_START and match.lastgroup == "word":
                    pieces = _clitic_cuts(match.group())
                    if pieces:
                        prev = start
                        for cut in pieces:
                            out.append((prev, start + cut))
                            prev = start + cut
                        out.append((prev, end))
                        continue
                out.append((start, end))
        else:
            out.extend(match.span() for match in finditer(text, last, stop))
        last = stop
    return out


def token_texts(text: str, start: int = 0, end: int | None = None, *, split_clitics: bool = False) -> list[str]:
    """The token strings of text[start:end] (no offsets): the fastest form,
    for writers that need only the words."""
    end = len(text) if end is None else end
    words = _TOKEN_PLAIN_RE.findall(text, start, end)
    return _split_clitic_words(words) if split_clitics else words


def _split_clitic_words(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if word[0] in _CLITIC_START:
            pieces = _clitic_cuts(word)
            if pieces:
                prev = 0
                for cut in pieces:
                    out.append(word[prev:cut])
                    prev = cut
                out.append(word[prev:])
                continue
        out.append(word)
    return out


def tokenize(
    text: str, *, split_clitics: bool = False, boundaries: Iterable[int] = ()
) -> list[Token]:
    """Tokens of `text` with code-point offsets; see the module docstring."""
    return [
        Token(start, end, text[start:end])
        for start, end in token_offsets(text, split_clitics=split_clitics, boundaries=boundaries)
    ]
