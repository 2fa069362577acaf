"""RowList alone: the highlight and the scrolling that follows it."""

from __future__ import annotations

from textual.app import App

from tests.app.pilot import sync
from tui.widgets.row_list import RowList


class RowsApp(App):
    def compose(self):
        yield RowList(id="rows")


@sync
async def test_the_highlight_scrolls_into_view_only_from_off_screen(monkeypatch):
    # A row on screen is highlighted where it is (Textual's scroll_to_region
    # is not asked: it cost a label key a tenth of a millisecond for a
    # row already shown); a row off screen is scrolled to.
    app = RowsApp()
    async with app.run_test(size=(40, 8)) as pilot:
        rows = app.query_one(RowList)
        rows.set_rows([f"row {index}" for index in range(50)])
        await pilot.pause()
        asked: list = []
        real = rows.scroll_to_region
        monkeypatch.setattr(rows, "scroll_to_region", lambda *a, **k: (asked.append(a[0]), real(*a, **k))[1])
        height = rows.size.height
        assert height and rows.scroll_y == 0
        rows.highlighted = height - 1  # the last row shown
        await pilot.pause()
        assert rows.scroll_y == 0 and asked == []
        rows.highlighted = 30
        await pilot.pause()
        assert [region.y for region in asked] == [30]
        top = int(rows.scroll_y)
        assert top <= 30 < top + height
        rows.highlighted = top  # the first row shown: nothing moves
        await pilot.pause()
        assert int(rows.scroll_y) == top and len(asked) == 1
        rows.highlighted = 2
        await pilot.pause()
        assert int(rows.scroll_y) == 2 and len(asked) == 2
