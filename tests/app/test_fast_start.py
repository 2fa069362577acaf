"""What makes the article list appear at once on a large corpus, checked for
correctness: a large folder listed by name before it is read, the corpus
index (titles decoded one by one, remembered fingerprints), the checks run
by a separate process, the one-line footer and the filter box made on demand.

"Large" is ``LIST_FIRST_FROM`` files; the tests lower it so a copy of the
seeds counts as large."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Input

import tui.corpus_index as corpus_index
import tui.corpus_check as corpus_check
from annotations.corpus import open_corpus
from annotations.model import fingerprint
from annotations.store import Store
from tui.corpus_check import CheckFailed, check_in_process
from tui.corpus_index import (
    HeadArticle,
    IndexedArticle,
    Titles,
    fingerprints_of,
    index_path,
    open_corpus_indexed,
    open_corpus_unchecked,
)
from tui.widgets.footer import KeysFooter

from .pilot import make, sync

from .corpora import rewrite_in_place, summary

SIZE = (110, 30)


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(corpus_index, "LIST_FIRST_FROM", 3)


def annotate(corpus_dir: Path, article_id: str) -> str:
    """One span in the article, saved in the tester's store; its text."""
    text = open_corpus(corpus_dir)[article_id].text
    start = text.index(" ") + 1
    with Store(Path(os.environ["HASHIYA_STORE"]), "tester") as store:
        store.add_span(article_id, text, start, start + 3, "PER", "entity")
    return text


def list_text(listing) -> str:
    width, height = listing.size
    return "\n".join(strip.text for strip in listing.render_lines(Region(0, 0, width, height)))


# -- listing a large folder before reading it --------------------------------


def test_a_large_folder_is_listed_by_name_and_the_check_is_the_full_opening(corpus_dir, large):
    (corpus_dir / "blob.txt").write_bytes(b"\x00\x01binary")
    corpus, check = open_corpus_unchecked(corpus_dir)
    assert check is not None and check.kind == "full" and check.worth_a_process
    expected = open_corpus(corpus_dir)
    # every file is listed, the bad one too (nothing has been read yet) ...
    assert [a.id for a in corpus.articles] == sorted(p.stem for p in corpus_dir.glob("*.txt"))
    assert all(isinstance(a, HeadArticle) for a in corpus.articles)
    # ... and each title read from its head is the title opening finds
    titles = {a.id: a.title for a in expected.articles}
    assert {a.id: a.title for a in corpus.articles if a.id != "blob"} == titles
    assert corpus.get("blob").title == "blob"  # an unreadable head shows the id
    assert not index_path(corpus_dir).exists()
    fresh = check()
    assert summary(fresh) == summary(expected)
    assert [p.name for p in fresh.problems] == ["blob.txt"]
    # the full opening wrote the index: the next start lists from it
    again, check = open_corpus_unchecked(corpus_dir)
    assert check.kind == "scan" and summary(again) == summary(expected)


def test_a_small_folder_is_still_opened_fully_before_listing(corpus_dir):
    corpus, check = open_corpus_unchecked(corpus_dir)
    assert summary(corpus) == summary(open_corpus(corpus_dir))
    assert check is not None and check.kind == "write" and not check.worth_a_process


def test_the_lazy_corpus_finds_articles_by_id(corpus_dir, large):
    open_corpus_indexed(corpus_dir)
    corpus, _check = open_corpus_unchecked(corpus_dir)
    ids = [a.id for a in open_corpus(corpus_dir).articles]
    assert len(corpus) == len(ids) and [a.id for a in corpus] == ids
    assert corpus.articles[-1].id == ids[-1] and [a.id for a in corpus.articles[1:3]] == ids[1:3]
    assert corpus.articles[2] is corpus.get(ids[2]) is corpus[ids[2]]
    assert corpus.index_of(ids[3]) == 3 and ids[0] in corpus and "nope" not in corpus
    assert corpus.get("nope") is None
    with pytest.raises(Exception, match="no article with id 'nope'"):
        corpus["nope"]
    with pytest.raises(Exception, match="no article with id 'nope'"):
        corpus.index_of("nope")


# -- the index ----------------------------------------------------------------


def test_titles_are_kept_as_one_block_and_decoded_one_by_one():
    titles = ["", "عنوان", "Latin (2025)", "𝕏 wide", "مع\rإرجاع"]
    block = Titles.of(titles)
    assert list(block) == titles and len(block) == 5 and block[-1] == titles[-1]
    assert block[1:3] == titles[1:3]
    with pytest.raises(ValueError):
        Titles(block.blob + b"x", block.ends)


def test_a_damaged_index_is_ignored_and_rewritten(corpus_dir):
    open_corpus_indexed(corpus_dir)
    path = index_path(corpus_dir)
    raw = path.read_bytes()
    for damaged in (raw[: len(raw) - 3], b"not json\n", raw.split(b"\n")[0]):
        path.write_bytes(damaged)
        corpus, check = open_corpus_unchecked(corpus_dir)
        assert summary(corpus) == summary(open_corpus(corpus_dir))
        assert check.kind == "write"
        check()
        assert open_corpus_unchecked(corpus_dir)[1].kind == "scan"


def test_fingerprints_are_remembered_and_forgotten_when_the_file_changes(corpus_dir):
    open_corpus_indexed(corpus_dir)
    corpus, _check = open_corpus_unchecked(corpus_dir)
    first = corpus.articles[0]
    text = open_corpus(corpus_dir)[first.id].text  # not through `first`: its file is read below
    assert fingerprints_of(corpus, [first.id, "nope"]) == {first.id: fingerprint(text)}
    again, check = open_corpus_unchecked(corpus_dir)
    remembered = again.get(first.id)
    assert isinstance(remembered, IndexedArticle) and not remembered.loaded
    assert remembered.fingerprint == fingerprint(text)  # without reading the file
    assert not remembered.loaded
    assert check() is None
    # changed in place: the check reopens, and the old fingerprint is not used
    rewrite_in_place(corpus_dir / f"{first.id}.txt", "عنوان جديد\n\nنص آخر.")
    fresh = open_corpus_unchecked(corpus_dir)[1]()
    assert fresh is not None
    assert fresh.get(first.id).fingerprint == fingerprint("عنوان جديد\n\nنص آخر.")
    reopened = open_corpus_unchecked(corpus_dir)[0].get(first.id)
    assert reopened.remembered is None  # forgotten: the file is not what was fingerprinted


def test_an_article_listed_from_the_index_is_made_like_any_article(corpus_dir):
    from annotations.corpus import Article

    made = IndexedArticle("x", "title", str(corpus_dir / "x.txt"), None)
    plain = Article("x", "title", path=str(corpus_dir / "x.txt"))
    assert set(vars(made)) - {"_remembered"} == set(vars(plain))
    assert {k: v for k, v in vars(made).items() if k != "_remembered"} == vars(plain)


def test_a_text_read_after_listing_has_its_own_fingerprint(corpus_dir):
    open_corpus_indexed(corpus_dir)
    corpus, _check = open_corpus_unchecked(corpus_dir)
    fingerprints_of(corpus, [corpus.articles[1].id])
    assert corpus.articles[1].loaded  # read to be fingerprinted
    article = open_corpus_unchecked(corpus_dir)[0].articles[1]
    assert article.remembered is not None
    # the file changes without the index knowing; reading the text wins
    (corpus_dir / f"{article.id}.txt").write_text("نص\n", encoding="utf-8")
    assert article.text == "نص\n"
    assert article.fingerprint == fingerprint("نص\n")


# -- the checking process -----------------------------------------------------


def test_the_checking_process_finds_changed_files_and_stale_articles(corpus_dir, large):
    first_id = sorted(p.stem for p in corpus_dir.glob("*.txt"))[0]
    text = annotate(corpus_dir, first_id)
    open_corpus_indexed(corpus_dir)
    stored = {first_id: fingerprint(text)}
    _corpus, check = open_corpus_unchecked(corpus_dir)
    assert check_in_process(check, stored) == (None, {})  # nothing changed
    changed = text.replace(" ", "  ", 1)
    rewrite_in_place(corpus_dir / f"{first_id}.txt", changed)
    _corpus, check = open_corpus_unchecked(corpus_dir)
    fresh, stale = check_in_process(check, stored)
    assert stale == {first_id: fingerprint(changed)}
    assert fresh is not None and summary(fresh) == summary(open_corpus(corpus_dir))
    # what it found is in the index: the next start remembers the new fingerprint
    assert open_corpus_unchecked(corpus_dir)[0].get(first_id).remembered == fingerprint(changed)


def test_the_checking_process_is_this_one_whatever_the_working_folder_holds(corpus_dir, large, tmp_path,
                                                                           monkeypatch):
    decoy = tmp_path / "elsewhere" / "tui"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("raise SystemExit(3)\n", encoding="utf-8")
    monkeypatch.chdir(decoy.parent)
    open_corpus_indexed(corpus_dir)
    _corpus, check = open_corpus_unchecked(corpus_dir)
    assert check_in_process(check, {}) == (None, {})


def test_a_folder_gone_is_a_corpus_error_from_the_checking_process(corpus_dir, large):
    _corpus, check = open_corpus_unchecked(corpus_dir)
    shutil.rmtree(corpus_dir)
    with pytest.raises(Exception) as caught:
        check_in_process(check, {})
    assert not isinstance(caught.value, CheckFailed)
    assert str(corpus_dir) in str(caught.value) or "corpus" in str(caught.value)


def test_a_process_that_cannot_run_is_a_check_failed(corpus_dir, large, monkeypatch):
    _corpus, check = open_corpus_unchecked(corpus_dir)
    monkeypatch.setattr(corpus_check.sys, "executable", str(corpus_dir / "no-such-python"))
    with pytest.raises(CheckFailed):
        check_in_process(check, {})


@sync
async def test_the_app_on_a_large_folder_drops_bad_files_and_marks_stale_ones(corpus_dir, large):
    ids = sorted(p.stem for p in corpus_dir.glob("*.txt"))
    text = annotate(corpus_dir, ids[1])
    (corpus_dir / ids[1]).with_suffix(".txt").write_text(text.replace(" ", "  ", 1), encoding="utf-8")
    (corpus_dir / "empty.txt").write_bytes(b"")
    app = make(corpus_dir)
    assert "empty" in app.corpus  # listed by name at first
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "empty" not in app.corpus
        assert [p.name for p in app.corpus.problems] == ["empty.txt"]
        listing = app.screen_stack[0].article_list
        assert [row.id for row in listing.rows] == ids
        assert listing.stale == {ids[1]}
        assert "stale" in list_text(listing)


@sync
async def test_the_app_checks_in_this_process_when_the_other_cannot_run(corpus_dir, large, monkeypatch):
    ids = sorted(p.stem for p in corpus_dir.glob("*.txt"))
    text = annotate(corpus_dir, ids[0])
    open_corpus_indexed(corpus_dir)
    rewrite_in_place(corpus_dir / f"{ids[0]}.txt", text + "\nزيادة")
    monkeypatch.setattr(corpus_check.sys, "executable", str(corpus_dir / "no-such-python"))
    app = make(corpus_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.article_list.stale == {ids[0]}
        assert app.corpus.get(ids[0]).text.endswith("زيادة")


@sync
async def test_closing_the_app_stops_a_check_still_running(corpus_dir, large, monkeypatch, tmp_path):
    import subprocess

    slow = tmp_path / "slow-python"
    slow.write_text("#!/bin/sh\nexec sleep 60\n")
    slow.chmod(0o755)
    monkeypatch.setattr(corpus_check.sys, "executable", str(slow))
    started = []

    class Recorded(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    app = make(corpus_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(200):  # until the check has started its process
            if started:
                break
            await pilot.pause(0.01)
        assert started and started[0].poll() is None
        screen = app.screen
    await app.workers.wait_for_complete()
    assert started[0].wait(timeout=5) == -9  # killed, not left to run
    assert screen.running_check.cancelled
    assert not screen.stale_checked  # and not checked again in this process


@sync
async def test_filtering_a_corpus_listed_from_its_index(corpus_dir):
    from annotations.textnorm import normalize as fold

    open_corpus_indexed(corpus_dir)
    expected = open_corpus(corpus_dir).articles
    query = "الصحة"
    app = make(corpus_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listing = app.screen.article_list
        assert getattr(listing.rows, "titles", None) is not None  # listed from the index
        await pilot.press("down", "slash", *query)
        await pilot.pause()
        matching = [a.id for a in expected if fold(query) in fold(a.title)]
        assert 0 < len(matching) < len(expected)
        assert [row.id for row in listing.shown] == matching
        assert all(row.title == next(a.title for a in expected if a.id == row.id) for row in listing.shown)
        await pilot.press("escape")
        assert [row.id for row in listing.shown] == [a.id for a in expected]
        assert listing.cursor == listing._index_of(listing.current.id)


# -- footer and filter ----------------------------------------------------------


@sync
async def test_the_footer_shows_the_keys_and_a_click_presses_one(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        line = footer.text()
        for hint in ("⏎ Open", "/ Filter", "n Next unannotated", "q Quit", "^p palette"):
            assert hint in line
        assert line.index("^p palette") > line.index("q Quit")
        x = line.index("/ Filter")
        assert await pilot.click(KeysFooter, offset=(x + 1, 0))
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "filter"


@sync
async def test_the_footer_keeps_the_palette_key_when_the_keys_do_not_fit(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeysFooter).text()
        assert len(line) == 40 and line.rstrip().endswith("^p palette")
        assert "Open" in line and "Quit" not in line  # what does not fit is left out whole


@sync
async def test_the_filter_box_is_made_on_the_first_slash_or_click(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.filter_box is None and screen.filter_value == ""
        await pilot.press("escape")  # clearing a filter that does not exist yet
        assert app.focused is screen.article_list
        await pilot.click("#filter-hint")
        await pilot.pause()
        assert screen.filter_box is not None and app.focused is screen.filter_box
        assert not screen.query("#filter-hint")
        await pilot.press("s", "down")
        assert app.focused is screen.article_list and screen.filter_value == "s"
        await pilot.press("slash")
        assert app.focused is screen.filter_box and len(screen.query("#filter")) == 1


# What the list is drawn without --------------------------------------------------

_STARTED = """
import asyncio, json, sys
import tui.app as app_module
from annotations.settings import Settings
app_module.READER_WARM_UP = {warm}

async def main():
    app = app_module.make_app(Settings.resolve(corpus={corpus!r}, mode="visual"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = type(app.screen).__name__
        at_list = sorted(sys.modules)
        for _ in range(100):  # the warm-up thread, if any, has ended
            await asyncio.sleep(0.05)
            if "tui.screens.reader" in sys.modules and "annotations.segment" in sys.modules:
                break
        later = sorted(sys.modules)
    print(json.dumps([screen, at_list, later]))

asyncio.run(main())
"""

#: What the reader needs and the list does not: the reader screen, the word
#: segmenter and tokenizer, the suggestion pattern matcher; and what only
#: other subcommands need.
NOT_FOR_THE_LIST = {"tui.screens.reader", "annotations.segment", "annotations.tokenize",
                    "annotations.suggestions.patterns", "annotations.suggestions.sources",
                    "annotations.training", "tui.commands.export"}


def _start(corpus: Path, warm: float) -> tuple[str, set[str], set[str]]:
    code = _STARTED.format(warm=warm, corpus=str(corpus))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    screen, at_list, later = json.loads(out.stdout.splitlines()[-1])
    return screen, set(at_list), set(later)


def test_the_list_is_drawn_without_the_reader_and_its_word_segmenter(seeds_dir):
    screen, at_list, later = _start(seeds_dir, warm=30.0)
    assert screen == "ArticlesScreen"
    assert {"tui.screens.articles", "annotations.suggestions.storage"} <= at_list
    assert at_list & NOT_FOR_THE_LIST == set()
    # no warm-up within the test's 5 s: still not loaded
    assert later & NOT_FOR_THE_LIST == set()


def test_the_reader_is_loaded_once_the_list_is_up_before_an_article_is_opened(seeds_dir):
    screen, at_list, later = _start(seeds_dir, warm=0.2)
    assert screen == "ArticlesScreen"
    assert "tui.screens.reader" not in at_list
    assert {"tui.screens.reader", "annotations.segment"} <= later
