"""tui.rtl against Unicode's own conformance data (Debian package unicode-data).

* BidiCharacterTest.txt, every line: visual order (field 4), and the paragraph level and
  resolved levels (fields 2 and 3, after rule L1, "x" for characters removed by X9).
* BidiTest.txt, a fixed sample of its data lines (every SAMPLE_STEP-th, all three
  paragraph directions each line asks for), checked on levels and order: the whole file
  holds 770,000 cases, too many for the suite's time budget.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import rtl

UCD = Path("/usr/share/unicode")
CHARACTER_TEST = UCD / "BidiCharacterTest.txt"
BIDI_TEST = UCD / "BidiTest.txt"
REQUIRED_RATE = 0.999
SAMPLE_STEP = 7

DIRECTIONS = {"0": "ltr", "1": "rtl", "2": "auto"}

# A character of each bidi class, none of them a paired bracket (BidiTest.txt assumes none).
REPRESENTATIVE = {
    "L": "a", "R": "\u05d0", "AL": "\u0627", "EN": "0", "ES": "+", "ET": "$", "AN": "\u0660",
    "CS": ",", "NSM": "\u0300", "BN": "\u00ad", "B": "\u2029", "S": "\t", "WS": " ", "ON": "!",
    "LRE": "\u202a", "RLE": "\u202b", "PDF": "\u202c", "LRO": "\u202d", "RLO": "\u202e",
    "LRI": "\u2066", "RLI": "\u2067", "FSI": "\u2068", "PDI": "\u2069",
}


def _require(path: Path) -> None:
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: install the Debian package unicode-data "
            "(apt-get install unicode-data; .ci/run does it)",
            pytrace=False,
        )


def _levels_field(para: rtl.ParagraphLevels, text: str) -> str:
    line = rtl.line_levels(para, text, 0, len(text))
    return " ".join("x" if r else str(lv) for lv, r in zip(line, para.removed))


@pytest.fixture(scope="module")
def character_test_results():
    _require(CHARACTER_TEST)
    total = 0
    order_fail: list[str] = []
    level_fail: list[str] = []
    with CHARACTER_TEST.open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(";")
            text = "".join(chr(int(cp, 16)) for cp in fields[0].split())
            direction = DIRECTIONS[fields[1]]
            total += 1
            para = rtl.resolve_paragraph(text, direction)
            order = rtl.visual_order(text, direction)
            if order != [int(i) for i in fields[4].split()]:
                order_fail.append(f"line {number}: {line}\n    got order {' '.join(map(str, order))}")
            levels = _levels_field(para, text)
            if para.base != int(fields[2]) or levels != fields[3]:
                level_fail.append(f"line {number}: {line}\n    got level {para.base}; levels {levels}")
    return total, order_fail, level_fail


def _report(what: str, total: int, failures: list[str]) -> float:
    rate = (total - len(failures)) / total
    print(f"\n{what}: {total - len(failures)}/{total} = {rate:.5%}")
    for f in failures[:5]:
        print("  " + f)
    return rate


def test_character_test_is_complete(character_test_results):
    total, _, _ = character_test_results
    # Unicode 15.0's file has 91,707 test lines; a truncated file must not pass quietly.
    assert total > 90_000


def test_visual_order_matches_bidi_character_test(character_test_results):
    total, order_fail, _ = character_test_results
    rate = _report("BidiCharacterTest visual order", total, order_fail)
    assert rate >= REQUIRED_RATE, "\n".join(order_fail[:5])


def test_levels_match_bidi_character_test(character_test_results):
    total, _, level_fail = character_test_results
    rate = _report("BidiCharacterTest paragraph level + levels", total, level_fail)
    assert rate >= REQUIRED_RATE, "\n".join(level_fail[:5])


def test_bidi_test_sample():
    _require(BIDI_TEST)
    total = 0
    failures: list[str] = []
    levels = order = None
    data_line = 0
    with BIDI_TEST.open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@Levels:"):
                levels = " ".join(line.split(":", 1)[1].split())
                continue
            if line.startswith("@Reorder:"):
                order = [int(i) for i in line.split(":", 1)[1].split()]
                continue
            if line.startswith("@"):
                continue
            data_line += 1
            if data_line % SAMPLE_STEP:
                continue
            classes, bits = line.split(";")
            text = "".join(REPRESENTATIVE[c] for c in classes.split())
            for bit, direction in ((1, "auto"), (2, "ltr"), (4, "rtl")):
                if not int(bits) & bit:
                    continue
                total += 1
                para = rtl.resolve_paragraph(text, direction)
                got_levels = _levels_field(para, text)
                line_lv = rtl.line_levels(para, text, 0, len(text))
                got_order = rtl.reorder_line(line_lv, skip=para.removed)
                if got_levels != levels or got_order != order:
                    failures.append(
                        f"line {number} ({direction}): {line}\n    want {levels} / {order}"
                        f"\n    got  {got_levels} / {got_order}"
                    )
    assert total > 100_000
    rate = _report(f"BidiTest (every {SAMPLE_STEP}th data line)", total, failures)
    assert rate >= REQUIRED_RATE, "\n".join(failures[:5])
