"""`hashiya render`: plain rows, --json cell map, options, and bad files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rich.cells import cell_len

from annotations.corpus import MAX_ARTICLE_BYTES
from tui.cli import main


def render(capsys, *args):
    code = main(["render", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_plain_render_of_a_seed(capsys, seeds_dir):
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    code, out, err = render(capsys, seed, "--width", 60)
    assert code == 0 and err == ""
    lines = out.split("\n")[:-1]
    text = seed.read_text(encoding="utf-8")
    assert len(lines) > text.count("\n")
    assert all(cell_len(line) <= 60 for line in lines)
    # Arabic rows are right aligned: full rows end at column 60.
    assert all(cell_len(line) == 60 for line in lines if line.strip())


def test_json_rows_cover_the_text(capsys, seeds_dir):
    seed = sorted(seeds_dir.glob("*.txt"))[1]
    text = seed.read_text(encoding="utf-8")
    code, out, _ = render(capsys, seed, "--width", 45, "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["row"] for r in records] == list(range(len(records)))
    covered = sorted((start, end) for r in records for _, start, end in r["cells"])
    pos = 0
    for start, end in covered:
        while pos < start and text[pos] == "\n":
            pos += 1
        assert start == pos
        pos = end
    assert text[pos:].strip("\n") == ""
    for r in records:
        for shown, start, end in r["cells"]:
            assert isinstance(shown, str) and 0 <= start < end <= len(text)


def test_hostile_text_never_reaches_the_terminal(capsys, tmp_path):
    f = tmp_path / "evil.txt"
    f.write_text("عنوان\x1b]0;pwned\x07 \x1b[2J\u202eabc\u2066\x9b", encoding="utf-8")
    code, out, _ = render(capsys, f, "--width", 40)
    assert code == 0
    assert not any(ord(c) < 0x20 and c != "\n" for c in out)
    assert not any(0x7F <= ord(c) <= 0x9F for c in out)
    assert not any(c in out for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "␛" in out and "⇚" in out


def test_modes_harakat_and_direction(capsys, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("مُحَمَّد (2025)\n", encoding="utf-8")
    _, visual, _ = render(capsys, f, "--width", 30)
    _, logical, _ = render(capsys, f, "--width", 30, "--mode", "logical")
    _, bare, _ = render(capsys, f, "--width", 30, "--no-harakat")
    _, ltr, _ = render(capsys, f, "--width", 30, "--direction", "ltr")
    first = visual.split("\n")[0]
    assert first.startswith(" ") and first.lstrip().startswith("(2025)")
    assert logical.split("\n")[0].endswith("(2025)")
    assert "\u064f" in visual and "\u064f" not in bare
    assert not ltr.startswith(" ")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary", "binary"),
        (b"\xff\xfe\xfa bad", "not valid UTF-8"),
        (b"", "empty"),
        (b"  \n\n ", "whitespace"),
    ],
)
def test_bad_files_give_one_line_and_nonzero(capsys, tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    code, out, err = render(capsys, f)
    assert code != 0 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_and_too_large(capsys, tmp_path):
    code, _, err = render(capsys, tmp_path / "nope.txt")
    assert code != 0 and "no such file" in err
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_ARTICLE_BYTES + 1))
    code, _, err = render(capsys, big)
    assert code != 0 and "limit" in err and err.count("\n") == 1


def test_folder_needs_an_id(capsys, seeds_dir):
    code, _, err = render(capsys, seeds_dir)
    assert code != 0 and "--id" in err
    stem = sorted(seeds_dir.glob("*.txt"))[2].stem
    code, out, _ = render(capsys, seeds_dir, "--id", stem, "--width", 80)
    assert code == 0 and out
    code, _, err = render(capsys, seeds_dir, "--id", "no-such-article")
    assert code != 0 and "no article" in err


def test_bad_width(capsys, seeds_dir):
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    code, _, err = render(capsys, seed, "--width", 0)
    assert code != 0 and "width" in err


def test_piped_default_width_is_80(seeds_dir):
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "render", str(seed)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines and max(cell_len(line) for line in lines) == 80
