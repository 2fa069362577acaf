"""Fixtures the app tests share."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def corpus_dir(tmp_path, seeds_dir) -> Path:
    """A copy of the seeds the test may change (a module may define its own)."""
    target = tmp_path / "corpus"
    shutil.copytree(seeds_dir, target)
    return target
