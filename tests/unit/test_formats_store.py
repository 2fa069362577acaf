"""import(export(store)) reproduces the store, on generated data, for every
format that can hold the information."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from annotations.corpus import Article, Corpus
from annotations.formats import module
from annotations.formats.common import ExportOptions, ExportReport
from annotations.store import Store

from .formats_data import on_tokens
from .test_formats_properties import records as generated_records


def snapshot(store: Store, corpus: Corpus, annotator: str):
    return [
        (r.id, sorted((s.start, s.end, s.label, s.kind, s.text) for s in r.spans), r.themes, r.status)
        for r in store.records(corpus, [annotator])
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(generated_records())
def test_store_round_trip_through_native_doccano_and_prodigy(recs):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = Corpus(root, [Article(r.id, r.id, text=r.text) for r in recs])
        with Store(root / "store", "source") as store:
            summary = store.import_records(recs)
            assert summary.problems == []
            source = snapshot(store, corpus, "source")
            exported = list(store.records(corpus, ["source"]))
        for fmt in ("native", "doccano", "prodigy"):
            out = io.StringIO()
            module(fmt).write(exported, out, ExportReport(), ExportOptions())
            result = module(fmt).read(io.StringIO(out.getvalue()))
            assert result.problems == []
            with Store(root / "store", fmt) as copy:
                assert copy.import_records([r for _, r in result.records]).problems == []
                again = snapshot(copy, corpus, fmt)
            if fmt == "doccano":  # doccano holds no status: imported work is in progress
                assert [a[:3] for a in again] == [s[:3] for s in source]
            elif fmt == "prodigy":  # spans across token edges are reported, not written
                held = [
                    (r.id, sorted((s.start, s.end, s.label, s.kind, s.text) for s in on_tokens(r)), r.themes, r.status)
                    for r in exported
                ]
                assert again == [h for h in held if h[1] or h[2] or h[3] != "todo"]
            else:
                assert again == source, fmt
