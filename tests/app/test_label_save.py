"""A label key's new span is saved before anything is drawn, and then drawn
from what the screen showed plus the span, without reading the article
back (tui.screens.reader_labels): what the frame shows must be what the
store holds, and a save that fails draws nothing of the span."""

from __future__ import annotations

from tui.widgets.text_lines import TextLines

from annotations.errors import StoreError
from annotations.store import Store
from tests.app.pilot import at_frames, make, open_reader, sync, word_selected
from tests.unit.test_store_held import FailingArticleWrites


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
        article, screen = await word_selected(app, pilot)
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


def _file_docs(app, article_id: str) -> list[dict]:
    """The spans the article's file on disk holds, as stored there."""
    import json
    from pathlib import Path

    from annotations.store import article_path

    path = Path(article_path(app.store.root / app.store.annotator / "articles", article_id))
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")).get("spans", {}).values())


def _file_span_ids(app, article_id: str) -> list[str]:
    return [doc["id"] for doc in _file_docs(app, article_id)]


def _file_spans(app, article_id: str) -> list[tuple[int, int, str]]:
    return sorted((doc["start"], doc["end"], doc["label"]) for doc in _file_docs(app, article_id))


@sync
async def test_the_article_file_is_written_after_the_label_frame(corpus_dir):
    # The span is saved before its frame (its journal line written: a kill
    # keeps it, as the kill tests check); the line's sync to disk and the
    # article file follow once the frame is out.
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        article, screen = await word_selected(app, pilot)
        journal = app.store.root / app.store.annotator / "journal.jsonl"
        seen = at_frames(app, lambda _: (b'"kind":"add"' in journal.read_bytes(), _file_span_ids(app, article.id)))
        await pilot.press("1")
        await pilot.pause()
        (span,) = screen.spans
        assert seen[0] == (True, [])  # in the journal, not yet in the file
        assert _file_span_ids(app, article.id) == [span.id]


@sync
async def test_delete_undo_and_redo_write_the_article_file_after_their_frame(corpus_dir):
    # As the label key: in the journal before the frame, synced and in the
    # article file after it.
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        article, screen = await word_selected(app, pilot)
        await pilot.press("1")
        await pilot.pause(0.1)
        (span,) = screen.spans
        journal = app.store.root / app.store.annotator / "journal.jsonl"
        for key, act, in_file in (("x", b'"act":"do"', []), ("u", b'"act":"undo"', [span.id]),
                                  ("U", b'"act":"redo"', [])):
            lines = journal.read_bytes().count(b"\n")
            seen = at_frames(app, lambda _: (journal.read_bytes().count(b"\n") - lines,
                                             _file_span_ids(app, article.id)))
            await pilot.press(key)
            await pilot.pause(0.1)
            assert seen[0] == (1, [] if in_file else [span.id]), key  # journaled, the file as it was
            assert act in journal.read_bytes().splitlines()[-1], key
            assert _file_span_ids(app, article.id) == in_file, key


@sync
async def test_relabel_and_resize_write_the_article_file_after_their_frame(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        article, screen = await word_selected(app, pilot)
        await pilot.press("1")
        await pilot.pause(0.1)
        for key in ("2", "right_square_bracket"):
            before = _file_spans(app, article.id)
            seen = at_frames(app, lambda _: _file_spans(app, article.id))
            await pilot.press(key)
            await pilot.pause(0.1)
            stored = sorted((s.start, s.end, s.label) for s in app.store.spans(article.id))
            assert stored != before, key
            assert seen[0] == before, key  # the frame first
            assert _file_spans(app, article.id) == stored, key  # then the file
        assert stored[0][2] == "ORG"


@sync
async def test_the_held_write_waits_a_frame_period_after_the_frame(corpus_dir, monkeypatch):
    # Work left for after a frame waits once the frame is handed over
    # (tui.frames.TERMINAL_TURN): started at once, it took the interpreter
    # from the thread writing the frame and the processor from a terminal
    # on the same machine drawing it.
    import time

    from tui import frames

    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        _, screen = await word_selected(app, pilot)
        written: list[float] = []
        store = screen.store
        real = store.write_held

        def timed() -> None:
            written.append(time.monotonic())
            real()

        monkeypatch.setattr(store, "write_held", timed)
        drawn = at_frames(app, lambda _: time.monotonic())
        await pilot.press("1")
        await pilot.pause(frames.TERMINAL_TURN * 4)
        assert drawn and len(written) == 1
        assert written[0] - drawn[0] >= frames.TERMINAL_TURN * 0.9


@sync
async def test_an_article_file_that_cannot_be_written_loses_nothing_and_says_so(corpus_dir, monkeypatch):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        article, screen = await word_selected(app, pilot)
        failing = FailingArticleWrites(monkeypatch, "No space left on device")
        await pilot.press("1")
        await pilot.pause()
        (span,) = screen.spans
        assert [s.id for s in app.store.spans(article.id)] == [span.id]
        assert "saved" in _text(screen, "#reader-status")
        (note,) = [n for n in app._notifications if n.title == "Article file not written"]
        message = " ".join(note.message.split())
        assert "No space left on device" in message and "saved in the store's journal" in message
        assert _file_span_ids(app, article.id) == []
        failing.on = False
        await pilot.press("u")  # the next edit writes what was held first, then undoes it
        await pilot.pause()
        assert app.store.spans(article.id) == [] and _file_span_ids(app, article.id) == []
    with Store(app.settings.store, app.settings.annotator) as store:
        assert store.recovery == [] and store.spans(article.id) == []


@sync
async def test_a_journal_that_cannot_be_synced_is_said_after_the_frame(corpus_dir, monkeypatch):
    import annotations.store.journal as journal

    app = make(corpus_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        article, screen = await word_selected(app, pilot)
        syncs: list[int] = []
        real_sync = journal.os.fdatasync

        def failing(fd):
            syncs.append(fd)
            raise OSError(5, "Input/output error")

        synced_at_frame = at_frames(app, lambda _: len(syncs))
        monkeypatch.setattr(journal.os, "fdatasync", failing)
        await pilot.press("1")
        await pilot.pause()
        (span,) = screen.spans
        assert synced_at_frame[0] == 0 and syncs  # drawn first, then synced
        (note,) = [n for n in app._notifications if n.title == "Not synced to disk"]
        message = " ".join(note.message.split())
        assert "Input/output error" in message and "power cut" in message
        assert [s.id for s in app.store.spans(article.id)] == [span.id]
        assert _file_span_ids(app, article.id) == []  # no file before its journal line is synced
        monkeypatch.setattr(journal.os, "fdatasync", real_sync)
        await pilot.press("u")  # the next edit syncs and writes what was held, then undoes it
        await pilot.pause()
        assert app.store.spans(article.id) == []
