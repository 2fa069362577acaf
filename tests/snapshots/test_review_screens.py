"""Snapshots of the review screens at 80x24 and 160x48: the review list and
one article under review (alice and bob on the seeds, gold having taken one
side). Regenerate with ``pytest tests/snapshots --snapshot-update`` and look
at the SVGs: the Arabic must read right to left."""

from __future__ import annotations

import shutil

import pytest

from tests.app.review_data import make_review, seed_two_annotators
from tests.snapshots.test_screens import SIZES, settle


@pytest.fixture
def two_annotators(tmp_path, seeds_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(seeds_dir, tmp_path / "seeds")
    monkeypatch.setenv("HASHIYA_STORE", "hashiya-store")
    seed_two_annotators("hashiya-store", "seeds")


@pytest.mark.parametrize("size", SIZES)
def test_review_list(snap_compare, two_annotators, size):
    assert snap_compare(make_review("seeds"), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_review_article(snap_compare, two_annotators, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "2")  # the label disagreement: bob's LOC
        await settle(pilot)

    assert snap_compare(make_review("seeds"), terminal_size=size, run_before=run_before)
