"""Store layout at 100,000 articles: the flat ``articles/`` folder (every
file in one folder, the code before the subfolders) against the fanned-out
one (256 subfolders), and the move of a flat store into the subfolders.

    python -m benchmarks.bench_store_layout                 100,000 articles
    python -m benchmarks.bench_store_layout --articles 10000

One store of N articles (10 entity spans each, one id in ten with
uppercase letters) is built by the flat code through
``Store.import_records``; the flat code then opens it (writer, reader),
saves 200 spans on random articles, rebuilds the index from the article
files (``index.json`` deleted) and reads every article file once
(``span_texts``). The current code then opens it as a writer, which moves
it into the subfolders (timed), and does the same on the fanned-out store.

The flat code is this repository as of the commit before
``annotations/store/layout.py`` was added (``git archive``), run from a
temporary folder: the baseline runs in the same run, on the same disk, with
the same files. Every step is a child process; wall time, and CPU time
(user + system) of that child from ``os.wait4``. The page cache is warm for
both (each step reads what the one before wrote).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAVES = 200

CHILD = r"""
import json, os, random, sys, time
import annotations
from annotations.model import ArticleRecord, Span, Status
from annotations.store import Store

op, root, n, turn = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
BASE = "قال وزير الصحة إن الوزارة ستطلق برنامجا لتدريب الكوادر الطبية بالتعاون مع منظمة الصحة العالمية في بغداد والبصرة. "

def aid(i):
    return f"Art{i:06d}" if i % 10 == 0 else f"art{i:06d}"

def text(i):
    return f"{BASE}رقم {i}"

def words(t):
    out, at = [], 0
    for w in t.split(" "):
        if w:
            out.append((at, at + len(w)))
        at += len(w) + 1
    return out

result = {"code": os.path.dirname(annotations.__file__)}
try:  # the move into subfolders, timed apart (the flat code has none)
    import annotations.store.annotator as _annotator
    _ensure = _annotator.ensure_fanned
    def _timed(*args):
        start = time.perf_counter()
        try:
            return _ensure(*args)
        finally:
            result["move"] = time.perf_counter() - start
    _annotator.ensure_fanned = _timed
except AttributeError:
    pass
t0 = time.perf_counter()
if op == "build":
    labels = ["PER", "ORG", "LOC", "DATE"]
    records = []
    for i in range(n):
        t = text(i)
        spans = [Span(aid(i), s, e, labels[k % 4], "entity", t[s:e], "bench") for k, (s, e) in enumerate(words(t)[:20:2])]
        records.append(ArticleRecord(aid(i), t, spans=spans, status=Status.IN_PROGRESS, annotator="bench"))
    t0 = time.perf_counter()
    with Store(root, "ali") as store:
        store.import_records(records)
elif op == "open":
    store = Store(root, "ali")
    result["open"] = time.perf_counter() - t0
    result["recovery"] = store.recovery
    assert len(store.span_counts()) == n, len(store.span_counts())
    store.close()
elif op == "open_ro":
    store = Store(root, "ali", readonly=True)
    assert len(store.span_counts()) == n
    store.close()
elif op == "save":
    store = Store(root, "ali")
    rng = random.Random(3)
    free = words(text(0))[1 + 2 * turn::4]  # between the stored spans, apart from the other turn's
    times = []
    for k, i in enumerate(rng.sample(range(n), 200)):
        s, e = free[k % len(free)]
        a = time.perf_counter()
        store.add_span(aid(i), text(i), s, e, "LOC", "entity")
        times.append(time.perf_counter() - a)
    a = time.perf_counter()
    store.close()
    times.sort()
    result.update(median=times[len(times) // 2], p95=times[int(len(times) * 0.95)], close=time.perf_counter() - a)
elif op == "rebuild":
    os.unlink(os.path.join(root, "ali", "index.json"))
    store = Store(root, "ali")
    assert store.recovery == ["rebuilt the index from the article files"] or not store.recovery, store.recovery
    assert len(store.span_counts()) == n
    store.close()
elif op == "read":
    store = Store(root, "ali", readonly=True)
    result["texts"] = sum(1 for _ in store.span_texts())
    store.close()
result["wall"] = time.perf_counter() - t0
print(json.dumps(result, ensure_ascii=False))
"""


def flat_code(into: Path) -> Path:
    """This repository as of the commit before layout.py: the flat layout."""
    added = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--", "annotations/store/layout.py"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    if not added:
        raise SystemExit("bench_store_layout: no commit adds annotations/store/layout.py (not a git checkout?)")
    commit = added[-1] + "^"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "annotations"], capture_output=True, check=True)
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def step(code: Path, op: str, root: Path, n: int, turn: int = 0) -> dict:
    """One step in a child process running ``code``: what it printed, with
    its wall time and CPU time (user + system, from ``os.wait4``)."""
    env = dict(os.environ, PYTHONPATH=str(code))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CHILD, op, str(root), str(n), str(turn)], env=env, cwd=str(code), stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"bench_store_layout: {op} failed:\n{err.read().decode()}")
        result = json.loads(out.read().decode().splitlines()[-1])
    result["process_wall"] = wall
    result["cpu"] = usage.ru_utime + usage.ru_stime
    assert Path(result["code"]).resolve().parent == code.resolve(), result["code"]
    return result


def files_in(folder: Path) -> tuple[int, int]:
    """(entries directly in folder, largest folder below it)"""
    top = len(os.listdir(folder))
    largest = max((len(os.listdir(folder / name)) for name in os.listdir(folder) if (folder / name).is_dir()), default=0)
    return top, largest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    n = parser.parse_known_args()[0].articles  # (python -m benchmarks passes module names)
    print(f"store layout at {n:,} articles (10 spans each); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench-layout-") as tmp:
        tmp_path = Path(tmp)
        old = flat_code(tmp_path / "flat-code")
        root = tmp_path / "store"
        rows: dict[str, dict[str, dict]] = {"flat": {}, "fanned": {}}
        built = step(old, "build", root, n)
        print(f"built (flat code, import_records): {built['wall']:.1f} s wall")
        articles = root / "ali" / "articles"
        print(f"flat folder: {files_in(articles)[0]} entries in articles/ (article files and their .bak)")
        for op in ("open", "open_ro", "save", "rebuild", "read"):
            rows["flat"][op] = step(old, op, root, n)
        moved = step(ROOT, "open", root, n)
        top, largest = files_in(articles)
        print(f"moved into subfolders: {moved['move']:.2f} s wall for the move, {moved['open']:.2f} s to open with it "
              f"({moved['cpu']:.2f} s CPU for the process); {moved['recovery'][0] if moved['recovery'] else 'nothing moved'}")
        print(f"fanned out: {top} entries in articles/, at most {largest} in a subfolder")
        for op in ("open", "open_ro", "save", "rebuild", "read"):
            rows["fanned"][op] = step(ROOT, op, root, n, 1)
        shutil.rmtree(root)
    print()
    print(f"{'step':34} {'flat wall':>10} {'CPU':>8} {'fanned wall':>12} {'CPU':>8}")
    names = {
        "open": "open as writer",
        "open_ro": "open read-only (process)",
        "rebuild": "rebuild index from files (process)",
        "read": "read every article file (process)",
    }
    for op in ("open", "open_ro", "rebuild", "read"):
        f, g = rows["flat"][op], rows["fanned"][op]
        key = "open" if op == "open" else "process_wall"
        print(f"{names[op]:34} {f[key]:>9.2f}s {f['cpu']:>7.2f}s {g[key]:>11.2f}s {g['cpu']:>7.2f}s")
    f, g = rows["flat"]["save"], rows["fanned"]["save"]
    print(f"{'save one span, median':34} {f['median'] * 1000:>8.2f}ms {'':>8} {g['median'] * 1000:>10.2f}ms")
    print(f"{'save one span, p95':34} {f['p95'] * 1000:>8.2f}ms {'':>8} {g['p95'] * 1000:>10.2f}ms")
    print(f"{'close after 200 saves (checkpoint)':34} {f['close'] * 1000:>8.1f}ms {'':>8} {g['close'] * 1000:>10.1f}ms")


if __name__ == "__main__":
    main()
