"""Suggestions in the app, through Pilot: accepting (an ordinary span in
the store, undoable), rejecting (gone, and not back after reopening the
article or after another `hashiya suggest`), a model's suggestions made in
the background, the list's count, and next-to-do most doubtful first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.settings import Settings
from annotations.store import Store
from annotations.suggestions import Found, SuggestionStore
from tests.app.pilot import make, open_reader, sync
from tests.models import make_model
from tui.app import make_app
from tui.cli import main
from tui.widgets.text_lines import TextLines

TEXT = "زيارة إلى الصين\n\nزار وفد من المغرب والصين مدينة بكين، ثم عاد الوفد إلى المغرب.\n"
OTHER = "خبر آخر\n\nلا أسماء هنا.\n"
PATTERNS = [{"label": "GPE", "pattern": "الصين"}, {"label": "GPE", "pattern": "المغرب"}, {"label": "GPE", "pattern": "بكين"}]


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(OTHER, encoding="utf-8")
    (folder / "c.txt").write_text(OTHER.replace("آخر", "ثالث"), encoding="utf-8")
    return folder


@pytest.fixture
def patterns(tmp_path: Path) -> Path:
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in PATTERNS) + "\n", encoding="utf-8")
    return path


def suggest(corpus_dir: Path, patterns: Path) -> None:
    assert main(["suggest", str(corpus_dir), "--patterns", str(patterns)]) == 0


def occurrences(word: str, text: str = TEXT) -> list[tuple[int, int]]:
    out, start = [], text.find(word)
    while start >= 0:
        out.append((start, start + len(word)))
        start = text.find(word, start + 1)
    return out


@sync
async def test_accept_is_an_undoable_span_and_reject_stays_rejected(corpus_dir, patterns, capsys):
    suggest(corpus_dir, patterns)
    expected = sorted(occurrences("الصين") + occurrences("المغرب") + occurrences("بكين"))
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.screen.article_list.suggested == {"a": len(expected)}
        screen = await open_reader(app, pilot, "a")
        assert [(s.start, s.end) for s in screen.review.waiting] == expected
        await pilot.press("semicolon")
        assert screen.reader.cursor == expected[0][0]
        await pilot.press("y")
        spans = app.store.spans("a")
        assert [(s.start, s.end, s.label, s.kind) for s in spans] == [(*expected[0], "GPE", "entity")]
        assert TEXT[spans[0].start:spans[0].end] == spans[0].text == "الصين"
        assert len(screen.review.waiting) == len(expected) - 1
        await pilot.press("u")
        assert app.store.spans("a") == []
        assert [(s.start, s.end) for s in screen.review.waiting] == expected  # back after undo
        assert screen.reader.cursor == expected[1][0]  # y went on to the next one
        rejected = screen.suggestion_under_cursor()
        await pilot.press("r")
        assert rejected not in screen.review.waiting and app.store.spans("a") == []
        assert screen.reader.cursor == expected[2][0]
        await pilot.press("escape")  # back to the list
        await pilot.pause()
        assert app.screen.article_list.suggested == {"a": len(expected) - 1}
        screen = await open_reader(app, pilot, "a")
        assert rejected not in screen.review.waiting
        assert len(screen.review.waiting) == len(expected) - 1
    app.close_store()
    suggest(corpus_dir, patterns)  # another run finds it again, and leaves it out
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a")
        assert rejected not in screen.review.waiting and len(screen.review.waiting) == len(expected) - 1
        await pilot.press("semicolon", "Y")  # all of GPE at once
        assert sorted((s.start, s.end) for s in app.store.spans("a")) == [e for e in expected if e != (rejected.start, rejected.end)]
        assert screen.review.waiting == []
    app.close_store()


@sync
async def test_a_suggestion_on_a_marked_entity_is_not_shown(corpus_dir, patterns):
    start, end = occurrences("بكين")[0]
    with Store(Settings.resolve().store, "tester") as store:
        store.add_span("a", TEXT, start, end + 1, "LOC", "entity")  # overlaps بكين
    suggest(corpus_dir, patterns)
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a")
        assert all(not (s.start < end + 1 and start < s.end) for s in screen.review.waiting)
        screen.reader.move_cursor_to(start)
        await pilot.press("y")
        assert [(s.start, s.end, s.label) for s in app.store.spans("a")] == [(start, end + 1, "LOC")]
    app.close_store()


@sync
async def test_a_model_suggests_in_the_background_when_an_article_opens(corpus_dir, tmp_path):
    model = make_model(tmp_path / "model", PATTERNS, themes=("training",))
    app = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual", model=str(model)))
    app.cursor_blink = False
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # spaCy's own tokenizer: والصين is one token, so that الصين is not found
        found = sorted((s.start, s.end) for s in screen.review.waiting)
        assert found and set(found) <= set(occurrences("الصين") + occurrences("المغرب") + occurrences("بكين"))
        box = SuggestionStore(app.store)
        assert box.load("a", TEXT).source == "model:model"
        assert "training" in box.load("a", TEXT).themes
        assert app.store.spans("a") == []  # suggestions, not annotations
    app.close_store()


@sync
async def test_next_to_do_most_doubtful_first_and_the_switch(corpus_dir):
    store_dir = Settings.resolve().store
    with Store(store_dir, "tester") as store:
        box = SuggestionStore(store)
        box.save("b", OTHER, Found(themes={"training": 0.9}, margin=0.4), "model:m")
        box.save("c", OTHER.replace("آخر", "ثالث"), Found(themes={"training": 0.52}, margin=0.02), "model:m")
    app = make_app(Settings.resolve(corpus=str(corpus_dir), mode="visual", order="doubt"))
    app.cursor_blink = False
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        listing = app.screen.article_list
        assert listing.current.id == "a"
        await pilot.press("n")
        assert listing.current.id == "c"  # the smallest margin
        await pilot.press("f4")  # back to list order
        assert app.suggester.order == "list"
        await pilot.press("n")
        assert listing.current.id == "a"  # wrapping round after c
        await pilot.press("f4", "n")
        assert listing.current.id == "c"
    app.close_store()


@sync
async def test_a_label_key_on_a_suggested_word_takes_it_out_of_what_waits(corpus_dir, patterns):
    # The new span is drawn with the suggestions as last read: what waits
    # is worked out again from the spans, the file is not read again.
    suggest(corpus_dir, patterns)
    expected = sorted(occurrences("الصين") + occurrences("المغرب") + occurrences("بكين"))
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a")
        assert [(s.start, s.end) for s in screen.review.waiting] == expected
        start, end = expected[1]
        screen.reader.select(start, end)
        await pilot.press("1")
        await pilot.pause()
        assert [(s.start, s.end) for s in app.store.spans("a")] == [(start, end)]
        assert [(s.start, s.end) for s in screen.review.waiting] == expected[:1] + expected[2:]
        assert [(h.start, h.end) for h in screen.reader._suggested] == expected[:1] + expected[2:]
        assert f"{len(expected) - 1} suggested" in str(screen.query_one("#reader-status").content)
    app.close_store()


@sync
async def test_a_rejection_is_undone_and_redone_in_turn_with_the_stores_edits(corpus_dir, patterns):
    suggest(corpus_dir, patterns)
    expected = sorted(occurrences("الصين") + occurrences("المغرب") + occurrences("بكين"))
    app = make(corpus_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reader(app, pilot, "a")
        await pilot.press("semicolon")
        rejected = screen.suggestion_under_cursor()
        await pilot.press("r")  # rejected, the cursor on the next one
        accepted = screen.suggestion_under_cursor()
        await pilot.press("y")
        assert [(s.start, s.end) for s in app.store.spans("a")] == [(accepted.start, accepted.end)]

        def waiting():
            box = SuggestionStore(app.store)
            return sorted((s.start, s.end) for s in box.waiting("a", TEXT)), [(s.start, s.end) for s in screen.review.waiting]

        await pilot.press("u")  # the accept first: it came last
        assert app.store.spans("a") == []
        assert (rejected.start, rejected.end) not in waiting()[0]
        await pilot.press("u")  # then the rejection: the suggestion waits again, stored and shown
        assert waiting() == (expected, expected)
        said = str(screen.query_one("#reader-status", TextLines).content)
        assert said.startswith("Undone: reject GPE “")  # on the status line (shaped)
        await pilot.press("U")  # redo in the same order: the rejection, then the accept
        assert (rejected.start, rejected.end) not in waiting()[0] and app.store.spans("a") == []
        assert (rejected.start, rejected.end) not in waiting()[1]
        await pilot.press("U")
        assert [(s.start, s.end) for s in app.store.spans("a")] == [(accepted.start, accepted.end)]
        await pilot.press("U")  # nothing more to redo: the rejection stays
        assert (rejected.start, rejected.end) not in waiting()[0]
    app.close_store()
