"""A label key's new span is saved before anything is drawn, and then drawn
from what the screen showed plus the span, without reading the article
back (tui.screens.reader_labels): what the frame shows must be what the
store holds, and a save that fails draws nothing of the span."""

from __future__ import annotations

from tui.widgets.text_lines import TextLines

from annotations.errors import StoreError
from tests.app.pilot import make, open_reader, sync


def record(app, article_id: str) -> list[tuple[int, str]]:
    """Each frame drawn: (spans stored then, the status line it showed)."""
    frames: list[tuple[int, str]] = []
    display = app._display

    def recording(screen, renderable):
        if renderable is not None:
            status = screen.query("#reader-status")
            shown = str(status.first(TextLines).content) if status else ""
            frames.append((len(app.store.spans(article_id)), shown))
        display(screen, renderable)

    app._display = recording
    return frames


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, TextLines).content)


@sync
async def test_the_label_frame_shows_what_the_store_holds(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        article = app.corpus.articles[0]
        screen = await open_reader(app, pilot, article.id)
        reader = screen.reader
        # a span after the cursor first, then one before it: the new span
        # goes first in the list, as the store orders them
        words = [w for w in article.text.split() if len(w) > 3]
        late, early = article.text.index(words[5]), article.text.index(words[1])
        for offset, key in ((late, "1"), (early, "2")):
            reader.move_cursor_to(offset)
            await pilot.press("space")
            await pilot.pause()
            frames = record(app, article.id)
            await pilot.press(key)
            await pilot.pause()
            stored = app.store.spans(article.id)
            assert [(s.id, s.start, s.end, s.label) for s in screen.spans] == [
                (s.id, s.start, s.end, s.label) for s in stored]
            assert frames and all(count == len(stored) for count, _ in frames)
            assert "saved" in frames[-1][1]
        assert screen.spans[0].start == early
        assert screen.status == app.store.status(article.id) and screen.status.value == "in_progress"
        assert "in progress" in _text(screen, "#reader-header")
        panel = screen.panel
        assert [row_id for row_id in panel.row_ids if row_id] == [s.id for s in stored]
        assert [h.start for h in reader._entities] == [s.start for s in stored]
        assert app.session_figures.made == 2 and "session +2 spans" in _text(screen, "#reader-status")


@sync
async def test_a_failed_save_draws_nothing_of_the_span_and_says_why(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        article = app.corpus.articles[0]
        screen = await open_reader(app, pilot, article.id)
        await pilot.press("space")
        await pilot.pause()
        frames = record(app, article.id)

        def failing(*args, **kwargs):
            raise StoreError("cannot write journal.jsonl: No space left on device")

        app.store.add_span = failing
        await pilot.press("1")
        await pilot.pause()
        assert app.store.spans(article.id) == []
        assert screen.spans == [] and screen.reader._entities == []
        assert all("saved" not in status for _, status in frames)
        assert "saved" not in _text(screen, "#reader-status")
        (note,) = [n for n in app._notifications if n.title == "Not saved"]
        assert "No space left on device" in " ".join(note.message.split())
        assert screen.status.value == "todo" and "todo" in _text(screen, "#reader-header")
        assert app.session_figures.made == 0
        # Nothing was lost: the same key saves once the disk takes it.
        del app.store.add_span
        await pilot.press("1")
        await pilot.pause()
        (span,) = app.store.spans(article.id)
        assert [s.id for s in screen.spans] == [span.id]
        assert "saved" in frames[-1][1] and frames[-1][0] == 1
