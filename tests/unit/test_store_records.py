"""Store.records(): the bulk read path (each article file read and parsed
once) gives exactly what the per-article reads give, sees journalled saves
whose article file is behind, and reports damaged files like they do."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotations.corpus import Article, Corpus
from annotations.errors import StoreCorruptError
from annotations.model import Span, Status
from annotations.store import Store, article_path
from annotations.store.state import _span_from_doc
from annotations.store.files import read_tables

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."
IDS = ["a1", "a2", "a3"]


def corpus() -> Corpus:
    return Corpus(source=Path("mem"), articles=[Article(a, a, text=TEXT) for a in IDS])


def find(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.add_span("a1", TEXT, *find("بغداد"), "LOC", "entity")
        store.add_span("a1", TEXT, *find("منظمة الصحة العالمية"), "ORG", "entity")
        store.add_span("a1", TEXT, *find("وزير الصحة"), "health", "theme")
        store.toggle_theme("a2", "training")
        store.add_span("a3", TEXT, *find("2025"), "DATE", "entity")
        store.set_status("a3", Status.DONE)
    return root


def shard(root: Path, article: str) -> Path:
    return Path(article_path(root / "ali" / "articles", article))


def per_article(store: Store) -> list[tuple]:
    return [(a, store.spans(a), store.themes(a), store.status(a)) for a in store.article_ids()]


def from_records(store: Store) -> list[tuple]:
    return [(r.id, r.spans, r.themes, r.status) for r in store.records(corpus(), ["ali"])]


@pytest.mark.parametrize("readonly", [True, False])
def test_records_match_the_per_article_reads(root: Path, readonly: bool):
    with Store(root, "ali", readonly=readonly) as store:
        got = from_records(store)
        assert [a for a, *_ in got] == IDS
        assert [len(spans) for _, spans, _, _ in got] == [3, 0, 1]
        assert got[1][2] == ["training"] and got[2][3] is Status.DONE
    with Store(root, "ali", readonly=True) as fresh:  # nothing cached: spans() opens each file with TinyDB
        expected = per_article(fresh)
    assert got == expected
    for _, spans, _, _ in got:
        for span in spans:
            assert type(span) is Span and TEXT[span.start : span.end] == span.text
            again = Span.from_dict(span.to_dict())
            assert span == again and span.to_dict() == again.to_dict() and hash(span) == hash(again)
            assert [type(v) for v in vars(span).values()] == [type(v) for v in vars(again).values()]


def test_span_from_doc_equals_from_dict_for_odd_documents():
    good = Span("a1", 3, 8, "PER", "entity", TEXT[3:8], "ali").to_dict()
    odd = [
        good,
        {**good, "start": "3"},  # converted
        {**good, "created": 5},  # an int time
        {k: v for k, v in good.items() if k != "updated"},  # filled in
        {**good, "extra": 1},  # ignored
        {**good, "id": ""},  # a new id is made
        {**good, "start": True},
    ]
    for doc in odd:
        span, plain = _span_from_doc(dict(doc))
        ref = Span.from_dict(doc)
        fields = ref.to_dict()
        if not doc.get("updated") or not doc.get("id"):  # made up on the spot
            fields.pop("updated"), fields.pop("id")
            assert set(plain) == set(ref.to_dict())
        assert {k: plain[k] for k in fields} == fields
        assert {k: getattr(span, k) for k in fields} == fields
        assert [type(getattr(span, k)) for k in fields] == [type(v) for v in fields.values()]
    for broken in ({k: v for k, v in good.items() if k != "start"}, {**good, "end": "x"}, {**good, "start": None}):
        with pytest.raises((KeyError, ValueError, TypeError)):
            _span_from_doc(broken)


def test_hand_edited_file_reads_the_same_both_ways(root: Path):
    path = shard(root, "a3")
    data = json.loads(path.read_text(encoding="utf-8"))
    doc = data["spans"]["1"]
    doc["start"], doc["end"] = str(doc["start"]), float(doc["end"])
    del doc["created"]
    doc["note"] = "by hand"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with Store(root, "ali", readonly=True) as store:
        (record,) = [r for r in store.records(corpus(), ["ali"]) if r.id == "a3"]
    with Store(root, "ali", readonly=True) as store:
        (span,) = store.spans("a3")
    assert record.spans[0].to_dict() | {"created": 0} == span.to_dict() | {"created": 0}
    assert (span.start, span.end) == find("2025") and type(span.start) is int and type(record.spans[0].end) is int


@pytest.mark.parametrize(
    "damage,reason",
    [
        (lambda raw: raw[: len(raw) // 2], "not valid JSON"),
        (lambda raw: b"", "not valid JSON"),
        (lambda raw: b"\xff\xfe garbage", "not valid UTF-8"),
        (lambda raw: b"[1, 2, 3]", "not a TinyDB database"),
        (lambda raw: b'{"spans": [1]}', "not a TinyDB database"),
        (lambda raw: b'{"spans": {"1": 5}}', "not a TinyDB database"),
        (lambda raw: b'{"spans": {"1": {"start": 1}}}', "unexpected content"),
        (lambda raw: raw.replace(b'"spans":{"1"', b'"spans":{"one"'), "unexpected content"),
        (lambda raw: raw.replace(b'"status":"in_progress"', b'"status":"nearly"'), "unexpected content"),
        (lambda raw: raw.replace(b'"article_id":"a1","fingerprint"', b'"article_id":"a9","fingerprint"'), "unexpected content"),
    ],
)
@pytest.mark.parametrize("readonly", [True, False])
def test_damaged_file_raises_naming_it(root: Path, damage, reason, readonly: bool):
    path = shard(root, "a1")
    raw = path.read_bytes()
    bad = damage(raw)
    assert bad != raw
    path.write_bytes(bad)
    with Store(root, "ali", readonly=readonly) as store:
        with pytest.raises(StoreCorruptError) as bulk:
            list(store.records(corpus(), ["ali"]))
        with pytest.raises(StoreCorruptError) as one:
            store.spans("a1")
    assert str(path) in str(bulk.value) and reason in str(bulk.value)
    assert str(bulk.value) == str(one.value)
    assert path.read_bytes() == bad


def test_read_tables_missing_file_is_none(tmp_path: Path):
    assert read_tables(str(tmp_path / "nothing.json")) is None
    big = tmp_path / "big.json"
    data = {"spans": {str(i): {"text": "ن" * 100} for i in range(1, 2000)}}
    big.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert big.stat().st_size > 1 << 18  # more than one read
    assert read_tables(str(big)) == data


def test_reader_sees_journalled_save_whose_file_is_behind(root: Path):
    code = textwrap.dedent(
        f"""
        import os
        import annotations.store.articles as st
        from annotations.store import Store
        store = Store({str(root)!r}, "ali")
        st._Shard.apply = lambda self, *args, **kwargs: os._exit(9)
        store.add_span("a2", {TEXT!r}, 0, 3, "PER", "entity")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr.decode()
    before = shard(root, "a2").read_bytes()
    with Store(root, "ali", readonly=True) as reader:
        records = {r.id: r for r in reader.records(corpus(), ["ali"])}
        assert [s.text for s in records["a2"].spans] == [TEXT[0:3]]
        assert records["a2"].themes == ["training"] and records["a2"].status is Status.IN_PROGRESS
        assert [s.text for s in reader.spans("a2")] == [TEXT[0:3]]
    assert shard(root, "a2").read_bytes() == before  # a reader never writes


def test_reader_records_follow_a_live_writer(root: Path):
    with Store(root, "ali", readonly=True) as reader, Store(root, "ali") as writer:
        assert len(reader.spans("a3")) == 1  # this article's file is now open in the reader
        writer.add_span("a3", TEXT, *find("بغداد"), "LOC", "entity")
        writer.add_span("a2", TEXT, *find("بغداد"), "LOC", "entity")
        writer.toggle_theme("a1", "health")
        got = {r.id: r for r in reader.records(corpus(), ["ali"])}
        mine = {r.id: r for r in writer.records(corpus(), ["ali"])}
        assert [len(got[a].spans) for a in IDS] == [3, 1, 2] and got["a1"].themes == ["health"]
        assert [(r.spans, r.themes, r.status) for r in got.values()] == [(r.spans, r.themes, r.status) for r in mine.values()]


def test_an_id_stored_twice_counts_once_the_last_one(root: Path):
    path = shard(root, "a3")
    data = json.loads(path.read_text(encoding="utf-8"))
    first = data["spans"]["1"]
    start, end = find("بغداد")
    data["spans"]["2"] = {**first, "start": start, "end": end, "text": TEXT[start:end]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with Store(root, "ali", readonly=True) as store:
        (record,) = [r for r in store.records(corpus(), ["ali"]) if r.id == "a3"]
        assert [(s.id, s.text) for s in record.spans] == [(first["id"], "بغداد")]
        assert store.spans("a3") == record.spans


ODD = [
    lambda d: {**d, "start": str(d["start"])},
    lambda d: {**d, "end": float(d["end"])},
    lambda d: {**d, "start": True} if d["start"] == 1 else {**d, "created": 5},
    lambda d: {**d, "created": 0.0},
    lambda d: {**d, "label": 7},
    lambda d: {**d, "note": "by hand"},
    lambda d: {k: v for k, v in d.items() if k != "created"},
]


@pytest.mark.parametrize("odd", ODD)
def test_one_odd_document_in_a_file_reads_as_from_dict(root: Path, odd):
    path = shard(root, "a1")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["spans"]["2"] = doc = odd(data["spans"]["2"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    expected = Span.from_dict(doc).to_dict()
    with Store(root, "ali", readonly=True) as store:
        (record,) = [r for r in store.records(corpus(), ["ali"]) if r.id == "a1"]
        again = store.spans("a1")  # a time filled in is made again on each read
    assert len(record.spans) == 3
    assert [s.to_dict() | {"created": 0} for s in again] == [s.to_dict() | {"created": 0} for s in record.spans]
    (got,) = [s for s in record.spans if s.id == doc["id"]]
    stable = [k for k in expected if k != "created" or doc.get("created")]
    assert {k: getattr(got, k) for k in stable} == {k: expected[k] for k in stable}
    assert [type(getattr(got, k)) for k in expected] == [type(v) for v in expected.values()]
    assert all(type(s.start) is int and type(s.label) is str for s in record.spans)
