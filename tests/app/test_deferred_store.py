"""The article list is drawn from the store's summary, and the store itself
is opened only when first needed (tui.deferred_store): until then the app
holds the annotator's lock, so a second session is still refused, and
nothing the list shows (counts, statuses, progress, stale and flagged
articles) needs the store open."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from annotations.corpus import open_corpus
from annotations.errors import StoreLockedError
from annotations.model import ARTICLE, Status
from annotations.settings import Settings
from annotations.store import Store, open_for_reading
from tui import corpus_index, deferred_store
from tui.app import make_app, run_app
from tui.cli import main as cli_main
from tui.deferred_store import DeferredStore
from tui.screens.articles import ArticlesScreen
from tui.screens.reader import ReaderScreen

from .pilot import settled

SIZE = (110, 30)


def store_root() -> Path:
    return Path(os.environ["HASHIYA_STORE"])


def prepare(corpus_dir: Path) -> list[str]:
    """The tester's store: two spans in the first article (done), the second
    flagged for review, the third annotated on a text changed since (stale).
    The article ids, in order."""
    corpus = open_corpus(corpus_dir)
    ids = [article.id for article in corpus.articles]
    with Store(store_root(), "tester") as store:
        for article_id in ids[:3]:
            text = corpus[article_id].text
            start = text.index(" ") + 1
            store.add_span(article_id, text, start, start + 3, "PER", "entity")
        text = corpus[ids[0]].text
        store.add_span(ids[0], text, 0, 2, "ORG", "entity")
        store.set_status(ids[0], Status.DONE)
        store.set_note(ids[1], ARTICLE, flagged=True, article_text=corpus[ids[1]].text)
    stale = corpus_dir / f"{ids[2]}.txt"
    stale.write_text(stale.read_text(encoding="utf-8") + "\nسطر أضيف بعد التعليم.\n", encoding="utf-8")
    return ids


def settings_for(corpus_dir: Path) -> Settings:
    return Settings.resolve(corpus=str(corpus_dir), mode="visual")


def second_writer_refused() -> str:
    with pytest.raises(StoreLockedError) as refused:
        Store(store_root(), "tester")
    return str(refused.value)


@pytest.fixture
def large(monkeypatch):
    """A corpus of 3 files or more counts as large: its check (and the
    stale check) runs in a separate process, which reads the store."""
    monkeypatch.setattr(corpus_index, "LIST_FIRST_FROM", 3)


@pytest.mark.parametrize("checked_in", ["thread", "process"])
def test_the_list_is_drawn_from_the_summary_and_the_store_opens_with_the_first_article(
        corpus_dir, request, checked_in):
    if checked_in == "process":
        request.getfixturevalue("large")
    ids = prepare(corpus_dir)

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        store = app.store
        assert isinstance(store, DeferredStore) and not store.opened
        async with app.run_test(size=SIZE) as pilot:
            await settled(app, pilot)
            screen = app.screen
            listing = screen.article_list
            # everything the list shows, with the store still not open ...
            assert not store.opened
            assert listing.spans == {ids[0]: 2, ids[1]: 1, ids[2]: 1}
            assert listing.statuses[ids[0]] is Status.DONE
            assert listing.statuses[ids[1]] is Status.IN_PROGRESS
            assert str(screen.query_one("#progress").render()).startswith(f"1/{len(ids)} done · 2 in progress")
            assert screen.stale_checked and listing.stale == {ids[2]}
            assert listing.flagged == {ids[1]}
            status_line = str(screen.query_one("#list-status").render())
            assert "1 stale" in status_line and "1 ⚑ for review" in status_line
            # ... and its lock held: a second session for this annotator is refused
            assert "in use by annotator tester" in second_writer_refused()
            assert not store.opened
            await pilot.press("enter")  # the first article
            await pilot.pause()
            assert isinstance(app.screen, ReaderScreen)
            assert store.opened
            assert "in use by annotator tester" in second_writer_refused()
            # an edit goes to the store, and undo takes it back from there
            app.store.set_status(ids[0], Status.IN_PROGRESS)
            assert app.store.undo() is not None
            assert app.store.status(ids[0]) is Status.DONE
            app.store.set_status(ids[3], Status.DONE)
        with open_for_reading(store_root(), "tester") as after:
            assert after.status(ids[3]) is Status.DONE and after.span_counts()[ids[0]] == 2
        Store(store_root(), "tester").close()  # the app let go of the lock

    asyncio.run(scenario())


def test_a_second_session_is_refused_at_start_while_the_first_has_not_opened_the_store(corpus_dir, capsys):
    prepare(corpus_dir)
    first = make_app(settings_for(corpus_dir))
    try:
        assert isinstance(first.store, DeferredStore) and not first.store.opened
        assert run_app(settings_for(corpus_dir)) == 1
        err = capsys.readouterr().err
        assert err.startswith("hashiya: error: store ") and "in use by annotator tester" in err
        assert err.count("\n") == 1  # one line, no traceback
        # `hashiya CORPUS` takes the lock before it imports the app
        assert cli_main(["--mode", "visual", str(corpus_dir)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("hashiya: error: store ") and "in use by annotator tester" in err
        assert err.count("\n") == 1
    finally:
        first.close_store()
    Store(store_root(), "tester").close()  # closing let go of the lock


def test_a_store_the_summary_cannot_answer_for_is_opened_at_start(corpus_dir, monkeypatch):
    prepare(corpus_dir)
    with monkeypatch.context() as patched:
        patched.setattr(deferred_store, "read_summary", lambda root, annotator: None)
        app = make_app(settings_for(corpus_dir))
    try:
        assert isinstance(app.store, Store)
        assert "in use by annotator tester" in second_writer_refused()
    finally:
        app.close_store()
    # and a store not made yet is made at once, as before
    other = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual", annotator="newcomer"))
    try:
        assert isinstance(other.store, Store)
    finally:
        other.close_store()


def test_flagged_only_before_the_stale_check_reads_the_flags_from_the_store(corpus_dir, monkeypatch):
    ids = prepare(corpus_dir)

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        # the check never gets to the flags: "!" has to ask the store
        monkeypatch.setattr(ArticlesScreen, "check_corpus", lambda self: None)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            listing = app.screen.article_list
            assert not app.store.opened and not listing.flagged
            await pilot.press("exclamation_mark")
            await pilot.pause()
            assert app.store.opened
            assert listing.flagged == {ids[1]} and [row.id for row in listing.shown] == [ids[1]]

    asyncio.run(scenario())


def test_the_summary_is_kept_and_read_again_once_the_store_changed(corpus_dir, monkeypatch):
    ids = prepare(corpus_dir)
    app = make_app(settings_for(corpus_dir))  # reads the index, and keeps a copy of what it read
    assert isinstance(app.store, DeferredStore) and app.store.span_counts()[ids[0]] == 2
    app.close_store()
    kept = list((Path(os.environ["HASHIYA_CONFIG_DIR"]) / "store-summary").glob("*.json"))
    assert len(kept) == 1
    with monkeypatch.context() as patched:
        # the index is not read again: the copy answers
        patched.setattr(deferred_store, "read_summary", lambda root, annotator: None)
        app = make_app(settings_for(corpus_dir))
        assert isinstance(app.store, DeferredStore) and app.store.span_counts()[ids[0]] == 2
        app.close_store()
    # another session adds a span: the copy is not that store any more
    text = open_corpus(corpus_dir)[ids[4]].text
    with Store(store_root(), "tester") as store:
        store.add_span(ids[4], text, 0, 2, "LOC", "entity")
    app = make_app(settings_for(corpus_dir))
    try:
        assert isinstance(app.store, DeferredStore) and not app.store.opened
        assert app.store.span_counts()[ids[4]] == 1 and app.store.statuses()[ids[4]] is Status.IN_PROGRESS
    finally:
        app.close_store()
