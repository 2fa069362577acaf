"""Spans made this session, and per hour, on the reader's status line."""

from __future__ import annotations

from annotations.store import Store
from tests.app.pilot import make, open_reader, sync
from tests.app.test_reader import corpus_dir, label_word  # noqa: F401  (the fixture)
from tui.session_figures import SessionFigures


def test_made_counts_the_net_change_and_the_rate_waits_a_minute(tmp_path):
    now = [1000.0]
    text = "ذهب الرئيس إلى بكين أمس"
    with Store(tmp_path, "alice") as store:
        store.add_span("old", text, 0, 3, "PER", "entity")  # before the session
        figures = SessionFigures(store, clock=lambda: now[0])
        for start, end in ((4, 10), (11, 14), (15, 19)):
            store.add_span("a", text, start, end, "PER", "entity")
        figures.refresh()
        assert figures.made == 3 and figures.per_hour() is None
        assert figures.text() == "session +3 spans (–/h)"
        now[0] += 30 * 60
        assert figures.per_hour() == 6.0
        store.undo()
        figures.refresh()
        assert figures.text() == "session +2 spans (4/h)"


@sync
async def test_the_status_line_shows_this_sessions_spans(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        assert "session +0 spans" in str(screen.query_one("#reader-status").content)
        await label_word(pilot, screen, "سفارة", "2")
        await label_word(pilot, screen, "لندن", "3")
        assert "session +2 spans (–/h)" in str(screen.query_one("#reader-status").content)
