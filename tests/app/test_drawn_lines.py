"""The line-API widgets hand the compositor what Textual's styles cache
would have made of their lines (tui.widgets.drawn_lines), without it."""

from __future__ import annotations

from textual.filter import Monochrome
from textual.geometry import Region
from textual.widget import Widget

from tests.app.pilot import make, open_reader, sync
from tui.widgets.drawn_lines import DrawnLines
from tui.widgets.row_list import RowList
from tui.widgets.text_lines import TextLines


def through_textual(widget: Widget, crop: Region) -> list:
    widget._styles_cache.clear()
    return [list(strip) for strip in Widget.render_lines(widget, crop)]


def drawn(widget: Widget, crop: Region) -> list:
    calls = []
    cache = widget._styles_cache
    render_widget = cache.render_widget
    cache.render_widget = lambda *args: calls.append(args) or render_widget(*args)
    try:
        strips = [list(strip) for strip in widget.render_lines(crop)]
    finally:
        del cache.render_widget
    assert not calls, f"{widget}: left to Textual's styles cache"
    return strips


def crops(widget: Widget) -> list[Region]:
    width, height = widget.region.size  # a crop is in the widget's whole area, padding included
    return [Region(0, 0, width, height), Region(1, min(1, height - 1), max(1, width - 3), 1)]


@sync
async def test_reader_lists_header_and_status_are_drawn_as_textual_would(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        reader = screen.reader
        reader.select(30, 36)
        await pilot.press("3")  # a span: highlighted text, a row in the list
        await pilot.pause()
        widgets = [reader, reader.vertical_scrollbar, screen.panel, *screen.query(TextLines)]
        assert any(isinstance(w, RowList) for w in widgets) and len(screen.query(TextLines)) == 2
        for filtered in (False, True):  # and through a line filter of the app (NO_COLOR's kind)
            if filtered:
                app._filters.append(Monochrome())
            for widget in widgets:
                assert isinstance(widget, DrawnLines)
                for crop in crops(widget):
                    assert drawn(widget, crop) == through_textual(widget, crop), (widget, crop, filtered)
        # what the fast path does not draw itself is left to Textual, and alike
        status = screen.query_one("#reader-status", TextLines)
        status.styles.padding = (1, 1)
        status.styles.height = 3
        await pilot.pause()
        crop = Region(0, 0, *status.region.size)
        assert [list(s) for s in status.render_lines(crop)] == through_textual(status, crop)


@sync
async def test_what_is_kept_of_the_styles_follows_a_change_of_the_widget_or_an_ancestor(corpus_dir):
    # The padding's style and the choice of path are kept between frames
    # (walking the ancestors cost as much as drawing a line) -- until a
    # style of the widget or of any ancestor changes, however it changes.
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        status = screen.query_one("#reader-status", TextLines)
        panel = screen.panel
        crop = Region(0, 0, *status.region.size)

        def same(widget) -> bool:
            area = Region(0, 0, *widget.region.size)
            return drawn(widget, area) == through_textual(widget, area)

        assert same(status) and same(panel)
        before = drawn(status, crop)
        screen.styles.background = "darkred"  # an ancestor's background, set inline
        await pilot.pause()
        assert same(status) and same(panel) and drawn(status, crop) != before
        status.parent.styles.opacity = 0.5  # an ancestor's opacity: Textual's path again
        await pilot.pause()
        assert [list(s) for s in status.render_lines(crop)] == through_textual(status, crop)
        status.parent.styles.opacity = 1.0
        status.styles.padding = (0, 3)  # the widget's own padding
        await pilot.pause()
        assert same(status)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"  # every style, anew
        await pilot.pause()
        assert same(status) and same(panel)


@sync
async def test_the_kept_size_is_textuals_size_through_resizes_and_style_changes(corpus_dir):
    # kept_size stands for Textual's `size` in the line-API widgets' hot
    # paths, worked out again only when the outer size or a style changes.
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        widgets = [screen.reader, screen.panel, *screen.query(TextLines)]

        def agree(when: str) -> None:
            for widget in widgets:
                assert widget.kept_size == widget.size, (when, widget)

        agree("opened")
        for size in ((80, 24), (61, 19), (140, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            agree(f"resized to {size}")
        for widget in widgets:
            before = widget.kept_size
            widget.styles.padding = (0, 7)  # more than any of them has
            await pilot.pause()
            assert widget.kept_size.width < before.width
            agree(f"padded {widget}")
