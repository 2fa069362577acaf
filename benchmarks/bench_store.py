"""Store benchmark: saving one span and loading one article's spans with
100,000 spans across 10,000 articles already stored, against a plain
single-file TinyDB (default JSONStorage) holding the same spans.

    python -m benchmarks.bench_store
"""

from __future__ import annotations

import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tinydb import Query, TinyDB

from annotations.model import ArticleRecord, Span, Status
from annotations.store import Store

ARTICLES = 10_000
SPANS_PER_ARTICLE = 10
SAVES = 200
LOADS = 200
BASELINE_REPEATS = 5

BASE = (
    "قال وزير الصحة إن الوزارة ستطلق برنامجا لتدريب الكوادر الطبية بالتعاون مع منظمة الصحة "
    "العالمية وجامعات أوروبية، وإن المستشفيات في بغداد والبصرة والموصل ستستفيد منه خلال عام "
    "2025، داعيا الأطباء المغتربين إلى العودة والمساهمة في تطوير القطاع الصحي. "
)


def article_text(n: int) -> str:
    return f"{BASE}{BASE}رقم {n}"


def words(text: str) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                spans.append((start, i))
                start = None
        elif start is None:
            start = i
    return spans


def make_records() -> list[ArticleRecord]:
    records = []
    labels = ["PER", "ORG", "LOC", "DATE"]
    for n in range(ARTICLES):
        aid = f"art{n:05d}"
        text = article_text(n)
        spans = [
            Span(aid, s, e, labels[k % 4], "entity", text[s:e], "bench")
            for k, (s, e) in enumerate(words(text)[: SPANS_PER_ARTICLE * 2 : 2])
        ]
        records.append(ArticleRecord(aid, text, spans=spans, status=Status.IN_PROGRESS, annotator="bench"))
    return records


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def disk_sync_cost(folder: Path, repeats: int = 100) -> float:
    """Median cost of the one thing a save must wait for: appending a line
    to a file and fdatasync'ing it, on this disk, now."""
    import os

    path = folder / "sync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    times = []
    try:
        for _ in range(repeats):
            t0 = time.perf_counter()
            os.write(fd, b"x" * 400 + b"\n")
            os.fdatasync(fd)
            times.append(time.perf_counter() - t0)
    finally:
        os.close(fd)
        path.unlink()
    return statistics.median(times)


def bench_hashiya(folder: Path, records: list[ArticleRecord]) -> dict:
    import gc

    root = folder / "store"
    t0 = time.perf_counter()
    with Store(root, "bench") as store:
        summary = store.import_records(records)
    prefill = time.perf_counter() - t0
    assert summary.spans_added == ARTICLES * SPANS_PER_ARTICLE, summary
    records.clear()
    gc.collect()

    t0 = time.perf_counter()
    store = Store(root, "bench")
    opened = time.perf_counter() - t0
    try:
        counts = store.span_counts()
        assert sum(counts.values()) == ARTICLES * SPANS_PER_ARTICLE
        rng = random.Random(7)
        # loading one article's spans: articles not touched yet in this session
        load_ids = rng.sample(range(ARTICLES), LOADS + SAVES)
        loads = []
        for n in load_ids[:LOADS]:
            t0 = time.perf_counter()
            spans = store.spans(f"art{n:05d}")
            loads.append(time.perf_counter() - t0)
            assert len(spans) == SPANS_PER_ARTICLE
        # saving one span: a new entity on a word after the stored ones
        saves, save_cpu = [], []
        free_words = words(article_text(0))[SPANS_PER_ARTICLE * 2 + 1 :: 2]
        for i, n in enumerate(load_ids[LOADS:]):
            aid = f"art{n:05d}"
            text = article_text(n)
            s, e = free_words[i % len(free_words)]
            c0 = time.process_time()
            t0 = time.perf_counter()
            store.add_span(aid, text, s, e, "LOC", "entity")
            saves.append(time.perf_counter() - t0)
            save_cpu.append(time.process_time() - c0)
    finally:
        store.close()
    return {"prefill": prefill, "open": opened, "saves": saves, "save_cpu": save_cpu, "loads": loads}


def fill_tinydb(folder: Path, records: list[ArticleRecord]) -> tuple[Path, float]:
    path = folder / "plain.json"
    t0 = time.perf_counter()
    with TinyDB(path) as db:
        db.insert_multiple(span.to_dict() for record in records for span in record.spans)
    return path, time.perf_counter() - t0


def bench_tinydb(path: Path, prefill: float) -> dict:
    size = path.stat().st_size
    inserts, searches = [], []
    text = article_text(3)
    s, e = words(text)[-3]
    Spans = Query()
    with TinyDB(path) as db:
        for i in range(BASELINE_REPEATS):
            span = Span("art00003", s, e, "LOC", "entity", text[s:e], "bench")
            t0 = time.perf_counter()
            db.insert(span.to_dict())
            inserts.append(time.perf_counter() - t0)
        rng = random.Random(11)
        for n in rng.sample(range(ARTICLES), BASELINE_REPEATS):
            t0 = time.perf_counter()
            found = db.search(Spans.article_id == f"art{n:05d}")
            searches.append(time.perf_counter() - t0)
            assert len(found) == SPANS_PER_ARTICLE
    return {"prefill": prefill, "size": size, "saves": inserts, "loads": searches}


def main() -> None:
    import gc

    records = make_records()
    folder = Path(tempfile.mkdtemp(prefix="hashiya-bench-store-", dir=Path.cwd() if Path.cwd().is_dir() else None))
    try:
        sync = disk_sync_cost(folder)
        plain_path, plain_prefill = fill_tinydb(folder, records)
        ours = bench_hashiya(folder, records)
        del records  # both sides are timed without the generated records in memory
        gc.collect()
        plain = bench_tinydb(plain_path, plain_prefill)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    save_ratio = statistics.median(plain["saves"]) / statistics.median(ours["saves"])
    load_ratio = statistics.median(plain["loads"]) / statistics.median(ours["loads"])
    total = ARTICLES * SPANS_PER_ARTICLE
    print(f"## Store: {total:,} spans across {ARTICLES:,} articles already stored\n")
    print(
        f"hashiya store: one TinyDB file per article, each save journalled (fdatasync) and the file "
        f"replaced atomically (synced at checkpoints); {SAVES} saves and {LOADS} loads of articles not yet read in the "
        f"session. Baseline: one TinyDB file with the default JSONStorage "
        f"({plain['size'] / 1e6:.1f} MB), {BASELINE_REPEATS} inserts and {BASELINE_REPEATS} searches.\n"
    )
    print("| operation | hashiya median | hashiya p95 | plain TinyDB median | plain TinyDB max | ratio (plain / hashiya) |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| save one span | {ms(statistics.median(ours['saves']))} | {ms(percentile(ours['saves'], 0.95))} "
        f"| {ms(statistics.median(plain['saves']))} | {ms(max(plain['saves']))} | {save_ratio:,.0f}x |"
    )
    print(
        f"| load one article's spans | {ms(statistics.median(ours['loads']))} | {ms(percentile(ours['loads'], 0.95))} "
        f"| {ms(statistics.median(plain['loads']))} | {ms(max(plain['loads']))} | {load_ratio:,.0f}x |"
    )
    print()
    print(
        f"Pre-fill: hashiya bulk import {ours['prefill']:.1f} s, plain TinyDB insert_multiple {plain['prefill']:.1f} s. "
        f"Opening the filled store (index and span counts for the article list): {ms(ours['open'])}."
    )
    print(
        f"A save waits for one fdatasync of the journal: on this disk during this run an append + "
        f"fdatasync took {ms(sync)} (median); the save's own CPU time (process time, includes the "
        f"kernel's) was {ms(statistics.median(ours['save_cpu']))} (median)."
    )
    target_ok = statistics.median(ours["saves"]) < 0.005 and statistics.median(ours["loads"]) < 0.005
    print(f"\nTarget (< 5 ms median for both): {'met' if target_ok else 'NOT met'}.")


if __name__ == "__main__":
    main()
