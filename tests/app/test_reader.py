"""The reader screen driven through Pilot: every annotation is checked in the store,
with expected offsets computed from the article text."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from annotations.model import ENTITY, THEME, Status
from annotations.settings import Settings
from tests.app.pilot import make, open_reader, sync
from tui.app import make_app
from tui.layout import display_line
from tui.screens.reader import ReaderScreen
from tui.widgets.text_lines import TextLines
from tui.widgets.reader import Reader

RTL = (
    "مؤتمر طبي في لندن\n"
    "\n"
    "نظّمت سفارة جمهورية العراق لدى المملكة المتحدة أعمال المؤتمر الطبي العراقي الأول "
    "في لندن، وزار الوفد والعراق ثم عاد إلى العراق مجددا.\n"
)
MIXED = (
    "تعاون صحي\n"
    "\n"
    "قال الدكتور أحمد إن NHS England ستدعم العراق في 2025 (حزيران) عبر برامج تدريب.\n"
)
LTR = "NHS meeting\n\nThe NHS met doctors from Iraq in London on Monday. London was busy.\n"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a_rtl.txt").write_text(RTL, encoding="utf-8")
    (folder / "b_mixed.txt").write_text(MIXED, encoding="utf-8")
    (folder / "c_ltr.txt").write_text(LTR, encoding="utf-8")
    (folder / "d_todo.txt").write_text("مقال آخر\n\nنص قصير عن العراق.\n", encoding="utf-8")
    return folder


def stored(app, article_id: str) -> list[tuple[str, str, str]]:
    return [(s.text, s.label, s.kind) for s in app.store.spans(article_id)]


def offsets(app, article_id: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in app.store.spans(article_id)]


async def walk_to(pilot, reader: Reader, target: int, key: str, limit: int = 400) -> None:
    """Press `key` until the cursor stands at `target`."""
    for _ in range(limit):
        if reader.cursor == target:
            return
        await pilot.press(key)
    assert reader.cursor == target, f"{key} never reached offset {target} (at {reader.cursor})"


def screen_point(reader: Reader, offset: int) -> tuple[int, int]:
    row, column = reader.layout.locate(offset)
    scroll_x, scroll_y = reader.scroll_offset
    return column - scroll_x, row - scroll_y


# --------------------------------------------------------------- keyboard


@sync
async def test_keyboard_rtl_left_is_forward_and_shift_selects(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        reader = screen.reader
        text = screen.text
        target = text.index("العراق")
        reader.move_cursor_to(target - 3)
        await pilot.press("left")
        assert reader.cursor > target - 3, "Left must go forward in reading order in RTL text"
        await walk_to(pilot, reader, target, "left")
        for _ in range(len("العراق")):
            await pilot.press("shift+left")
        assert reader.selection == (target, target + len("العراق"))
        await pilot.press("3")  # GPE
        await pilot.pause()
        assert offsets(app, "a_rtl") == [(target, target + 6, "GPE")]
        assert stored(app, "a_rtl") == [("العراق", "GPE", ENTITY)]
        assert app.store.status("a_rtl") == Status.IN_PROGRESS


@sync
async def test_keyboard_ltr_right_is_forward_and_word_select(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        reader = screen.reader
        text = screen.text
        start = text.index("London")
        await walk_to(pilot, reader, text.index("The"), "down")
        await walk_to(pilot, reader, start, "ctrl+right")
        await pilot.press("ctrl+shift+right")
        assert reader.selection == (start, start + len("London"))
        await pilot.press("3")
        await pilot.pause()
        assert offsets(app, "c_ltr") == [(start, start + 6, "GPE")]
        # Left moves backward in LTR text.
        reader.move_cursor_to(start)
        await pilot.press("left")
        assert reader.cursor == start - 1


@sync
async def test_keyboard_mixed_latin_inside_arabic(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "b_mixed")
        reader = screen.reader
        text = screen.text
        start = text.index("NHS")
        end = start + len("NHS England")
        reader.move_cursor_to(text.index("قال"))
        # In an RTL paragraph ctrl+left goes to the next word in reading order.
        await walk_to(pilot, reader, start, "ctrl+left")
        await pilot.press("ctrl+shift+left", "ctrl+shift+left")
        assert reader.selection == (start, end)
        await pilot.press("2")  # ORG
        await pilot.pause()
        assert stored(app, "b_mixed") == [("NHS England", "ORG", ENTITY)]
        assert offsets(app, "b_mixed") == [(start, end, "ORG")]


@sync
async def test_select_word_trims_clitic(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        reader = screen.reader
        text = screen.text
        word = text.index("والعراق")
        reader.move_cursor_to(word + 3)
        await pilot.press("space")
        assert reader.selection == (word + 1, word + len("والعراق"))
        await pilot.press("3")
        await pilot.pause()
        assert offsets(app, "a_rtl") == [(word + 1, word + 7, "GPE")]
        assert stored(app, "a_rtl") == [("العراق", "GPE", ENTITY)]
        # With trimming off, the whole word is taken.
        await pilot.press("x")
        await pilot.press("c")
        assert app.prefs.clitic_trim is False
        reader.move_cursor_to(word + 3)
        await pilot.press("space")
        assert reader.selection == (word, word + len("والعراق"))


@sync
async def test_label_key_without_selection_labels_word_under_cursor(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        text = screen.text
        start = text.index("Iraq")
        screen.reader.move_cursor_to(start + 2)
        await pilot.press("3")
        await pilot.pause()
        assert offsets(app, "c_ltr") == [(start, start + 4, "GPE")]


@sync
async def test_home_end_up_down_pages(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(60, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        reader = screen.reader
        layout = reader.layout
        text = screen.text
        body = text.index("نظّمت")
        reader.move_cursor_to(body + 10)
        row, _ = layout.locate(reader.cursor)
        await pilot.press("home")
        assert reader.cursor == layout.row(row).start
        await pilot.press("shift+end")
        s, e = reader.selection
        assert s == layout.row(row).start and text[e - 1] != " " and e <= layout.row(row).end
        await pilot.press("down")
        assert layout.locate(reader.cursor)[0] == row + 1
        await pilot.press("up")
        assert layout.locate(reader.cursor)[0] == row
        await pilot.press("pagedown")
        assert reader.cursor > body
        await pilot.press("ctrl+home")
        assert reader.cursor == 0
        await pilot.press("ctrl+end")
        assert reader.cursor == len(text)


# ------------------------------------------------------------------ mouse


async def drag(pilot, reader: Reader, first: int, last: int) -> None:
    """Press on the cell showing `first`, move to the one showing `last`, release."""
    await pilot.mouse_down(reader, offset=screen_point(reader, first))
    await pilot.hover(reader, offset=screen_point(reader, last))
    await pilot.mouse_up(reader, offset=screen_point(reader, last))
    await pilot.pause()


@pytest.mark.parametrize(
    "article_id, word, key, label",
    [
        ("a_rtl", "المملكة المتحدة", "3", "GPE"),
        ("b_mixed", "NHS England", "2", "ORG"),
        ("b_mixed", "أحمد", "1", "PER"),
        ("c_ltr", "doctors", "8", "TITLE"),
    ],
)
@sync
async def test_mouse_drag_selects_and_labels(corpus_dir, article_id, word, key, label):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, article_id)
        reader = screen.reader
        text = screen.text
        start = text.index(word)
        end = start + len(word)
        await drag(pilot, reader, start, end - 1)
        assert reader.selection == (start, end)
        await pilot.press(key)
        await pilot.pause()
        assert offsets(app, article_id) == [(start, end, label)]
        assert stored(app, article_id)[0][0] == word


@sync
async def test_mouse_drag_backwards_in_reading_order(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        reader = screen.reader
        text = screen.text
        start = text.index("سفارة")
        end = start + len("سفارة جمهورية")
        await drag(pilot, reader, end - 1, start)
        assert reader.selection == (start, end)
        await pilot.press("2")
        await pilot.pause()
        assert stored(app, "a_rtl") == [("سفارة جمهورية", "ORG", ENTITY)]


@sync
async def test_click_places_cursor(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "b_mixed")
        reader = screen.reader
        text = screen.text
        for word in ("2025", "العراق", "England"):
            target = text.index(word)
            await pilot.click(reader, offset=screen_point(reader, target))
            await pilot.pause()
            assert reader.cursor == target
            assert reader.selection is None


# ---------------------------------------------------------------- editing


async def label_word(pilot, screen: ReaderScreen, word: str, key: str, occurrence: int = 0) -> int:
    text = screen.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    screen.reader.select(start, start + len(word))
    await pilot.press(key)
    await pilot.pause()
    return start


@sync
async def test_relabel_span_under_cursor(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        start = await label_word(pilot, screen, "سفارة", "3")
        screen.reader.move_cursor_to(start + 2)
        await pilot.press("2")
        await pilot.pause()
        spans = app.store.spans("a_rtl")
        assert [(s.start, s.end, s.label) for s in spans] == [(start, start + 5, "ORG")]


@sync
async def test_resize_by_char_and_word(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        text = screen.text
        start = await label_word(pilot, screen, "المملكة", "3")
        screen.reader.move_cursor_to(start)
        await pilot.press("right_parenthesis")  # grow the end by a word
        await pilot.pause()
        assert stored(app, "a_rtl") == [("المملكة المتحدة", "GPE", ENTITY)]
        await pilot.press("right_curly_bracket")  # shrink the end by a character
        await pilot.pause()
        assert stored(app, "a_rtl") == [("المملكة المتحد", "GPE", ENTITY)]
        await pilot.press("right_square_bracket")  # grow it back
        await pilot.press("left_curly_bracket")  # shrink the start by a character
        await pilot.pause()
        span = app.store.spans("a_rtl")[0]
        assert (span.start, span.end) == (start + 1, start + len("المملكة المتحدة"))
        assert span.text == text[span.start : span.end]
        await pilot.press("left_square_bracket")
        await pilot.press("left_parenthesis")  # grow the start by a word: لدى
        await pilot.pause()
        assert stored(app, "a_rtl") == [("لدى المملكة المتحدة", "GPE", ENTITY)]


@sync
async def test_resize_keeps_harakat_with_their_letter(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        text = screen.text
        start = text.index("نظّمت")
        screen.reader.select(start, start + 1)
        await pilot.press("8")
        await pilot.pause()
        screen.reader.move_cursor_to(start)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        # ظ carries a shadda: growing by one character takes both.
        assert stored(app, "a_rtl")[0][0] == "نظّ"


@sync
async def test_delete_undo_redo(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        start = await label_word(pilot, screen, "لندن", "3")
        assert offsets(app, "a_rtl") == [(start, start + 4, "GPE")]
        screen.reader.move_cursor_to(start + 1)
        await pilot.press("x")
        await pilot.pause()
        assert app.store.spans("a_rtl") == []
        await pilot.press("u")
        await pilot.pause()
        assert offsets(app, "a_rtl") == [(start, start + 4, "GPE")]
        await pilot.press("U")
        await pilot.pause()
        assert app.store.spans("a_rtl") == []
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert offsets(app, "a_rtl") == [(start, start + 4, "GPE")]
        # the reader shows what the store holds
        assert [s.id for s in screen.spans] == [s.id for s in app.store.spans("a_rtl")]
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.store.spans("a_rtl") == []


@sync
async def test_rejected_edit_is_reported_not_raised(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        text = screen.text
        start = await label_word(pilot, screen, "المملكة المتحدة", "3")
        # An entity crossing the first one is refused by the store.
        other = text.index("المتحدة")
        screen.reader.select(other, other + len("المتحدة أعمال"))
        await pilot.press("2")
        await pilot.pause()
        assert offsets(app, "a_rtl") == [(start, start + len("المملكة المتحدة"), "GPE")]
        assert any("overlap" in n.message for n in app._notifications)


@sync
async def test_q_goes_back_to_the_list_and_annotates_nothing(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        text = screen.text
        start = text.index("العراق")
        screen.reader.select(start, start + len("العراق"))
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is app.screen_stack[0] and not isinstance(app.screen, ReaderScreen)
        assert app.is_running and stored(app, "a_rtl") == []
        assert not screen.shadowed  # no label of the built-in schema lost its key to q


@sync
async def test_theme_span_overlapping_entity_and_document_themes(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        text = screen.text
        await label_word(pilot, screen, "العراق", "3")
        start = text.index("جمهورية العراق")
        screen.reader.select(start, start + len("جمهورية العراق لدى"))
        await pilot.press("a")  # theme: cooperation
        await pilot.pause()
        kinds = sorted(stored(app, "a_rtl"), key=lambda item: item[2])
        assert kinds == [("العراق", "GPE", ENTITY), ("جمهورية العراق لدى", "cooperation", THEME)]
        # document themes through the picker
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("space", "down", "down", "space", "enter")
        await pilot.pause()
        names = [label.name for label in app.schema.themes]
        assert app.store.themes("a_rtl") == sorted([names[0], names[2]])
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("space", "enter")
        await pilot.pause()
        assert app.store.themes("a_rtl") == [names[2]]


@sync
async def test_label_picker_filters_and_applies(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        text = screen.text
        start = text.index("Monday")
        screen.reader.select(start, start + len("Monday"))
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"DATE", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert offsets(app, "c_ltr") == [(start, start + 6, "DATE")]


@sync
async def test_mark_done_and_back(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(app, pilot, "c_ltr")
        await pilot.press("M")
        await pilot.pause()
        assert app.store.status("c_ltr") == Status.DONE
        await pilot.press("M")
        await pilot.pause()
        assert app.store.status("c_ltr") == Status.IN_PROGRESS


@sync
async def test_next_previous_span(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        first = await label_word(pilot, screen, "NHS", "2", occurrence=1)
        second = await label_word(pilot, screen, "London", "3")
        screen.reader.move_cursor_to(0)
        await pilot.press("full_stop")
        assert screen.reader.cursor == first
        await pilot.press("full_stop")
        assert screen.reader.cursor == second
        await pilot.press("comma")
        assert screen.reader.cursor == first


@sync
async def test_article_navigation_in_place(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        await pilot.press("J")
        await pilot.pause()
        assert screen.article_id == "b_mixed" and app.screen is screen
        await label_word(pilot, screen, "العراق", "3")
        await pilot.press("K")
        await pilot.pause()
        assert screen.article_id == "a_rtl"
        app.store.set_status("c_ltr", Status.DONE)
        # b_mixed has a span, c_ltr is done: the next unannotated one is d_todo.
        await pilot.press("A")
        await pilot.pause()
        assert screen.article_id == "d_todo"
        assert screen.reader.text == (corpus_dir / "d_todo.txt").read_text(encoding="utf-8")


# ----------------------------------------------------------------- search


@sync
async def test_find_in_article_folds_and_labels_match(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        text = screen.text
        reader = screen.reader
        await pilot.press("slash")
        await pilot.pause()
        # typed without the shadda and with a plain alef: still found
        screen_find = app.screen
        screen_find.query_one("Input").value = "نظمت"
        await pilot.pause()
        # highlighted while typing, before Enter
        assert reader.matches == [(text.index("نظّمت"), text.index("نظّمت") + len("نظّمت"))]
        assert "1 match" in str(screen_find.query_one("#find-count").render())
        await pilot.press("enter")
        await pilot.pause()
        start = text.index("نظّمت")
        assert reader.selection == (start, start + len("نظّمت"))
        reader.move_cursor_to(0)
        screen.find("العراق")
        first = text.index("العراق")
        assert reader.selection == (first, first + 6)
        # a folded substring search: العراق, العراقي, والعراق, العراق
        assert len(reader.matches) == 4
        status = screen.query_one("#reader-status").content
        shown = display_line("العراق", 20, mode=reader.mode, harakat=reader.harakat)
        assert shown != "العراق" and f"find “{shown}”: 4" in status
        await pilot.press("n")
        assert reader.selection[0] == text.index("العراقي")
        await pilot.press("N")
        assert reader.selection == (first, first + 6)
        await pilot.press("3")
        await pilot.pause()
        assert offsets(app, "a_rtl") == [(first, first + 6, "GPE")]


@sync
async def test_find_in_corpus_opens_the_article_at_the_match(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        await pilot.press("F")
        await pilot.pause()
        finder = app.screen
        finder.query_one("Input").value = "england"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(finder.hits) == 1
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.article_id == "b_mixed"
        start = MIXED.index("England")
        assert screen.reader.selection == (start, start + len("England"))
        await pilot.press("4")
        await pilot.pause()
        assert offsets(app, "b_mixed") == [(start, start + 7, "LOC")]


# ------------------------------------------------------------ propagation


async def propagate_beside_a_loc(app, pilot):
    """In a_rtl: a LOC over "إلى العراق", the first العراق labelled GPE, and P
    pressed on it. Returns the reader and the first and third occurrences."""
    screen = await open_reader(app, pilot, "a_rtl")
    text = screen.text
    first = text.index("العراق")
    # An entity already covering the third occurrence: accepting it must be skipped.
    third = text.index("العراق", text.index("إلى"))
    screen.reader.select(text.index("إلى"), third + 6)
    await pilot.press("4")
    await pilot.pause()
    await label_word(pilot, screen, "العراق", "3")
    screen.reader.move_cursor_to(first + 1)
    await pilot.press("P")
    await pilot.pause()
    return screen, first, third


@sync
async def test_propagate_in_article_accept_reject_and_skip_overlaps(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(120, 34)) as pilot:
        screen, first, third = await propagate_beside_a_loc(app, pilot)
        text = screen.text
        suggestions = app.screen
        found = [(s.start, s.end) for s in suggestions.suggestions]
        second = text.index("والعراق") + 1
        assert found == [(second, second + 6), (third, third + 6)]
        await pilot.press("r")  # reject the first suggestion
        await pilot.press("A")  # accept all the rest
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        spans = offsets(app, "a_rtl")
        assert (first, first + 6, "GPE") in spans
        assert (second, second + 6, "GPE") not in spans
        assert (third, third + 6, "GPE") not in spans  # overlapped the LOC: skipped
        assert len(spans) == 2
        assert any("skipped" in n.message for n in app._notifications)


@sync
async def test_propagate_across_corpus(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_reader(app, pilot, "b_mixed")
        start = await label_word(pilot, screen, "العراق", "3")
        screen.reader.move_cursor_to(start)
        await pilot.press("O")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("A", "escape")
        await pilot.pause()
        rtl_text = RTL
        expected = []
        for begin in (rtl_text.index("العراق"), rtl_text.index("والعراق") + 1,
                      rtl_text.index("العراق", rtl_text.index("إلى"))):
            expected.append((begin, begin + 6, "GPE"))
        assert offsets(app, "a_rtl") == expected
        todo = (corpus_dir / "d_todo.txt").read_text(encoding="utf-8")
        begin = todo.index("العراق")
        assert offsets(app, "d_todo") == [(begin, begin + 6, "GPE")]
        for article_id in ("a_rtl", "d_todo"):
            text = (corpus_dir / f"{article_id}.txt").read_text(encoding="utf-8")
            assert all(s.text == text[s.start : s.end] for s in app.store.spans(article_id))


# ---------------------------------------------------------------- display


@sync
async def test_resize_keeps_offsets_and_mouse_mapping(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        reader = screen.reader
        text = screen.text
        assert not screen.has_class("narrow")
        wide_rows = reader.layout.row_count
        wide_width = reader.layout.options.width
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.has_class("narrow")
        assert reader.layout.options.width == reader.content_width < wide_width
        assert reader.layout.row_count >= wide_rows
        assert max(row.indent + row.width for row in reader.layout.rows(0, 99)) <= reader.content_width
        start = text.index("مجددا")
        await drag(pilot, reader, start, start + len("مجددا") - 1)
        assert reader.selection == (start, start + len("مجددا"))
        await pilot.press("6")
        await pilot.pause()
        assert offsets(app, "a_rtl") == [(start, start + 5, "EVENT")]


@sync
async def test_display_mode_and_harakat_switch_and_are_remembered(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        reader = screen.reader
        await pilot.press("m")
        await pilot.pause()
        assert reader.mode == "logical"
        await pilot.press("h")
        await pilot.pause()
        assert reader.harakat is False
        # no shadda drawn with harakat hidden
        lines = "".join(reader.render_line(y).text for y in range(reader.size.height))
        assert "\u0651" not in lines
        # in logical mode Left still goes forward in an RTL paragraph
        start = screen.text.index("سفارة")
        reader.move_cursor_to(start)
        await pilot.press("left")
        assert reader.cursor == start + 1
    from tui.prefs import Prefs

    remembered = Prefs.load()
    assert remembered.mode == "logical" and remembered.harakat is False


@sync
async def test_stale_article_is_flagged_and_its_spans_are_not_edited(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        start = await label_word(pilot, screen, "London", "3")
    app.store.close()
    # the article changes on disk after it was annotated
    (corpus_dir / "c_ltr.txt").write_text(LTR.replace("The NHS", "Yesterday the NHS"), encoding="utf-8")
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        assert screen.query_one("#reader-warning").has_class("shown")
        assert screen.stale_ids == {s.id for s in app.store.spans("c_ltr")}
        screen.reader.move_cursor_to(start + 1)
        await pilot.press("2")  # relabel attempt: refused
        await pilot.pause()
        assert offsets(app, "c_ltr") == [(start, start + 6, "GPE")]
        await pilot.press("right_square_bracket")  # resize attempt: refused
        await pilot.pause()
        assert offsets(app, "c_ltr") == [(start, start + 6, "GPE")]
        await pilot.press("x")  # deleting is allowed and explicit
        await pilot.pause()
        assert app.store.spans("c_ltr") == []


@sync
async def test_undo_of_an_edit_in_another_article_says_where(corpus_dir):
    app = make(corpus_dir)
    seen = []
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        start = await label_word(pilot, screen, "Iraq", "3")
        await pilot.press("J")
        await pilot.pause()
        assert screen.article_id == "d_todo"
        app.annotations_changed_signal.subscribe(app, seen.append, immediate=True)
        await pilot.press("u")
        await pilot.pause()
        assert app.store.spans("c_ltr") == []
        assert "c_ltr" in seen
        said = str(screen.query_one("#reader-status", TextLines).content)
        assert said.startswith("Undone: add GPE “Iraq” (in article c_ltr) · ")  # on the status line
        await pilot.press("U")
        await pilot.pause()
        assert offsets(app, "c_ltr") == [(start, start + 4, "GPE")]


@sync
async def test_logical_mode_click_maps_through_the_terminals_reordering(corpus_dir):
    """In logical mode the terminal reorders RTL rows itself: a click is mapped
    through the engine's visual order of the same row."""
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        reader = screen.reader
        await pilot.press("m")
        await pilot.pause()
        assert reader.mode == "logical"
        target = screen.text.index("جمهورية")
        row, column = reader.hit_layout.locate(target)
        await pilot.click(reader, offset=(column, row - round(reader.scroll_y)))
        await pilot.pause()
        assert reader.cursor == target


@sync
async def test_spans_panel_lists_spans_and_jumps_to_them(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(140, 34)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        start = await label_word(pilot, screen, "Monday", "5")
        screen.reader.move_cursor_to(0)
        panel = screen.panel
        lines = panel.lines
        assert any("DATE" in line and "Monday" in line and f"{start}-{start + 6}" in line for line in lines)
        # the document themes sit under the list, out of its scrolling
        assert str(screen.query_one("#doc-themes").content).startswith("Document themes")
        index = next(i for i, line in enumerate(lines) if "DATE" in line)
        await pilot.click(panel, offset=(2, index - round(panel.scroll_y)))
        await pilot.pause()
        assert screen.reader.cursor == start


@sync
async def test_unreadable_article_is_reported_and_the_reader_closes(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        (corpus_dir / "c_ltr.txt").write_bytes(b"\xff\xfe not utf-8")
        app.corpus.get("c_ltr")._text = None  # force a re-read from disk
        app.push_screen(ReaderScreen("c_ltr"))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, ReaderScreen)
        assert any("c_ltr.txt" in n.message for n in app._notifications)


@sync
async def test_double_click_selects_word_and_shift_click_extends(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        reader = screen.reader
        text = screen.text
        word = text.index("والعراق")
        await pilot.double_click(reader, offset=screen_point(reader, word + 3))
        await pilot.pause()
        assert reader.selection == (word + 1, word + len("والعراق"))  # clitic trimmed
        start = text.index("سفارة")
        end = start + len("سفارة جمهورية")
        await pilot.click(reader, offset=screen_point(reader, start))
        await pilot.click(reader, offset=screen_point(reader, end - 1), shift=True)
        await pilot.pause()
        assert reader.selection == (start, end)
        await pilot.press("2")
        await pilot.pause()
        assert stored(app, "a_rtl") == [("سفارة جمهورية", "ORG", ENTITY)]


@sync
async def test_schema_keys_taken_by_reader_keys_stay_reachable_by_picker(corpus_dir, tmp_path):
    labels = tmp_path / "labels.toml"
    labels.write_text(
        '[[entity]]\nname = "PERSON"\nkey = "z"\ncolour = "yellow"\n\n'
        '[[entity]]\nname = "DRUG"\nkey = "x"\ncolour = "#ff00ff"\n',
        encoding="utf-8",
    )
    app = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual", labels=str(labels)))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "c_ltr")
        assert [label.name for label in screen.shadowed] == ["DRUG"]
        assert any("DRUG (x)" in n.message for n in app._notifications)
        text = screen.text
        start = await label_word(pilot, screen, "doctors", "z")
        assert offsets(app, "c_ltr") == [(start, start + 7, "PERSON")]
        # x keeps its reader meaning (delete) ...
        screen.reader.move_cursor_to(start)
        await pilot.press("x")
        await pilot.pause()
        assert app.store.spans("c_ltr") == []
        # ... and DRUG is applied through the picker
        screen.reader.select(start, start + 7)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"drug", "enter")
        await pilot.pause()
        assert offsets(app, "c_ltr") == [(start, start + 7, "DRUG")]
        assert text[start : start + 7] == "doctors"


@sync
async def test_label_key_of_other_kind_on_a_span_adds_a_span_over_it(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        start = await label_word(pilot, screen, "المملكة المتحدة", "3")
        screen.reader.move_cursor_to(start + 3)
        await pilot.press("a")  # a theme key on an entity: a theme span over the same text
        await pilot.pause()
        assert sorted(stored(app, "a_rtl"), key=lambda s: s[2]) == [
            ("المملكة المتحدة", "GPE", ENTITY),
            ("المملكة المتحدة", "cooperation", THEME),
        ]
        await pilot.press("s")  # on both: the theme span is relabelled, the entity kept
        await pilot.pause()
        assert sorted(stored(app, "a_rtl"), key=lambda s: s[2]) == [
            ("المملكة المتحدة", "GPE", ENTITY),
            ("المملكة المتحدة", "training", THEME),
        ]


@sync
async def test_propagation_dialog_shows_states_reasons_and_short_ids_at_80_columns(corpus_dir):
    from textual.widgets import OptionList, Static

    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, first, _ = await propagate_beside_a_loc(app, pilot)
        dialog = app.screen
        options = dialog.query_one(OptionList)

        def lines() -> list[str]:
            return [options.get_option_at_index(k).prompt.plain for k in range(options.option_count)]

        def summary() -> str:
            return str(dialog.query_one("#suggestions-summary", Static).render())

        assert summary().startswith("2 suggestions: 2 pending (1 overlapping),")
        pending, overlapping = lines()
        assert pending.startswith("[pending]  a_r… ")
        # the one on the LOC says so before it is accepted
        assert overlapping.startswith("[pending]  a_r… ") and "overlaps LOC at" in overlapping
        await pilot.press("a")  # accepts the first, goes to the second
        await pilot.pause()
        assert lines()[0].startswith("[accepted] a_r… ")
        await pilot.press("a")
        await pilot.pause()
        skipped = lines()[1]
        assert skipped.startswith("[skipped]  a_r… ")
        assert "overlaps LOC at" in skipped  # the reason, not an empty bracket
        assert summary().startswith("2 suggestions: 0 pending, 1 accepted, 0 rejected, 1 skipped")
        await pilot.press("escape")
        await pilot.pause()
        screen.reader.move_cursor_to(first + 1)
        await pilot.press("P")
        await pilot.pause()
        assert summary_of(app.screen).startswith("1 suggestion: 1 pending (1 overlapping),")


def summary_of(dialog) -> str:
    from textual.widgets import Static

    return str(dialog.query_one("#suggestions-summary", Static).render())


@sync
async def test_an_arabic_label_name_on_the_status_line_is_shaped_like_the_text(corpus_dir, tmp_path):
    from tui.layout import display_line
    from tui.widgets.text_lines import TextLines

    labels = tmp_path / "labels.toml"
    labels.write_text('[[entity]]\nname = "شخص"\nkey = "1"\ncolour = "yellow"\n', encoding="utf-8")
    app = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual", labels=str(labels)))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        start = await label_word(pilot, screen, "سفارة", "1")
        screen.reader.move_cursor_to(start + 1)
        await pilot.pause()
        status = screen.query_one("#reader-status", TextLines).content
        shown = display_line("شخص", None, mode="visual", direction="ltr")
        assert shown != "شخص" and f"on {shown} [" in status


@sync
async def test_a_long_selection_costs_the_status_line_no_more_than_a_short_one(corpus_dir, monkeypatch):
    import tui.screens.reader_lines as reader_lines
    from tui.widgets.text_lines import TextLines

    app = make(corpus_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        shaped: list[int] = []
        display_line = reader_lines.display_line
        monkeypatch.setattr(reader_lines, "display_line",
                            lambda text, *a, **k: shaped.append(len(text)) or display_line(text, *a, **k))
        screen.reader.select(0, len(screen.text))
        await pilot.pause()
        assert len(screen.text) > reader_lines.SNIPPET and shaped
        assert max(shaped) <= reader_lines.SNIPPET
        status = screen.query_one("#reader-status", TextLines).content
        assert f"selection [0, {len(screen.text)}) “" in status and "…”" in status


@sync
async def test_a_label_key_is_applied_as_it_arrives_unless_a_widget_of_the_screen_binds_it(corpus_dir, monkeypatch):
    """A label key, and any key of the screen's own, is looked up before the
    key is handed to the focused reader (a priority binding); a key the
    reader or the span list binds itself stays theirs."""
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        keys_seen: list[str] = []
        forward = screen.reader._forward_event

        def seen(event):
            keys_seen.append(getattr(event, "key", ""))
            forward(event)

        screen.reader._forward_event = seen
        await label_word(pilot, screen, "المملكة المتحدة", "3")
        assert stored(app, "a_rtl") == [("المملكة المتحدة", "GPE", ENTITY)]
        assert "3" not in keys_seen  # never handed to the reader
        first = screen.article_id
        await pilot.press("J")  # a key of the screen's own, likewise
        await pilot.pause()
        assert screen.article_id != first and "J" not in keys_seen
        await pilot.press("left")  # the reader's own key still reaches it
        await pilot.pause()
        assert "left" in keys_seen

    monkeypatch.setattr(Reader, "BINDINGS", [*Reader.BINDINGS, Binding("3", "cursor_left", "Left")])
    monkeypatch.setattr(Reader, "_merged_bindings", Reader._merge_bindings())
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        screen.reader.move_cursor_to(5)
        await pilot.press("3")
        await pilot.pause()
        assert len(stored(app, "a_rtl")) == 1  # the reader's binding ran, not the label
        assert screen.reader.cursor != 5


@sync
async def test_the_key_lookup_chain_is_made_once_per_focus_and_follows_changes(corpus_dir, monkeypatch):
    # tui.bindings.KeptBindingChain: Textual made the chain of binding maps
    # anew on every key; the reader keeps it until the focus or a map changes.
    from textual.screen import Screen

    from tui.bindings import add_binding

    made: list[object] = []
    textual_chain = Screen._binding_chain

    def counting(self):
        made.append(self.focused)
        return textual_chain.fget(self)

    monkeypatch.setattr(Screen, "_binding_chain", property(counting))
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        await pilot.press("right")
        await pilot.pause()
        made.clear()
        for key in ("left", "right", "left"):
            await pilot.press(key)
        await pilot.pause()
        assert made == []  # the same focus, the same maps: the chain kept
        await pilot.press("space", "1")
        await pilot.pause()
        assert len(screen.spans) == 1 and made == []
        await pilot.press("tab")  # the span list takes the focus: a new chain, once
        await pilot.pause()
        assert made and all(focused is screen.panel for focused in made)
        await pilot.press("shift+tab")
        await pilot.pause()
        made.clear()
        calls: list[str] = []
        screen.action_mark_here = lambda: calls.append("here")
        add_binding(screen, "ctrl+b", "mark_here", "mark", key_display="^b")  # a key bound meanwhile
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert calls == ["here"] and len(made) == 1
