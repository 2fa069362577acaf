"""What the reader's dialogs and notifications draw: Arabic from articles and
schemas is shaped and in visual order (through tui.layout), and quoted text
is never read as markup or obeyed as control characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.geometry import Region
from textual.widgets import Input, OptionList, SelectionList
from textual.widgets._toast import Toast

from annotations.schema import Label
from tests.app.pilot import make, open_reader, sync
from tui.bindings import own_bindings
from tui.layout import display_line
from tui.notice import notice_text, toast_text_width
from tui.screens.pickers import LabelPicker, ThemePicker
from annotations.search import context_of, context_with_match
from tui.screens.search import FindInArticle, FindInCorpus, snippet
from tui.widgets.reader import MATCH
from tui.widgets.shaped_input import ShapedInput

RTL = (
    "مؤتمر طبي في لندن\n"
    "\n"
    "نظّمت سفارة جمهورية العراق لدى المملكة المتحدة أعمال المؤتمر الطبي العراقي الأول "
    "في لندن، وزار الوفد والعراق ثم عاد إلى العراق مجددا.\n"
)
LTR = "NHS meeting\n\nThe NHS met doctors from Iraq in London on Monday.\n"
OTHER = "مقال آخر\n\nنص قصير عن العراق [وزارة] الصحة.\n"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a_rtl.txt").write_text(RTL, encoding="utf-8")
    (folder / "b_other.txt").write_text(OTHER, encoding="utf-8")
    (folder / "c_ltr.txt").write_text(LTR, encoding="utf-8")
    return folder


def drawn(widget) -> str:
    """The widget's lines as the terminal gets them."""
    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def toasts(pilot) -> list[Toast]:
    """The toasts on screen, once the app has mounted them (a few message
    round trips after notify)."""
    for _ in range(10):
        found = list(pilot.app.screen.query(Toast))
        if found:
            await pilot.pause()  # laid out at their full height
            return found
        await pilot.pause()
    return []


def screen_lines(app) -> list[str]:
    """The whole screen as the terminal gets it, row by row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def shaped(text: str) -> str:
    return display_line(text, mode="visual", harakat=True)


# ------------------------------------------------------------ notifications


@sync
async def test_notification_is_shaped_plain_text(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        app.clear_notifications()
        message = "overlap ORG “[b]العراق[/b]” \x1b[31m"
        screen.notify(message, title="لندن")  # Widget.notify goes through the app
        await pilot.pause()
        (note,) = list(app._notifications)
        assert note.message == display_line(message, mode="visual", harakat=True, direction="ltr")
        assert note.title == display_line("لندن", mode="visual", harakat=True, direction="ltr")
        assert note.markup is False
        assert "العراق" not in note.message and shaped("العراق") in note.message
        assert "\x1b" not in note.message and "\x1b" not in note.title
        (toast,) = await toasts(pilot)
        text = drawn(toast)
        assert "[b]" in text and "[/b]" in text, "a bracket in article text must not be markup"
        assert shaped("العراق") in text and "العراق" not in text
        assert shaped("لندن") in text


@sync
async def test_store_refusal_quotes_the_span_shaped(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        text = screen.text
        start = text.index("المملكة المتحدة")
        screen.reader.select(start, start + len("المملكة المتحدة"))
        await pilot.press("3")
        await pilot.pause()
        app.clear_notifications()
        other = text.index("المتحدة")
        screen.reader.select(other, other + len("المتحدة أعمال"))
        await pilot.press("2")
        await pilot.pause()
        (note,) = [n for n in app._notifications if "overlap" in n.message]
        assert shaped("المملكة المتحدة") in note.message.replace("\n", " ")
        assert "المتحدة" not in note.message


@sync
async def test_notification_honours_logical_mode_and_hidden_harakat(corpus_dir):
    app = make(corpus_dir, mode="logical")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.set_display(harakat=False)
        app.clear_notifications()
        app.notify("found “نظّمت” twice")
        await pilot.pause()
        (note,) = list(app._notifications)
        # the quoted word is isolated (FSI…PDI), so the terminal orders it apart
        inner = display_line("نظّمت", mode="logical", harakat=False)
        expected = f"found “\u2068{inner}\u2069” twice"
        assert note.message == expected
        assert "\u0651" not in note.message  # the shadda is hidden
        assert shaped("نظمت") not in note.message  # logical order: the terminal reorders


@sync
async def test_long_notification_wraps_in_reading_order(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.clear_notifications()
        words = "نظّمت سفارة جمهورية العراق لدى المملكة المتحدة أعمال المؤتمر الطبي".split()
        message = "No other occurrences of “" + " ".join(words) + "” in this article."
        app.notify(message)
        await pilot.pause()
        (note,) = list(app._notifications)
        width = toast_text_width(80)
        lines = note.message.split("\n")
        assert len(lines) > 1
        assert all(cell_len(line) <= width for line in lines)
        assert note.message == notice_text(message, width, "visual", True)
        # Words come in reading order line after line: the first Arabic word
        # is on an earlier line than the last one.
        first = next(i for i, line in enumerate(lines) if shaped(words[0]) in line)
        last = next(i for i, line in enumerate(lines) if shaped(words[-1]) in line)
        assert first < last


# ------------------------------------------------------------------ pickers


@sync
async def test_label_picker_descriptions_are_shaped_and_fit(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_reader(app, pilot, "a_rtl")
        await pilot.press("l")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, LabelPicker)
        options = picker.query_one(OptionList)
        text = drawn(options)
        per = next(label for label in app.schema.labels if label.name == "PER")
        assert display_line(per.description) in text
        assert shaped("عثمان عبدالجليل") in text and "عثمان" not in text
        assert per.description not in text


@sync
async def test_label_picker_rows_fit_at_80_columns(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot, "a_rtl")
        await pilot.press("l")
        await pilot.pause()
        picker = app.screen
        options = picker.query_one(OptionList)
        room = options.scrollable_content_region.width
        for index in range(options.option_count):
            prompt = options.get_option_at_index(index).prompt
            assert cell_len(str(prompt)) <= room
        gpe = next(label for label in app.schema.labels if label.name == "GPE")
        row = picker.option_text(gpe, 10_000)
        assert row.endswith(display_line(gpe.description))
        assert "(العراق، لندن، شنغهاي)" not in row


@sync
async def test_label_picker_filter_shows_arabic_shaped(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(app, pilot, "a_rtl")
        await pilot.press("l")
        await pilot.pause()
        picker = app.screen
        box = picker.query_one(Input)
        assert isinstance(box, ShapedInput)
        await pilot.press(*"لندن")
        await pilot.pause()
        assert [label.name for label in picker.shown] == ["GPE"]
        line = box.render_line(0).text
        assert shaped("لندن") in line and "لندن" not in line


@sync
async def test_theme_picker_descriptions_go_through_the_engine(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot, "a_rtl")
        await pilot.press("D")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ThemePicker)
        themes = picker.query_one(SelectionList)
        text = drawn(themes)
        for theme in app.schema.themes:
            row = picker.option_text(theme, 10_000)
            assert row.startswith(display_line(theme.name))
        assert app.schema.themes[0].name in text
        room = themes.scrollable_content_region.width - 4  # the check box
        for index in range(themes.option_count):
            assert cell_len(str(themes.get_option_at_index(index).prompt)) <= room
        sample = Label(name="x", kind="theme", key="z", description="صحة رقمية \x1b[2J")
        row = picker.option_text(sample, 10_000)
        assert shaped("صحة رقمية") in row and "\x1b" not in row


# ------------------------------------------------------------------- search


@sync
async def test_find_in_article_box_shows_arabic_shaped(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(app, pilot, "a_rtl")
        await pilot.press("slash")
        await pilot.pause()
        finder = app.screen
        assert isinstance(finder, FindInArticle)
        box = finder.query_one(Input)
        assert isinstance(box, ShapedInput)
        await pilot.press(*"المملكة")
        await pilot.pause()
        line = box.render_line(0).text
        assert shaped("المملكة") in line and "المملكة" not in line


@sync
async def test_find_in_corpus_box_and_results_are_shaped(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(app, pilot, "a_rtl")
        await pilot.press("F")
        await pilot.pause()
        finder = app.screen
        assert isinstance(finder, FindInCorpus)
        box = finder.query_one(Input)
        assert isinstance(box, ShapedInput)
        await pilot.press(*"الصحة")
        await pilot.pause()
        assert shaped("الصحة") in box.render_line(0).text
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (hit,) = finder.hits
        assert hit.article_id == "b_other"
        results = finder.query_one(OptionList)
        prompt = str(results.get_option_at_index(0).prompt)
        context = context_of(OTHER, hit.start, hit.end)
        assert "[وزارة]" in context
        assert highlighted(results.get_option_at_index(0).prompt) == shaped("الصحة")
        assert shaped("العراق") in prompt and "العراق" not in prompt
        assert cell_len(prompt) <= results.scrollable_content_region.width
        text = drawn(results)
        assert shaped("الصحة") in text
        assert "[" in text and "]" in text  # brackets from the article are drawn, not read as markup


# ------------------------------------------------------------------ keys


@sync
async def test_ctrl_pagedown_with_the_reader_focused_goes_to_next_article(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        assert app.focused is screen.reader
        # The reader widget itself binds neither key (ScrollView's "page
        # left/right" would otherwise come first whenever it can scroll).
        keys = {binding.key for binding in own_bindings(screen.reader)}
        assert "ctrl+pagedown" not in keys and "ctrl+pageup" not in keys
        await pilot.press("ctrl+pagedown")
        await pilot.pause()
        assert screen.article_id == "b_other"
        assert app.focused is screen.reader
        await pilot.press("ctrl+pageup")
        await pilot.pause()
        assert screen.article_id == "a_rtl"


# ------------------------------------------------------------ propagation


@sync
async def test_propagation_rows_show_their_state_and_fit_at_80_columns(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        start = screen.text.index("العراق")
        screen.reader.select(start, start + len("العراق"))
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("P")
        await pilot.pause()
        suggestions = app.screen
        options = suggestions.query_one(OptionList)
        assert options.option_count == len(suggestions.suggestions) == 2
        room = options.scrollable_content_region.width
        for index in range(options.option_count):
            prompt = str(options.get_option_at_index(index).prompt)
            assert prompt.startswith("[pending]"), prompt  # not swallowed as markup
            assert cell_len(prompt) <= room, "a row wider than the list wraps its visual-order text"
            assert shaped("العراق") in prompt or shaped("والعراق") in prompt
            suggestion = suggestions.suggestions[index]
            occurrence = screen.text[suggestion.start:suggestion.end]
            assert highlighted(options.get_option_at_index(index).prompt) == display_line(occurrence, None)
        text = drawn(options)
        assert "[pending] " in text and "العراق" not in text


def test_context_keeps_whole_words_around_the_match():
    text = "alpha beta gamma MATCH delta epsilon zeta"
    start = text.index("MATCH")
    assert context_of(text, start, start + 5, around=8) == "gamma MATCH delta"
    assert context_of(text, start, start + 5, around=0) == "MATCH"
    assert context_of("a\nb MATCH\nc", 4, 9) == "a b MATCH c"


def highlighted(line) -> str:
    """The text of a rich Text's parts drawn in the reader's match style."""
    return "".join(line.plain[span.start:span.end] for span in line.spans if span.style == MATCH)


@pytest.mark.parametrize("mode", ["visual", "logical"])
def test_a_snippet_highlights_exactly_the_match(mode):
    text = "قال وزير  الصحة\nفي العراق (2025) إن المستشفى جاهز"
    start = text.index("العراق")
    context, first, last = context_with_match(text, start, start + 6, around=40)
    assert context == " ".join(text.split()) and context[first:last] == "العراق"
    line = snippet(text, start, start + 6, 60, mode=mode)
    assert highlighted(line) == display_line("العراق", None, mode=mode)
    assert line.plain == display_line(context, 60, mode=mode)
    # cut to a narrow width, the match still shows whole and highlighted
    narrow = snippet(text, start, start + 6, 12, mode=mode)
    assert highlighted(narrow) == display_line("العراق", None, mode=mode) and cell_len(narrow.plain) <= 12
    # a match of harakat-bearing text keeps its marks in the highlighted cells
    voweled = "ذهب إلى العِرَاق أمس"
    at = voweled.index("العِرَاق")
    assert highlighted(snippet(voweled, at, at + 8, 40, mode=mode)) == display_line("العِرَاق", None, mode=mode)


# -------------------------------------------------------------- footer


@sync
async def test_reader_footer_at_80_columns_starts_with_the_everyday_keys(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        by_action: dict[str, tuple[str, str]] = {}  # the footer shows one key per action
        for (_n, binding, _e, _t) in screen.active_bindings.values():
            if binding.show:
                by_action.setdefault(binding.action, (binding.key, binding.description))
        first = list(by_action.values())[:6]
        assert first == [("space", "Select word"), ("l", "Labels…"), ("u", "Undo"), ("x", "Delete"),
                         ("f1", "Help"), ("M", "Done")]
        await pilot.pause()
        footer = screen_lines(app)[-1]
        for hint in ("Select word", "Labels…", "Undo", "Delete", "Help", "Done"):
            assert hint in footer, f"{hint!r} cut off the footer at 80 columns: {footer!r}"


# ---------------------------------------------------------------- spans panel


@pytest.mark.parametrize("size", [(80, 24), (160, 40)])
@sync
async def test_spans_panel_rows_fit_and_keep_brackets(corpus_dir, size):
    app = make(corpus_dir)
    async with app.run_test(size=size) as pilot:
        screen = await open_reader(app, pilot, "b_other")
        text = screen.text
        start = text.index("[وزارة]")
        screen.reader.select(start, start + len("[وزارة] الصحة"))
        await pilot.press("2")
        await pilot.pause()
        assert [s.text for s in app.store.spans("b_other")] == ["[وزارة] الصحة"]
        panel = screen.panel
        assert panel.lines[0] == "1 entity · 0 theme spans"
        row = panel.lines[1]
        assert row.endswith(f"  {start}-{start + len('[وزارة] الصحة')}")
        assert shaped("وزارة") in row and "وزارة" not in row and "[" in row and "]" in row
        assert cell_len(row) <= panel.scrollable_content_region.width
        if size[0] < 110:  # the list spans the screen: the whole text fits
            assert display_line("[وزارة] الصحة", mode="visual") in row
        assert shaped("وزارة") in drawn(panel)


@sync
async def test_reader_header_shapes_an_arabic_article_id(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "تقرير_الصحة.txt").write_text("عنوان\n\nنص قصير.\n", encoding="utf-8")
    app = make(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        (article_id,) = [article.id for article in app.corpus]
        assert "الصحة" in article_id
        screen = await open_reader(app, pilot, article_id)
        meta = drawn(screen.query_one("#reader-header")).split("\n")[1]
        assert shaped("الصحة") in meta and "الصحة" not in meta


@sync
async def test_find_in_corpus_starts_empty_recalls_on_up_and_counts_whole_words(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        screen.find("العراق")
        await pilot.press("F")
        await pilot.pause()
        finder = app.screen
        assert isinstance(finder, FindInCorpus)
        box = finder.query_one(Input)
        assert box.value == ""  # the article's search is not taken unless asked
        await pilot.press("up")
        await pilot.pause()
        assert box.value == "العراق"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # العراق, والعراق, العراق in a_rtl and العراق in b_other; not العراقي
        assert len(finder.hits) == 4
        found = {(hit.article_id, hit.start) for hit in finder.hits}
        assert ("a_rtl", RTL.index("العراقي")) not in found
        assert ("a_rtl", RTL.index("والعراق") + 1) in found
