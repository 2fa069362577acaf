"""The Reader widget alone: what each cell is drawn with, and the cursor map."""

from __future__ import annotations

from contextlib import asynccontextmanager

from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.app import App

from tests.app.pilot import sync
from tui.widgets.reader import Highlight, Reader, contrast_colour, _contrast, _luminance

TEXT = "زار وفد من وزارة الصحة العراق ولندن.\nThe NHS met them."


class ReaderApp(App):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self):
        yield Reader(self.text)


@asynccontextmanager
async def reader_of(text: str, size: tuple[int, int] = (60, 10)):
    """A Reader showing `text` alone in an app, and the app's pilot."""
    app = ReaderApp(text)
    async with app.run_test(size=size) as pilot:
        yield app.query_one(Reader), pilot


def cell_styles(reader: Reader, offset: int):
    """The styles of the segments drawn for the cell showing `offset`."""
    row, column = reader.layout.locate(offset)
    strip = reader.render_line(row - round(reader.scroll_y))
    position = 0
    for segment in strip:
        width = segment.cell_length
        if position <= column < position + max(width, 1) and width:
            return segment.style
        position += width
    raise AssertionError(f"no segment at column {column}")


@sync
async def test_entity_theme_stale_match_selection_cursor_styles():
    async with reader_of(TEXT) as (reader, pilot):
        iraq = TEXT.index("العراق")
        ministry = TEXT.index("وزارة")
        nhs = TEXT.index("NHS")
        reader.set_highlights(
            [
                Highlight(iraq, iraq + 6, "GPE", "entity", "#2ec27e"),
                Highlight(ministry, iraq + 6, "health", "theme", "#f9f06b"),
                Highlight(nhs, nhs + 3, "ORG", "entity", "#3584e4", stale=True),
            ]
        )
        await pilot.pause()
        entity = cell_styles(reader, iraq + 2)
        assert entity.bgcolor == RichColor.parse("#2ec27e")
        assert entity.color == RichColor.parse(contrast_colour("#2ec27e"))
        assert entity.underline  # the theme over it still shows
        theme_only = cell_styles(reader, ministry + 1)
        assert theme_only.underline and theme_only.color == RichColor.parse("#f9f06b")
        assert theme_only.bgcolor != RichColor.parse("#2ec27e")
        stale = cell_styles(reader, nhs + 1)
        assert stale.strike
        plain = cell_styles(reader, TEXT.index("them") + 1)
        assert not plain.underline and not plain.strike and plain.bgcolor != RichColor.parse("#2ec27e")

        reader.set_matches([(TEXT.index("ولندن") + 1, TEXT.index("ولندن") + 5)])
        await pilot.pause()
        assert cell_styles(reader, TEXT.index("ولندن") + 2).bgcolor == RichColor.parse("bright_yellow")

        reader.select(ministry, ministry + 5)
        await pilot.pause()
        assert cell_styles(reader, ministry + 1).bgcolor == RichColor.parse("bright_cyan")
        # the cursor (at the selection end) is drawn reversed
        assert cell_styles(reader, reader.cursor).reverse


@sync
async def test_a_selection_on_a_row_with_nothing_else_colours_exactly_its_cells():
    # Such a row takes the quick path (no span or match over it): the
    # selection is drawn there too, cell by cell as everywhere else.
    text = "وزارة الصحة العراق\nThe NHS met them."
    async with reader_of(text) as (reader, pilot):
        for start, end in ((text.index("الصحة"), text.index("الصحة") + 5), (text.index("NHS"), text.index("them"))):
            reader.select(start, end)
            await pilot.pause()
            row = reader.layout.locate(start)[0]
            for offset in range(reader.layout.row(row).start, reader.layout.row(row).end):
                if text[offset] in " \n" or offset == reader.cursor:
                    continue
                selected = cell_styles(reader, offset).bgcolor == RichColor.parse("bright_cyan")
                assert selected == (start <= offset < end), (offset, text[offset])
            assert cell_styles(reader, reader.cursor).reverse


class RestyledReaderApp(ReaderApp):
    """An app that restyles the reader through its component classes."""

    CSS = """
    Reader > .reader--selection { color: ansi_white; background: ansi_blue; }
    Reader > .reader--match { background: #123456; }
    Reader > .reader--stale { text-style: underline; }
    """


@sync
async def test_the_readers_colours_are_component_classes_an_app_can_restyle():
    nhs, london, ministry = (TEXT.index(word) for word in ("NHS", "ولندن", "وزارة"))
    app = RestyledReaderApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        reader = app.query_one(Reader)
        reader.set_highlights([Highlight(nhs, nhs + 3, "ORG", "entity", "#3584e4", stale=True)])
        reader.set_matches([(london + 1, london + 5)])
        reader.select(ministry, ministry + 5)
        await pilot.pause()
        selected = cell_styles(reader, ministry + 1)
        assert selected.bgcolor == RichColor.parse("blue") and selected.color == RichColor.parse("white")
        assert cell_styles(reader, london + 2).bgcolor == RichColor.parse("#123456")
        stale = cell_styles(reader, nhs + 1)
        assert stale.underline and not stale.strike
        assert cell_styles(reader, reader.cursor).reverse  # what the app left alone is the default


@sync
async def test_layouts_of_recent_widths_are_kept_the_least_recently_used_dropped():
    app = ReaderApp(TEXT * 20)
    async with app.run_test(size=(60, 10)) as pilot:
        reader = app.query_one(Reader)
        seen = {}
        for columns in (60, 50, 60, 40, 30, 20):  # 60 is used again before the others
            await pilot.resize_terminal(columns, 10)
            await pilot.pause()
            layout = reader.layout
            assert seen.setdefault(columns, layout) is layout  # a width seen before is not laid out again
            assert reader.render_line(0).cell_length == reader.size.width
        await pilot.resize_terminal(60, 10)
        await pilot.pause()
        assert reader.layout is seen[60]
        await pilot.resize_terminal(50, 10)
        await pilot.pause()
        assert reader.layout is not seen[50]  # four widths were used since
        assert reader.layout.options.width == seen[50].options.width


@sync
async def test_cursor_drawn_at_end_of_text_and_on_blank_rows():
    text = "سطر أول\n\nسطر"
    app = ReaderApp(text)
    async with app.run_test(size=(30, 8)) as pilot:
        reader = app.query_one(Reader)
        for offset in (len(text), text.index("\n") + 1):
            reader.move_cursor_to(offset)
            await pilot.pause()
            row, column = reader.layout.locate(offset)
            strip = reader.render_line(row)
            position = 0
            found = False
            for segment in strip:
                if position == column and segment.style is not None and segment.style.reverse:
                    found = True
                position += segment.cell_length
            assert found, f"no cursor drawn for offset {offset}"


@sync
async def test_every_cursor_place_reached_by_left_in_rtl_text():
    """Left walks an RTL paragraph forward through every cell, ending at the text end."""
    text = "لا إله إلا الله، قالَ (2025) NHS."
    app = ReaderApp(text)
    async with app.run_test(size=(20, 8)) as pilot:
        reader = app.query_one(Reader)
        seen = [reader.cursor]
        for _ in range(80):
            await pilot.press("left")
            if reader.cursor == seen[-1]:
                break
            seen.append(reader.cursor)
        starts = {cell.start for row in reader.layout.rows(0, 20) for cell in row.cells}
        assert starts <= set(seen)
        assert seen[-1] == len(text)
        # Right walks back to the start
        for _ in range(80):
            await pilot.press("right")
        assert reader.cursor == 0


def test_label_text_colour_contrasts_in_truecolor_and_16_colours():
    for colour in ("#e5a50a", "#3584e4", "#2ec27e", "#c061cb", "#f9f06b", "blue", "yellow"):
        fg = contrast_colour(colour)
        fg_lum = _luminance(*RichColor.parse(fg).get_truecolor())
        for bg in (RichColor.parse(colour), RichColor.parse(colour).downgrade(ColorSystem.STANDARD)):
            assert _contrast(_luminance(*bg.get_truecolor()), fg_lum) >= 2.5, (colour, fg)


PIECES = ["العراق", "والصين", "لا", "قالَ", "NHS", "London", "2025", "(٣)", "«", "»", "،", "ـ", "  ", " ", "e.g.", "١٤٫٥"]


@sync
async def test_walking_in_reading_direction_visits_every_cell_once():
    """For random one-paragraph texts at random widths: pressing the key that
    reads forward (Left in RTL, Right in LTR) from the first cell read stops on
    every cell exactly once and ends at the end of the text; the opposite key
    walks back to that first cell."""
    import random

    rng = random.Random(20250614)
    app = ReaderApp("")
    async with app.run_test(size=(40, 12)) as pilot:
        reader = app.query_one(Reader)
        for _ in range(40):
            words = [rng.choice(PIECES) for _ in range(rng.randint(1, 14))]
            text = " ".join(words).strip() or "نص"
            reader.set_text(text)
            await pilot.pause()
            layout = reader.layout
            rtl = layout.row(0).rtl
            forward, back = ("left", "right") if rtl else ("right", "left")
            expected = []
            for row in layout.rows(0, layout.row_count):
                cells = [cell.start for cell in row.cells]
                expected.extend(reversed(cells) if rtl else cells)
            # Start on the cell read first: the rightmost in RTL (a number that
            # opens an RTL paragraph is drawn left to right inside it).
            first = layout.row(0).cells[-1 if rtl else 0].start
            reader.move_cursor_to(first)
            seen = [reader.cursor]
            for _ in range(len(text) + 5):
                reader.action_cursor_left() if forward == "left" else reader.action_cursor_right()
                if reader.cursor == seen[-1]:
                    break
                seen.append(reader.cursor)
            assert seen[-1] == len(text), (text, seen)
            assert sorted(set(seen[:-1])) == sorted(set(expected)), text
            assert len(seen[:-1]) == len(set(seen[:-1])), f"a cell was visited twice in {text!r}"
            for _ in range(len(text) + 5):
                reader.action_cursor_right() if back == "right" else reader.action_cursor_left()
            assert reader.cursor == first, text


@sync
async def test_drag_between_any_two_cells_selects_exactly_their_logical_hull():
    """Random texts, random pairs of on-screen cells: a drag from one to the
    other selects [min start, max end) of the two, whatever the visual order."""
    import random

    rng = random.Random(1405)
    app = ReaderApp("")
    async with app.run_test(size=(36, 12)) as pilot:
        reader = app.query_one(Reader)
        for _ in range(8):
            text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(2, 12))).strip() or "نص"
            reader.set_text(text)
            await pilot.pause()
            layout = reader.layout
            cells = []
            for index, row in enumerate(layout.rows(0, layout.row_count)):
                column = row.indent
                for cell in row.cells:
                    cells.append((index, column, cell))
                    column += cell.width
            for _ in range(4):
                (r1, c1, a), (r2, c2, b) = rng.choice(cells), rng.choice(cells)
                await pilot.mouse_down(reader, offset=(c1, r1))
                await pilot.hover(reader, offset=(c2, r2))
                await pilot.mouse_up(reader, offset=(c2, r2))
                await pilot.pause()
                if a == b:
                    assert reader.cursor == a.start and reader.selection is None
                else:
                    expected = (min(a.start, b.start), max(a.end, b.end))
                    assert reader.selection == expected, (text, a, b)


@sync
async def test_cells_of_one_style_are_drawn_as_one_segment():
    # Each segment costs a style sequence on the terminal and a pass through
    # Textual's line filters: a row is as many segments as it has style runs.
    async with reader_of(TEXT) as (reader, pilot):
        iraq = TEXT.index("العراق")
        reader.set_highlights([Highlight(iraq, iraq + 6, "GPE", "entity", "#2ec27e")])
        reader.move_cursor_to(TEXT.index("\n") + 1)  # the cursor on the second row
        await pilot.pause()
        drawn = [segment for segment in reader.render_line(0) if segment.text.strip()]
        # The text one side of the entity, the entity, the text the other side.
        assert len(drawn) == 3
        assert [segment.style.bgcolor == RichColor.parse("#2ec27e") for segment in drawn] == [
            False, True, False]
        assert "".join(segment.text for segment in drawn).count(" ") >= 4


@sync
async def test_cells_between_the_same_highlight_ends_are_drawn_as_cell_by_cell(monkeypatch):
    # A row with highlights works out a style once for each stretch between
    # two ends of highlights (or of the selection) and shares it with every
    # cell there; drawn cell by cell instead (no stretch is ever shared),
    # every row must come out the same, over ligatures, harakat and cells
    # that a highlight's end falls inside.
    import random

    from tui.widgets import reader_draw

    text = ("لا إِلَهَ وَالصِّينُ لأن الأمم المتحدة قالت: «السلامُ» 2024 في لبنان.\n"
            "The NHS met them ولكن لا؛ ثم قالوا لاحقاً الله أكبر.")
    kinds = [("entity", "#2ec27e"), ("entity", "#3584e4"), ("theme", "#f9f06b"), ("theme", "#c061cb")]
    rng = random.Random(7)

    def some(count: int) -> list[tuple[int, int]]:
        found = []
        for _ in range(count):
            start = rng.randrange(len(text))
            found.append((start, min(len(text), start + rng.randint(1, 12))))
        return found

    def drawn(reader) -> list[list[tuple[str, object]]]:
        reader._strips.clear()
        return [[(segment.text, segment.style) for segment in reader._draw_row(index)]
                for index in range(reader.layout.row_count)]

    async with reader_of(text, size=(40, 12)) as (reader, pilot):
        for _ in range(25):
            highlights = []
            for start, end in some(rng.randint(1, 6)):
                kind, colour = rng.choice(kinds)
                highlights.append(Highlight(start, end, "X", kind, colour, stale=rng.random() < 0.2))
            reader.set_highlights(highlights)
            reader.set_suggestions([Highlight(s, e, "S", "entity", "#ff7800") for s, e in some(rng.randint(0, 2))])
            reader.set_others([Highlight(s, e, "O", "entity", "#99c1f1") for s, e in some(rng.randint(0, 2))])
            matches = some(rng.randint(0, 3))
            reader.set_matches(matches, rng.choice(matches) if matches else None)
            start, end = sorted(rng.sample(range(len(text) + 1), 2))
            reader.select(start, end) if rng.random() < 0.7 else reader.move_cursor_to(start)
            await pilot.pause()
            shared = drawn(reader)
            with monkeypatch.context() as patched:
                patched.setattr(reader_draw, "_stretch", lambda *_: None)
                alone = drawn(reader)
            assert shared == alone
            assert any(len(row) > 2 for row in shared)  # the rows do carry highlights
