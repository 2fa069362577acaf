"""Scale: the commands on generated corpora of 60-word articles with 10
entity spans each — wall time, CPU time and peak memory of each command,
and how they grow with the corpus.

    python -m benchmarks.bench_scale            1,000 and 10,000 articles (10k and 100k spans)
    python -m benchmarks.bench_scale --million  10,000 and 100,000 articles (100k and 1M spans)
    python -m benchmarks.bench_scale --million --data DIR
                                    keep the generated inputs, corpus and store
                                    in DIR and reuse them on the next run
    ... --exports-only             no import row (with --data: nothing is
                                    generated once DIR holds the data)

    ... --only import              the import rows alone (no store built, no
                                    exports)

For each size: the articles are generated (words of the seed articles
that no proclitic rule cuts, so every entity lies on token edges), written
as a doccano JSONL file, and

* ``import``: ``hashiya import FILE -f doccano --corpus-out DIR`` into an
  empty corpus folder and store, as the scale figures of the issue were
  taken. What the imports wrote is removed only after the last figure:
  ext4 passes over inodes freed in the last minutes when it makes a file
  (``recently_deleted``, seen with ``perf``), so files made right after
  100,000s were deleted cost several times more system time, which is the
  harness's doing, not the command's. (Run the benchmark a few minutes
  after anything deleted that many files.);
* the store the exports read is built apart through the store's bulk
  import API (``Store.import_records``) with the corpus written as .txt
  files, so the export rows do not depend on the import row;
* ``open writer``, ``open reader``: opening that store (``Store(root,
  annotator)`` as its writer, ``open_for_reading`` as a reader) and
  closing it, in a child process of its own;
* ``export native``, ``export conll``, ``export parquet``: ``hashiya
  export CORPUS -f FORMAT -o FILE``.

Generating the 1M inputs and building their store takes minutes: with
``--data DIR`` they are kept there (the doccano file, the corpus folder and
the store, each made only when missing) and the next run reuses them. A
store made by an older version is opened once as writer before the
figures are taken, so that an index it rewrites on opening is not counted,
and asked for its span texts, so that a store made before ``texts.json``
has one (the exports' CoNLL evidence reads it).
Before the export rows every corpus and store file is read once, so that
each export finds them in the page cache alike (else the first export
after a build, or after other work on the machine, pays alone for
reading them from disk).

Each command runs in a child process (``python -m tui``); its wall time,
CPU time (user + system) and peak RSS come from ``os.wait4`` for that
child alone. The ratios of the larger size to the smaller are set against
the targets: time at most 11x for 10x the spans, peak RSS at most 1.5x;
at 1M spans native under 8 s and CoNLL under 12 s, the import under 30 s
and 300 MB.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = 60
SPANS = 10
LABELS = ("PER", "ORG", "GPE", "LOC", "DATE", "EVENT")
SMALL = (1_000, 10_000)
MILLION = (10_000, 100_000)
TIME_RATIO = 11.0
RSS_RATIO = 1.5
AT_MILLION = {"export native": 8.0, "export conll": 12.0, "import": 30.0}
RSS_AT_MILLION = {"import": 300.0}


def vocabulary() -> list[str]:
    """Arabic words of the seeds, 3+ letters, not starting with a letter a
    proclitic rule could cut (و ف ب ل ك)."""
    words: set[str] = set()
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        words.update(re.findall(r"[\u0621-\u064a]{3,}", path.read_text(encoding="utf-8")))
    return sorted(w for w in words if w[0] not in "وفبلك")


def write_inputs(n: int, folder: Path) -> Path:
    """The doccano file of `n` generated articles (as ``articles.jsonl.part``)."""
    rng = random.Random(n)
    vocab = vocabulary()
    path = folder / "articles.jsonl.part"
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            words = [rng.choice(vocab) for _ in range(WORDS)]
            text = " ".join(words) + "."
            entities = []
            at = 0
            for k, word in enumerate(words):
                if k % (WORDS // SPANS) == 0:
                    entities.append([at, at + len(word), LABELS[(i + k) % len(LABELS)]])
                at += len(word) + 1
            out.write(json.dumps({"id": f"a{i:06d}", "text": text, "entities": entities}, ensure_ascii=False) + "\n")
    return path


def build_store(doccano: Path, corpus: Path, store: Path) -> None:
    """Corpus .txt files and a store through Store.import_records (in a
    child, so this process stays small)."""
    code = f"""
import json, sys
from pathlib import Path
from annotations.model import ArticleRecord, Span, Status
from annotations.store import Store
corpus = Path({str(corpus)!r}); corpus.mkdir(parents=True, exist_ok=True)
def records():
    for line in open({str(doccano)!r}, encoding="utf-8"):
        obj = json.loads(line)
        text = obj["text"]
        (corpus / (obj["id"] + ".txt")).write_text(text, encoding="utf-8")
        spans = [Span(obj["id"], s, e, label, "entity", text[s:e], "bench") for s, e, label in obj["entities"]]
        yield ArticleRecord(obj["id"], text, spans, [], Status.DONE, "bench")
with Store({str(store)!r}, "bench") as st:
    summary = st.import_records(records())
    assert not summary.problems, summary.problems[:3]
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def measure(argv: list[str], module: str | None = "tui") -> dict:
    """Wall, CPU and peak RSS of one hashiya command in a child process."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *(["-m", module] if module else []), *argv], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    err = child.stderr.read().decode("utf-8", "replace")
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(argv)} failed: {err.strip()[-500:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "sys": usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def warm(*folders: Path) -> None:
    """Read every file under `folders` once (into the page cache), in a
    child: the children measured later are forked from this process, and
    a peak RSS counts what they had before exec."""
    subprocess.run(
        ["find", *map(str, folders), "-type", "f", "-exec", "cat", "{}", "+"], check=True, stdout=subprocess.DEVNULL
    )


OPEN = {
    "open writer": "from annotations.store import Store; Store(sys.argv[1], 'bench').close()",
    "open reader": "from annotations.store import open_for_reading; open_for_reading(sys.argv[1], 'bench').close()",
}


PREPARE = (
    "from annotations.store import Store; st = Store(sys.argv[1], 'bench'); "
    "all(True for _ in st.span_texts()); st.close()"
)


def measure_code(code: str, *args: str) -> dict:
    """Wall, CPU and peak RSS of `code` run in a child Python process."""
    return measure(["-c", f"import sys; {code}", *args], module=None)


def run_size(n: int, folder: Path, *, imports: bool = True, only: str | None = None) -> dict[str, dict]:
    doccano = folder / "articles.jsonl"
    if not doccano.exists():
        partial = write_inputs(n, folder)
        partial.replace(doccano)
    rows = {}
    if imports:
        # a folder of its own, removed after the last figure (remove_imported)
        imported = folder / f"imported-{os.getpid()}"
        (imported / "corpus").mkdir(parents=True)
        rows["import"] = measure([
            "import", str(doccano), str(imported / "corpus"), "--store", str(imported / "store"),
            "--annotator", "bench", "-f", "doccano", "--corpus-out", str(imported / "corpus"),
        ])
    if only == "import":
        return rows
    corpus, store = folder / "corpus", folder / "store"
    if not (store / "built").exists():
        for stale in (corpus, store):
            if stale.exists():
                shutil.rmtree(stale)
        build_store(doccano, corpus, store)
        (store / "built").touch()
    # an index in an older format is rewritten here, and a store made before
    # texts.json gets one (its writer reads every span's text once)
    measure_code(PREPARE, str(store))
    for name, code in OPEN.items():
        rows[name] = measure_code(code, str(store))
    warm(corpus, store)
    for fmt, suffix in (("native", "jsonl"), ("conll", "conll"), ("parquet", "parquet")):
        out = folder / f"out.{suffix}"
        rows[f"export {fmt}"] = measure(["export", str(corpus), "--store", str(store), "-f", fmt, "-o", str(out)])
        for leftover in folder.glob("out*"):
            leftover.unlink()
    return rows


def report(sizes: tuple[int, int], results: dict[int, dict[str, dict]]) -> None:
    small, large = sizes
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print()
    print("| command | articles | spans | wall s | CPU s | of which system s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        for name, row in results[n].items():
            print(
                f"| {name} | {n:,} | {n * SPANS:,} | {row['wall']:.2f} | {row['cpu']:.2f} | {row['sys']:.2f} | {row['rss_mb']:.0f} |"
            )
    print()
    print(f"| command | time x ({large // small}x spans; target <= {TIME_RATIO:g}) | peak RSS x (target <= {RSS_RATIO:g}) | at {large * SPANS:,} spans |")
    print("|---|---:|---:|---|")
    for name in results[large]:
        a, b = results[small][name], results[large][name]
        limit = AT_MILLION.get(name) if large * SPANS == 1_000_000 else None
        at = f"{b['wall']:.2f} s (target < {limit:g} s: {'met' if b['wall'] < limit else 'missed'})" if limit else ""
        rss_limit = RSS_AT_MILLION.get(name) if large * SPANS == 1_000_000 else None
        if rss_limit:
            at += f"; {b['rss_mb']:.0f} MB (target < {rss_limit:g} MB: {'met' if b['rss_mb'] < rss_limit else 'missed'})"
        print(f"| {name} | {b['wall'] / a['wall']:.2f} | {b['rss_mb'] / a['rss_mb']:.2f} | {at} |")


def _option(argv: list[str], name: str) -> str | None:
    if name in argv and argv.index(name) + 1 < len(argv):
        return argv[argv.index(name) + 1]
    return None


def remove_imported(folder: Path) -> None:
    """The import rows' output folders (of this run and of runs cut off)."""
    for old in folder.glob("imported*"):
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> dict:
    argv = list(argv or [])
    sizes = MILLION if "--million" in argv else SMALL
    imports = "--exports-only" not in argv
    data = Path(_option(argv, "--data")) if _option(argv, "--data") else None
    only = _option(argv, "--only")
    print(f"## Scale: {sizes[0]:,} and {sizes[1]:,} articles of {WORDS} words, {SPANS} entity spans each\n")
    load = os.getloadavg()[0]
    results = {}
    with contextlib.ExitStack() as stack:
        base = data or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hashiya-scale-")))
        for n in sizes:
            folder = base / str(n)
            folder.mkdir(parents=True, exist_ok=True)
            results[n] = run_size(n, folder, imports=imports, only=only)
        for n in sizes:
            remove_imported(base / str(n))
    report(sizes, results)
    print(f"load average after: {os.getloadavg()[0]:.2f} (before: {load:.2f})")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
