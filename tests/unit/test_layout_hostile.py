"""tui.layout and tui.rtl on hostile input: floods of combining marks, joiners and bidi
controls, words with no break opportunity, one-column rows, runs that once made the
regular expressions of the bidi rules backtrack.

Every test checks the structure of the result -- each code point covered by exactly one
cell, cells tiling their row's range in logical order, exact ranges, widths as measured
-- at the sizes that used to take seconds to minutes. How long they take is measured in
benchmarks/bench_hostile_layout.py, never asserted here.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tests.unit.test_layout_props import check_layout
from tui import rtl
from tui.layout import MAX_MARKS_DRAWN, Layout, LayoutOptions, layout_text
from tui.shaping import is_combining, shape

BEH, KAF, TEH, LAM, ALEF = "\u0628", "\u0643", "\u062a", "\u0644", "\u0627"
SHADDA, FATHA, KASRA, ACUTE = "\u0651", "\u064e", "\u0650", "\u0301"
ZWJ, RLE, LRE, PDF = "\u200d", "\u202b", "\u202a", "\u202c"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


def check_rows(text: str, rows, width: int) -> None:
    """``text`` (one paragraph) laid out in ``rows`` at ``width``: the rows tile the text in
    logical order, the cells tile each row's range, and every cell is as wide as what it
    draws, at most ``width`` columns in all, with no more than MAX_MARKS_DRAWN marks."""
    pos = 0
    for r in rows:
        assert r.start == pos
        spans = sorted((c.start, c.end) for c in r.cells)
        for s, e in spans:
            assert s == pos and e > s, (r.start, spans[:5])
            pos = e
        assert pos == r.end
        assert r.indent >= 0 and r.indent + r.width <= width
        for c in r.cells:
            assert c.width >= 1 and cell_len(c.text) == c.width, c
            assert sum(1 for ch in c.text if is_combining(ch)) <= MAX_MARKS_DRAWN
    assert pos == len(text)


def one_cell(text: str, width: int = 80, **options):
    rows = layout_text(text, width, **options)
    check_rows(text, rows, width)
    assert len(rows) == 1 and len(rows[0].cells) == 1
    return rows[0].cells[0]


# --------------------------------------------------------------------------- mark floods


def test_twenty_thousand_shaddas_are_one_cell_covering_them_all():
    text = BEH + SHADDA * 20_000
    for width in (1, 80):
        cell = one_cell(text, width)
        assert (cell.start, cell.end, cell.width) == (0, len(text), 1)
        assert cell.text == shape(BEH)[0] + SHADDA * MAX_MARKS_DRAWN


def test_mixed_harakat_flood_draws_the_first_marks_in_order():
    flood = (FATHA + SHADDA + KASRA) * 5_000
    cell = one_cell(BEH + flood)
    assert (cell.start, cell.end) == (0, 1 + len(flood))
    assert cell.text[1:] == flood[:MAX_MARKS_DRAWN]


def test_latin_combining_flood_is_one_cell():
    text = "a" + ACUTE * 20_000
    cell = one_cell(text)
    assert (cell.start, cell.end) == (0, len(text))
    assert cell.text == "a" + ACUTE * MAX_MARKS_DRAWN


def test_hidden_harakat_flood_draws_the_letter_alone():
    text = BEH + SHADDA * 20_000
    cell = one_cell(text, harakat=False)
    assert (cell.start, cell.end, cell.text) == (0, len(text), shape(BEH)[0])
    # Marks that are not harakat are still drawn (and capped) when harakat are hidden.
    mixed = BEH + (SHADDA + ACUTE) * 1_000
    cell = one_cell(mixed, harakat=False)
    assert (cell.start, cell.end) == (0, len(mixed))
    assert cell.text == shape(BEH)[0] + ACUTE * MAX_MARKS_DRAWN


def test_joiner_flood_and_joiners_between_marks_fold_into_the_letter():
    text = BEH + ZWJ * 20_000
    cell = one_cell(text)
    assert (cell.start, cell.end, cell.text[1:]) == (0, len(text), "")
    mixed = "a" + (ZWJ + ACUTE) * 10_000
    cell = one_cell(mixed)
    assert (cell.start, cell.end) == (0, len(mixed))
    assert cell.text == "a" + ACUTE * MAX_MARKS_DRAWN


def test_lam_alef_with_a_flood_between_is_one_ligature_cell():
    text = LAM + SHADDA * 5_000 + ALEF
    cell = one_cell(text)
    assert (cell.start, cell.end) == (0, len(text))
    assert cell.text[0] == "\ufefb"  # isolated lam-alef
    assert cell.text[1:] == SHADDA * MAX_MARKS_DRAWN
    # Marks after the alef join the same cell, within the same cap.
    more = text + FATHA * 100
    cell = one_cell(more)
    assert (cell.start, cell.end) == (0, len(more))
    assert cell.text[1:] == SHADDA * MAX_MARKS_DRAWN


def test_a_few_marks_are_all_drawn():
    marks = (FATHA + SHADDA) * (MAX_MARKS_DRAWN // 2)
    assert one_cell(BEH + marks).text == shape(BEH)[0] + marks
    assert one_cell(BEH + marks + KASRA).text == shape(BEH)[0] + marks


def test_mirrored_bracket_with_a_flood_is_mirrored_and_capped():
    text = BEH + " (" + SHADDA * 5_000 + BEH
    rows = layout_text(text, 80, direction="rtl")
    check_rows(text, rows, 80)
    (bracket,) = [c for c in rows[0].cells if c.start == 2]
    assert bracket.end == 3 + 5_000 and bracket.level == 1
    assert bracket.text == ")" + SHADDA * MAX_MARKS_DRAWN


def test_marks_after_spaces_are_dotted_circles_one_column_each():
    text = "x " + SHADDA * 2_000
    for width in (1, 80):
        rows = layout_text(text, width)
        check_rows(text, rows, width)
        circles = [c for r in rows for c in r.cells if c.start >= 2]
        assert len(circles) == 2_000
        assert all(c.text == "\u25cc" + SHADDA and c.end == c.start + 1 for c in circles)


# --------------------------------------------------------------------------- long words


def test_twenty_thousand_character_word_wraps_at_every_width():
    word = ((KAF + TEH + BEH) * 7_000)[:20_000]
    for width in (1, 7, 80):
        layout = Layout(word, LayoutOptions(width=width))
        rows = layout.rows(0, layout.row_count)
        check_rows(word, rows, width)
        # Full rows, but for the last of each piece (a paragraph this long is laid out in
        # pieces of at most MAX_PARAGRAPH characters).
        for p in range(layout.paragraph_count):
            start, end = layout.paragraph_range(p)
            piece = layout.paragraph_rows(p)
            assert len(piece) == -(-(end - start) // width)
            assert all(len(r.cells) == width for r in piece[:-1])
        for r in rows:  # right to left, right aligned
            starts = [c.start for c in r.cells]
            assert starts == sorted(starts, reverse=True)
            assert r.indent + r.width == width


def test_long_word_between_short_ones_starts_on_its_own_row():
    word = "x" * 5_000
    text = "ab " + word + " cd"
    rows = layout_text(text, 80)
    check_rows(text, rows, 80)
    assert rows[0].end == 3 and rows[1].start == 3
    assert [r.end - r.start for r in rows[1:-1]] == [80] * 62
    # The word's last 40 characters, and the next word after them.
    assert rows[-1].start == 3 + 62 * 80 and rows[-1].end == len(text)


def test_one_column_rows_of_prose_wide_characters_and_tabs():
    text = "كتب الولد 中文 a\tb 😀" * 200
    rows = layout_text(text, 1)
    check_rows(text, rows, 1)
    assert all(r.width <= 1 for r in rows)
    # Wide characters and tabs shrink to one column at width 1: drawn as "…" and " ".
    assert {c.text for r in rows for c in r.cells if c.end - c.start == 1
            and text[c.start] in "中文😀\t"} == {"\u2026", " "}


# --------------------------------------------------------------------------- bidi floods


def test_embedding_and_isolate_floods_are_markers_one_cell_each():
    floods = [
        RLE * 10_000 + "abc",
        (RLE + "ab" + LRE) * 2_500,
        FSI * 10_000 + "abc" + PDI * 10_000,
        (LRI + "a" + RLI + BEH) * 2_500 + PDF * 5_000,
    ]
    for text in floods:
        for width in (1, 80):
            rows = layout_text(text, width)
            check_rows(text, rows, width)
            cells = [c for r in rows for c in r.cells]
            controls = [c for c in cells if text[c.start] in RLE + LRE + PDF + LRI + RLI + FSI + PDI]
            assert all(c.marker and c.end == c.start + 1 for c in controls)
            # Shown, not obeyed: the levels stay those of plain text.
            assert max(c.level for c in cells) <= 2


def test_visible_characters_removed_by_x9_on_one_column_rows():
    text = "\ufdd0" * 5_000  # a noncharacter: BN, one column wide
    rows = layout_text(text, 1)
    check_rows(text, rows, 1)
    assert len(rows) == 5_000
    assert {c.level for r in rows for c in r.cells} == {0}


def test_deep_embeddings_stop_at_the_maximum_depth():
    text = (RLE + "a" + LRE + "b") * 5_000 + PDF * 10_000
    para = rtl.resolve_paragraph(text, "ltr")
    assert max(para.levels) == rtl.MAX_DEPTH + 1
    order = rtl.visual_order(text, "ltr")
    assert sorted(order) == [i for i in range(len(text)) if not para.removed[i]]


def test_isolate_flood_nests_to_the_maximum_depth_and_pairs_up():
    n = 10_000
    text = FSI * n + "abc" + PDI * n
    para = rtl.resolve_paragraph(text)
    # Each FSI holds only isolates (skipped by P2) and so is left to right: levels 2, 4,
    # ... up to 124, the deepest even level; the overflowing ones stay at 124.
    assert para.levels[n : n + 3] == [124] * 3
    for k in range(n):  # an isolate initiator and its matching PDI share a level
        assert para.levels[k] == para.levels[2 * n + 2 - k]
    assert sorted(rtl.visual_order(text)) == list(range(len(text)))


def test_many_bracket_pairs_resolve_like_a_few():
    # Each pair holds only right-to-left text in a left-to-right paragraph: N0 looks at
    # the strong context before each pair (here always left to right).
    assert rtl.resolve_paragraph("(\u0628)" * 7_000, "ltr").levels == [0, 1, 0] * 7_000
    text = "(" * 10_000 + "a" + ")" * 10_000
    para = rtl.resolve_paragraph(text, "rtl")
    assert para.levels[10_000] == 2 and len(set(para.levels)) <= 2


def _run_levels(prefix: str, run: str, suffix: str, n: int, direction: str) -> list[int]:
    text = prefix + run * n + suffix
    para = rtl.resolve_paragraph(text, direction)
    return rtl.line_levels(para, text, 0, len(text))


def test_long_runs_resolve_like_short_ones():
    # Runs the W5 and L1 rules once rescanned from each of their characters: a long run
    # must come out as a short one does, with the run's level repeated.
    cases = [
        ("1 ", "%", " \u05d0", "auto"),  # ET not next to EN (W5)
        ("1", "%", " a", "ltr"),  # ET after EN
        ("a\t", " ", "b", "rtl"),  # whitespace after a tab (L1)
        ("\t\u05d0", ZWJ, "b", "ltr"),  # BN run not followed by a separator (L1)
        ("\u05d0", " ", "\tb", "ltr"),  # whitespace before a tab (L1)
        ("\u0627", " ", "1", "auto"),  # W2 over a long neutral run
    ]
    n = 20_000
    for prefix, run, suffix, direction in cases:
        short = _run_levels(prefix, run, suffix, 3, direction)
        body = short[len(prefix) : len(prefix) + 3]
        assert len(set(body)) == 1, (prefix, run, suffix)
        expected = short[: len(prefix)] + body[:1] * n + short[len(prefix) + 3 :]
        assert _run_levels(prefix, run, suffix, n, direction) == expected, (prefix, run, suffix)


# --------------------------------------------------------------------------- generated

FLOODS = [
    SHADDA, FATHA + KASRA, ACUTE, ZWJ, "\u200c", RLE, LRE, PDF, LRI, RLI, FSI, PDI, "(", ")",
    "\ufdd0", LAM, ALEF, BEH, "a", " ", "\t", "%", "1", "\ufe0f", "\u20e3", "\U0001f1f8",
    "\u00ad", "\u0670", KAF + TEH, "x", "\u05d0",
]
hostile = st.lists(
    st.tuples(st.sampled_from(FLOODS), st.integers(min_value=1, max_value=120)),
    max_size=8,
).map(lambda parts: "".join(piece * count for piece, count in parts))


@settings(max_examples=60, deadline=None)
@given(
    hostile,
    st.integers(min_value=1, max_value=40),
    st.sampled_from(["visual", "logical"]),
    st.booleans(),
    st.sampled_from(["auto", "ltr", "rtl"]),
)
def test_generated_floods_keep_every_offset(text, width, mode, harakat, direction):
    check_layout(text, LayoutOptions(width=width, mode=mode, harakat=harakat, direction=direction))
    rows = Layout(text, LayoutOptions(width=width, mode=mode, harakat=harakat,
                                      direction=direction))
    check_rows(text, rows.rows(0, rows.row_count), width)
