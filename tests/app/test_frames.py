"""A key is drawn in one frame with everything it sets off (tui.frames):
the reader's cursor and the status line its Moved message updates."""

from __future__ import annotations

import random
import re

from tui.widgets.reader import Highlight
from tui.widgets.text_lines import TextLines

from tests.app.pilot import at_frames, long_corpus, make, open_reader, sync, word_selected


def record_frames(app) -> list[str]:
    """The reader screen's status line as it stood at every frame drawn."""
    frames: list[str] = []
    display = app._display

    def recording(screen, renderable):
        if renderable is not None:
            status = screen.query("#reader-status")
            frames.append(str(status.first(TextLines).content) if status else "")
        display(screen, renderable)

    app._display = recording
    return frames


@sync
async def test_a_cursor_key_is_one_frame_with_its_status_line(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        reader = screen.reader
        frames = record_frames(app)
        for key in ("left", "left", "down", "shift+left"):
            frames.clear()
            before = reader.cursor
            await pilot.press(key)
            await pilot.pause()
            assert reader.cursor != before
            # One frame, and it already shows the new cursor in the status line.
            assert frames == [frames[0]]
            assert f"cursor {reader.cursor}" in frames[0]


@sync
async def test_rows_are_laid_out_and_sized_before_the_frame_that_draws_them(tmp_path, seeds_dir):
    app = make(long_corpus(tmp_path / "long", seeds_dir, 6))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "long")
        reader = screen.reader
        laid_out_while_drawing: list[int] = []
        sizes_at_frames: list[tuple[int, int]] = []
        render_line = reader.render_line

        def drawing(y):
            before = len(reader.layout._rows)
            strip = render_line(y)
            if len(reader.layout._rows) != before:
                laid_out_while_drawing.append(reader.scroll_offset.y + y)
            return strip

        reader.render_line = drawing
        display = app._display

        def recording(screen, renderable):
            if renderable is not None:
                sizes_at_frames.append((reader.virtual_size.height, reader.layout.estimated_row_count()))
            display(screen, renderable)

        app._display = recording
        for key in ["pagedown"] * 8 + ["down"] * 3 + ["ctrl+end", "ctrl+home", "J", "K"]:
            await pilot.press(key)
            await pilot.pause()
        assert sizes_at_frames
        assert laid_out_while_drawing == []
        # The scrollable height is what the engine knows at every frame.
        assert all(virtual == known for virtual, known in sizes_at_frames)


@sync
async def test_the_next_article_is_one_frame(corpus_dir):
    # Another article changes the row count of the reader and of the span
    # list: their scrollbars move in the same frame, with no layout pass
    # of the screen that a frame of its own would follow.
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        frames = record_frames(app)
        for key, index in (("J", 1), ("J", 2), ("K", 1)):
            frames.clear()
            await pilot.press(key)
            await pilot.pause()
            assert screen.article_id == app.corpus.articles[index].id
            assert len(frames) == 1
            assert f"cursor {screen.reader.cursor}" in frames[0]


@sync
async def test_the_articles_either_side_are_laid_out_while_one_is_read(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        articles = app.corpus.articles
        screen = await open_reader(app, pilot, articles[1].id)
        await pilot.pause(0.3)  # the annotator reads
        reader = screen.reader
        ahead = dict(reader._ahead)
        assert set(ahead) == {articles[0].text, articles[2].text}
        await pilot.press("J")
        await pilot.pause()
        assert screen.article_id == articles[2].id
        assert reader.layout is ahead[articles[2].text]  # no layout on the way
        assert reader.layout.rows(0, reader.size.height)[0].start == 0


@sync
async def test_a_label_reads_the_store_for_the_list_only_once_the_list_is_back(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        article = app.corpus.articles[0]
        screen = await open_reader(app, pilot, article.id)
        counted = []
        span_counts = app.store.span_counts
        app.store.span_counts = lambda: counted.append(1) or span_counts()
        await pilot.press("space", "1")
        await pilot.pause()
        assert len(app.store.spans(article.id)) == 1
        assert counted == []  # not on the way to the label's frame
        await pilot.press("escape")
        await pilot.pause()
        assert screen is not app.screen and counted
        assert app.screen.article_list.spans.get(article.id) == 1


@sync
async def test_a_label_key_is_one_frame_confirmed_on_the_status_line(corpus_dir):
    # The confirmation is drawn with the label, in the same frame: no
    # notification is mounted for it (a toast's layout pass and the frames
    # after it), and the span is stored before that frame.
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        article = app.corpus.articles[0]
        await open_reader(app, pilot, article.id)
        await pilot.press("space")
        await pilot.pause()
        stored_at_frames: list[int] = []
        frames = record_frames(app)
        display = app._display

        def recording(screen_, renderable):
            if renderable is not None:
                stored_at_frames.append(len(app.store.spans(article.id)))
            display(screen_, renderable)

        app._display = recording
        frames.clear()
        await pilot.press("1")
        await pilot.pause()
        (span,) = app.store.spans(article.id)
        assert stored_at_frames == [1]
        assert len(frames) == 1
        assert f"{span.label} “" in frames[0] and "saved" in frames[0]
        assert list(app._notifications) == []
        # The confirmation stays until the cursor moves or another edit.
        await pilot.press("u")
        await pilot.pause()
        assert app.store.spans(article.id) == [] and "saved" not in frames[-1]
        await pilot.press("1")
        await pilot.pause()
        assert "saved" in frames[-1]
        await pilot.press("left")
        await pilot.pause()
        assert "saved" not in frames[-1]


@sync
async def test_delete_undo_redo_and_done_are_one_frame_each_confirmed_on_the_status_line(corpus_dir):
    # Like the label key: no notification is mounted for them (a toast's
    # layout pass cost two more frames and ~15 ms of CPU a key).
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        article = app.corpus.articles[0]
        await open_reader(app, pilot, article.id)
        await pilot.press("space", "1")
        await pilot.pause()
        (span,) = app.store.spans(article.id)
        frames = record_frames(app)
        for key, stored, said in (("x", 0, "deleted "), ("u", 1, "Undone: delete "), ("U", 0, "Redone: delete "),
                                  ("M", 0, "Article marked done")):
            frames.clear()
            await pilot.press(key)
            await pilot.pause()
            assert len(app.store.spans(article.id)) == stored
            assert len(frames) == 1, key
            assert said in frames[0], (key, frames[0])
            assert list(app._notifications) == [], key
        assert app.store.status(article.id).value == "done"


@sync
async def test_a_label_repaints_only_the_rows_under_the_changed_span(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        reader = screen.reader
        reader.move_cursor_to(screen.text.index("العراق") + 1)
        await pilot.press("space")
        await pilot.pause()
        drawn: list[int] = []
        draw_row = reader._draw_row
        reader._draw_row = lambda index: drawn.append(index) or draw_row(index)
        await pilot.press("1")
        await pilot.pause()
        (span,) = screen.spans
        row = reader.layout.locate(span.start)[0]
        assert drawn and set(drawn) <= {row, reader.layout.locate(span.end)[0]}
        # What is drawn is what a fresh drawing of every row shows.
        kept = {index: reader._strips[index] for index in reader._strips}
        reader._strips.clear()
        assert all(list(draw_row(index)) == list(strip) for index, strip in kept.items())
        # A row on screen is repainted even when the drawn rows' cache was
        # emptied (it is, when it grows large) after the row was drawn.
        await pilot.pause()
        reader._strips.clear()
        drawn.clear()
        await pilot.press("2")
        await pilot.pause()
        assert row in drawn and screen.spans[0].label != span.label


def _drawn(output: str) -> str:
    """Terminal output without cursor moves that draw nothing (a move
    followed by another move, a line break between, or last): Textual's compositor writes one for
    a container's strip that starts where a changed place ends."""
    return re.sub(r"\x1b\[\d+;\d+H(?=\r?\n?\x1b\[\d+;\d+H|\r?\n?$)", "", output)


@sync
async def test_a_partial_frame_writes_what_textual_would_from_fewer_widgets(corpus_dir):
    # RegionCompositor renders only the widgets under the changed places;
    # what goes to the terminal draws exactly what Textual's own compositor
    # draws for the same places.
    from textual._compositor import Compositor
    from textual.geometry import Region

    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        await pilot.press("space", "1", "left", "shift+left")
        await pilot.pause()
        compositor = screen._compositor
        rendered: list[str] = []
        for widget in screen.query("*"):
            render_lines = widget.render_lines
            widget.render_lines = (lambda crop, w=widget, r=render_lines:
                                   rendered.append(type(w).__name__) or r(crop))
        places = [
            [Region(0, 4, 80, 1), Region(0, 22, 80, 1)],  # a reader row and the status line
            [Region(3, 2, 10, 2), Region(0, 16, 40, 3), Region(0, 23, 80, 1)],
            [Region(0, 0, 80, 24)],
        ]
        for regions in places:
            sent = []
            for render in (Compositor.render_partial_update, type(compositor).render_partial_update):
                rendered.clear()
                compositor._dirty_regions.update(regions)
                sent.append(_drawn(render(compositor).render_segments(app.console)))
            assert sent[0] == sent[1]
        rendered.clear()
        compositor._dirty_regions.update(places[0])
        compositor.render_partial_update()
        assert "Reader" in rendered and "KeysFooter" not in rendered and "SpansPanel" not in rendered
        assert "Horizontal" not in rendered  # the reader's container, hidden behind it
        # Rows of the span list: its container's padding beside them is not
        # part of the change, so the container is not rendered for them.
        panel = screen.panel.region
        rows = [Region(panel.x, panel.y, panel.width, 2)]
        sent = []
        for render in (Compositor.render_partial_update, type(compositor).render_partial_update):
            rendered.clear()
            compositor._dirty_regions.update(rows)
            sent.append(_drawn(render(compositor).render_segments(app.console)))
        assert sent[0] == sent[1] and "ﺔﻳﺎﻋﺭ" in sent[0]
        assert rendered == ["SpansPanel"]


@sync
async def test_an_edit_shapes_only_the_changed_spans_line_in_the_list(corpus_dir, monkeypatch):
    import tui.widgets.spans_panel as spans_panel

    app = make(corpus_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        text = screen.text
        for word in ("العراق", "لندن"):
            screen.reader.select(text.index(word), text.index(word) + len(word))
            await pilot.press("3")
            await pilot.pause()
        shaped: list[str] = []
        display_line = spans_panel.display_line
        monkeypatch.setattr(spans_panel, "display_line",
                            lambda line, *a, **k: shaped.append(line) or display_line(line, *a, **k))
        word = "المملكة"
        screen.reader.select(text.index(word), text.index(word) + len(word))
        await pilot.press("1")
        await pilot.pause()
        assert shaped == [word]
        lines = screen.panel.lines
        assert len(lines) == 4 and any(word not in line and "GPE" in line for line in lines)
        # J to an article and back lists what a fresh list shows
        await pilot.press("J")
        await pilot.pause()
        await pilot.press("K")
        await pilot.pause()
        assert screen.panel.lines == lines


@sync
async def test_the_reading_position_is_written_after_the_next_articles_frame(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        await pilot.pause(0.7)
        saved_at: list[int] = []
        frames = record_frames(app)
        save = app.save_resume
        app.save_resume = lambda: saved_at.append(len(frames)) or save()
        frames.clear()
        await pilot.press("J", "J")
        await pilot.pause()
        assert saved_at == [] and frames
        await pilot.pause(0.7)
        assert saved_at and saved_at[0] >= 1
        assert app.resume.open_article == screen.article_id == app.corpus.articles[2].id


@sync
async def test_the_article_left_by_j_is_not_laid_out_again_as_a_neighbour(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        articles = app.corpus.articles
        screen = await open_reader(app, pilot, articles[1].id)
        await pilot.pause(0.3)
        reader = screen.reader
        shown = reader.layout
        await pilot.press("J")
        await pilot.pause(0.3)
        assert reader._ahead[articles[1].text] is shown
        await pilot.press("K")
        await pilot.pause()
        assert reader.layout is shown


@sync
async def test_a_held_frame_is_drawn_the_moment_its_hold_ends(corpus_dir):
    """What a key set off is drawn when the hold ends, not some turns of the
    event loop later (an Idle message, then the screen's update timer)."""
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, app.corpus.articles[0].id)
        await pilot.pause()
        frames = record_frames(app)
        hold = app._frame_hold
        release = hold.release
        drawn_in_release: list[int] = []

        def releasing():
            before = len(frames)
            release()
            drawn_in_release.append(len(frames) - before)

        hold.release = releasing
        for key in ("left", "shift+left", "1"):
            frames.clear()
            drawn_in_release.clear()
            await pilot.press(key)
            await pilot.pause()
            assert drawn_in_release[0] == 1, key
            assert len(frames) == 1, key
            assert f"cursor {screen.reader.cursor}" in frames[0]


@sync
async def test_the_rows_under_changed_spans_are_every_kept_row_they_touch(tmp_path, seeds_dir):
    """Found by bisection over the rows kept drawn: the same rows as a look
    at every kept row would find, for spans anywhere, across rows and
    paragraphs, at the text's ends and past what is kept."""
    app = make(long_corpus(tmp_path / "long", seeds_dir, 3))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "long")
        reader = screen.reader
        for _ in range(6):
            await pilot.press("pagedown")
        await pilot.pause()
        layout, text = reader.layout, reader.text
        kept = sorted(set(reader._strips).union(range(round(reader.scroll_y), round(reader.scroll_y) + reader.size.height)))
        assert len(kept) > 60
        invalidated: list[set[int]] = []
        reader._invalidate = lambda rows=None: invalidated.append(set(rows))
        rng = random.Random(7)
        for _ in range(300):
            start = rng.randrange(0, len(text) + 1)
            end = min(len(text), start + rng.choice([0, 1, 5, 40, 300]))
            spans = [Highlight(start, end, "GPE", "entity", "red", False)]
            invalidated.clear()
            reader._invalidate_changed([], spans)
            expected = set()
            for index in kept:
                try:
                    row = layout.row(index)
                except IndexError:
                    continue
                if start < row.end + 1 and row.start < end:
                    expected.add(index)
            assert invalidated == [expected], (start, end)


@sync
async def test_a_key_is_drawn_without_waiting_for_each_widget_to_pass_on_its_repaint(corpus_dir):
    # A repainted widget is nudged (a Prompt message) to go idle and hand its
    # repaint to its screen (an Update message): two turns of the event
    # loop per widget before the frame. The hold hands them over itself, so
    # the label key's frame -- reader, span list, header, status line -- is
    # drawn while their nudges are still queued and before any Update, and
    # the list screen underneath (told of the change) adds no turn either.
    from textual import messages

    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        article, screen = await word_selected(app, pilot)
        queued_at_frames = at_frames(app, lambda _: (
            [type(m).__name__ for m in screen.reader._message_queue.values],
            [type(m).__name__ for m in screen._message_queue.values],
        ))
        await pilot.press("1")
        await pilot.pause()
        assert len(screen.spans) == 1 and len(queued_at_frames) == 1
        reader_queue, screen_queue = queued_at_frames[0]
        assert reader_queue == ["Prompt"]
        assert messages.Update.__name__ not in screen_queue


@sync
async def test_a_label_keys_frame_is_drawn_as_the_app_finishes_handling_the_key(corpus_dir):
    # The label key's action runs while the app handles the key; its frame
    # follows right there, not after the rest of the app's turn of the loop.
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        _, screen = await word_selected(app, pilot)
        inside = [False]
        on_event = app.on_event

        async def watched(event):
            inside[0] = True
            try:
                await on_event(event)
            finally:
                inside[0] = False

        app.on_event = watched
        handling = at_frames(app, lambda _: inside[0])
        await pilot.press("1")
        await pilot.pause()
        assert len(screen.spans) == 1 and handling == [True]


@sync
async def test_a_first_span_shapes_the_header_line_it_changes_not_the_title(corpus_dir, monkeypatch):
    # The first span of an article turns its status to "in progress" on the
    # header's second line; the title above it is not shaped again.
    import tui.screens.reader_lines as reader_lines

    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        article, screen = await word_selected(app, pilot)
        header = screen.query_one("#reader-header", TextLines)
        title_before = header.content.split("\n")[0]
        shaped: list[str] = []
        display_line = reader_lines.display_line
        monkeypatch.setattr(reader_lines, "display_line",
                            lambda line, *a, **k: shaped.append(line) or display_line(line, *a, **k))
        await pilot.press("1")
        await pilot.pause()
        title, meta = header.content.split("\n")
        assert "in progress" in meta and title == title_before
        assert article.title not in shaped and any("in progress" in line for line in shaped)
        await pilot.press("J")  # another article: its title is shaped
        await pilot.pause()
        assert app.corpus.articles[1].title in shaped
