"""Run every benchmarks/bench_*.py module's main() in turn."""

from __future__ import annotations

import importlib
import platform
import sys
import time
from pathlib import Path


def machine() -> str:
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    print(f"# hashiya benchmarks — {time.strftime('%Y-%m-%d')}\n\nMachine: {machine()}\n")
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        module.main()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
