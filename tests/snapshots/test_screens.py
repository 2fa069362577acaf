"""Snapshots of every screen at 80x24 and 160x48 (pytest-textual-snapshot).

The app is built by the same factory the command line uses, on a copy of
the seeds with a relative store path, so the header is the same on every
machine. Regenerate with ``pytest tests/snapshots --snapshot-update`` and
look at the SVGs: the Arabic must read right to left."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import Input

from annotations.corpus import open_corpus
from annotations.model import Status
from annotations.store import Store
from tests.app.pilot import make

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


@pytest.fixture
def seeded(tmp_path, seeds_dir, monkeypatch):
    """Seeds copied into a temp dir; store ./hashiya-store with a few spans."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(seeds_dir, tmp_path / "seeds")
    monkeypatch.setenv("HASHIYA_STORE", "hashiya-store")
    monkeypatch.setenv("HASHIYA_ANNOTATOR", "maryam")
    corpus = open_corpus("seeds")
    first, second = corpus.articles[0], corpus.articles[1]
    with Store("hashiya-store", "maryam") as store:
        text = first.text
        for word, label, kind in (("العراق", "GPE", "entity"), ("لندن", "GPE", "entity"),
                                  ("المؤتمر الطبي العراقي الأول", "EVENT", "entity")):
            start = text.index(word)
            store.add_span(first.id, text, start, start + len(word), label, kind)
        store.set_status(second.id, Status.DONE)
    return corpus


async def settle(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    # Dialogs may bring their own text boxes: no blinking cursor in a snapshot.
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_article_list(snap_compare, seeded, size):
    assert snap_compare(make("seeds"), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_article_list_filtered(snap_compare, seeded, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("slash", *"الصحة")
        await pilot.pause()

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, seeded, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_first_run_check(snap_compare, seeded, size):
    assert snap_compare(make("seeds", mode=None), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_corpus_problems(snap_compare, seeded, size):
    (seeded.source / "empty.txt").write_bytes(b"")
    (seeded.source / "binary.txt").write_bytes(b"\x00\x01")

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.fixture
def themed(seeded):
    """The first seed also carries a theme span and a document theme."""
    first = seeded.articles[0]
    with Store("hashiya-store", "maryam") as store:
        text = first.text
        word = "أضخم تجمع طبي عراقي"
        start = text.index(word)
        store.add_span(first.id, text, start, start + len(word), "cooperation", "theme")
        store.toggle_theme(first.id, "diaspora", text)
    return seeded


@pytest.mark.parametrize("size", SIZES)
def test_reader(snap_compare, themed, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_reader_selection_logical_mode(snap_compare, themed, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(make("seeds", mode="logical"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_label_picker(snap_compare, themed, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space", "l")
        await settle(pilot)

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_reader_help(snap_compare, themed, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


async def open_reader(pilot):
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_theme_picker(snap_compare, themed, size):
    async def run_before(pilot):
        await open_reader(pilot)
        await pilot.press("D")
        await settle(pilot)

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_find_in_corpus(snap_compare, themed, size):
    async def run_before(pilot):
        await open_reader(pilot)
        await pilot.press("F")
        await settle(pilot)
        await pilot.press(*"الصحة")
        await settle(pilot)

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_propagation_suggestions(snap_compare, themed, size):
    async def run_before(pilot):
        await open_reader(pilot)
        screen = pilot.app.screen
        screen.reader.move_cursor_to(screen.text.index("العراق"))
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_notice_quoting_arabic(snap_compare, themed, size):
    """Redone: resize GPE “العراق” → “العراق لدى” on the status line: each
    quote reads right to left in its place, the sentence left to right."""

    async def run_before(pilot):
        await open_reader(pilot)
        screen = pilot.app.screen
        start = screen.text.index("العراق")
        screen.reader.move_cursor_to(start + 1)
        await pilot.press("right_parenthesis", "u", "U")
        await settle(pilot)

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_guidelines_panel(snap_compare, themed, size):
    """G under the GPE span: its description and examples, wrapped and shaped."""

    async def run_before(pilot):
        await open_reader(pilot)
        screen = pilot.app.screen
        screen.reader.move_cursor_to(screen.text.index("العراق") + 1)
        await pilot.press("G")
        await settle(pilot)

    assert snap_compare(make("seeds"), terminal_size=size, run_before=run_before)
