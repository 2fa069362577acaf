from __future__ import annotations

import pytest

from annotations.errors import SchemaError
from annotations.model import ENTITY, THEME
from annotations.schema import load_schema, parse_schema


def test_default_schema_has_entities_and_themes_with_unique_keys():
    schema = load_schema()
    names = {label.name for label in schema.entities}
    assert {"PER", "ORG", "GPE", "LOC", "DATE", "EVENT", "FAC"} <= names
    assert len(schema.themes) >= 4
    keys = [label.key for label in schema.labels]
    assert len(keys) == len(set(keys))
    assert schema.by_key("1").name == "PER"
    assert schema.kind_of("cooperation") == THEME
    assert schema.kind_of("PER") == ENTITY


GOOD = """
[[entity]]
name = "PER"
key = "p"
colour = "red"

[[theme]]
name = "health"
key = "h"
description = "Health"
"""


def test_parse_good_schema():
    schema = parse_schema(GOOD, "x.toml")
    assert [label.name for label in schema.labels] == ["PER", "health"]
    assert schema.get("health").description == "Health"


@pytest.mark.parametrize(
    "source, line, words",
    [
        (GOOD.replace('key = "h"', 'key = "p"'), 9, "already used by the label at line 4"),
        (GOOD.replace('colour = "red"', 'colour = "red"\nshade = 3'), 6, "unknown field 'shade'"),
        (GOOD.replace('name = "health"', 'name = ""'), 8, "empty"),
        (GOOD.replace('name = "health"', 'name = "PER"'), 8, "defined twice (first at line 3)"),
        (GOOD.replace('key = "p"', 'key = "pq"'), 4, "exactly one character"),
        (GOOD.replace('colour = "red"', 'colour = "not a colour!"'), 5, "not a colour"),
        # a name of the right shape that the app's colour parser does not know
        (GOOD.replace('colour = "red"', 'colour = "notacolour"'), 5, "'notacolour' is not a colour"),
        (GOOD + '\n[[relation]]\nname = "x"\n', 12, "unknown table"),
        # the gazetteer: a list of non-empty strings, at the top or in an entity
        ('gazetteer = "دمشق"\n' + GOOD, 1, "gazetteer in the top level must be a list of strings"),
        ('gazetteer = ["دمشق", 3]\n' + GOOD, 1, "every item must be a non-empty string, not 3"),
        (GOOD.replace('colour = "red"', 'colour = "red"\ngazetteer = ["", "x"]'), 6, "[[entity]]: every item"),
        (GOOD.replace('description = "Health"', 'gazetteer = ["x"]'), 10, "unknown field 'gazetteer' in [[theme]]"),
    ],
)
def test_bad_schema_names_the_line(source, line, words):
    with pytest.raises(SchemaError) as info:
        parse_schema(source, "labels.toml")
    message = str(info.value)
    assert message.startswith(f"labels.toml:{line}:"), message
    assert words in message


def test_invalid_toml_is_a_schema_error():
    with pytest.raises(SchemaError, match="not valid TOML"):
        parse_schema("[[entity]\nname=", "bad.toml")


def test_missing_required_field():
    with pytest.raises(SchemaError, match="missing key"):
        parse_schema('[[entity]]\nname = "PER"\n', "x.toml")


def test_empty_schema_rejected():
    with pytest.raises(SchemaError, match="defines no labels"):
        parse_schema("", "x.toml")


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(SchemaError, match="cannot read"):
        load_schema(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[[entity]]\nname = "caf\xe9"\nkey = "c"\n')
    with pytest.raises(SchemaError, match="not UTF-8"):
        load_schema(bad)


GAZETTEER = 'gazetteer = ["دمشق", "الصين"]\n' + GOOD.replace(
    'colour = "red"', 'colour = "red"\ngazetteer = ["بلبيسي", "الصين", "عثمان عبدالجليل"]'
)


def test_gazetteer_top_level_and_per_entity():
    schema = parse_schema(GAZETTEER, "x.toml")
    assert schema.gazetteer == ("دمشق", "الصين", "بلبيسي", "عثمان عبدالجليل")
    assert schema.get("PER").gazetteer == ("بلبيسي", "الصين", "عثمان عبدالجليل")
    assert schema.get("health").gazetteer == ()
    assert parse_schema(GOOD).gazetteer == ()


def test_gazetteer_is_evidence():
    from annotations.tokenize import Evidence, evidence_for, canonical_tokens

    evidence = evidence_for([], schema=parse_schema(GAZETTEER))
    assert canonical_tokens("بدمشق وبلبيسي بلبيسي", evidence) == ["ب", "دمشق", "و", "بلبيسي", "بلبيسي"]
    assert isinstance(evidence, Evidence)
