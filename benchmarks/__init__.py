"""Benchmarks. Run them all with `make bench` (python -m benchmarks), or one
with `python -m benchmarks.bench_NAME`. Each compares against its named
baseline in the same run and prints a Markdown section for BENCHMARKS.md.

Importing this package compiles the project's modules to bytecode first
(as Python does on a program's first run, unless PYTHONDONTWRITEBYTECODE
is set): a start-up timed in a child process measures the program as an
annotator starts it every day after the first, not the compiler, and a
machine whose environment forbids writing bytecode times the same thing
as any other."""

from __future__ import annotations

import compileall
from pathlib import Path

for _package in ("annotations", "tui"):
    compileall.compile_dir(Path(__file__).resolve().parent.parent / _package, quiet=1)
