"""Attacks on the app: markup and escape sequences in ids, titles, file
names, paths, label names and descriptions; label schemas that parse but
could not be drawn; a store file damaged under an article.

Every test drives the app with Pilot and checks, besides what is shown,
the bytes the terminal would receive: the screen's full update rendered
as the driver writes it, with the app's own styling and cursor moves
taken out, holds no control character (``terminal_bytes``)."""

from __future__ import annotations

import re

from annotations.settings import Settings
from tests.app.pilot import sync
from tui.app import make_app
from tui.screens.pickers import MAX_SHOWN, LabelPicker

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
