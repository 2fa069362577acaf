"""PackedStrings and PackedSet answer as a list and a set of the same
strings would, whatever the strings (empty, repeated, non-ASCII, many)."""

from __future__ import annotations

import random
import tracemalloc

import pytest

from annotations.packed import PackedSet, PackedStrings


def strings(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    alphabet = "ab-._~ت\U0001f600"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 6))) for _ in range(n)]


@pytest.mark.parametrize("items", [[], [""], ["b", "a", "", "b", "ab"], strings(3000)])
def test_packed_strings_are_the_list(items):
    packed = PackedStrings(items)
    assert list(packed) == items and len(packed) == len(items)
    assert [packed[i] for i in range(-len(items), len(items))] == items + items
    assert packed[1:4] == items[1:4]
    for text in set(items) | {"zz", "تت"}:
        assert packed.find(text) == (items.index(text) if text in items else -1)
        assert (text in packed) == (text in items)
    assert packed.distinct == len(set(items))
    assert packed.find(3) == -1 and None not in packed
    with pytest.raises(IndexError):
        packed[len(items)]


def test_packed_set_is_the_set():
    items = strings(2000, seed=5)
    packed, plain = PackedSet(items), set(items)
    assert len(packed) == len(plain) and sorted(packed) == sorted(plain)
    assert packed == plain and plain == packed
    other = set(strings(500, seed=9))
    assert packed & other == plain & other and other & packed == other & plain
    assert set().union(packed, other) == plain | other
    assert not PackedSet() and PackedSet([""])
    assert PackedSet.of(PackedStrings(["x", "y"])) == {"x", "y"}


def test_within_remembers_the_container_all_were_found_in():
    packed = PackedSet(["a", "b"])
    assert packed.found_in is None
    assert not packed.within({"a"}) and packed.found_in is None
    box = {"a", "b", "c"}
    assert packed.within(box) and packed.found_in is box


def test_packed_ids_hold_far_less_than_a_set_of_strings():
    ids = [f"article-{n:06d}" for n in range(20_000)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        packed = PackedSet(ids)
        held = tracemalloc.get_traced_memory()[0] - before
        plain = set(ids)
        copies = [text.encode().decode() for text in ids]  # what a listing of its own strings holds
        both = tracemalloc.get_traced_memory()[0] - before - held
    finally:
        tracemalloc.stop()
    assert len(packed) == len(plain) == len(copies)
    assert held * 3 < both
