"""Exporting 100,000 spans (10,000 articles, 10 entity spans each) as native
JSONL and as CoNLL IOB2 (tokenised, split at span edges, sentence-split).

Articles are paragraphs of the seed articles (two or three paragraphs each,
about 700 characters on average), the records are already in memory (reading
the store is measured by bench_store), and the output goes to a file.

Baseline in the same run: a naive span dump — one ``json.dumps`` per span
record (article id, start, end, label, text), no tokenisation, no article
text. Target: each export under 3 s.

Also shown: the whole ``hashiya export`` command on a real store of 1,000
articles (10,000 spans), which adds reading the store and the corpus.
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
E2E_ARTICLES = 1_000
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


def ours(fmt: str, records: list[ArticleRecord], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        module(fmt).write(records, out, ExportReport(), ExportOptions())


def end_to_end(records: list[ArticleRecord], folder: Path) -> tuple[float, float]:
    """`hashiya export` on a real store and corpus folder: (native, conll) seconds."""
    import contextlib
    import io

    from annotations.cli import main as cli_main
    from annotations.store import Store

    corpus = folder / "corpus"
    corpus.mkdir()
    for record in records:
        (corpus / f"{record.id}.txt").write_text(record.text, encoding="utf-8")
    with Store(folder / "store", "bench") as store:
        store.import_records(records)

    def run(fmt: str) -> None:
        with contextlib.redirect_stderr(io.StringIO()):
            code = cli_main(["export", str(corpus), "--store", str(folder / "store"), "-f", fmt, "-o", str(folder / f"e2e.{fmt}")])
        assert code == 0

    return _time(lambda: run("native"), 3), _time(lambda: run("conll"), 3)


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
    records = make_records()
    n_spans = sum(len(r.spans) for r in records)
    n_chars = sum(len(r.text) for r in records)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = _time(lambda: naive(records, folder / "naive.jsonl"), 3, "naive")
        native = _time(lambda: ours("native", records, folder / "out.jsonl"), 3, "native")
        conll = _time(lambda: ours("conll", records, folder / "out.conll"), 3, "conll")
        n_tokens = sum(1 for line in (folder / "out.conll").open(encoding="utf-8") if line.strip() and not line.startswith("-DOCSTART-"))
        small = records[:E2E_ARTICLES]
        e2e_native, e2e_conll = end_to_end(small, folder)
        small_spans = sum(len(r.spans) for r in small)
    print(f"## Export: {n_spans:,} spans in {len(records):,} articles ({n_chars / 1e6:.1f} M characters)\n")
    print("| what | median of 3 (wall) | CPU | spans/s | target |")
    print("|---|---|---|---|---|")
    print(f"| baseline: naive `json.dumps` per span, no tokenisation | {base * 1000:.0f} ms | {CPU['naive'] * 1000:.0f} ms | {n_spans / base:,.0f} | |")
    print(f"| `hashiya export --format native` (writer) | {native * 1000:.0f} ms | {CPU['native'] * 1000:.0f} ms | {n_spans / native:,.0f} | < 3000 ms |")
    print(f"| `hashiya export --format conll` (writer, {n_tokens:,} tokens) | {conll * 1000:.0f} ms | {CPU['conll'] * 1000:.0f} ms | {n_spans / conll:,.0f} | < 3000 ms |")
    print(
        f"\nRatio ours/baseline (wall): native {native / base:.2f}x, conll {conll / base:.2f}x; "
        f"(CPU): native {CPU['native'] / CPU['naive']:.2f}x, conll {CPU['conll'] / CPU['naive']:.2f}x "
        "(the baseline writes no text and no tokens)"
    )
    print(
        f"\nWhole command (`hashiya export` reading a TinyDB store and a corpus folder), "
        f"{small_spans:,} spans in {len(small):,} articles: native {e2e_native * 1000:.0f} ms, "
        f"conll {e2e_conll * 1000:.0f} ms — most of it is reading the store (one file per article)."
    )
    return {
        "naive_ms": base * 1000,
        "native_ms": native * 1000,
        "conll_ms": conll * 1000,
        "e2e_native_ms": e2e_native * 1000,
        "e2e_conll_ms": e2e_conll * 1000,
    }


if __name__ == "__main__":
    main()
