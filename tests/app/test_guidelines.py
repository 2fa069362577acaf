"""Guidelines: a label's description and examples, validated in the schema
and shown whole, shaped, for the label under the cursor or chosen."""

from __future__ import annotations

import pytest

from annotations.errors import SchemaError
from annotations.schema import Label, load_schema, parse_schema
from tests.app.pilot import make, open_reader, sync
from tests.app.test_reader import corpus_dir, label_word  # noqa: F401  (the fixture)
from tui.layout import display_line
from tui.widgets.guidelines import Guidelines, guideline_lines


def test_examples_are_read_and_checked():
    schema = parse_schema('[[entity]]\nname = "PER"\nkey = "1"\nexamples = ["أحمد", "Dr. Ali"]\n')
    assert schema.labels[0].examples == ("أحمد", "Dr. Ali")
    for bad in ('examples = "أحمد"', 'examples = [""]', "examples = [1]"):
        with pytest.raises(SchemaError, match=r"<labels>:4: examples"):
            parse_schema(f'[[entity]]\nname = "PER"\nkey = "1"\n{bad}\n')
    assert load_schema().get("GPE").examples  # the built-in schema has some


def test_long_examples_wrap_whole_and_shaped():
    label = parse_schema(
        '[[theme]]\nname = "cooperation"\nkey = "a"\ndescription = "International cooperation"\n'
        'examples = ["وقعت وزارة الصحة العراقية مذكرة تفاهم مع منظمة الصحة العالمية لتدريب الكوادر"]\n'
    ).labels[0]
    lines = guideline_lines(label, 30)
    assert lines[0] == "cooperation (theme, key a)"
    example_rows = lines[lines.index("Examples:") + 1:]
    assert len(example_rows) > 1 and example_rows[0].startswith("• ")
    words = "وقعت وزارة الصحة العراقية مذكرة تفاهم مع منظمة الصحة العالمية لتدريب الكوادر".split()
    shown = " ".join(example_rows)
    assert all(display_line(word) in shown for word in words)  # nothing cut


@sync
async def test_g_shows_the_guidelines_of_the_label_under_the_cursor_and_of_the_picker(corpus_dir):
    app = make(corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reader(app, pilot, "a_rtl")
        start = await label_word(pilot, screen, "العراق", "3")
        screen.reader.move_cursor_to(start + 1)
        await pilot.pause()
        panel = screen.query_one(Guidelines)
        assert not panel.display
        await pilot.press("G")
        await pilot.pause()
        assert panel.display and panel.region.height > 2
        text = str(panel.content)
        assert text.startswith("GPE (entity, key 3)") and display_line("المملكة المتحدة") in text
        # the label chosen in the picker
        screen.reader.move_cursor_to(0)
        await pilot.press("space", "l")
        await pilot.pause()
        await pilot.press(*"PER", "enter")
        await pilot.pause()
        assert str(panel.content).startswith("PER (entity, key 1)")
        await pilot.press("G")
        await pilot.pause()
        assert not panel.display


def test_a_label_name_and_key_from_a_label_file_are_shown_never_sent_raw():
    label = Label("P\x1bcER", "entity", "\x07", description="شخص")
    heading = guideline_lines(label, 40)[0]
    assert "\x1b" not in heading and "\x07" not in heading
    assert heading.startswith("P") and heading.endswith("ER (entity, key ␇)")
