"""Many short strings (article ids) held compactly, for passes over a whole
corpus or store that must not grow by an object per article.

A list of 100,000 ids is 100,000 string objects (~60 bytes each, plus the
list's pointers); a set or dict of them adds its table. ``PackedStrings``
keeps them in one string with an array of where each ends, and finds one
by a binary search of their hashes (sorted, in an array, each with where
its string is): ~12 bytes per id beyond its characters, and a lookup that
compares one slice in the usual case. ``PackedSet`` is the same as a read-only set.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Sequence, Set
from heapq import merge
from itertools import accumulate, chain, islice, repeat
from operator import and_, eq
from typing import Iterable, Iterator

# strings joined, and hashes sorted, this many at a time: what building
# holds beyond the result stays small
_CHUNK = 256
_RUN = 2048


def _offsets(total: int) -> str:
    """The array type code that holds offsets up to `total`."""
    return "I" if total < 1 << 32 else "Q"


class PackedStrings(Sequence):
    """Strings in the order given, in one block; ``find`` gives a string's
    position (the first, if it occurs more than once), ``in`` asks whether
    it is there."""

    __slots__ = ("_blob", "_ends", "_keys", "_bits", "distinct")

    def __init__(self, strings: Iterable[str] = ()) -> None:
        chunks: list[str] = []
        chunk: list[str] = []
        lengths = array("Q")
        for text in strings:
            chunk.append(text)
            lengths.append(len(text))
            if len(chunk) == _CHUNK:
                chunks.append("".join(chunk))
                chunk.clear()
        chunks.append("".join(chunk))
        self._blob = "".join(chunks)
        del chunks, chunk
        self._ends = array(_offsets(len(self._blob)), accumulate(lengths))
        del lengths
        # Each string's hash with its low bits replaced by its position,
        # sorted: a lookup is a binary search (in C) and, in the usual case,
        # one comparison. Sorted a chunk at a time and merged, so that no
        # list of an int per string is made.
        self._bits = max(len(self._ends).bit_length(), 1)
        high = ~((1 << self._bits) - 1)
        keys = ((hash(text) & high) | position for position, text in enumerate(self))
        runs = []
        while True:
            run = sorted(islice(keys, _RUN))
            if not run:
                break
            runs.append(array("q", run))
        del run
        self._keys = array("q", merge(*runs))
        del runs
        #: how many different strings it holds
        self.distinct = len(self)
        highs = [map(and_, self._keys, repeat(high)) for _ in range(2)]
        if any(map(eq, islice(highs[0], 1, None), highs[1])):  # hashes alike: any equal strings?
            self.distinct -= sum(1 for position, text in enumerate(self) if self.find(text) != position)

    def __len__(self) -> int:
        return len(self._ends)

    def extended(self, more: list[str]) -> "PackedStrings | None":
        """These strings and then ``more``, which the caller knows to be
        new and different from each other: made without hashing these again
        (their sorted hashes are merged with those of ``more``). None when
        the positions need more bits than these have (then make it anew)."""
        bits = self._bits
        start = len(self._ends)
        if max((start + len(more)).bit_length(), 1) != bits:
            return None
        high = ~((1 << bits) - 1)
        packed = PackedStrings.__new__(PackedStrings)
        base = len(self._blob)
        packed._blob = self._blob + "".join(more)
        packed._ends = array(_offsets(len(packed._blob)), self._ends)
        packed._ends.extend(islice(accumulate(map(len, more), initial=base), 1, None))
        packed._bits = bits
        added = sorted((hash(text) & high) | position for position, text in enumerate(more, start))
        packed._keys = array("q", merge(self._keys, added))
        packed.distinct = self.distinct + len(more)
        return packed

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self._ends)))]
        ends = self._ends
        if index < 0:
            index += len(ends)
        if not 0 <= index < len(ends):
            raise IndexError("PackedStrings index out of range")
        return self._blob[ends[index - 1] if index else 0:ends[index]]

    def __iter__(self) -> Iterator[str]:
        ends = self._ends
        return map(self._blob.__getitem__, map(slice, chain((0,), ends), ends))

    def find(self, text: object) -> int:
        """The position of `text`, or -1."""
        if type(text) is not str:
            return -1
        keys, blob, ends = self._keys, self._blob, self._ends
        low = (1 << self._bits) - 1
        key = hash(text) & ~low
        at = bisect_left(keys, key)
        # equal strings have equal keys but for their positions, which sort
        # them: the first that compares equal is the first position
        while at < len(keys) and keys[at] & ~low == key:
            position = keys[at] & low
            if blob[ends[position - 1] if position else 0:ends[position]] == text:
                return position
            at += 1
        return -1

    def __contains__(self, text: object) -> bool:
        return self.find(text) >= 0

    def index(self, text, start: int = 0, stop: int | None = None) -> int:
        position = self.find(text)
        if position < 0 or position < start or (stop is not None and position >= stop):
            return super().index(text, start, len(self) if stop is None else stop)
        return position


class PackedSet(Set):
    """A read-only set of strings held as ``PackedStrings``; what set
    operations with it make (``&``, ``|``, …) are plain sets."""

    __slots__ = ("_strings", "found_in")

    def __init__(self, strings: Iterable[str] = ()) -> None:
        self._strings = PackedStrings(strings)
        #: a container every string was found in (``within``), or None
        self.found_in: object = None

    @classmethod
    def of(cls, strings: PackedStrings) -> "PackedSet":
        """The set of `strings`, sharing their block."""
        packed = cls.__new__(cls)
        packed._strings, packed.found_in = strings, None
        return packed

    def within(self, container) -> bool:
        """Whether every string is in `container` (remembered for it)."""
        if self.found_in is not container:
            if not all(map(container.__contains__, self)):
                return False
            self.found_in = container
        return True

    @classmethod
    def _from_iterable(cls, iterable: Iterable[str]) -> set[str]:
        return set(iterable)

    def __contains__(self, text: object) -> bool:
        return self._strings.find(text) >= 0

    def __iter__(self) -> Iterator[str]:
        strings = self._strings
        if strings.distinct == len(strings):
            return iter(strings)
        # a string given twice is held twice and given once
        return (text for position, text in enumerate(strings) if strings.find(text) == position)

    def __len__(self) -> int:
        return self._strings.distinct

    def __repr__(self) -> str:
        return f"PackedSet({len(self)} strings)"


class SeenStrings:
    """Strings met one at a time (the article ids of an import), each with a
    whole number (the line it was on), asked about as they come: a dict of
    the latest ones, packed into ``PackedStrings`` blocks as it fills; a
    block is merged with the one before while they are alike in size, so
    there are few blocks to look in and each string is packed again only a
    few times. ~20 bytes a string beyond its characters once packed, where
    a dict holds ~100."""

    __slots__ = ("_recent", "_blocks", "_limit")

    def __init__(self, limit: int = 8192) -> None:
        self._recent: dict[str, int] = {}
        #: (strings, their numbers), the oldest and largest first
        self._blocks: list[tuple[PackedStrings, array]] = []
        self._limit = limit

    def get(self, text: str) -> int | None:
        """The number `text` was added with, or None if it was not."""
        number = self._recent.get(text)
        if number is not None:
            return number
        for strings, numbers in self._blocks:
            position = strings.find(text)
            if position >= 0:
                return numbers[position]
        return None

    def __contains__(self, text: object) -> bool:
        return type(text) is str and self.get(text) is not None

    def add(self, text: str, number: int = 0) -> int | None:
        """Remember `text` with `number`; if it was added before, nothing
        changes and its first number is returned (else None)."""
        first = self.get(text)
        if first is not None:
            return first
        recent = self._recent
        recent[text] = number
        if len(recent) < self._limit:
            return None
        strings: Iterable[str] = list(recent)
        numbers = array("q", recent.values())
        recent.clear()
        blocks = self._blocks
        while blocks and len(blocks[-1][0]) <= 2 * len(numbers):
            older, their = blocks.pop()
            strings = chain(older, strings)
            numbers = their + numbers
        blocks.append((PackedStrings(strings), numbers))
        return None

    def __len__(self) -> int:
        return len(self._recent) + sum(len(strings) for strings, _ in self._blocks)
