"""Resume: an article reopens at its cursor and scroll; a restart comes
back to the list's article and can reopen the one that was open."""

from __future__ import annotations

import json

from annotations.settings import config_dir
from tests.app.pilot import make, open_reader, sync
from tests.app.test_reader import corpus_dir  # noqa: F401  (the fixture)
from tui.resume import Resume, resume_path
from tui.screens.reader import ReaderScreen

LONG = "مقال طويل\n\n" + "\n\n".join(f"الفقرة رقم {n}: نص عن التعاون الصحي بين العراق والمغرب." for n in range(80))


@sync
async def test_an_article_reopens_where_it_was_left_and_a_restart_returns_to_it(corpus_dir):
    (corpus_dir / "e_long.txt").write_text(LONG, encoding="utf-8")
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "e_long")
        target = LONG.index("الفقرة رقم 60")
        screen.reader.move_cursor_to(target)
        await pilot.pause()
        top = round(screen.reader.scroll_y)
        assert top > 0
        # another article and back: the cursor and scroll come back
        await pilot.press("K")
        await pilot.pause()
        assert screen.article_id != "e_long"
        screen.load_article("e_long")
        await pilot.pause()
        await pilot.pause()
        assert screen.reader.cursor == target
        assert round(screen.reader.scroll_y) == top
        screen.reader.move_cursor_to(target + 5)
        await pilot.pause()
    # the app closed with e_long open: written where the prefs live
    path = app.resume.path
    assert path == resume_path(str(corpus_dir.resolve()), app.settings.annotator)
    assert path.parent.parent == config_dir()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["open_article"] == "e_long" and saved["positions"]["e_long"][0] == target + 5
    assert not list(path.parent.glob("*.tmp"))

    app = make(corpus_dir)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        listing = app.screen.article_list
        assert listing.current.id == "e_long"
        assert any("o reopens" in n.message for n in app._notifications)
        await pilot.press("o")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen) and screen.article_id == "e_long"
        assert screen.reader.cursor == target + 5
        await pilot.press("q")
        await pilot.pause()
    # closed from the list: nothing left open to offer
    assert Resume.load(str(corpus_dir.resolve()), app.settings.annotator).open_article is None


def test_a_damaged_resume_file_is_ignored(tmp_path):
    path = resume_path("corpus", "alice", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    resume = Resume.load("corpus", "alice", tmp_path)
    assert resume.positions == {} and resume.open_article is None
    resume.remember("a", 10, 3)
    assert resume.save() is None
    assert Resume.load("corpus", "alice", tmp_path).position("a") == (10, 3)
    assert Resume.load("corpus", "bob", tmp_path).position("a") is None
