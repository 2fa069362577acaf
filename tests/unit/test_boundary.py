"""The core and the layout engine must stay free of Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE_MODULES = sorted(
    "annotations." + ".".join(p.relative_to(ROOT / "annotations").with_suffix("").parts)
    for p in (ROOT / "annotations").rglob("*.py")
    if p.name != "__init__.py" and p.name != "__main__.py"
)
PURE_TUI_MODULES = ["tui.rtl", "tui.layout", "tui.cli"]


def _modules_loaded_by(module: str) -> set[str]:
    code = (
        "import importlib, sys, json\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    import json

    return set(json.loads(out.stdout))


def test_there_are_core_modules_to_check():
    assert "annotations.model" in CORE_MODULES


@pytest.mark.parametrize("module", CORE_MODULES + PURE_TUI_MODULES)
def test_module_does_not_import_textual(module):
    loaded = _modules_loaded_by(module)
    assert module in loaded
    assert not any(name == "textual" or name.startswith("textual.") for name in loaded), module


def test_cli_subcommands_other_than_open_do_not_import_textual():
    code = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "build_parser()\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
