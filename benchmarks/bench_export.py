"""Exporting 100,000 spans (10,000 articles, 10 entity spans each) as native
JSONL and as CoNLL IOB2 (canonical tokens, proclitics cut by evidence,
sentence-split). The CoNLL writer row is given the evidence; the whole
command gathers it (reading every corpus file and every span once more).

Articles are paragraphs of the seed articles (two or three paragraphs each,
about 700 characters on average), and the output goes to a file.

1. The writers alone: the records are already in memory.
2. The whole path: the same 10,000 articles as a corpus folder of .txt
   files and their 100,000 spans in a real store (filled by one bulk
   import, as bench_store fills its store), then ``hashiya export --format
   native`` and ``--format conll`` through ``tui.cli.main`` with
   ``-o`` a file — opening the corpus and the store, reading every article
   file (``Store.records``), checking offsets, writing. ``Store.records``
   over the same store is also timed alone.

Baseline in the same run: a naive span dump — one ``json.dumps`` per span
record (article id, start, end, label, text), no tokenisation, no article
text. Target: each export under 3 s, the whole command included.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from annotations.formats import module
from annotations.formats.common import ExportOptions, ExportReport
from annotations.model import ArticleRecord, Span, Status
from annotations.tokenize import token_offsets

ROOT = Path(__file__).resolve().parent.parent
N_ARTICLES = 10_000
SPANS_PER_ARTICLE = 10
LABELS = ("PER", "ORG", "GPE", "DATE", "EVENT")


def make_records(n: int = N_ARTICLES) -> list[ArticleRecord]:
    paragraphs = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 80]
    records = []
    for i in range(n):
        count = 2 + i % 2
        text = "\n\n".join(paragraphs[(i + k) % len(paragraphs)] for k in range(count))
        words = [(a, b) for a, b in token_offsets(text) if b - a >= 3]
        step = max(1, len(words) // SPANS_PER_ARTICLE)
        spans = []
        for k in range(SPANS_PER_ARTICLE):
            a, b = words[(k * step) % len(words)]
            if k % 3 == 0 and k * step + 1 < len(words):  # some two-word entities
                b = words[k * step + 1][1]
            if spans and a < spans[-1].end:
                continue
            spans.append(Span(f"a{i:05d}", a, b, LABELS[k % len(LABELS)], "entity", text[a:b], "bench"))
        records.append(ArticleRecord(f"a{i:05d}", text, spans, [], Status.DONE, "bench"))
    return records


def naive(records: list[ArticleRecord], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            for span in record.spans:
                out.write(
                    json.dumps(
                        {"article": record.id, "start": span.start, "end": span.end, "label": span.label, "text": span.text},
                        ensure_ascii=False,
                    )
                )
                out.write("\n")


def evidence_of(records: list[ArticleRecord]):
    """The evidence the command gathers for a token format (the corpus
    words and the span texts; the built-in schema has no gazetteer), so the
    writers cut the same proclitics as the command."""
    from annotations.segment import Evidence

    evidence = Evidence()
    for record in records:
        evidence.add_text(record.text)
    evidence.update(span.text for record in records for span in record.spans)
    return evidence


def ours(fmt: str, records: list[ArticleRecord], path: Path, evidence=None) -> None:
    with path.open("w", encoding="utf-8") as out:
        module(fmt).write(records, out, ExportReport(), ExportOptions(evidence=evidence))


def fill(records: list[ArticleRecord], folder: Path) -> tuple[Path, Path, float]:
    """A corpus folder holding the records' texts and a store holding their
    spans, filled as bench_store fills its store (one bulk import).
    Returns (corpus, store, seconds the import took)."""
    from annotations.store import Store

    corpus = folder / "corpus"
    corpus.mkdir()
    for record in records:
        (corpus / f"{record.id}.txt").write_text(record.text, encoding="utf-8")
    t0 = time.perf_counter()
    with Store(folder / "store", "bench") as store:
        summary = store.import_records(records)
    assert not summary.problems and summary.spans_added == sum(len(r.spans) for r in records), summary
    return corpus, folder / "store", time.perf_counter() - t0


def read_store(corpus_path: Path, store_path: Path) -> tuple[float, float, int]:
    """Store.records over the whole corpus (texts already read), as export
    reads it: (wall seconds, CPU seconds, spans read)."""
    from annotations.corpus import open_corpus
    from annotations.store import open_for_reading

    corpus = open_corpus(corpus_path)
    for article in corpus:
        article.text
    with open_for_reading(store_path, "bench") as store:
        c0, t0 = time.process_time(), time.perf_counter()
        n = sum(len(record.spans) for record in store.records(corpus, ["bench"]))
        return time.perf_counter() - t0, time.process_time() - c0, n


def export_command(fmt: str, corpus: Path, store: Path, out: Path) -> None:
    """`hashiya export` as a user runs it (in this process)."""
    import contextlib
    import io

    from tui.cli import main as cli_main

    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = cli_main(["export", str(corpus), "--store", str(store), "-f", fmt, "-o", str(out)])
    assert code == 0, err.getvalue()
    assert f"wrote {N_ARTICLES} record(s)" in err.getvalue(), err.getvalue()


CPU: dict[str, float] = {}


def _time(fn, repeat: int, name: str = "") -> float:
    """Median wall time; the median CPU time of the process goes to CPU[name]
    (the machine is often shared: CPU time shows what wall time hides)."""
    times, cpu = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    if name:
        CPU[name] = statistics.median(cpu)
    return statistics.median(times)


def main() -> dict:
    import gc

    records = make_records()
    n_spans = sum(len(r.spans) for r in records)
    n_chars = sum(len(r.text) for r in records)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = _time(lambda: naive(records, folder / "naive.jsonl"), 3, "naive")
        native = _time(lambda: ours("native", records, folder / "out.jsonl"), 3, "native")
        evidence = evidence_of(records)
        conll = _time(lambda: ours("conll", records, folder / "out.conll", evidence), 3, "conll")
        n_tokens = sum(1 for line in (folder / "out.conll").open(encoding="utf-8") if line.strip() and not line.startswith("-DOCSTART-"))
        expected = {"native": (folder / "out.jsonl").read_bytes(), "conll": (folder / "out.conll").read_bytes()}
        corpus, store, prefill = fill(records, folder)
        del records, evidence  # the command is timed without the generated records in memory
        gc.collect()
        reads = [read_store(corpus, store) for _ in range(3)]
        assert all(n == n_spans for _, _, n in reads)
        records_s = statistics.median(wall for wall, _, _ in reads)
        records_cpu = statistics.median(cpu for _, cpu, _ in reads)
        e2e_native = _time(lambda: export_command("native", corpus, store, folder / "e2e.jsonl"), 3, "e2e_native")
        e2e_conll = _time(lambda: export_command("conll", corpus, store, folder / "e2e.conll"), 3, "e2e_conll")
        same = {fmt: (folder / name).read_bytes() == expected[fmt] for fmt, name in (("native", "e2e.jsonl"), ("conll", "e2e.conll"))}
    print(f"## Export: {n_spans:,} spans in {N_ARTICLES:,} articles ({n_chars / 1e6:.1f} M characters)\n")
    print("| what | median of 3 (wall) | CPU | spans/s | target |")
    print("|---|---|---|---|---|")
    print(f"| baseline: naive `json.dumps` per span, no tokenisation | {base * 1000:.0f} ms | {CPU['naive'] * 1000:.0f} ms | {n_spans / base:,.0f} | |")
    print(f"| `hashiya export --format native` (writer) | {native * 1000:.0f} ms | {CPU['native'] * 1000:.0f} ms | {n_spans / native:,.0f} | < 3000 ms |")
    print(f"| `hashiya export --format conll` (writer, {n_tokens:,} tokens) | {conll * 1000:.0f} ms | {CPU['conll'] * 1000:.0f} ms | {n_spans / conll:,.0f} | < 3000 ms |")
    print(f"| `Store.records` (reading the store: one file per article) | {records_s * 1000:.0f} ms | {records_cpu * 1000:.0f} ms | {n_spans / records_s:,.0f} | |")
    for fmt, wall in (("native", e2e_native), ("conll", e2e_conll)):
        verdict = "met" if wall < 3 else "NOT met"
        print(
            f"| **whole command** `hashiya export --format {fmt} -o FILE` (corpus folder + store) "
            f"| {wall * 1000:.0f} ms | {CPU['e2e_' + fmt] * 1000:.0f} ms | {n_spans / wall:,.0f} | < 3000 ms: {verdict} |"
        )
    print(
        f"\nRatio ours/baseline (wall): native {native / base:.2f}x, conll {conll / base:.2f}x; "
        f"(CPU): native {CPU['native'] / CPU['naive']:.2f}x, conll {CPU['conll'] / CPU['naive']:.2f}x "
        "(the baseline writes no text and no tokens). Whole command / target 3 s: "
        f"native {e2e_native / 3:.2f}, conll {e2e_conll / 3:.2f}."
    )
    print(
        f"\nThe whole command ran on a corpus folder of {N_ARTICLES:,} .txt files and a store filled by one "
        f"bulk import ({prefill:.1f} s, not timed in the rows above); its output is "
        f"{'byte for byte' if all(same.values()) else 'NOT'} the writers' output for the in-memory records"
        f"{'' if all(same.values()) else ' (' + ', '.join(f for f, ok in same.items() if not ok) + ' differ)'}."
    )
    return {
        "naive_ms": base * 1000,
        "native_ms": native * 1000,
        "conll_ms": conll * 1000,
        "records_ms": records_s * 1000,
        "e2e_native_ms": e2e_native * 1000,
        "e2e_conll_ms": e2e_conll * 1000,
    }


if __name__ == "__main__":
    main()
