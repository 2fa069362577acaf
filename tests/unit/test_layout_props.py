"""Property tests of tui.layout over generated mixed text and over the seeds."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui import rtl
from tui.layout import Layout, LayoutOptions
from tui.sanitize import marker_for

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإآؤئ"
PIECES = (
    list(ARABIC)
    + ["ل", "لا", "لأ", "لإ", "لآ", "ال", "بلا", "لَا"]  # lam-alef in all its forms
    + list("پچژگکیے")  # Persian / Urdu
    + list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670")  # harakat
    + ["\u0640", "\u200d", "\u200c", "\u200b", "\ufeff", "\u00ad"]  # tatweel, joiners
    + list("٠١٢٣٤٥٦٧٨٩۰۱۲") + list("0123456789") + ["2025", "14", "3.5", "-7", "+1"]
    + ["WHO", "London", "abc", "x", "Dr.", "e-mail"]
    + list("()[]{}<>«»“”\"'") + list("،؛؟.,:!-/%")
    + [" ", " ", " ", "  ", "\t", "\u00a0", "\n", "\n"]
    + ["\x1b", "\x1b[31m", "\x00", "\x07", "\x7f", "\x85", "\x9b", "\r", "\x1c"]
    + ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
    + ["\u200e", "\u200f", "\u061c", "\u2028", "\u2029", "\ud800", "\U000e0001", "\u0600"]
    + ["中", "文", "😀", "é", "e\u0301", "\u2764\ufe0f", "#\ufe0f\u20e3", "\U0001F44D\U0001F3FD", "\U0001F1F8\U0001F1E6", "\U0001F1EA"]
)

texts = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
widths = st.integers(min_value=20, max_value=160)
modes = st.sampled_from(["visual", "logical"])


def all_rows(layout: Layout):
    return layout.rows(0, layout.row_count)


def check_layout(text: str, options: LayoutOptions) -> None:
    layout = Layout(text, options)
    rows = all_rows(layout)
    W = options.width
    visual = options.mode == "visual"

    # Rows fit, cells are drawable and safe.
    for r in rows:
        assert r.indent >= 0
        assert r.indent + r.width <= W
        for c in r.cells:
            assert c.width >= 1
            assert cell_len(c.text) == c.width, (c, cell_len(c.text))
            for ch in c.text:
                assert marker_for(ch) is None and ch not in "\t\n", c
                assert unicodedata.category(ch) not in ("Cc", "Cs"), c
                # Format characters only where they are visible (U+0600 ARABIC NUMBER SIGN).
                assert unicodedata.category(ch) != "Cf" or cell_len(ch) == 1, c
            assert c.start < c.end

    # Every character of each paragraph is covered by exactly one cell, in order.
    p_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    p_ends = [s - 1 for s in p_starts[1:]] + [len(text)]
    if layout.paragraph_count == len(p_starts):
        by_para: dict[int, list] = {}
        for r in rows:
            by_para.setdefault(r.paragraph, []).extend(r.cells)
        assert sorted(by_para) == list(range(len(p_starts)))
        for p, cells in by_para.items():
            spans = sorted((c.start, c.end) for c in cells)
            pos = p_starts[p]
            for s, e in spans:
                assert s == pos, (p, spans)
                pos = e
            assert pos == p_ends[p]
    # And over the whole text: the cells tile it, newlines aside.
    pos = 0
    for s, e in sorted((c.start, c.end) for r in rows for c in r.cells):
        while pos < s and text[pos] == "\n":
            pos += 1
        assert s == pos
        pos = e
    assert text[pos:].strip("\n") == ""

    # Rows of a paragraph cover consecutive logical ranges.
    for r in rows:
        if r.cells:
            assert r.start == min(c.start for c in r.cells)
            assert r.end == max(c.end for c in r.cells)

    # visual -> logical -> visual is the identity on cells.
    for index, r in enumerate(rows):
        col = r.indent
        for c in r.cells:
            for k in range(c.width):
                assert layout.cell_at(index, col + k) is c
                assert layout.hit(index, col + k) == c.start
            for offset in range(c.start, c.end):
                assert layout.locate(offset) == (index, col)
            col += c.width
        if not r.cells:
            assert layout.hit(index, 0) == r.start

    # row_of is locate's row, for every offset (outside the text too), on
    # a layout laid out already and on a fresh one, asked from the end.
    offsets = range(-1, len(text) + 2)
    fresh = Layout(text, options)
    assert [fresh.row_of(o) for o in reversed(offsets)][::-1] == [layout.locate(o)[0] for o in offsets]
    assert [layout.row_of(o) for o in offsets] == [layout.locate(o)[0] for o in offsets]

    # Mirroring: a mirrored character at an odd level is shown mirrored, in visual mode only.
    for r in rows:
        for c in r.cells:
            if c.marker:
                continue
            ch = text[c.start]
            if rtl.is_mirrored(ch) and c.text[:1] in (ch, rtl.mirror(ch)):
                if visual and c.level % 2 == 1:
                    assert c.text[0] == rtl.mirror(ch)
                else:
                    assert c.text[0] == ch

    # Logical mode: cells in logical order, no indent.
    if not visual:
        for r in rows:
            assert r.indent == 0
            starts = [c.start for c in r.cells]
            assert starts == sorted(starts)

    # Highlight runs are exactly the cells that intersect the range.
    n = len(text)
    for s, e in ((0, n), (n // 3, n // 2 + 1), (n // 2, n // 2 + 3)):
        want = set()
        for index, r in enumerate(rows):
            col = r.indent
            for c in r.cells:
                if c.start < e and c.end > s:
                    want.add((index, col))
                col += c.width
        got = set()
        for index, a, b in layout.cells_for_range(s, e):
            col = a
            while col < b:
                c = layout.cell_at(index, col)
                assert c is not None and c.start < e and c.end > s
                got.add((index, col))
                col += c.width
            assert col == b
        assert got == want


@settings(max_examples=200, deadline=None)
@given(texts, widths, modes, st.booleans(), st.sampled_from(["auto", "ltr", "rtl"]))
def test_generated_text(text, width, mode, harakat, direction):
    check_layout(text, LayoutOptions(width=width, mode=mode, harakat=harakat, direction=direction))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(SEED_TEXTS) - 1), widths, modes, st.booleans())
def test_seeds(seed, width, mode, harakat):
    check_layout(SEED_TEXTS[seed], LayoutOptions(width=width, mode=mode, harakat=harakat))


@settings(max_examples=100, deadline=None)
@given(texts, widths, widths)
def test_with_width_equals_fresh_layout(text, w1, w2):
    first = Layout(text, LayoutOptions(width=w1))
    all_rows(first)
    other = first.with_width(w2)
    fresh = Layout(text, LayoutOptions(width=w2))
    assert all_rows(other) == all_rows(fresh)
    assert all_rows(first) == all_rows(Layout(text, LayoutOptions(width=w1)))


@settings(max_examples=100, deadline=None)
@given(texts, widths)
def test_lazy_rows_equal_full_layout(text, width):
    full = all_rows(Layout(text, LayoutOptions(width=width)))
    lazy = Layout(text, LayoutOptions(width=width))
    assert lazy.rows(0, 3) == full[:3]
    assert [lazy.row(i) for i in range(len(full))] == full


@settings(max_examples=100, deadline=None)
@given(texts, widths)
def test_harakat_option_changes_display_only(text, width):
    shown = all_rows(Layout(text, LayoutOptions(width=width)))
    hidden = all_rows(Layout(text, LayoutOptions(width=width, harakat=False)))
    ranges_shown = sorted((c.start, c.end) for r in shown for c in r.cells)
    ranges_hidden = sorted((c.start, c.end) for r in hidden for c in r.cells)
    # Hiding harakat only folds orphan marks into neighbours: every hidden-mode range is
    # a union of consecutive shown-mode ranges.
    bounds_hidden = {s for s, _ in ranges_hidden} | {e for _, e in ranges_hidden}
    bounds_shown = {s for s, _ in ranges_shown} | {e for _, e in ranges_shown}
    assert bounds_hidden <= bounds_shown
    for r in hidden:
        for c in r.cells:
            assert not any(0x064B <= ord(ch) <= 0x065F for ch in c.text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(list(ARABIC) + [" "]), min_size=1, max_size=60).map("".join), widths)
def test_pure_rtl_paragraph_reads_right_to_left(text, width):
    text = text.replace("ل", "م")  # no lam-alef: one cell per letter
    rows = all_rows(Layout(text, LayoutOptions(width=width, direction="rtl")))
    for r in rows:
        starts = [c.start for c in r.cells]
        assert starts == sorted(starts, reverse=True)
        assert r.indent + r.width == width


@settings(max_examples=200, deadline=None)
@given(texts.map(lambda t: t.replace("\n", " ")), st.sampled_from(["auto", "ltr", "rtl"]))
def test_cell_order_agrees_with_the_bidi_algorithm(text, direction):
    # On one row, the cells come out in the order tui.rtl.visual_order gives their base
    # characters (controls and bidi formatting characters neutralised, as documented).
    from tui.sanitize import neutralise

    layout = Layout(text, LayoutOptions(width=10_000, direction=direction))
    rows = all_rows(layout)
    assert len(rows) == 1
    prep = layout._prep(0)
    bases = set(prep.bases)
    expected = [i for i in rtl.visual_order(neutralise(text), direction) if i in bases]
    by_start = dict(zip(prep.starts, prep.bases))
    got = [by_start[c.start] for c in rows[0].cells]
    if len(got) == len(expected):
        assert got == expected
    else:
        # Only a cell whose base character is removed by X9 (a paragraph made of
        # invisible characters only) is missing from visual_order.
        assert len(got) == 1 and rows[0].cells[0].marker


@settings(max_examples=100, deadline=None)
@given(texts, widths, modes)
def test_long_paragraphs_cut_into_pieces(text, width, mode):
    import tui.layout_rows as layout_module  # where the pieces are cut

    saved = layout_module.MAX_PARAGRAPH
    layout_module.MAX_PARAGRAPH = 12
    try:
        check_layout(text, LayoutOptions(width=width, mode=mode))
        layout = Layout(text, LayoutOptions(width=width, mode=mode))
        rows = all_rows(layout)
        # Pieces of one paragraph share its direction.
        for p in range(layout.paragraph_count):
            head = layout._heads[p] if layout._heads else p
            dirs = {r.rtl for r in layout.paragraph_rows(p)} | {
                r.rtl for r in layout.paragraph_rows(head)
            }
            assert len(dirs) == 1
        assert len(rows) == layout.row_count
    finally:
        layout_module.MAX_PARAGRAPH = saved
