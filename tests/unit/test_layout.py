"""tui.layout: worked examples (the property tests are in test_layout_props.py)."""

from __future__ import annotations

import unicodedata

import pytest
from rich.cells import cell_len

from tui.layout import (
    Cell,
    display_cells,
    Layout,
    LayoutOptions,
    display_line,
    layout_text,
    sanitize_for_terminal,
)


def cells(text, width=80, **options):
    rows = layout_text(text, width, **options)
    assert len(rows) == 1
    return rows[0].cells


def spans(text, width=80, **options):
    return [(c.text, c.start, c.end) for c in cells(text, width, **options)]


def base_letters(s: str) -> str:
    """Presentation forms back to letters (for reading a visual row)."""
    return unicodedata.normalize("NFKC", s)


def read_right_to_left(row) -> str:
    """The row's cells read from right to left, letters unshaped."""
    return "".join(base_letters(c.text) for c in reversed(row.cells))


def test_pure_arabic_is_reversed_and_right_aligned():
    text = "مرحبا بكم"
    rows = layout_text(text, 20)
    (row,) = rows
    assert row.rtl and row.indent == 20 - len(text)
    assert [c.start for c in row.cells] == list(range(len(text)))[::-1]
    assert read_right_to_left(row) == text


def test_latin_paragraph_is_untouched():
    (row,) = layout_text("hello world", 20)
    assert not row.rtl and row.indent == 0 and row.text == "hello world"


def test_numbers_and_latin_inside_arabic_read_left_to_right():
    text = "في عام 2025 زار WHO مصر"
    (row,) = layout_text(text, 80)
    # Arabic words right to left, the number and the Latin word left to right.
    expected = "مصر"[::-1] + " WHO " + "زار"[::-1] + " 2025 " + "عام"[::-1] + " " + "في"[::-1]
    assert base_letters(row.text) == expected


def test_brackets_are_mirrored_in_rtl_runs():
    text = "الموافق (14 حزيران) [2025]"
    (row,) = layout_text(text, 80)
    by_start = {c.start: c for c in row.cells}
    for i, ch in enumerate(text):
        if ch in "()[]":
            assert by_start[i].level % 2 == 1
            assert by_start[i].text == {"(": ")", ")": "(", "[": "]", "]": "["}[ch]
    # Visually the row still reads as bracketed groups: "[2025] (...)" reversed.
    assert row.text.startswith("[2025]")


def test_brackets_not_mirrored_in_ltr_text_or_logical_mode():
    (row,) = layout_text("a (b) c", 20)
    assert row.text == "a (b) c"
    (row,) = layout_text("عام (2025)", 20, mode="logical")
    assert row.text.endswith("(2025)")


def test_lam_alef_is_one_cell_over_two_characters():
    assert spans("لا") == [("\ufefb", 0, 2)]
    assert spans("بلا") == [("\ufefc", 1, 3), ("\ufe91", 0, 1)]
    assert spans("الإثنين")[-2] == ("\ufef9", 1, 3)
    assert spans("لآ") == [("\ufef5", 0, 2)]
    # Harakat between lam and alef stay in the ligature's cell.
    assert spans("لَا") == [("\ufefb\u064e", 0, 3)]
    # A ZWNJ between them prevents the ligature; the ZWNJ is folded into the lam's cell.
    assert spans("ل\u200cا") == [("\ufe8d", 2, 3), ("\ufedd", 0, 2)]


def test_harakat_shown_or_hidden_offsets_unchanged():
    text = "مُحَمَّد"
    shown = cells(text)
    hidden = cells(text, harakat=False)
    assert [(c.start, c.end) for c in shown] == [(c.start, c.end) for c in hidden]
    assert any("\u064f" in c.text for c in shown)
    assert not any(unicodedata.category(ch) == "Mn" for c in hidden for ch in c.text)
    assert all(c.width == 1 for c in shown)


def test_orphan_haraka_is_drawn_on_a_dotted_circle():
    assert spans("\u064e") == [("\u25cc\u064e", 0, 1)]
    assert spans("a \u064eb")[2] == ("\u25cc\u064e", 2, 3)


def test_zero_width_characters_fold_into_a_neighbour():
    assert spans("ب\u200dب") == [("\ufe90", 2, 3), ("\ufe91", 0, 2)]
    assert spans("a\u200bb") == [("a", 0, 2), ("b", 2, 3)]
    assert spans("\u200bab") == [("a", 0, 2), ("b", 2, 3)]
    (cell,) = cells("\u200d")
    assert cell.width == 1 and cell.marker and (cell.start, cell.end) == (0, 1)


def test_tatweel_persian_and_arabic_indic_digits():
    text = "كـــتاب پژوهش ١٢٣ ۴۵۶"
    (row,) = layout_text(text, 80)
    shown = base_letters(row.text)
    assert shown[::-1].replace("\u0640", "").startswith("كتاب")
    # Arabic-Indic numbers keep their left-to-right digit order inside RTL text.
    assert "١٢٣" in shown and "۴۵۶" in shown


def test_controls_are_visible_and_never_sent():
    text = "red \x1b[31mALERT\x07\x7f\x85\x9b end"
    (row,) = layout_text(text, 80)
    assert row.text == "red ␛[31mALERT␇␡␤␦ end"
    assert all(c.marker for c in row.cells if c.text in "␛␇␡␤␦")


def test_trojan_source_is_shown_in_logical_order():
    # RLO would display "abc" reversed; we show it as written, with a marker.
    text = 'access = "user\u202e \u2066// admin\u2069 \u2066"'
    (row,) = layout_text(text, 80)
    assert [c.start for c in row.cells] == list(range(len(text)))
    assert row.text == 'access = "user⇚ ⇾// admin⇟ ⇾"'
    arabic = "abc \u202eجملة\u202c def"
    (row,) = layout_text(arabic, 80)
    # Only the Arabic word itself is right to left; the override does not flip "def".
    assert base_letters(row.text) == "abc ⇚" + "جملة"[::-1] + "⇞ def"


def test_tab_is_one_cell_of_tab_size_columns():
    (row,) = layout_text("a\tb", 20, tab_size=4)
    assert [(c.text, c.start, c.end, c.width) for c in row.cells] == [
        ("a", 0, 1, 1),
        ("    ", 1, 2, 4),
        ("b", 2, 3, 1),
    ]


def test_wide_characters_take_two_columns():
    (row,) = layout_text("中文 ok", 20)
    assert [c.width for c in row.cells] == [2, 2, 1, 1, 1]
    assert all(cell_len(c.text) == c.width for c in row.cells)


def test_wrap_at_word_boundaries_and_hard_break_long_words():
    text = "aaa bbb ccc"
    rows = layout_text(text, 7)
    assert [r.text for r in rows] == ["aaa ", "bbb ccc"]
    rows = layout_text("abcdefghij", 4)
    assert [r.text for r in rows] == ["abcd", "efgh", "ij"]
    for r in layout_text("كلمة " * 30, 20):
        assert r.indent + r.width <= 20


def test_wrapped_rtl_line_starting_with_latin_keeps_paragraph_direction():
    text = "قال المتحدث إن WHO Europe تدعم المشروع"
    rows = layout_text(text, 16)
    assert all(r.rtl for r in rows)
    latin_row = next(r for r in rows if "WHO" in r.text)
    assert latin_row.indent + latin_row.width == 16  # right aligned


def test_direction_override():
    (row,) = layout_text("سلام", 10, direction="ltr")
    assert not row.rtl and row.indent == 0
    (row,) = layout_text("hello", 10, direction="rtl")
    assert row.rtl and row.indent == 5 and row.text == "hello"


def test_paragraphs_and_blank_rows():
    text = "سطر أول\n\nsecond\n"
    layout = Layout(text, LayoutOptions(width=20))
    rows = layout.rows(0, layout.row_count)
    assert [r.paragraph for r in rows] == [0, 1, 2, 3]
    assert rows[1].cells == () and rows[1].start == rows[1].end == 8
    assert rows[3].cells == () and rows[3].start == len(text)


def test_logical_mode_keeps_logical_order_and_no_indent():
    text = "العدد 25 (خمسة)"
    (row,) = layout_text(text, 40, mode="logical")
    assert [c.start for c in row.cells] == sorted(c.start for c in row.cells)
    assert row.indent == 0
    assert row.cells[0].text == "\ufe8d"  # shaped alef, logical first


def test_map_both_ways():
    text = "العاصمة لندن London 2025"
    layout = Layout(text, LayoutOptions(width=40))
    for col in range(40):
        cell = layout.cell_at(0, col)
        if cell is None:
            assert col < layout.row(0).indent
            continue
        offset = layout.hit(0, col)
        assert offset == cell.start
        row, c = layout.locate(offset)
        assert row == 0 and layout.cell_at(0, c) is cell
    # Padding maps to the nearest cell; the end of text to just past the last cell.
    assert layout.hit(0, 0) == layout.row(0).cells[0].start
    # (an RTL paragraph: the end of text is left of the row)
    assert layout.locate(len(text)) == (0, layout.row(0).indent - 1)


def test_locate_end_of_rtl_text_is_left_of_last_cell():
    layout = Layout("مرحبا", LayoutOptions(width=10))
    assert layout.locate(5) == (0, 4)
    assert layout.locate(0) == (0, 9)


def test_cells_for_range_can_be_discontiguous():
    text = "كلمة abc def كلمة"
    layout = Layout(text, LayoutOptions(width=40))
    start = text.index("c")  # "c def ك" spans LTR and RTL runs
    end = text.rindex("ك") + 1
    runs = layout.cells_for_range(start, end)
    assert len(runs) == 2
    covered = {
        layout.cell_at(r, c).start for r, a, b in runs for c in range(a, b)
    }
    assert covered == {i for i in range(start, end)}


def test_lazy_layout_and_estimate():
    text = "\n".join(["فقرة رقم %d " % i * 10 for i in range(200)])
    layout = Layout(text, LayoutOptions(width=40))
    first = layout.rows(0, 24)
    assert len(first) == 24
    assert len(layout._rows) < 200  # only what was needed
    estimate = layout.estimated_row_count()
    total = layout.row_count
    assert abs(estimate - total) <= total // 2
    fresh = Layout(text, LayoutOptions(width=40))
    assert fresh.rows(0, total) == layout.rows(0, total)


def test_with_width_matches_a_fresh_layout():
    text = "تعاون (صحي) بين المغرب والصين: لقاء 2025\nsecond line"
    a = Layout(text, LayoutOptions(width=30))
    a.rows(0, a.row_count)
    b = a.with_width(17)
    fresh = Layout(text, LayoutOptions(width=17))
    assert b.rows(0, b.row_count) == fresh.rows(0, fresh.row_count)
    assert a.rows(0, a.row_count) == Layout(text, LayoutOptions(width=30)).rows(0, a.row_count)


def test_options_are_checked():
    with pytest.raises(ValueError):
        LayoutOptions(width=0)
    with pytest.raises(ValueError):
        LayoutOptions(width=10, mode="fancy")
    with pytest.raises(ValueError):
        LayoutOptions(width=10, direction="up")


def test_tiny_widths_still_fit():
    for width in (1, 2, 3):
        for r in layout_text("中\tلا abc", width):
            assert r.indent + r.width <= width
            assert all(c.width >= 1 for c in r.cells)


def test_display_line_is_one_safe_line():
    out = display_line("عنوان المقال (2025)\nسطر\x1b[2J")
    assert "\n" not in out and "\x1b" not in out
    assert "⏎" in out and "␛" in out
    assert out.startswith("(2025)") or "(2025)" in out
    assert sanitize_for_terminal("a\u202eb") == "a⇚b"


def test_display_line_truncates_in_reading_order():
    text = "وزارة الصحة السورية والمنظمة الدولية"
    out = display_line(text, width=12)
    assert cell_len(out) <= 12
    # The ellipsis ends the reading (leftmost in RTL), the start of the title is kept.
    assert out.startswith("…")
    assert base_letters(out)[::-1].startswith("وزارة")
    assert display_line("hello world", width=8) == "hello…"  # at the word boundary
    assert display_line("short", width=20) == "short"


def test_cut_lines_end_at_a_word_boundary_when_one_is_near():
    # The DATE description in the label picker: "2025" was cut to "202", drawn
    # before the Arabic words and read as a different year.
    out = display_line("Dates and times (14 و15 حزيران 2025)", width=34)
    assert cell_len(out) <= 34
    assert "202" not in out
    assert out == "Dates and times (14 …\ufee5\ufe8d\ufeae\ufef3\ufeb0\ufea3 15\ufeed"
    # a list comma is dropped with the space before the ellipsis
    out = display_line("Job title or office (وزير الصحة، السفير)", width=34)
    assert "\u060c" not in out and out.startswith("Job title or office (…")
    # a word far longer than the room is still cut inside
    assert display_line("a " + "b" * 30, width=10) == "a bbbbbbb…"


def test_ellipsis_is_where_the_cut_text_is_read_last():
    # right-to-left text: left of the last letter read
    assert display_line("برعاية سفارة جمهورية العراق لدى المملكة المتحدة", width=20).startswith("…")
    # Arabic ending a left-to-right line: left of the Arabic run, not after it
    out = display_line("Dates and times (14 و15 حزيران 2025)", width=30)
    assert out.index("…") < out.index("15")
    # digits ending right-to-left text: reading goes on left of the number
    assert display_line("في عام 2025 والعام", width=12).startswith("…2025")
    # logical order keeps the ellipsis last
    assert display_line("المملكة المتحدة", width=8, mode="logical").endswith("…")


def test_a_word_cut_inside_keeps_its_joining_forms():
    # المملكة cut after الممل: the lam joined the kaf, so it stays medial (ﻠ), not final (ﻞ)
    out = display_line("المملكة", width=6)
    assert out == "…\ufee0\ufee4\ufee4\ufedf\ufe8d"
    cells = display_cells("المملكة", width=6)
    # the ZWJ that keeps the form covers no text: every cell maps inside the cut
    assert [(c.start, c.end) for c in cells] == [(5, 5), (4, 5), (3, 4), (2, 3), (1, 2), (0, 1)]
    # a letter that does not join forward is left as it is
    assert display_line("دار المعارف", width=3) == "…\ufe8d\ufea9"


def test_find_hint_groups_read_in_order():
    from tui.screens.search import FIND_HINT

    out = display_line(FIND_HINT, None, direction="ltr")
    alef, ya, ta = out.index("\ufe83"), out.index("\ufeef"), out.index("\ufe93")
    assert alef < ya < ta
    assert out.startswith("  (ignores harakat, tatweel;")
    assert cell_len("Find in article" + out) <= 70  # one line in the dialog at 80 columns


def test_cell_is_a_frozen_value():
    c = Cell("a", 0, 1)
    assert c.width == 1 and c.level == 0 and not c.marker
    with pytest.raises(AttributeError):
        c.text = "b"  # type: ignore[misc]


def test_flags_stay_whole_in_rtl_text():
    text = "علم \U0001F1F8\U0001F1E6 هنا"
    (row,) = layout_text(text, 40)
    flag = next(c for c in row.cells if c.start == 4)
    assert flag.text == "\U0001F1F8\U0001F1E6" and flag.end == 6 and flag.width == cell_len(flag.text)


def test_a_huge_paragraph_is_laid_out_in_pieces_with_one_direction():
    from tui.layout import MAX_PARAGRAPH

    words = ["كلمة", "WHO", "(2025)", "لا", "مُحَمَّد"]
    text = "Latin " + " ".join(words[i % len(words)] for i in range(3 * MAX_PARAGRAPH // 5))
    text = "عنوان " + text + "\nend"
    layout = Layout(text, LayoutOptions(width=50))
    first = layout.rows(0, 24)
    assert len(layout._preps) == 1  # only the first piece was prepared
    assert all(r.rtl for r in first)
    rows = layout.rows(0, layout.row_count)
    assert layout.paragraph_count > 2
    pieces = [r for r in rows if r.end <= len(text) - 4]
    assert all(r.rtl for r in pieces)  # every piece keeps the paragraph's direction
    covered = sorted((c.start, c.end) for r in rows for c in r.cells)
    pos = 0
    for s, e in covered:
        if s != pos:
            assert text[pos] == "\n" and s == pos + 1
        pos = e
    assert pos == len(text)
    for offset in range(0, len(text), 997):
        if text[offset] != "\n":
            row, col = layout.locate(offset)
            cell = layout.cell_at(row, col)
            assert cell.start <= offset < cell.end
    assert all(r.indent + r.width <= 50 for r in rows)
