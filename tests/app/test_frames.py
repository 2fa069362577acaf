"""A key is drawn in one frame with everything it sets off (tui.frames):
the reader's cursor and the status line its Moved message updates."""

from __future__ import annotations

from textual.widgets import Static

from tests.app.pilot import make, open_reader, sync


def record_frames(app) -> list[str]:
    """The reader screen's status line as it stood at every frame drawn."""
    frames: list[str] = []
    display = app._display

    def recording(screen, renderable):
        if renderable is not None:
            status = screen.query("#reader-status")
            frames.append(str(status.first(Static).content) if status else "")
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
