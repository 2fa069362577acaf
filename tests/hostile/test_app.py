"""Attacks on the app: markup and escape sequences in ids, titles, file
names, paths, label names and descriptions; label schemas that parse but
could not be drawn; a store file damaged under an article.

Every test drives the app with Pilot and checks, besides what is shown,
the bytes the terminal would receive: the screen's full update rendered
as the driver writes it, with the app's own styling and cursor moves
taken out, holds no control character (``terminal_bytes``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotations.settings import Settings
from annotations.store import Store, article_path
from tests.app.pilot import sync
from tui.app import make_app
from tui.screens.pickers import MAX_SHOWN, LabelPicker
from tui.screens.problems import ProblemsScreen, StoreErrorScreen
from tui.screens.reader import ReaderScreen

from .helpers import RAW_CONTROL, SEED_ID, copy_seeds, one_error, run

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
RESET = "\x1bc"  # a full terminal reset
EVIL = f"{RESET}{OSC52}\x1b[2J\x9b31m\u202e"
SIZE = (120, 36)

# What the app itself writes between cells: colours and attributes (SGR) and
# cursor moves. Anything else that starts with ESC, or any other control
# character, came from data.
_OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;:]*[mH]")


def _full_update(app):
    """The whole screen as one update, dialogs over the screens below."""
    return app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)


def terminal_bytes(app) -> str:
    """The screen as the driver would write it in one full update, with
    the app's own sequences removed."""
    return _OWN_SEQUENCES.sub("", _full_update(app).render_segments(app.console))


def assert_clean(app) -> str:
    """Nothing from data reaches the terminal raw; returns what is shown."""
    written = terminal_bytes(app)
    assert not RAW_CONTROL.search(written), repr(RAW_CONTROL.findall(written))
    return written


def shown(app) -> str:
    """The screen's text, row by row (Textual's own view of its cells)."""
    return "\n".join("".join(strip.text for strip in line) for line in _full_update(app).strips)


def _app(corpus, store, labels=None, annotator="ali"):
    settings = Settings.resolve(corpus=str(corpus), store=str(store), annotator=annotator,
                                labels=None if labels is None else str(labels), mode="visual")
    app = make_app(settings)
    app.cursor_blink = False
    return app


def _labels(tmp_path, body: str):
    path = tmp_path / "labels.toml"
    path.write_text(body, encoding="utf-8")
    return path


# ------------------------------------------------------------ markup and escapes


def _hostile_jsonl(tmp_path):
    path = tmp_path / "c.jsonl"
    records = [
        {"id": "[/x]", "text": "نص أول"},
        {"id": "[/x]", "text": "نص ثان"},  # a duplicate: listed as a problem, by its id
        {"id": f"id{EVIL}", "text": f"عنوان [/b] {EVIL}\nقال محمد إن {EVIL} الخبر [/i]"},
        {"id": "plain", "text": "نص عادي"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@sync
async def test_hostile_ids_titles_and_store_path_are_shown_as_text(tmp_path):
    corpus = _hostile_jsonl(tmp_path)
    store = tmp_path / f"store[/b]{EVIL}"
    app = _app(corpus, store)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        written = assert_clean(app)
        assert "[/x]" in written and "duplicate" in written
        await pilot.press("escape")
        await pilot.pause()
        written = assert_clean(app)
        assert "store[/b]␛c␛]52" in written  # the header names the store, escaped
        app.open_article(f"id{EVIL}")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("space", "1")  # a span of the hostile article, labelled
        await pilot.pause()
        written = assert_clean(app)
        assert "id␛c␛]52;c;aGVsbG8=␇␛[2J␦31m⇚" in written
    assert app.return_code is None


@sync
async def test_corpus_path_with_markup_and_escapes_opens(tmp_path):
    folder = copy_seeds(tmp_path / f"[/b]{EVIL}")
    (folder / "empty.txt").write_bytes(b"")
    app = _app(folder, tmp_path / "store")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        written = assert_clean(app)
        assert "[/b]␛c" in written and "empty.txt" in written
    assert app.return_code is None


HOSTILE_LABELS = (
    '[[entity]]\nname = "P\\u001bcER"\nkey = "1"\ncolour = "red"\n'
    'description = "[/x] \\u001b]52;c;aGVsbG8=\\u0007"\n'
    '[[theme]]\nname = "T\\u009b2J"\nkey = "a"\ndescription = "[/b]"\n'
)


@sync
async def test_hostile_label_names_and_descriptions_are_escaped_everywhere(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    app = _app(corpus, tmp_path / "store", _labels(tmp_path, HOSTILE_LABELS))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        app.open_article(SEED_ID)
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await pilot.press("space", "1")  # labelled: span list, status, notification
        await pilot.pause()
        written = assert_clean(app)
        assert "P␛cER" in written
        for keys in (["l"], ["f1"], ["ctrl+p"], ["D"]):  # picker, help, palette, themes
            await pilot.press(*keys)
            await pilot.pause()
            assert app.screen is not reader
            written = assert_clean(app)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        app.screen.query_one("#help-body").scroll_end(animate=False)
        await pilot.pause()
        written = assert_clean(app)
        assert "[/x]" in shown(app) and "T␦2J" in shown(app)
    assert app.return_code is None


# ------------------------------------------------------------ schemas that parse


def test_a_colour_the_app_cannot_draw_is_refused_with_its_line(tmp_path, capsys):
    labels = _labels(tmp_path, '[[entity]]\nname = "PER"\nkey = "1"\ncolour = "notacolour"\n')
    code, out, err = run(capsys, copy_seeds(tmp_path / "corpus"), "--labels", labels,
                         "--store", tmp_path / "store")
    one_error(code, err, f"{labels}:4", "'notacolour' is not a colour")


def _many_labels(tmp_path, count: int):
    tables = "".join(
        f'[[entity]]\nname = "L{n}"\nkey = "{chr(0x4E00 + n)}"\n'
        for n in range(count)
    )
    return _labels(tmp_path, tables)


def test_twenty_thousand_labels_are_refused_clearly(tmp_path, capsys):
    from annotations.schema import MAX_LABELS

    labels = _many_labels(tmp_path, 20_000)
    code, out, err = run(capsys, copy_seeds(tmp_path / "corpus"), "--labels", labels,
                         "--store", tmp_path / "store")
    one_error(code, err, f"{labels}:{3 * MAX_LABELS + 1}", "too many labels (20,000)", f"{MAX_LABELS:,}")


@sync
async def test_the_label_picker_of_the_largest_schema_lists_a_page_and_filters(tmp_path):
    from annotations.schema import MAX_LABELS

    labels = _many_labels(tmp_path, MAX_LABELS)
    app = _app(copy_seeds(tmp_path / "corpus"), tmp_path / "store", labels)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_article(SEED_ID)
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, LabelPicker)
        assert len(picker.shown) == MAX_SHOWN and picker.matching == MAX_LABELS
        options = picker.query_one("#picker-options")
        assert options.option_count == MAX_SHOWN + 1
        last_row = str(options.get_option_at_index(MAX_SHOWN).prompt)
        assert f"{MAX_LABELS - MAX_SHOWN:,} more labels: type to filter" in last_row
        last = f"L{MAX_LABELS - 1}"
        await pilot.press(*last)
        await pilot.pause()
        assert [label.name for label in picker.shown] == [last]
        await pilot.press("enter")  # applied to the word under the cursor
        await pilot.pause()
        assert [span.label for span in app.screen.spans] == [last]
        assert_clean(app)
    assert app.return_code is None


# ------------------------------------------------------------ store damage


def _damaged_store(tmp_path, damage):
    corpus = copy_seeds(tmp_path / "corpus")
    ids = sorted(path.stem for path in corpus.glob("*.txt"))
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        for article_id in ids[:2]:
            text = (corpus / f"{article_id}.txt").read_text(encoding="utf-8")
            store.add_span(article_id, text, 0, 3, "PER", "entity")
    shard = Path(article_path(root / "ali" / "articles", ids[0]))
    damage(shard)
    return corpus, root, shard, ids


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


async def _refused(app, pilot, article_id: str) -> StoreErrorScreen:
    """Open an article whose store file is damaged: the dialog, drawn clean."""
    await pilot.pause()
    app.open_article(article_id)
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, StoreErrorScreen)
    assert_clean(app)
    return dialog


async def _opened(app, pilot, article_id: str) -> ReaderScreen:
    """Close the dialog and open another article: the reader shows it."""
    await pilot.press("escape")
    await pilot.pause()
    app.open_article(article_id)
    await pilot.pause()
    reader = app.screen
    assert isinstance(reader, ReaderScreen) and reader.article_id == article_id
    return reader


@sync
async def test_a_truncated_store_file_is_shown_and_the_other_articles_stay_usable(tmp_path):
    corpus, root, shard, ids = _damaged_store(tmp_path, _truncate)
    app = _app(corpus, root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _refused(app, pilot, ids[0])
        assert str(shard) in dialog.message and "not valid JSON" in dialog.message
        assert dialog.command == f"hashiya validate {corpus} --store {root} --annotator ali --repair"
        text = shown(app)  # on screen, wrapped to the dialog
        assert "damaged" in text and "hashiya validate" in text and "--repair" in text
        reader = await _opened(app, pilot, ids[1])  # another article opens and can be labelled
        reader.reader.move_cursor_to(12)  # past the stored span
        await pilot.press("space", "2")
        await pilot.pause()
        assert len(reader.spans) == 2
        await pilot.press("K")  # the previous article is the damaged one: shown, not opened
        await pilot.pause()
        assert isinstance(app.screen, StoreErrorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is reader and reader.article_id == ids[1]
    assert app.return_code is None
    with Store(root, "ali") as store:
        assert len(store.spans(ids[1])) == 2


def _not_utf8(path):
    path.write_bytes(b'{"spans": "\xff\xfe"}')


def _array(path):
    path.write_text("[1, 2, 3]", encoding="utf-8")


def _folder(path):
    path.unlink()
    path.mkdir()


def _link(path):
    path.unlink()
    path.symlink_to("/etc/hostname")


def _fifo(path):
    import os

    path.unlink()
    os.mkfifo(path)


def _deleted(path):
    path.unlink()
    path.with_name(path.name + ".bak").unlink(missing_ok=True)


def _deep(path):
    path.write_bytes(b"[" * 100_000)


@pytest.mark.parametrize("damage", [_not_utf8, _array, _folder, _link, _fifo, _deleted, _deep],
                         ids=lambda damage: damage.__name__.strip("_"))
@sync
async def test_every_kind_of_store_damage_is_shown_not_fatal(tmp_path, damage):
    corpus, root, shard, ids = _damaged_store(tmp_path, damage)
    app = _app(corpus, root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _refused(app, pilot, ids[0])
        assert shard.name in dialog.message
        reader = await _opened(app, pilot, ids[1])
        assert len(reader.spans) == 1
    assert app.return_code is None
