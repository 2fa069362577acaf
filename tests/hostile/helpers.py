"""What every hostile test checks about a command's run: a one-line error
(or none), no traceback, no raw control byte from data on either stream."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from tui.cli import main

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_ID = sorted(path.stem for path in SEEDS.glob("*.txt"))[0]

# C0 controls other than tab and newline, DEL, C1 controls, bidi formatting
# characters and separators: none of these may reach a terminal raw.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``hashiya ARGV`` in this process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    assert not RAW_CONTROL.search(out), repr(out)
    assert not RAW_CONTROL.search(err), repr(err)
    return code, out, err


def one_error(code: int, err: str, *needles: str) -> str:
    """The run failed with exactly one error line holding every needle."""
    assert code != 0
    errors = [line for line in err.splitlines() if line.startswith("hashiya: error:")]
    assert len(errors) == 1, err
    for needle in needles:
        assert needle in errors[0], (needle, errors[0])
    return errors[0]


def copy_seeds(target: Path) -> Path:
    shutil.copytree(SEEDS, target)
    return target


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder`` (links as their target), for "nothing changed"."""
    found: dict[str, bytes | str] = {}
    if not folder.exists():
        return found
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(base) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = "-> " + os.readlink(path)
            elif path.is_file():
                found[key] = path.read_bytes()
            else:
                found[key] = "dir"
    return found
