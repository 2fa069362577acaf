"""Opening a 10,000-article corpus: ids and titles listed, text read lazily.

Baseline in the same run: reading and decoding every file in full (what an
eager loader does). Target: under 1 s."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from annotations.corpus import open_corpus

ROOT = Path(__file__).resolve().parent.parent
N_ARTICLES = 10_000


def make_corpus(folder: Path, n: int = N_ARTICLES) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for i in range(n):
        (folder / f"{i:05d}.txt").write_text(seeds[i % len(seeds)], encoding="utf-8")


def _time(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def eager(folder: Path) -> int:
    total = 0
    for path in sorted(folder.glob("*.txt")):
        total += len(path.read_bytes().decode("utf-8"))
    return total


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_corpus(folder)
        open_corpus(folder)  # warm the OS cache for both contestants alike
        ours = _time(lambda: open_corpus(folder), 5)
        base = _time(lambda: eager(folder), 5)
        assert len(open_corpus(folder)) == N_ARTICLES
    ours_med, base_med = statistics.median(ours), statistics.median(base)
    print("## Corpus: open 10,000 articles (ids + titles)\n")
    print("| what | median | target |")
    print("|---|---|---|")
    print(f"| `open_corpus` (titles, lazy text) | {ours_med * 1000:.0f} ms | < 1000 ms |")
    print(f"| baseline: read + decode every file in full | {base_med * 1000:.0f} ms | |")
    print(f"\nRatio baseline/ours: {base_med / ours_med:.2f}x")
    return {"open_ms": ours_med * 1000, "eager_ms": base_med * 1000}


if __name__ == "__main__":
    main()
