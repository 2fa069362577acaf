"""The reader's header and status line (tui.widgets.text_lines): data drawn
with its controls as markers, cut or padded to the width, and only the rows
whose text changed drawn again."""

from __future__ import annotations

from textual.app import App
from textual.geometry import Region

from tests.app.pilot import sync
from tui.sanitize import BIDI_MARKERS
from tui.widgets.text_lines import TextLines


class Lines(App):
    CSS = "TextLines { height: 2; padding: 0 1; }"

    def compose(self):
        yield TextLines("first\nsecond", id="lines")


def drawn(widget: TextLines) -> list[str]:
    width, height = widget.outer_size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


@sync
async def test_lines_are_escaped_cut_and_padded_to_the_width():
    app = Lines()
    async with app.run_test(size=(20, 4)) as pilot:
        lines = app.query_one(TextLines)
        await pilot.pause()
        assert drawn(lines) == [" first" + " " * 14, " second" + " " * 13]
        lines.update("a\x1b[2Jb [b]bold[/b]\u202e\nالعراق " + "x" * 40)
        await pilot.pause()
        first, second = drawn(lines)
        marker = BIDI_MARKERS["\u202e"]
        # the markup is text; the escape and the override are markers; 18 columns between the padding
        assert first == " a\u241b[2Jb [b]bold[/b] "  # the marker after them is cut
        assert "\x1b" not in lines.content and "\u202e" not in lines.content
        assert lines.content.split("\n")[0] == "a\u241b[2Jb [b]bold[/b]" + marker
        assert second == " العراق " + "x" * 11 + " "
        assert lines.content.split("\n")[1] == "العراق " + "x" * 40


@sync
async def test_only_the_rows_that_change_are_drawn_again():
    app = Lines()
    async with app.run_test(size=(20, 4)) as pilot:
        lines = app.query_one(TextLines)
        await pilot.pause()
        asked: list[Region | None] = []
        refresh = lines.refresh

        def recording(*regions, **kwargs):
            asked.extend(regions or [None])
            return refresh(*regions, **kwargs)

        lines.refresh = recording
        lines.update("first\nsecond")
        assert asked == []  # the same text: nothing to draw
        lines.update("first\nthird")
        assert asked == [Region(0, 1, 18, 1)]
        await pilot.pause()
        assert drawn(lines)[1].startswith(" third ")
