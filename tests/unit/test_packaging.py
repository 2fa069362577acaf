"""The packaging metadata and what `make test` asks of the machine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_license_is_an_spdx_string_with_its_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    for name in project["project"]["license-files"]:
        assert (ROOT / name).is_file(), name
    requires = " ".join(project["build-system"]["requires"])
    version = re.search(r"setuptools>=(\d+)", requires)
    assert version and int(version.group(1)) >= 77  # the first to read an SPDX license


def _make_test_dry(tmp_path: Path, *, tmux: bool, **variables: str) -> subprocess.CompletedProcess:
    """`make -n test` with a PATH holding make (and a stand-in tmux if asked) only."""
    make = shutil.which("make")
    assert make, "make is installed"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(make, bin_dir / "make")
    if tmux:
        (bin_dir / "tmux").write_text("#!/bin/sh\n")
        (bin_dir / "tmux").chmod(0o755)
    return subprocess.run(
        [str(bin_dir / "make"), "-n", "test", *(f"{k}={v}" for k, v in variables.items())],
        cwd=ROOT, env={"PATH": str(bin_dir)}, capture_output=True, text=True, timeout=60,
    )


def test_make_test_without_tmux_names_the_package(tmp_path):
    result = _make_test_dry(tmp_path, tmux=False)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "install the Debian package tmux" in result.stderr


def test_make_test_without_unicode_data_names_the_package(tmp_path):
    result = _make_test_dry(tmp_path, tmux=True, UNICODE_DATA=str(tmp_path / "missing.txt"))
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "install the Debian package unicode-data" in result.stderr
