"""The review screens driven by keys (Pilot): two annotators into gold —
take one side, take none, take every agreement, document themes, undo and
redo — checked in the gold store; the list's counts; the command line's
refusals; the palette's review with its own gold store."""

from __future__ import annotations

import os

import pytest

from annotations.corpus import open_corpus
from annotations.curation import EXTENT, LABEL, NONE, ONLY, OPEN, TAKEN
from annotations.store import Store
from tests.app.pilot import make, sync
from tests.app.review_data import CONFERENCE, make_review, seed_two_annotators
from tui import cli
from tui.screens.review import ReviewScreen
from tui.screens.review_list import ReviewListScreen


@pytest.fixture
def review_corpus(corpus_dir):
    ids = seed_two_annotators(os.environ["HASHIYA_STORE"], corpus_dir)
    return corpus_dir, ids


def gold_contents(article_id: str):
    with Store(os.environ["HASHIYA_STORE"], "gold", readonly=True) as gold:
        return ({(s.label, s.text) for s in gold.spans(article_id)}, gold.themes(article_id),
                gold.settled(article_id))


async def settled(app, pilot) -> None:
    """Drawn, with the list's counts done."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_first(app, pilot) -> ReviewScreen:
    await settled(app, pilot)
    assert isinstance(app.screen, ReviewListScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def go_to(screen, pilot, predicate) -> None:
    index = next(i for i, item in enumerate(screen.review.items) if predicate(item))
    screen.items_list.highlighted = index
    await pilot.pause()
    assert screen.current is screen.review.items[index]


@sync
async def test_list_counts_open_disagreements_per_article(review_corpus):
    corpus, ids = review_corpus
    app = make_review(corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(app, pilot)
        screen = app.screen
        assert [(row.article_id, row.remaining, row.missing) for row in screen.rows] == [
            (ids[0], 3, 2), (ids[1], 1, 0)]


@sync
async def test_take_a_side_none_agreements_and_themes_with_undo(review_corpus):
    corpus, ids = review_corpus
    app = make_review(corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first(app, pilot)
        # the first open disagreement is chosen and shown as the selection
        item = screen.current
        assert item.disagreement and item.state == OPEN
        assert screen.reader.selection == (item.start, item.end)
        assert len(screen.reader.matches) == 2  # the two open places on the text

        await go_to(screen, pilot, lambda i: i.sort == LABEL)
        await pilot.press("2")  # bob's LOC
        await pilot.pause()
        assert gold_contents(ids[0])[0] == {("LOC", "لندن")}
        label = next(i for i in screen.review.items if i.sort == LABEL)
        assert label.state == TAKEN and label.taken_from == ("bob",)
        await pilot.press("1")  # change of mind: alice's GPE replaces it
        await pilot.pause()
        assert gold_contents(ids[0])[0] == {("GPE", "لندن")}

        await go_to(screen, pilot, lambda i: i.sort == EXTENT)
        await pilot.press("0")  # neither extent
        await pilot.pause()
        extent = next(i for i in screen.review.items if i.sort == EXTENT)
        assert extent.state == NONE
        assert screen.review.remaining == 1  # the training theme

        await pilot.press("a")  # every agreement: العراق and the theme cooperation
        await pilot.pause()
        spans, themes, marks = gold_contents(ids[0])
        assert spans == {("GPE", "لندن"), ("GPE", "العراق")}
        assert themes == ["cooperation"] and len(marks) == 1
        assert screen.review.agreements_missing == 0

        await go_to(screen, pilot, lambda i: i.sort == ONLY and i.label == "training")
        await pilot.press("2")  # bob's: the theme on
        await pilot.pause()
        assert gold_contents(ids[0])[1] == ["cooperation", "training"]
        assert screen.review.remaining == 0

        await pilot.press("u")
        await pilot.pause()
        assert gold_contents(ids[0])[1] == ["cooperation"]
        assert screen.review.remaining == 1
        await pilot.press("U")
        await pilot.pause()
        assert gold_contents(ids[0])[1] == ["cooperation", "training"]

        await pilot.press("escape")
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, ReviewListScreen)
        assert listing.rows[0].remaining == 0 and listing.rows[0].missing == 0
    # gold is an ordinary annotator: the annotators' stores are untouched
    with Store(os.environ["HASHIYA_STORE"], "bob", readonly=True) as bob:
        assert {(s.label, s.text) for s in bob.spans(ids[0])} == {
            ("GPE", "العراق"), ("LOC", "لندن"), ("EVENT", "المؤتمر الطبي العراقي")}


@sync
async def test_undo_of_take_none_reopens_the_place_and_next_article(review_corpus):
    corpus, ids = review_corpus
    app = make_review(corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(app, pilot)
        await go_to(screen, pilot, lambda i: i.sort == EXTENT)
        await pilot.press("x")
        await pilot.pause()
        assert gold_contents(ids[0])[2] == [screen.current.mark]
        await pilot.press("u")
        await pilot.pause()
        assert gold_contents(ids[0])[2] == []
        assert next(i for i in screen.review.items if i.sort == EXTENT).state == OPEN
        await pilot.press("J")
        await pilot.pause()
        assert screen.article_id == ids[1]
        only = screen.current
        assert only.sort == ONLY and only.version("alice") == ()
        await pilot.press("2")
        await pilot.pause()
        spans = gold_contents(ids[1])[0]
        assert len(spans) == 1 and next(iter(spans))[0] == "PER"
        await pilot.press("M")
        await pilot.pause()
    with Store(os.environ["HASHIYA_STORE"], "gold", readonly=True) as gold:
        assert gold.status(ids[1]).value == "done"
        for span in gold.spans(ids[1]):
            assert open_corpus(str(corpus)).get(ids[1]).text[span.start:span.end] == span.text


@sync
async def test_palette_review_opens_gold_beside_the_annotator_and_lets_it_go(review_corpus):
    corpus, ids = review_corpus
    from tui.screens.review_list import start_review

    app = make(corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        start_review(app)
        await settled(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReviewListScreen)
        assert screen.setup.names == ["alice", "bob"]  # tester has no work: not in the store
        assert screen.setup.store is not app.store and screen.setup.owned
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, (ReviewScreen, ReviewListScreen))
        # gold's lock was let go with the review
        with Store(os.environ["HASHIYA_STORE"], "gold") as gold:
            assert {(s.label, s.text) for s in gold.spans(ids[0])} == {("GPE", "العراق")}


def test_review_refuses_unknown_names_and_gold_among_them(review_corpus, capsys):
    corpus, _ = review_corpus
    code = cli.main(["review", str(corpus), "--from", "alice,zed"])
    err = capsys.readouterr().err
    assert code != 0 and "unknown annotator 'zed'" in err and len(err.strip().splitlines()) == 1
    code = cli.main(["review", str(corpus), "--from", "alice,bob", "--into", "alice"])
    err = capsys.readouterr().err
    assert code != 0 and "cannot be compared" in err
    code = cli.main(["review", str(corpus), "--from", "alice,alice"])
    assert code != 0 and "twice" in capsys.readouterr().err


@sync
async def test_a_title_holding_markup_and_escapes_is_drawn_as_text(corpus_dir):
    """A title is data: `\\[/x]` (an escaped bracket, then a closing tag) and
    ESC are shown on the review screens, never read as markup or sent raw."""
    first = sorted(corpus_dir.glob("*.txt"))[0]
    first.write_text("\\[/x] [b]\x1b[2J " + first.read_text(encoding="utf-8"), encoding="utf-8")
    seed_two_annotators(os.environ["HASHIYA_STORE"], corpus_dir)
    app = make_review(corpus_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first(app, pilot)
        header = str(screen.query_one("#review-header").render())
        assert "\\[/x] [b]" in header and "\x1b" not in header


@sync
async def test_a_decision_and_its_undo_are_one_frame_confirmed_on_the_status_line(review_corpus):
    # As the reader's edit keys: no notification is mounted (a toast's layout
    # pass and the frames after it); the confirmation stays on its row.
    from tests.app.pilot import at_frames

    corpus, ids = review_corpus
    app = make_review(corpus)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        screen = await open_first(app, pilot)
        await go_to(screen, pilot, lambda i: i.sort == LABEL)
        status = lambda _: str(screen.query_one("#review-status").render())  # noqa: E731
        for key, said in (("2", "gold takes bob here (1 edit; u undoes)"), ("u", "Undone: "), ("U", "Redone: "),
                          ("M", "Gold's article marked done")):
            frames = at_frames(app, status)
            await pilot.press(key)
            await pilot.pause()
            assert len(frames) == 1, (key, frames)
            assert frames[0].startswith(said), (key, frames[0])
            assert list(app._notifications) == [], key
        assert gold_contents(ids[0])[0] == {("LOC", "لندن")}
        await pilot.press("down")  # another row: the confirmation goes
        await pilot.pause()
        assert str(screen.query_one("#review-status").render()).startswith("row ")
