"""The RTL layout engine on a 100,000-character article at width 80.

Measured: the first screen (24 rows) from a fresh Layout, the full layout, and the
per-keystroke cost of re-highlighting one row (cells_for_range for a selection on the row
plus building that row's display string). Baseline in the same run: plain
``bidi.get_display(arabic_reshaper.reshape(text))`` on the same text (no wrapping, no
offsets, harakat and lam-alef offsets lost). Targets: first screen < 20 ms, full < 1 s.

    python -m benchmarks.bench_layout
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = 100_000
WIDTH = 80


def article(size: int = SIZE) -> str:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        s = seeds[i % len(seeds)]
        parts.append(s)
        total += len(s) + 1
        i += 1
    return "\n".join(parts)[:size]


def _time(fn, repeat: int) -> tuple[float, float, float]:
    """(median wall, best wall, median CPU) seconds. On a shared machine the CPU time of
    this process is the steadier figure."""
    times = []
    cpu = []
    for _ in range(repeat):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), min(times), statistics.median(cpu)


def main() -> dict:
    import arabic_reshaper
    from bidi import get_display

    from tui.layout import Layout, LayoutOptions

    text = article()
    options = LayoutOptions(width=WIDTH)

    def first_screen():
        Layout(text, options).rows(0, 24)

    def full():
        layout = Layout(text, options)
        return layout.rows(0, layout.row_count)  # every row built, every cell made

    def count_only():
        return Layout(text, options).row_count  # wrapping only: what a scrollbar needs

    import tui.shaping

    def cold(fn):
        # Empty the shaped-word cache first: the article repeats the seeds, so a warm cache
        # would flatter the shaping cost.
        def run():
            tui.shaping._WORD_CACHE.clear()
            return fn()

        return run

    first_screen()  # warm imports and the per-character tables
    first = _time(cold(first_screen), 20)
    full_cold = _time(cold(full), 5)
    full_warm = _time(full, 5)
    count_cold = _time(cold(count_only), 5)

    layout = Layout(text, options)
    rows = layout.row_count
    target_row = 10
    row = layout.row(target_row)
    sel_start, sel_end = row.start + 5, row.start + 25

    def rehighlight():
        runs = layout.cells_for_range(sel_start, sel_end)
        r = layout.row(target_row)
        marked = {c for (ri, a, b) in runs if ri == target_row for c in range(a, b)}
        parts = [" " * r.indent]
        col = r.indent
        for cell in r.cells:
            parts.append(("[" + cell.text + "]") if col in marked else cell.text)
            col += cell.width
        return "".join(parts)

    keystroke = _time(rehighlight, 2000)

    reshaper = arabic_reshaper.ArabicReshaper()

    def baseline():
        return get_display(reshaper.reshape(text))

    base = _time(baseline, 5)

    # Where the time of a full layout goes (one profiled run).
    prof = cProfile.Profile()
    tui.shaping._WORD_CACHE.clear()
    prof.enable()
    full()
    prof.disable()
    stats = pstats.Stats(prof)
    parts = {"tui/rtl.py": 0.0, "arabic_reshaper": 0.0, "tui/layout.py": 0.0}
    total_prof = 0.0
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        total_prof += tt
        for key in parts:
            if key in filename.replace("\\", "/"):
                parts[key] += tt

    def ms(t: tuple[float, float, float]) -> str:
        return f"{t[0] * 1000:.1f} / {t[1] * 1000:.1f} / {t[2] * 1000:.1f} ms"

    print(f"## Layout: {len(text):,}-character article at width {WIDTH} ({rows:,} rows)\n")
    print("| what | wall median / wall best / CPU median | target |")
    print("|---|---|---|")
    print(f"| first screen (24 rows, fresh Layout, shaped-word cache empty) | {ms(first)} | < 20 ms |")
    print(f"| full layout (every row, fresh Layout, shaped-word cache empty) | {ms(full_cold)} | < 1000 ms |")
    print(f"| full layout (fresh Layout, shaped-word cache warm) | {ms(full_warm)} | |")
    print(f"| `row_count` only (every paragraph wrapped, rows not built; cache empty) | {ms(count_cold)} | |")
    print(f"| re-highlight one row (cells_for_range + row display) | "
          f"{keystroke[0] * 1e6:.0f} / {keystroke[1] * 1e6:.0f} / {keystroke[2] * 1e6:.0f} µs | |")
    print(f"| baseline: `get_display(reshape(text))`, whole text | {ms(base)} | |")
    print(
        f"\nRatio full layout (cold) / baseline: {full_cold[0] / base[0]:.2f}x wall, "
        f"{full_cold[2] / base[2]:.2f}x CPU; first screen / baseline: "
        f"{first[0] / base[0]:.3f}x wall, {first[2] / base[2]:.3f}x CPU"
    )
    share = ", ".join(
        f"{k} {v / total_prof * 100:.0f}%" for k, v in sorted(parts.items(), key=lambda kv: -kv[1])
    )
    print(f"\nFull layout (cold) self time by module (cProfile): {share}, rest (builtins: "
          f"list/str operations, Cell creation) {(total_prof - sum(parts.values())) / total_prof * 100:.0f}%")
    return {
        "first_screen_ms": first[0] * 1000,
        "full_ms": full_cold[0] * 1000,
        "full_warm_ms": full_warm[0] * 1000,
        "rehighlight_us": keystroke[0] * 1e6,
        "baseline_ms": base[0] * 1000,
    }


if __name__ == "__main__":
    main()
