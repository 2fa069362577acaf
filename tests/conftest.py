"""Shared fixtures. Every test runs with its store and config in a temp dir,
so nothing touches the user's real files."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HASHIYA_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("HASHIYA_STORE", str(home / "store"))
    monkeypatch.setenv("HASHIYA_ANNOTATOR", "tester")
    monkeypatch.delenv("HASHIYA_CORPUS", raising=False)
    monkeypatch.delenv("HASHIYA_LABELS", raising=False)
    monkeypatch.delenv("HASHIYA_MODE", raising=False)
    monkeypatch.delenv("HASHIYA_HARAKAT", raising=False)
    monkeypatch.delenv("HASHIYA_MODEL", raising=False)
    monkeypatch.delenv("HASHIYA_ORDER", raising=False)


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
