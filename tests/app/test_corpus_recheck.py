"""A corpus reopened from its index is listed at once and every file is
checked after the list is up: a file changed in place since the index was
written shows its new title (or its new problem) once the check has run."""

from __future__ import annotations

import asyncio
import os

from textual.geometry import Region

from annotations.corpus import open_corpus
from annotations.settings import Settings
from tui.app import make_app
from tui.corpus_index import index_path, open_corpus_indexed, open_corpus_unchecked
from tui.screens.problems import ProblemsScreen

from .corpora import rewrite_in_place, summary

SIZE = (110, 30)


def test_without_an_index_the_corpus_is_opened_fully(corpus_dir):
    corpus, check = open_corpus_unchecked(corpus_dir)
    assert summary(corpus) == summary(open_corpus(corpus_dir))
    # what is left is writing the index, which changes nothing in the corpus
    assert not index_path(corpus_dir).exists()
    assert check is not None and check() is None
    assert index_path(corpus_dir).exists()
    again, check = open_corpus_unchecked(corpus_dir)
    assert summary(again) == summary(corpus)
    assert check is not None and check() is None


def test_the_check_finds_a_file_changed_in_place(corpus_dir):
    open_corpus_indexed(corpus_dir)
    corpus, check = open_corpus_unchecked(corpus_dir)
    assert check is not None and check() is None  # nothing changed
    target = sorted(corpus_dir.glob("*.txt"))[1]
    rewrite_in_place(target, "عنوان آخر\n\nنص.")
    corpus, check = open_corpus_unchecked(corpus_dir)
    assert {a.id: a.title for a in corpus.articles}[target.stem] != "عنوان آخر"  # from the index
    fresh = check()
    assert fresh is not None
    assert {a.id: a.title for a in fresh.articles}[target.stem] == "عنوان آخر"
    assert summary(fresh) == summary(open_corpus(corpus_dir))
    # the index was rewritten: the next open needs nothing more
    _again, check = open_corpus_unchecked(corpus_dir)
    assert check is not None and check() is None


def test_a_new_or_removed_file_is_seen_before_listing(corpus_dir):
    open_corpus_indexed(corpus_dir)
    (corpus_dir / "extra.txt").write_text("مقال إضافي\n", encoding="utf-8")
    corpus, check = open_corpus_unchecked(corpus_dir)
    assert "extra" in corpus  # the folder was read again, not the index
    assert check is not None and check() is None  # only the index is left to write
    (corpus_dir / "extra.txt").unlink()
    corpus, check = open_corpus_unchecked(corpus_dir)
    assert "extra" not in corpus
    assert check is not None and check() is None


def list_text(listing) -> str:
    width, height = listing.size
    return "\n".join(strip.text for strip in listing.render_lines(Region(0, 0, width, height)))


def test_the_app_shows_the_checked_titles(corpus_dir):
    open_corpus_indexed(corpus_dir)
    target = sorted(corpus_dir.glob("*.txt"))[0]
    rewrite_in_place(target, "Changed title in place\n\nBody.")

    async def scenario():
        app = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual"))
        assert app.corpus_check is not None
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            listing = app.screen.article_list
            assert app.corpus_check is None
            assert listing.rows is app.corpus.articles
            assert app.corpus.get(target.stem).title == "Changed title in place"
            assert "Changed title in place" in list_text(listing)
            assert listing.cursor == 0
            await pilot.press("down")
            assert listing.cursor == 1

    asyncio.run(scenario())


def test_a_file_that_became_unusable_is_reported_after_the_check(corpus_dir):
    open_corpus_indexed(corpus_dir)
    target = sorted(corpus_dir.glob("*.txt"))[2]
    stat = target.stat()
    target.write_bytes(b"")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    async def scenario():
        app = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert target.stem not in app.corpus
            assert [p.name for p in app.corpus.problems] == [target.name]
            assert isinstance(app.screen, ProblemsScreen)
            assert len(app.screen_stack[0].article_list.rows) == 4

    asyncio.run(scenario())


def test_the_first_start_writes_the_index_after_the_list_is_up(corpus_dir):
    async def scenario():
        app = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual"))
        assert not index_path(corpus_dir).exists()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert index_path(corpus_dir).exists()
            assert app.corpus_check is None
            assert len(app.screen.article_list.rows) == 5

    asyncio.run(scenario())
    corpus, check = open_corpus_unchecked(corpus_dir)
    assert summary(corpus) == summary(open_corpus(corpus_dir))
    assert check is not None and check() is None


def test_an_unreadable_folder_during_the_check_is_one_message(corpus_dir, monkeypatch):
    import annotations.corpus as corpus_module

    open_corpus_indexed(corpus_dir)
    rewrite_in_place(sorted(corpus_dir.glob("*.txt"))[0], "عنوان\n")

    def refuse(path, stats=None):
        raise PermissionError(13, "Permission denied")

    async def scenario():
        app = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual"))
        monkeypatch.setattr(corpus_module, "open_folder", refuse)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            messages = [n.message for n in app._notifications]
            assert any("cannot read" in m and "Permission denied" in m for m in messages), messages
            assert len(app.screen.article_list.rows) == 5  # the list from the index stays

    asyncio.run(scenario())
