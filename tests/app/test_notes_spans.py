"""Notes and flags in the app (set, shown, filtered, exported, imported) and
the span list by keyboard."""

from __future__ import annotations

import io
import json

from annotations.formats import module
from annotations.formats.common import ExportOptions, ExportReport
from annotations.model import ARTICLE, Note
from annotations.store import Store
from tests.app.pilot import make, open_reader, sync
from tests.app.test_reader import corpus_dir, label_word  # noqa: F401  (the fixture)
from tui.screens.articles import ArticlesScreen
from tui.screens.notes import NoteEditor


def panel_lines(screen) -> list[str]:
    return screen.panel.lines


@sync
async def test_a_note_and_flag_are_set_shown_filtered_and_exported(corpus_dir, tmp_path):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        start = await label_word(pilot, screen, "سفارة", "3")
        screen.reader.move_cursor_to(start + 1)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one("#note-text").value = "ربما وزارة؟ check"
        await pilot.press("ctrl+t", "enter")
        await pilot.pause()
        span = app.store.spans("a_rtl")[0]
        assert app.store.notes("a_rtl") == {span.id: Note("ربما وزارة؟ check", True)}
        # shown: a badge in the span list, the note on the status line
        row = next(line for line in panel_lines(screen) if "GPE" in line)
        assert "⚑✎" in row
        status = str(screen.query_one("#reader-status").content)
        assert "⚑ for review" in status and "check" in status
        # u undoes the note like any edit
        await pilot.press("u")
        await pilot.pause()
        assert app.store.notes("a_rtl") == {}
        await pilot.press("U")
        await pilot.pause()
        # the article itself: E writes its note, ctrl+t flags it
        await pilot.press("E")
        await pilot.pause()
        app.screen.query_one("#note-text").value = "article note"
        await pilot.press("enter")
        await pilot.pause()
        assert app.store.notes("a_rtl")[ARTICLE] == Note("article note", False)
        assert "article note" in str(screen.query_one("#reader-header").content)
        await pilot.press("q")
        await pilot.pause()
        articles = app.screen
        assert isinstance(articles, ArticlesScreen)
        listing = articles.article_list
        assert listing.flagged == {"a_rtl"}
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert [row.id for row in listing.shown] == ["a_rtl"]
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert len(listing.shown) == 4
        records = list(app.store.records(app.corpus))
    out = io.StringIO()
    module("native").write(records, out, ExportReport(), ExportOptions())
    line = json.loads(out.getvalue())
    assert (line["note"], line["flagged"]) == ("article note", False)
    assert [(s["note"], s["flagged"]) for s in line["spans"]] == [("ربما وزارة؟ check", True)]
    back = module("native").read(io.StringIO(out.getvalue()))
    with Store(tmp_path / "other-store", "carol") as other:
        assert other.import_records([r for _, r in back.records]).problems == []
        notes = other.notes("a_rtl")
        assert sorted(notes.values(), key=str) == sorted(
            [Note("article note", False), Note("ربما وزارة؟ check", True)], key=str
        )
        assert other.flagged_articles() == {"a_rtl"}


@sync
async def test_the_span_list_by_keyboard(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        first = await label_word(pilot, screen, "سفارة", "3")
        second = await label_word(pilot, screen, "لندن", "4")
        await label_word(pilot, screen, "المؤتمر", "a")
        screen.reader.move_cursor_to(0)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is screen.panel
        # ↓ goes through the spans in text order; the text's cursor follows
        order = [(s.start, s.label) for s in app.store.spans("a_rtl")]
        assert order == sorted(order)
        seen = []
        for _ in order:
            seen.append((screen.panel.focused_span().start, screen.panel.focused_span().label))
            await pilot.press("down")
            await pilot.pause()
        assert seen == order
        # past the last span the highlight stays on it (the themes below are not rows to stop on)
        assert (screen.panel.focused_span().start, screen.panel.focused_span().label) == order[-1]
        await pilot.press("up")
        await pilot.pause()
        assert (screen.panel.focused_span().start, screen.panel.focused_span().label) == order[-2]
        # a label key relabels the span highlighted
        target = screen.panel.focused_span()
        await pilot.press("5")
        await pilot.pause()
        assert app.store.span(target.id).label == "DATE"
        # x deletes it, u brings it back
        await pilot.press("x")
        await pilot.pause()
        assert app.store.span(target.id) is None
        await pilot.press("u")
        await pilot.pause()
        assert app.store.span(target.id) is not None
        # Enter goes to the span in the text and back to it
        await pilot.press("home")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is screen.reader
        assert screen.reader.cursor == order[0][0] == min(first, second)
        # the document themes stay in sight at 80x24
        themes = screen.query_one("#doc-themes")
        assert themes.region.height >= 1 and str(themes.content).startswith("Document themes")


@sync
async def test_span_ranges_are_isolated_in_logical_mode_and_labels_are_whole(corpus_dir):
    app = make(corpus_dir, mode="logical")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        start = await label_word(pilot, screen, "لندن", "4")
        theme = await label_word(pilot, screen, "المؤتمر", "d")  # infrastructure
        lines = panel_lines(screen)
        # a terminal that reorders sees the range as one left-to-right run
        assert any(line.endswith(f"\u2066{start}-{start + 4}\u2069") for line in lines)
        assert any("infrastructure" in line and f"\u2066{theme}-{theme + 7}\u2069" in line for line in lines)
    app = make(corpus_dir, mode="visual")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        assert not any("\u2066" in line for line in panel_lines(screen))


@sync
async def test_document_theme_boxes_differ_in_glyph_on_and_off(corpus_dir):
    from tui.widgets.theme_checks import ThemeChecks

    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        app.store.toggle_theme("a_rtl", "diaspora", screen.text)
        screen.refresh_annotations()
        await pilot.press("D")
        await pilot.pause()
        checks = app.screen.query_one(ThemeChecks)
        boxes = {}
        for y in range(checks.option_count):
            text = checks.render_line(y).text
            name = text[4:].split()[0]
            boxes[name] = text[:3]
        assert boxes["diaspora"] == "▐X▌"
        assert boxes["cooperation"] == "▐ ▌"
        checks.select("cooperation")
        await pilot.pause()
        assert checks.render_line(0).text[:3] == "▐X▌"


def test_a_notice_quoting_arabic_twice_reads_in_order_in_both_modes():
    from tui.layout import display_line
    from tui.notice import notice_text

    message = "Redone: resize GPE “بكين” → “وبكين”"
    visual = notice_text(message, 57)
    assert visual == f"Redone: resize GPE “{display_line('بكين')}” → “{display_line('وبكين')}”"
    logical = notice_text(message, 57, mode="logical")
    shaped = lambda text: display_line(text, mode="logical")  # noqa: E731
    assert logical == f"Redone: resize GPE “\u2068{shaped('بكين')}\u2069” → “\u2068{shaped('وبكين')}\u2069”"
    # a quote broken over two lines stays a quote on the second
    wrapped = notice_text("deleted a span on “في مدينة لندن الكبرى” (u undoes)", 28).split("\n")
    assert len(wrapped) > 1 and "\u2068" not in "".join(wrapped)
    assert display_line("الكبرى") in "".join(wrapped)
