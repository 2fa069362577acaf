"""A title is the first line cut to TITLE_CHARS characters (a corpus of
one-line articles would otherwise keep, and fold for the filter, every
article whole): the cut never separates a letter from its marks, and the
filter finds what the kept title holds, from a corpus opened directly or
reopened from its index."""

from __future__ import annotations

import asyncio
import unicodedata

import pytest

from annotations.corpus import TITLE_CHARS, cut_title, open_corpus, title_of
from annotations.settings import Settings
from annotations.textnorm import fold_many
from tui.app import make_app
from tui.corpus_index import open_corpus_indexed, open_corpus_unchecked

from .pilot import settled

SIZE = (110, 30)
EARLY = "مُسْتَشْفَى"  # with harakat; typed without them below
LATE = "قسنطينة"
FILLER = "كلمة "


def long_line() -> str:
    line = f"افتتاح {EARLY} جديد " + FILLER * 60 + LATE + " " + FILLER * 10
    assert len(line) > 2 * TITLE_CHARS and line.index(LATE) > TITLE_CHARS
    return line


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "a.txt").write_text(long_line() + "\n", encoding="utf-8")  # one line: the whole article
    (folder / "b.txt").write_text("عنوان قصير\n\nنص المقال.\n", encoding="utf-8")
    (folder / "c.txt").write_text("\n\n   " + long_line(), encoding="utf-8")
    return folder


def test_a_title_keeps_the_start_of_a_long_first_line(corpus):
    titles = {article.id: article.title for article in open_corpus(corpus).articles}
    assert titles["b"] == "عنوان قصير"
    for article_id in ("a", "c"):
        title = titles[article_id]
        assert len(title) <= TITLE_CHARS and long_line().startswith(title)
        assert EARLY in title and LATE not in title
    # the text itself is whole
    assert open_corpus(corpus)["a"].text.strip() == long_line().strip()


def test_the_cut_never_leaves_a_letters_marks_behind():
    voweled = "بَّ"  # a letter, shadda, fatha
    for shift in range(len(voweled) + 1):
        line = "ا" * (TITLE_CHARS - shift) + voweled * 3
        title = cut_title(line)
        assert len(title) <= TITLE_CHARS and line.startswith(title)
        assert unicodedata.category(line[len(title)]) not in ("Mn", "Mc", "Me")
    joined = "x" * (TITLE_CHARS - 1) + "\u200d" + "y" * 5  # a joiner holds its neighbours together
    assert cut_title(joined) == "x" * (TITLE_CHARS - 2)  # x, joiner, y go together
    assert title_of("  \n  short  \nmore") == "short"


@pytest.mark.parametrize("opened", ["directly", "from the index"])
def test_the_filter_finds_words_in_the_kept_title(corpus, opened):
    if opened == "from the index":
        open_corpus_indexed(corpus)  # writes the index the next open reads
        listed, _check = open_corpus_unchecked(corpus)
        assert getattr(listed.articles, "titles", None) is not None
        assert all(len(title) <= TITLE_CHARS for title in listed.articles.titles)
        # folded when the index was written, as the filter folds them
        assert list(listed.articles.folded) == fold_many(list(listed.articles.titles))

    async def scenario():
        app = make_app(Settings.resolve(corpus=str(corpus), mode="visual"))
        async with app.run_test(size=SIZE) as pilot:
            await settled(app, pilot)
            screen = app.screen
            listing = screen.article_list
            await pilot.press("slash")
            for key in "مستشفى":  # no harakat: the filter ignores them
                await pilot.press(key)
            await pilot.pause()
            assert sorted(row.id for row in listing.shown) == ["a", "c"]
            screen.filter_box.value = LATE  # beyond the kept title
            await pilot.pause()
            assert [row.id for row in listing.shown] == []
            screen.filter_box.value = "قصير"
            await pilot.pause()
            assert [row.id for row in listing.shown] == ["b"]

    asyncio.run(scenario())


def test_a_filter_typed_before_a_large_folder_is_read_waits_for_its_titles(corpus, monkeypatch):
    """A large folder seen for the first time is listed by name: a filter key
    then reads no file's head (every one of them, on the screen's thread),
    and applies once the full opening brings the titles."""
    from tui import corpus_index
    from tui.screens.articles import ArticlesScreen

    for number in range(5):
        (corpus / f"x{number}.txt").write_text(f"عنوان رقم {number}\n\nنص.\n", encoding="utf-8")
    monkeypatch.setattr(corpus_index, "LIST_FIRST_FROM", 3)
    monkeypatch.setattr(ArticlesScreen, "check_corpus", lambda self: None)  # not opened fully yet

    async def scenario():
        app = make_app(Settings.resolve(corpus=str(corpus), mode="visual"))
        async with app.run_test(size=(110, 5)) as pilot:  # two rows on screen
            await pilot.pause()
            screen = app.screen
            listing = screen.article_list
            made = listing.rows._made
            await pilot.press("slash")
            for key in "مستشفى":
                await pilot.press(key)
            await pilot.pause()
            assert listing.filter_waits and len(listing.shown) == 8
            assert "once the folder's titles are read" in str(screen.query_one("#list-status").render())
            assert sum(article is not None for article in made) <= 3  # only rows drawn were read
            app.replace_corpus(open_corpus_indexed(corpus))  # what the full opening gives
            await pilot.pause()
            assert not listing.filter_waits
            assert sorted(row.id for row in listing.shown) == ["a", "c"]

    asyncio.run(scenario())
