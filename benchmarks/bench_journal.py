"""Journal benchmark: the size of journal.jsonl after 100,000 saves with
the journal cut at checkpoints (what the store does) and without (the sum
of every line appended, which is what an uncut journal holds: the lines are
the same), the time of each cut, and the latency of a save meanwhile.

    python -m benchmarks.bench_journal
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from annotations.store import Store, checkpoint

from .bench_store import article_text, ms, percentile, words

EDITS = int(os.environ.get("BENCH_JOURNAL_EDITS", 100_000))  # fewer for a quick look
ARTICLES = 2_000


def mib(size: int) -> str:
    return f"{size / (1 << 20):.2f} MiB"


def bench_edits(root: Path) -> dict:
    cuts: list[float] = []
    cut_journal = checkpoint.cut_journal

    def timed_cut(ann) -> bool:
        t0 = time.perf_counter()
        try:
            return cut_journal(ann)
        finally:
            cuts.append(time.perf_counter() - t0)

    checkpoint.cut_journal = timed_cut
    texts = [article_text(n) for n in range(ARTICLES)]
    spots = words(texts[0])
    per_article = EDITS // ARTICLES
    assert len(spots) >= per_article
    saves: list[float] = []
    appended = [0]
    largest = 0
    try:
        with Store(root, "bench") as store:
            journal = store._own.journal
            append = journal.append

            def counted(entries, **options):
                before = journal.size
                try:
                    return append(entries, **options)
                finally:
                    appended[0] += journal.size - before

            journal.append = counted
            for i in range(EDITS):
                n = i % ARTICLES
                s, e = spots[i // ARTICLES]
                t0 = time.perf_counter()
                store.add_span(f"art{n:05d}", texts[n], s, e, "LOC", "entity")
                saves.append(time.perf_counter() - t0)
                largest = max(largest, journal.size)
            final = journal.size
            undo = len(store.undo_history()[0])
    finally:
        checkpoint.cut_journal = cut_journal
    return {"saves": saves, "cuts": cuts, "final": final, "largest": largest, "uncut": appended[0], "undo": undo}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = bench_edits(Path(tmp) / "store")
    saves, cuts = result["saves"], result["cuts"]
    print(f"## Journal: {EDITS:,} saves (one span each) across {ARTICLES:,} articles\n")
    print(f"Cut when it has grown by {mib(checkpoint.JOURNAL_LIMIT)} since the last cut.\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| journal after {EDITS:,} saves, cut at checkpoints | {mib(result['final'])} |")
    print(f"| largest it was at any time | {mib(result['largest'])} |")
    print(f"| without cuts (every line appended) | {mib(result['uncut'])} |")
    print(f"| cuts | {len(cuts)} |")
    if cuts:
        print(f"| one cut: median / max | {ms(statistics.median(cuts))} / {ms(max(cuts))} |")
    print(f"| save one span: median / p95 / max | {ms(statistics.median(saves))} / {ms(percentile(saves, 0.95))} / {ms(max(saves))} |")
    print(f"| undo history after the last save | {result['undo']:,} edits |")


if __name__ == "__main__":
    main()
