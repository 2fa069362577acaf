"""Textual's private binding tables are read in one module only
(tui/bindings.py): an upgrade of Textual that changes them breaks one file."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INTERNALS = re.compile(r"\._bindings\b|\bkey_to_bindings\b|\b__module__\b")
ALLOWED = ROOT / "tui" / "bindings.py"


def test_only_the_bindings_module_reads_textuals_binding_tables():
    sources = sorted((ROOT / "tui").rglob("*.py"))
    assert ALLOWED in sources and INTERNALS.search(ALLOWED.read_text(encoding="utf-8"))
    users = [path.relative_to(ROOT).as_posix() for path in sources
             if path != ALLOWED and INTERNALS.search(path.read_text(encoding="utf-8"))]
    assert users == []
