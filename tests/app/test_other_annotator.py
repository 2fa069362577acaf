"""The reader shows another annotator's spans beside one's own (o), read
only: drawn in their own style, never added to one's store."""

from __future__ import annotations

import os

from annotations.store import Store
from tests.app.pilot import make, open_reader, sync
from tests.app.review_data import seed_two_annotators
from tui.screens.other_annotator import AnnotatorPicker


@sync
async def test_o_shows_the_chosen_annotators_spans_read_only(corpus_dir):
    ids = seed_two_annotators(os.environ["HASHIYA_STORE"], corpus_dir)
    app = make(corpus_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        reader_screen = await open_reader(app, pilot, ids[0])
        reader = reader_screen.reader
        assert reader.others == []
        await pilot.press("o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, AnnotatorPicker) and picker.names == ["alice", "bob"]
        await pilot.press("down", "enter")  # bob
        await pilot.pause()
        assert reader_screen.other_annotator == "bob"
        text = reader_screen.text
        assert sorted((text[h.start:h.end], h.label) for h in reader.others) == sorted(
            [("العراق", "GPE"), ("لندن", "LOC"), ("المؤتمر الطبي العراقي", "EVENT")])
        # drawn italic and overlined on the row of العراق, in GPE's colour
        start = text.index("العراق")
        row = reader.layout.locate(start)[0]
        styles = {seg.style for seg in reader._draw_row(row) if seg.text.strip()}
        assert any(style.italic and style.overline for style in styles)
        # a label key on bob's span makes the tester's own span, bob's stays bob's
        reader.move_cursor_to(start)
        await pilot.press("space", "1")
        await pilot.pause()
        assert [(s.label, s.annotator) for s in reader_screen.spans] == [("PER", "tester")]
        await pilot.press("J")  # another article: bob's spans there
        await pilot.pause()
        assert [h.label for h in reader.others] == ["PER"]
        assert text_of(reader_screen, reader.others[0]) == reader_screen.text.split()[1]
        await pilot.press("o")
        await pilot.pause()
        assert reader_screen.other_annotator is None and reader.others == []
    with Store(os.environ["HASHIYA_STORE"], "bob", readonly=True) as bob:
        assert len(bob.spans(ids[0])) == 3
    with Store(os.environ["HASHIYA_STORE"], "tester", readonly=True) as own:
        assert [s.label for s in own.spans(ids[0])] == ["PER"] and own.spans(ids[1]) == []


def text_of(screen, highlight) -> str:
    return screen.text[highlight.start:highlight.end]
