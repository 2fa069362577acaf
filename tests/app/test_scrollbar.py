"""The reader's scrollbar, drawn a row at a time (tui.widgets.scroll_area
RowScrollBar), shows exactly what Textual's ScrollBar draws, in every state."""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Offset, Region
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from tests.app.pilot import long_corpus, make, open_reader, sync
from tui.widgets.scroll_area import RowScrollBar


def textual_rows(bar: ScrollBar) -> list[list[Segment]]:
    bar._render_content()  # Textual's own drawing, made afresh for the bar as it stands
    return [list(ScrollBar.render_line(bar, y)) for y in range(bar.size.height)]


def our_rows(bar: ScrollBar) -> list[list[Segment]]:
    return [list(bar.render_line(y)) for y in range(bar.size.height)]


def drawn_alike(bar: ScrollBar) -> bool:
    """What the compositor gets from the bar, ours and through Textual's
    styles cache (whole, and a part of it)."""
    for crop in (Region(0, 0, *bar.size), Region(0, 2, bar.size.width, 4)):
        bar._styles_cache.clear()
        if [list(s) for s in bar.render_lines(crop)] != [list(s) for s in Widget.render_lines(bar, crop)]:
            return False
    return True


@sync
async def test_the_reader_scrollbar_draws_what_textual_draws(tmp_path, seeds_dir):
    app = make(long_corpus(tmp_path / "long", seeds_dir, 3))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "long")
        reader = screen.reader
        bar = reader.vertical_scrollbar
        assert isinstance(bar, RowScrollBar)
        seen = set()
        for key in ("pagedown", "pagedown", "ctrl+end", "ctrl+home"):
            await pilot.press(key)
            await pilot.pause()
            ours = our_rows(bar)
            assert ours == textual_rows(bar), key
            assert drawn_alike(bar), key
            seen.add(tuple(tuple(row) for row in ours))
        assert len(seen) >= 3  # the thumb moved: more than one drawing compared
        normal = our_rows(bar)
        bar.mouse_over = True
        await pilot.pause()
        assert our_rows(bar) == textual_rows(bar) != normal  # the hover colours
        assert drawn_alike(bar)
        bar.grabbed = Offset(0, 1)
        await pilot.pause()
        assert our_rows(bar) == textual_rows(bar) != normal  # the dragged colours
        assert drawn_alike(bar)
        bar.styles.tint = "red 50%"  # what the fast path leaves to Textual
        await pilot.pause()
        assert drawn_alike(bar)
