"""Suggestions: how long one article takes, and how many key presses they save.

1. Time to suggest for one 2,300-character article (the seed
   ``000_…``, 2,328 characters) once the source is loaded: the pattern
   matcher with ``benchmarks/data/gazetteer.jsonl`` (113 patterns: countries,
   capitals, ministries, organisations, titles) and with the same patterns
   plus 10,000 made-up names; a spaCy pipeline (blank Arabic tokenizer, an
   ``entity_ruler`` with the gazetteer and an untrained
   ``textcat_multilabel`` over the schema's themes), ``nlp(text)`` to doc
   to :class:`Found`; and the whole step the reader's worker runs (find and
   store). Baseline in the same run: the corpus search run once per
   pattern (``textnorm.find_all``, no word edges, no token patterns).
   Target: under 100 ms for the article once the model is loaded.

2. Key presses per accepted entity (see :mod:`benchmarks.keypass`): the
   same scripted keyboard pass over one seed article marks its gold
   entities without suggestions and with the gazetteer's suggestions.
   Target: half the key presses or fewer with suggestions.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from annotations.schema import load_schema
from annotations.store import Store
from annotations.suggestions import PatternSource, SuggestionStore
from annotations.textnorm import normalize_with_map

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "benchmarks" / "data" / "gazetteer.jsonl"
ARTICLE = ROOT / "seeds" / "000_5ad771e8ef94613b.txt"
RUNS = 50


def _median_ms(fn, runs: int = RUNS) -> tuple[float, float]:
    fn()  # warm
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _many_patterns(folder: Path, extra: int) -> Path:
    path = folder / f"patterns-{extra}.jsonl"
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهي"
    with path.open("w", encoding="utf-8") as out:
        out.write(GAZETTEER.read_text(encoding="utf-8"))
        for i in range(extra):
            name = "".join(letters[(i // len(letters) ** k) % len(letters)] for k in range(4))
            out.write(json.dumps({"label": "PER", "pattern": f"{name}ان {name}ي"}, ensure_ascii=False) + "\n")
    return path


def _model(folder: Path) -> Path:
    import spacy

    schema = load_schema()
    nlp = spacy.blank("ar")
    ruler = nlp.add_pipe("entity_ruler")
    textcat = nlp.add_pipe("textcat_multilabel")
    for label in schema.themes:
        textcat.add_label(label.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nlp.initialize()
    ruler.add_patterns([json.loads(line) for line in GAZETTEER.read_text(encoding="utf-8").splitlines()])
    nlp.to_disk(folder / "model")
    return folder / "model"


def timing(text: str, folder: Path) -> list[tuple[str, float, float, str]]:
    schema = load_schema()
    rows = []
    for name, path in (("gazetteer, 113 patterns", GAZETTEER), ("10,113 patterns", _many_patterns(folder, 10_000))):
        source = PatternSource(path, schema)
        found = source.find(text)
        median, p95 = _median_ms(lambda: source.find(text))
        rows.append((f"patterns: {name}", median, p95, f"{len(found.entities)} suggestions"))
        queries = [line for line in path.read_text(encoding="utf-8").splitlines()]
        phrases = [json.loads(q)["pattern"] for q in queries]
        phrases = [p for p in phrases if isinstance(p, str)]

        def baseline() -> None:
            normalized = normalize_with_map(text)
            for phrase in phrases:
                normalized.find_all(phrase)

        median, p95 = _median_ms(baseline, runs=10 if len(phrases) > 1000 else RUNS)
        rows.append((f"  baseline: corpus search once per phrase ({len(phrases):,})", median, p95, "no word edges"))
    try:
        from annotations.suggestions import ModelSource

        t0 = time.perf_counter()
        model = ModelSource(_model(folder), schema)
        loaded = (time.perf_counter() - t0) * 1000
        found = model.find(text)
        median, p95 = _median_ms(lambda: model.find(text))
        rows.append(("model: blank ar + entity_ruler + textcat_multilabel", median, p95,
                     f"{len(found.entities)} entities, {len(found.themes)} theme scores; load {loaded:.0f} ms once"))
        with Store(folder / "store", "bench") as store:
            box = SuggestionStore(store)
            median, p95 = _median_ms(lambda: box.save("a", text, model.find(text), model.name), runs=20)
            rows.append(("  model, found and stored (the reader's worker)", median, p95, "atomic write + index"))
    except ImportError:
        rows.append(("model: spaCy not installed", 0.0, 0.0, "skipped"))
    return rows


def main() -> None:
    text = ARTICLE.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    print("## Suggestions (bench_suggest)\n")
    print(f"One article of {len(text):,} characters ({ARTICLE.name}), median of {RUNS} runs after one warm-up.\n")
    print("| what | median ms | p95 ms | |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, median, p95, note in timing(text, Path(tmp)):
            print(f"| {name} | {median:.2f} | {p95:.2f} | {note} |")
    print("\nTarget: under 100 ms for the article once the model is loaded.")
    try:
        from benchmarks.keypass import report
    except ImportError:
        return
    print()
    report()


if __name__ == "__main__":
    main()
