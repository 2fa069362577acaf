"""The span list beside the reader (tui.widgets.spans_panel): rows made
from the spans, drawn with the line API, and an edit repaints the rows it
changes, not the list."""

from __future__ import annotations

from textual.geometry import Region

from tests.app.pilot import make, open_reader, sync
from tests.app.test_reader import label_word


def recorded_refreshes(panel) -> list[Region]:
    """The regions `panel` is asked to repaint from now on (all of it for a
    refresh without regions)."""
    asked: list[Region] = []
    refresh = panel.refresh

    def recording(*regions, **kwargs):
        asked.extend(regions or [Region(0, 0, panel.size.width, panel.size.height)])
        return refresh(*regions, **kwargs)

    panel.refresh = recording
    return asked


@sync
async def test_a_relabel_repaints_its_row_alone_and_the_cursor_skips_the_count(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(140, 34)) as pilot:
        article_id = app.corpus.articles[0].id
        screen = await open_reader(app, pilot, article_id)
        for word, key in (("سفارة", "3"), ("لندن", "4"), ("المؤتمر", "6")):
            await label_word(pilot, screen, word, key)
        panel = screen.panel
        lines = panel.lines
        assert lines[0].startswith("3 entities") and len(lines) >= 4
        first = app.store.spans(article_id)[0]
        screen.reader.move_cursor_to(first.start)  # the list's highlight follows to its row
        await pilot.pause()
        asked = recorded_refreshes(panel)
        await pilot.press("2")  # relabels the span under the cursor (GPE -> ORG: the columns stay)
        await pilot.pause()
        assert app.store.span(first.id).label == "ORG"
        changed = [i for i, (a, b) in enumerate(zip(lines, panel.lines)) if a != b]
        assert changed == [1] and "ORG" in panel.lines[1]
        assert asked and {region.y for region in asked} == {1 - round(panel.scroll_y)}
        assert all(region.height == 1 for region in asked)
        # the count above the spans is not a row the cursor stops on
        panel.focus()
        await pilot.pause()
        await pilot.press("home")
        await pilot.press("up")
        await pilot.pause()
        assert panel.highlighted == 1 and panel.focused_span().id == app.store.spans(article_id)[0].id


@sync
async def test_a_new_span_repaints_the_rows_it_moves_not_the_list(corpus_dir):
    # The list grows by a row: the count, the new span's row and those
    # after it are drawn again; the rows before it are not.
    app = make(corpus_dir)
    async with app.run_test(size=(140, 34)) as pilot:
        article_id = app.corpus.articles[0].id
        screen = await open_reader(app, pilot, article_id)
        for word, key in (("سفارة", "3"), ("المؤتمر", "6")):
            await label_word(pilot, screen, word, key)
        panel = screen.panel
        before = panel.lines
        asked = recorded_refreshes(panel)
        highlighted = panel.highlighted
        await label_word(pilot, screen, "لندن", "4")
        after = panel.lines
        assert len(after) == len(before) + 1
        moved = {i for i in range(len(after)) if i >= len(before) or before[i] != after[i]}
        assert 0 in moved and 1 not in moved  # the count changed; the first span's row did not
        top = round(panel.scroll_y)
        assert asked and all(region.height == 1 for region in asked)
        # and the list's highlight, which follows the reader's cursor to the new span
        assert {region.y + top for region in asked} == moved | {highlighted, panel.highlighted}
        assert 1 not in {region.y + top for region in asked}
        assert panel.virtual_size.height == len(after)
