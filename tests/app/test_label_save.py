"""A new span is drawn while the store saves it, in a thread of its own
(tui.screens.reader_labels): nothing reaches the terminal until the save
has returned, and a save that fails is taken back before any frame shows
it."""

from __future__ import annotations

import threading
import time

from textual.widgets import Static

from annotations.errors import StoreError
from tests.app.pilot import make, open_reader, sync


def record(app, article_id: str) -> list[tuple[int, str]]:
    """Each frame drawn: (spans stored then, the status line it showed)."""
    frames: list[tuple[int, str]] = []
    display = app._display

    def recording(screen, renderable):
        if renderable is not None:
            status = screen.query("#reader-status")
            shown = str(status.first(Static).content) if status else ""
            frames.append((len(app.store.spans(article_id)), shown))
        display(screen, renderable)

    app._display = recording
    return frames


@sync
async def test_no_frame_is_drawn_until_the_span_is_saved(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        article = app.corpus.articles[0]
        screen = await open_reader(app, pilot, article.id)
        await pilot.press("space")
        await pilot.pause()
        frames = record(app, article.id)
        add_span = app.store.add_span
        during: list[tuple[int, bool, str]] = []

        def slow(*args, **kwargs):
            # the screen meanwhile updated as if stored, and waits
            time.sleep(0.3)
            during.append((len(frames), app.frame_hold.holding,
                           str(screen.query_one("#reader-status", Static).content)))
            return add_span(*args, **kwargs)

        app.store.add_span = slow
        await pilot.press("1")
        await pilot.pause()
        (span,) = app.store.spans(article.id)
        assert threading.current_thread() is threading.main_thread()
        # Drawn already (not yet on the terminal) while the save ran...
        assert during == [(0, True, during[0][2])] and "saved" in during[0][2]
        # ... and on the terminal in one frame, once stored.
        assert len(frames) == 1
        stored, status = frames[0]
        assert stored == 1 and f"{span.label} “" in status and "saved" in status
        assert [s.id for s in screen.spans] == [span.id]


@sync
async def test_a_failed_save_is_taken_back_before_any_frame_shows_it(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        article = app.corpus.articles[0]
        screen = await open_reader(app, pilot, article.id)
        await pilot.press("space")
        await pilot.pause()
        selection = screen.reader.selection
        frames = record(app, article.id)
        drawn: list[int] = []

        def failing(*args, **kwargs):
            time.sleep(0.2)
            drawn.append(len(screen.reader._entities))  # drawn meanwhile, as if stored
            raise StoreError("cannot write journal.jsonl: No space left on device")

        app.store.add_span = failing
        await pilot.press("1")
        await pilot.pause()
        assert drawn == [1]
        assert app.store.spans(article.id) == []
        assert screen.spans == [] and screen.reader._entities == []
        assert frames and all(stored == 0 and "saved" not in status for stored, status in frames)
        assert "saved" not in str(screen.query_one("#reader-status", Static).content)
        (note,) = [n for n in app._notifications if n.title == "Not saved"]
        assert "No space left on device" in " ".join(note.message.split())
        assert screen.status.value == "todo" and "todo" in str(screen.query_one("#reader-header", Static).content)
        # Nothing was lost: the same key saves once the disk takes it.
        del app.store.add_span
        screen.reader.select(*selection)
        await pilot.press("1")
        await pilot.pause()
        (span,) = app.store.spans(article.id)
        assert [s.id for s in screen.spans] == [span.id]
        assert "saved" in frames[-1][1] and frames[-1][0] == 1
