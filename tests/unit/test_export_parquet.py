"""`hashiya export -f parquet`: one row per article and annotator, read back
with pyarrow and compared span by span with the store; shards above
--shard-rows; a clear line when pyarrow is missing.

The Hugging Face ``datasets`` library is not part of the test extra: it
brings pandas, huggingface_hub, aiohttp, multiprocess and more (far from
light) for a check pyarrow makes itself, since ``load_dataset("parquet")``
reads these files with pyarrow."""

from __future__ import annotations

import shutil
import sys

import pyarrow.parquet as pq
import pytest

from annotations.model import Status
from annotations.schema import DEFAULT_SCHEMA_PATH
from annotations.store import Store, open_for_reading
from tests.unit.formats_data import seed_records
from tui.cli import main


@pytest.fixture
def two_annotators(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    store = tmp_path / "store"
    for name, drop in (("alice", 0), ("bob", 1)):
        with Store(store, name) as st:
            for n, record in enumerate(seed_records(name)):
                for span in record.spans[drop:]:
                    st.add_span(record.id, record.text, span.start, span.end, span.label, span.kind)
                for theme in record.themes[: 1 + drop]:
                    st.toggle_theme(record.id, theme, record.text)
                st.set_status(record.id, Status.DONE if n % 2 else Status.IN_PROGRESS)
    return corpus, store


def _export(capsys, corpus, store, out, *more):
    capsys.readouterr()
    code = main(["export", str(corpus), "--store", str(store), "-f", "parquet", "-o", str(out), *more])
    return code, capsys.readouterr().err


def _check_rows(rows, corpus, store_dir, annotator):
    """Every row is the store's record of its article and annotator."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in corpus.glob("*.txt")}
    with open_for_reading(store_dir) as store:
        assert [row["id"] for row in rows] == store.article_ids(annotator)
        for row in rows:
            text = row["text"]
            assert text == texts[row["id"]]
            assert row["annotator"] == annotator
            assert row["status"] == store.status(row["id"], annotator).value
            assert row["themes"] == store.themes(row["id"], annotator)
            stored = sorted((s.start, s.end, s.label, s.kind, s.text) for s in store.spans(row["id"], annotator))
            got = [(s["start"], s["end"], s["label"], s["kind"], s["text"]) for s in row["spans"]]
            assert got == stored and got
            for start, end, _, _, span_text in got:
                assert text[start:end] == span_text


def test_parquet_rows_are_the_store(capsys, tmp_path, two_annotators):
    corpus, store = two_annotators
    code, err = _export(capsys, corpus, store, tmp_path / "out.parquet")
    assert code == 0
    for name in ("alice", "bob"):
        path = tmp_path / f"out.{name}.parquet"
        table = pq.read_table(path)
        assert table.schema.names == ["id", "text", "spans", "themes", "status", "annotator"]
        assert table.schema.metadata[b"offset_unit"] == b"codepoint"
        rows = table.to_pylist()
        _check_rows(rows, corpus, store, name)
        spans = sum(len(row["spans"]) for row in rows)
        assert f"wrote {len(rows)} record(s), {spans} span(s) to {path}" in err


def test_parquet_shards_above_the_row_count(capsys, tmp_path, two_annotators):
    corpus, store = two_annotators
    code, err = _export(capsys, corpus, store, tmp_path / "out.parquet", "--annotator", "bob", "--shard-rows", "2")
    assert code == 0
    shards = sorted(tmp_path.glob("out-*.parquet"))
    assert [p.name for p in shards] == ["out-00000.parquet", "out-00001.parquet", "out-00002.parquet"]
    assert [pq.ParquetFile(p).metadata.num_rows for p in shards] == [2, 2, 1]
    assert not (tmp_path / "out.parquet").exists()
    rows = [row for p in shards for row in pq.read_table(p).to_pylist()]
    _check_rows(rows, corpus, store, "bob")
    # one file below the row count
    code, _ = _export(capsys, corpus, store, tmp_path / "one.parquet", "--annotator", "bob", "--shard-rows", "5")
    assert code == 0 and pq.ParquetFile(tmp_path / "one.parquet").metadata.num_rows == 5


def test_parquet_needs_a_file_and_pyarrow(capsys, tmp_path, two_annotators, monkeypatch):
    corpus, store = two_annotators
    code, err = _export(capsys, corpus, store, "-", "--annotator", "bob")
    assert code != 0 and err.strip() == "hashiya: error: the parquet format writes files: give -o FILE"
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    code, err = _export(capsys, corpus, store, tmp_path / "x.parquet", "--annotator", "bob")
    assert code != 0 and len(err.strip().splitlines()) == 1
    assert "pyarrow" in err and "pip install -e '.[parquet]'" in err and "Traceback" not in err
    assert not (tmp_path / "x.parquet").exists()


def test_parquet_shards_of_an_earlier_larger_export_are_removed(capsys, tmp_path, two_annotators):
    corpus, store = two_annotators
    out = tmp_path / "out.parquet"
    code, _ = _export(capsys, corpus, store, out, "--annotator", "bob", "--shard-rows", "1")
    assert code == 0 and len(list(tmp_path.glob("out-*.parquet"))) == 5
    keep = tmp_path / "out-00009.parquet"  # a gap: not a shard of that export
    keep.write_bytes((tmp_path / "out-00004.parquet").read_bytes())
    code, err = _export(capsys, corpus, store, out, "--annotator", "bob", "--shard-rows", "2")
    assert code == 0
    shards = sorted(p.name for p in tmp_path.glob("out-0000[0-8].parquet"))
    assert shards == ["out-00000.parquet", "out-00001.parquet", "out-00002.parquet"]
    assert f"removed {tmp_path / 'out-00003.parquet'}" in err and f"removed {tmp_path / 'out-00004.parquet'}" in err
    rows = [row for name in shards for row in pq.read_table(tmp_path / name).to_pylist()]
    _check_rows(rows, corpus, store, "bob")
    assert keep.exists()
    # below the row count again: one file, and every shard beside it goes
    code, err = _export(capsys, corpus, store, out, "--annotator", "bob", "--shard-rows", "10")
    assert code == 0 and out.exists()
    assert sorted(p.name for p in tmp_path.glob("out-*.parquet")) == ["out-00009.parquet"]


def test_parquet_shard_names_are_checked_against_the_inputs(capsys, tmp_path, two_annotators):
    corpus, store = two_annotators
    labels = tmp_path / "out-00001.parquet"  # a label file that a shard would replace
    labels.write_bytes(DEFAULT_SCHEMA_PATH.read_bytes())
    before = labels.read_bytes()
    code, err = _export(capsys, corpus, store, tmp_path / "out.parquet", "--annotator", "bob",
                        "--shard-rows", "2", "--labels", str(labels))
    assert code != 0 and "is an input of this command" in err and "out-00001.parquet" in err
    assert labels.read_bytes() == before
    assert not (tmp_path / "out-00000.parquet").exists()
