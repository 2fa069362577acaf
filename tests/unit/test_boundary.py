"""Which package may import which. Imports run one way: the command line and
the app use the core; the core uses neither.

Rules:
  (a) no ``annotations.*`` module loads ``textual`` or any ``tui`` module,
      checked twice: by importing each module in a fresh interpreter, and by
      reading every ``annotations/**/*.py`` with ``ast`` so that an import
      hidden inside a function (which importing the module would not run)
      is caught too;
  (b) the pure layout engine (``tui.rtl``, ``tui.shaping``, ``tui.sanitize``,
      ``tui.layout`` and its parts) loads no ``textual``: ``render`` and the tests use it
      without the app;
  (c) ``tui`` itself, ``tui.cli``, building the parser, and every
      subcommand module load no ``textual``. The one deliberate exception:
      ``tui.commands.open``'s ``run`` starts the app, so it imports
      ``tui.app`` (and with it Textual) inside ``run`` only.

Each import check runs in a subprocess, as a module imported once stays in
``sys.modules`` for the whole test session.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_CORE = ("textual", "tui")


def _module_names(package: str) -> list[str]:
    folder = ROOT.joinpath(*package.split("."))
    return sorted(
        ".".join((package, *p.relative_to(folder).with_suffix("").parts))
        for p in folder.rglob("*.py")
        # __main__ runs the program when imported; its imports are main's
        if p.name not in ("__init__.py", "__main__.py")
    )


CORE_MODULES = _module_names("annotations")
CORE_FILES = sorted((ROOT / "annotations").rglob("*.py"))
LAYOUT_ENGINE = ["tui.rtl", "tui.shaping", "tui.sanitize", "tui.layout", "tui.layout_cells", "tui.layout_rows", "tui.layout_line"]
# tui.commands.open is in the list: importing it loads no Textual, only its run() does.
COMMAND_LINE = ["tui", "tui.cli", "tui.commands", *_module_names("tui.commands")]


def _loaded_after(code: str) -> set[str]:
    """The names in sys.modules once `code` has run in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))\n"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.splitlines()[-1]))


def _from(loaded: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(name for name in loaded if name.split(".")[0] in roots)


def test_the_lists_hold_the_modules_they_guard():
    assert {"annotations.model", "annotations.records", "annotations.formats.conll"} <= set(CORE_MODULES)
    assert {"tui.commands.export", "tui.commands.open", "tui.commands.common"} <= set(COMMAND_LINE)
    assert not any(name.startswith("tui.commands.__") for name in COMMAND_LINE)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_loads_neither_textual_nor_tui(module):
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert _from(loaded, FORBIDDEN_IN_CORE) == []


@pytest.mark.parametrize("module", LAYOUT_ENGINE)
def test_layout_engine_module_loads_no_textual(module):
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert _from(loaded, ("textual",)) == []


@pytest.mark.parametrize("module", COMMAND_LINE)
def test_command_line_module_loads_no_textual(module):
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert _from(loaded, ("textual",)) == []


def test_building_the_parser_loads_no_textual():
    # build_parser imports every subcommand module, open's included
    loaded = _loaded_after("from tui.cli import build_parser\nbuild_parser()")
    assert {"tui.commands.open", "tui.commands.render", "tui.commands.export"} <= loaded
    assert _from(loaded, ("textual",)) == []


def test_running_a_subcommand_loads_no_textual(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("قال محمد", encoding="utf-8")
    loaded = _loaded_after(f"from tui.cli import main\nmain(['render', {str(article)!r}, '--width', '20'])")
    assert "tui.layout" in loaded
    assert _from(loaded, ("textual",)) == []


def test_a_subcommand_builds_its_own_parser_alone(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("قال محمد", encoding="utf-8")
    loaded = _loaded_after(f"from tui.cli import main\nmain(['render', {str(article)!r}, '--width', '20'])")
    assert "tui.commands.render" in loaded
    others = {f"tui.commands.{name}" for name in ("export", "import_", "train", "suggest", "open", "stats")}
    assert loaded & others == set()
    assert "annotations.training" not in loaded


def test_the_suggestion_store_loads_neither_the_pattern_matcher_nor_the_tokenizer():
    loaded = _loaded_after("from annotations.suggestions import Found, SuggestionStore, doubt_key")
    assert {"annotations.suggestions.storage", "annotations.suggestions.found"} <= loaded
    assert loaded & {"annotations.suggestions.patterns", "annotations.suggestions.sources",
                     "annotations.tokenize", "annotations.segment"} == set()


def imports_of(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import in `source`, at any depth (functions,
    branches, try blocks), including ``importlib.import_module("x")`` and
    ``__import__("x")`` with a literal name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                if isinstance(first.value, str):
                    found.append((node.lineno, first.value))
    return found


def test_imports_of_finds_imports_hidden_in_functions():
    source = (
        "import os\n"
        "def later():\n"
        "    from tui.app import run_app\n"
        "    if True:\n"
        "        import textual.widgets as w\n"
        "    importlib.import_module('tui.layout')\n"
        "from . import model\n"
    )
    assert imports_of(source) == [(1, "os"), (3, "tui.app"), (5, "textual.widgets"), (6, "tui.layout")]


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_source_names_neither_textual_nor_tui(path):
    bad = [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for line, module in imports_of(path.read_text(encoding="utf-8"))
        if module.split(".")[0] in FORBIDDEN_IN_CORE
    ]
    assert bad == []
