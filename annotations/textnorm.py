"""Search-friendly normalisation of Arabic text, with a map back to the original.

Searching Arabic news text must not depend on how carefully a word was
written: harakat (diacritics), tatweel (the stretching ـ), the hamza forms of
alef (إ أ آ ٱ → ا), alef maqsura against ya (ى → ي) and ta marbuta against ha
(ة → ه) are all folded. Latin letters are folded to lower case.

Folding removes characters, so every normalised string comes with ``origin``:
``origin[i]`` is the offset in the original text of normalised character
``i``. A match ``norm[i:j]`` is reported as the original range
``[origin[i], origin[j])`` (with ``origin[len(norm)] == len(text)``), so
harakat written on the last letter of a match belong to the match, and every
reported range is a slice of the text exactly as stored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

TATWEEL = "\u0640"

# Characters dropped entirely: harakat and other Arabic combining marks
# (U+064B..U+065F, superscript alef U+0670, Quranic annotation marks
# U+06D6..U+06ED, U+0610..U+061A), the tatweel, and invisible joiners that
# writers sprinkle inside words.
_DROPPED = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
    + [chr(c) for c in range(0x0610, 0x061B)]
    + [TATWEEL, "\u200c", "\u200d"]
)

_FOLDED = {
    "\u0622": "\u0627",  # آ
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0671": "\u0627",  # ٱ
    "\u0649": "\u064a",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
}


def fold_char(ch: str) -> str:
    """The folded form of one character: "" when it is dropped."""
    if ch in _DROPPED:
        return ""
    folded = _FOLDED.get(ch)
    if folded is not None:
        return folded
    lower = ch.lower()
    # Only one-to-one case folds, so one original character never becomes two.
    return lower if len(lower) == 1 else ch


@dataclass(frozen=True)
class Normalized:
    """A folded text and, for each of its characters, the original offset."""

    original: str
    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries; the last is len(original)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised range [start, end) back to the original text."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"range [{start}, {end}) outside the normalised text")
        if start == end:
            point = self.origin[start]
            return point, point
        return self.origin[start], self.origin[end]

    def find_all(self, query: str) -> list[tuple[int, int]]:
        """Every non-overlapping match of `query` as an original [start, end)."""
        needle = normalize(query)
        if not needle:
            return []
        matches = []
        position = self.text.find(needle)
        while position != -1:
            matches.append(self.to_original(position, position + len(needle)))
            position = self.text.find(needle, position + len(needle))
        return matches


def normalize_with_map(text: str) -> Normalized:
    """Fold `text` for searching and keep the map back to its offsets."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = fold_char(ch)
        if folded:
            chars.append(folded)
            origin.append(index)
    # A match norm[i:j] ends at the original offset of the next kept
    # character, so harakat and tatweel written after its last letter are
    # part of it; past the last kept character that is the end of the text.
    origin.append(len(text))
    return Normalized(original=text, text="".join(chars), origin=tuple(origin))


_TABLE = str.maketrans({**{ch: None for ch in _DROPPED}, **_FOLDED})
_FINAL_SIGMA = "\u03a3"  # the one letter str.lower() folds by its context


def normalize(text: str) -> str:
    """The folded text alone (for queries and comparisons): ``fold_char`` of
    each character, done by one translate and one lower() when lower() maps
    every character to one character on its own (the same length, no Σ)."""
    folded = text.translate(_TABLE)
    lower = folded.lower()
    if len(lower) == len(folded) and _FINAL_SIGMA not in folded:
        return lower
    return "".join(fold_char(ch) for ch in text)


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Every match of `query` in `text`, folded, as original [start, end) ranges."""
    return normalize_with_map(text).find_all(query)


def fold_many(texts: Sequence[str]) -> list[str]:
    """normalize() for every text, in one pass over all of them: 10,000
    titles folded one by one in Python take a noticeable moment on the first
    keystroke of a filter."""
    if not texts:
        return []
    joined = "\n".join(texts)
    chars = set(joined)
    # str.lower() is per character except for a final capital sigma and
    # characters that lower to two; with those, or a newline inside a
    # text, fold one by one.
    if "\u03a3" in chars or "\n" in "".join(texts) or any(len(ch.lower()) != 1 for ch in chars):
        return [normalize(text) for text in texts]
    joined = joined.lower()
    for ch in chars:
        folded = fold_char(ch)
        lower = ch.lower()
        if folded != lower:
            joined = joined.replace(lower, folded)
    return joined.split("\n")


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character of `text` is
    right-to-left (Arabic, Hebrew): a title that starts "2025 مؤتمر" reads
    from the right; one with no letters at all does not."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False
