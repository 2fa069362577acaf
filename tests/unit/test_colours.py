"""Label colours stay apart in every colour system a terminal may use."""

import pytest

from annotations.colours import MIN_DISTANCE, SYSTEMS, ciede2000, distance
from annotations.schema import load_schema, parse_schema

# Reference pairs published with the CIEDE2000 formula (Sharma, Wu, Dalal 2005).
REFERENCE = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize("first, second, expected", REFERENCE)
def test_ciede2000_matches_the_published_pairs(first, second, expected):
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)


def test_the_old_gpe_and_loc_colours_were_too_close():
    # #2ec27e and #26a269 became #00af87 and #00af5f in 256 colours and one cyan in 16
    assert distance("#2ec27e", "#26a269", "16") < MIN_DISTANCE


@pytest.mark.parametrize("system", SYSTEMS)
def test_built_in_entity_colours_are_pairwise_distinguishable(system):
    entities = load_schema().entities
    # a floor above the warning's: the built-in schema is the example to copy
    floor = 2 * MIN_DISTANCE
    for i, first in enumerate(entities):
        for second in entities[i + 1:]:
            gap = distance(first.colour, second.colour, system)
            assert gap >= floor, (first.name, second.name, system, round(gap, 1))


def test_built_in_schema_loads_without_warnings():
    assert load_schema().warnings == ()


SOURCE = """
[[entity]]
name = "GPE"
key = "1"
colour = "{gpe}"

[[entity]]
name = "LOC"
key = "2"
colour = "{loc}"

[[entity]]
name = "PER"
key = "3"
colour = "#0087ff"

[[theme]]
name = "same"
key = "a"
colour = "{loc}"
"""


def test_two_near_identical_entity_colours_give_one_warning_naming_both(tmp_path):
    path = tmp_path / "labels.toml"
    path.write_text(SOURCE.format(gpe="#2ec27e", loc="#26a269"), encoding="utf-8")
    warnings = load_schema(path).warnings
    assert len(warnings) == 1
    (warning,) = warnings
    assert "\n" not in warning
    assert "GPE" in warning and "LOC" in warning and "PER" not in warning
    assert str(path) in warning


def test_distinct_colours_give_no_warning():
    # a theme sharing an entity's colour is drawn differently (an underline), not a clash
    assert parse_schema(SOURCE.format(gpe="#5fffaf", loc="#00875f")).warnings == ()
