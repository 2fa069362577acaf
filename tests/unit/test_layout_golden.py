"""Golden rows for lines of each seed at width 100, checked by hand once
(tests/unit/golden/*.txt, written by tests/unit/golden/make_golden.py)."""

from __future__ import annotations

import unicodedata

import pytest

from tests.unit.golden.cases import SEEDS, cases, golden_path, parse, render_case


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed_golden_rows(seed):
    text = seed.read_text(encoding="utf-8")
    expected = parse(golden_path(seed))
    wanted = cases(text)
    assert [(name, line) for name, line, _ in expected] == wanted
    assert len(expected) >= 4
    for name, line, rows in expected:
        assert render_case(line) == rows, name


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_golden_rows_hold_the_logical_letters(seed):
    # Independent of the engine: the golden rows show exactly the logical line's letters
    # (presentation forms decomposed), spaces and digits, nothing more, nothing less.
    for name, line, rows in parse(golden_path(seed)):
        shown = unicodedata.normalize("NFKC", "".join(r.strip("|") for r in rows))
        def key(s):
            mirror = {"(": ")", ")": "("}
            return sorted(mirror.get(c, c) for c in s if not c.isspace())
        assert key(shown) == key(unicodedata.normalize("NFKC", line)), name
