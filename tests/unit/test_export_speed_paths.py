"""The export's fast paths give exactly what the plain paths give: reading
article files, the store read path and the streamed export, the bulk span
checks; and the CoNLL writer on line breaks and a text holding a unit
separator."""

from __future__ import annotations


from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.formats import conll
from annotations.formats.common import ExportOptions, ExportReport
from annotations.model import ArticleRecord, Span, Status

# every token class, every whitespace the tokenizer meets, the cut mark itself
PIECES = list(
    "ابتجدرسعفقكلمنهوىةءأإآـ"
    "\u064e\u064f\u0650\u0651\u0652\u0670\u0300\u200c\u200d"
    "٠١٢٣0123.,٫٬"
    "،؛؟«»“”\"'()!?۔…-"
    "abXY \n\t\u00a0\u2028\x0b\x1e\x1f\U0001f600"
) + ["  ", " \n ", "وال", "لل", "بال", "كلمة", "3.5", "١٤٫٥"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)

@st.composite
def record(draw):
    text = draw(TEXT.filter(lambda t: t.strip()))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=10))))
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        if draw(st.booleans()):
            kind = draw(st.sampled_from(["entity", "entity", "theme"]))
            label = draw(st.sampled_from(["PER", "GPE", "O", "B-X"]))
            spans.append(Span("a", a, b, label, kind, text[a:b], "alice"))
    if len(text) > 2 and draw(st.booleans()):
        spans.append(Span("a", 1, len(text) - 1, "ORG", "entity", text[1:-1], "alice"))  # may overlap
    themes = draw(st.sampled_from([[], ["t"]]))
    return ArticleRecord("a", text, spans, themes, Status.DONE, "alice")


def test_conll_entity_across_a_line_break_and_sentence_marks():
    text = "زار محمد\nعلي لندن. ثم عاد\n\nإلى «بغداد»."
    spans = [
        Span("a", 4, 12, "PER", "entity", text[4:12], "alice"),
        Span("a", 13, 17, "GPE", "entity", text[13:17], "alice"),
        Span("a", 32, 37, "GPE", "entity", text[32:37], "alice"),
    ]
    rec = ArticleRecord("a", text, spans, [], Status.DONE, "alice")
    out = conll.document(rec, ExportOptions(), ExportReport())
    assert out == (
        "زار O\nمحمد B-PER\nعلي I-PER\nلندن B-GPE\n. O\n\nثم O\nعاد O\n\n"
        "إلى O\n« O\nبغداد B-GPE\n» O\n. O\n\n"
    )


def test_conll_text_holding_the_cut_mark_uses_pieces():
    text = "محمد\x1fفي لندن"
    rec = ArticleRecord("a", text, [Span("a", 8, 12, "GPE", "entity", "لندن", "alice")], [], Status.DONE, "alice")
    assert conll.document(rec, ExportOptions(), ExportReport()) == "محمد O\nفي O\nلندن B-GPE\n\n"


# -- reading article files ---------------------------------------------------

import os  # noqa: E402
import stat  # noqa: E402

import pytest  # noqa: E402

from annotations import corpus as corpus_module  # noqa: E402
from annotations.errors import CorpusError  # noqa: E402


def _read_as_before(path) -> str:
    """Article.text as it read a file with a buffered open and readall."""
    name = os.path.basename(path)
    with open(path, "rb", buffering=0) as handle:
        raw = handle.readall()
    if len(raw) > corpus_module.MAX_ARTICLE_BYTES:
        raise CorpusError(f"{name}: larger than the 5 MB limit")
    return corpus_module.normalise_text(corpus_module._decode(raw, name))


CONTENTS = [
    "سطر\nثان".encode(),
    b"\xef\xbb\xbf" + "مع BOM".encode(),
    b"\xef\xbb\xbf\xef\xbb\xbf" + "BOM twice".encode(),
    "a\r\nb\rc\r\n".encode(),
    b"\xef\xbb\xbfcr\r\nlf",
    b"bad \xff byte",
    b"\xef\xbb\xbfbad \xfe after a BOM",
    b"cut \xd8",
    b"nul \x00 byte",
    b"\xef\xbb",
    "\u2028 only other breaks \u0085".encode(),
]


@pytest.mark.parametrize("raw", CONTENTS)
def test_article_text_reads_as_before(tmp_path, raw):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    try:
        expected = _read_as_before(str(path))
    except CorpusError as exc:
        with pytest.raises(CorpusError) as caught:
            corpus_module.Article("a", "", path=path).text
        assert str(caught.value) == str(exc)
    else:
        assert corpus_module.Article("a", "", path=path).text == expected


@pytest.mark.parametrize(
    "raw, message",
    [(b"", "a.txt: empty file"), (b" \n\t\r\n", "a.txt: holds only whitespace"), (b"\xff", "a.txt: not valid UTF-8")],
)
def test_listed_article_errors(tmp_path, raw, message):
    (tmp_path / "a.txt").write_bytes(raw)
    article = corpus_module.open_folder(tmp_path, titles=False).get("a")
    with pytest.raises(CorpusError, match=message):
        article.text


def test_article_over_the_limit_and_a_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_module, "MAX_ARTICLE_BYTES", 10)
    (tmp_path / "big.txt").write_bytes(b"x" * 11)
    with pytest.raises(CorpusError, match="big.txt: larger than the"):
        corpus_module.Article("big", "", path=tmp_path / "big.txt").text
    (tmp_path / "ok.txt").write_bytes(b"x" * 10)
    assert corpus_module.Article("ok", "", path=tmp_path / "ok.txt").text == "x" * 10
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(CorpusError, match="dir.txt: cannot read: Is a directory"):
        corpus_module.Article("dir", "", path=tmp_path / "dir.txt").text


def test_article_that_grows_while_read(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    real_fstat = os.fstat

    class Small:
        st_size = 1  # as if the file grew after fstat
        st_mode = stat.S_IFREG | 0o644

    monkeypatch.setattr(corpus_module.os, "fstat", lambda fd: Small if fd > 2 else real_fstat(fd))
    assert corpus_module.Article("a", "", path=path).text == "abc"
    monkeypatch.setattr(corpus_module, "MAX_ARTICLE_BYTES", 2)
    with pytest.raises(CorpusError, match="a.txt: larger than the"):
        corpus_module.Article("a", "", path=path).text


# -- the store read path and the streamed export -------------------------------

import random  # noqa: E402
import shutil  # noqa: E402

from annotations.records import aligned  # noqa: E402
from annotations.store import Store  # noqa: E402
from tui.cli import main  # noqa: E402

from .formats_data import seed_records  # noqa: E402


def test_aligned_is_every_span_aligned():
    rng = random.Random(7)
    text = "قال محمد في لندن إن الوفد وصل.\nثم عاد."
    for _ in range(3000):
        spans = []
        for _ in range(rng.randint(0, 4)):
            start = rng.randint(-3, len(text) + 3)
            end = rng.randint(-3, len(text) + 3)
            stored = text[max(start, 0) : max(end, 0)] if rng.random() < 0.8 else "x"
            spans.append(Span("a", start, end, "PER", "entity", stored, "alice"))
        assert aligned(text, spans) == all(span.is_aligned(text) for span in spans)


@pytest.fixture
def one_annotator(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    store = tmp_path / "store"
    with Store(store, "alice") as st:
        for record in seed_records("alice"):
            for span in record.spans:
                st.add_span(record.id, record.text, span.start, span.end, span.label, span.kind)
            for theme in record.themes[:1]:
                st.toggle_theme(record.id, theme, record.text)
            st.set_status(record.id, Status.DONE)
    return corpus, store


def _export(capsys, corpus, store, out, fmt, *more):
    capsys.readouterr()
    code = main(["export", str(corpus), "--store", str(store), "-f", fmt, "-o", str(out), *more])
    _, err = capsys.readouterr()
    return code, (out.read_bytes() if out.exists() else None), err


def _both(capsys, monkeypatch, corpus, store, tmp_path, fmt, *more):
    """(streamed, collected): the export as it runs, and (code, bytes) of
    every record read first, then written with the format's own writer."""
    import io

    from annotations.errors import HashiyaError
    from annotations.formats import module
    from annotations.records import Selection, open_sources, read_records, token_evidence

    streamed = _export(capsys, corpus, store, tmp_path / f"s.{fmt}", fmt, *more)
    statuses = tuple(Status(s) for s in more[1::2]) if more[:1] == ("--status",) else ()
    settings, opened, st, names = open_sources(Selection(corpus=str(corpus), store=str(store)), titles=False)
    try:
        options = ExportOptions(evidence=token_evidence(fmt, opened, settings, st))
        records, _ = read_records(st, opened, names, statuses)
    except HashiyaError:
        return streamed, (1, None)
    finally:
        st.close()
    out = io.StringIO()
    module(fmt).write(records, out, ExportReport(), options)
    return streamed, (0, out.getvalue().encode("utf-8"))


@pytest.mark.parametrize("fmt", ["native", "conll", "doccano", "prodigy"])
def test_streamed_export_is_the_collected_export(capsys, monkeypatch, tmp_path, one_annotator, fmt):
    corpus, store = one_annotator
    streamed, collected = _both(capsys, monkeypatch, corpus, store, tmp_path, fmt)
    assert streamed[:2] == collected
    assert streamed[0] == 0 and streamed[1] and "wrote 5 record(s)" in streamed[2]
    options = ("--status", "todo")
    streamed, collected = _both(capsys, monkeypatch, corpus, store, tmp_path, fmt, *options)
    assert streamed[:2] == collected and streamed[1] == b"" and "nothing matched" in streamed[2]


def test_streamed_export_leaves_out_and_names_stale_and_missing_articles(capsys, monkeypatch, tmp_path, one_annotator):
    corpus, store = one_annotator
    files = sorted(corpus.glob("*.txt"))
    changed = files[1]
    text = changed.read_text(encoding="utf-8")
    changed.write_text("تغيير " + text, encoding="utf-8")  # every span of it now misaligned
    files[3].unlink()
    for fmt in ("native", "conll"):
        streamed, collected = _both(capsys, monkeypatch, corpus, store, tmp_path, fmt)
        assert streamed[:2] == collected
        code, data, err = streamed
        assert code == 0 and "wrote 3 record(s)" in err
        assert "left out 1 record(s) whose article text changed" in err and f"{changed.stem} (alice)" in err
        assert "1 annotated article(s) are not in the corpus" in err and f"{files[3].stem} (alice)" in err
        assert "تغيير" not in data.decode("utf-8")


def test_streamed_export_with_an_unreadable_article_writes_nothing(capsys, monkeypatch, tmp_path, one_annotator):
    corpus, store = one_annotator
    sorted(corpus.glob("*.txt"))[2].write_bytes(b"\xff\xfe binary")
    streamed, collected = _both(capsys, monkeypatch, corpus, store, tmp_path, "conll")
    assert streamed[:2] == collected
    code, data, err = streamed
    assert code == 1 and data is None and err.startswith("hashiya: error:") and "not valid UTF-8" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".s.conll")] == []


@settings(max_examples=300, deadline=None)
@given(record())
def test_entity_spans_for_tokens_in_bulk_is_the_loop(rec):
    """The bulk check keeps exactly what the span-by-span loop keeps."""
    from annotations.formats import common

    options = ExportOptions(kinds=("entity",), themes=False)
    for spans in (rec.spans, [s for s in rec.spans if s.kind == "entity"]):
        probe = ArticleRecord("a", rec.text, list(reversed(spans)) if len(spans) % 2 else spans, [], Status.DONE, "alice")
        bulk_report, loop_report = ExportReport(), ExportReport()
        bulk = common.entity_spans_for_tokens(probe, options, bulk_report, "conll")
        expected = []
        last_end = -1
        for span in sorted(probe.spans, key=lambda s: (s.start, s.end)):
            if span.kind != "entity":
                continue
            if span.start < last_end:
                loop_report.leave_out("overlapping entity spans (conll is flat)", f"a:{span.start}-{span.end} (alice)")
                continue
            expected.append(span)
            last_end = span.end
        assert bulk == expected and bulk_report == loop_report


def test_store_state_spans_in_order_whatever_the_file_order():
    from annotations.store.state import SPAN_KEY, _span_dict, _state_from_tables

    text = "قال محمد في لندن إن الوفد وصل"
    spans = [
        Span("a", 4, 8, "PER", "entity", text[4:8], "alice", id="s1", created=1.5, updated=2.5),
        Span("a", 12, 16, "GPE", "entity", text[12:16], "alice", id="s2", created=1.5, updated=2.5),
        Span("a", 12, 16, "place", "theme", text[12:16], "alice", id="s3", created=1.5, updated=2.5),
        Span("a", 0, 8, "talk", "theme", text[0:8], "alice", id="s4", created=1.5, updated=2.5),
        Span("a", 20, 25, "ORG", "entity", text[20:25], "alice", id="s5", created=1.5, updated=2.5),
    ]
    rng = random.Random(3)
    for _ in range(50):
        order = spans[:]
        rng.shuffle(order)
        data = {"spans": {str(n): _span_dict(s) for n, s in enumerate(order, 1)}, "article": {"1": {"status": "done"}}}
        state = _state_from_tables("a", data, "a.json", owned=True)
        assert state.span_objects() == sorted(spans, key=SPAN_KEY)
        assert state.status == "done" and state.themes == ()


def _exact_as_before(docs) -> bool:
    """The span-document check as it was: a tuple of values per document."""
    from annotations.store.state import _SPAN_FIELDS, _SPAN_TYPES

    if not docs:
        return True
    if {len(d) for d in docs} != {len(_SPAN_FIELDS)}:
        return False
    try:
        rows = [tuple(d[f] for f in _SPAN_FIELDS) for d in docs]
    except KeyError:
        return False
    return all(tuple(map(type, row)) == _SPAN_TYPES and all(row[7:]) for row in rows)


def test_exact_span_documents_check_is_the_per_document_check():
    from annotations.store.state import _exact_span_docs, _span_dict

    rng = random.Random(11)
    base = _span_dict(Span("a", 0, 4, "PER", "entity", "محمد", "alice", id="s1", created=1.5, updated=2.5))
    changes = [
        lambda d: None,
        lambda d: d.update(start=1.0),
        lambda d: d.update(end=True),
        lambda d: d.update(id=""),
        lambda d: d.update(created=0.0),
        lambda d: d.update(updated=3),
        lambda d: d.update(label=None),
        lambda d: d.pop("kind"),
        lambda d: d.update(extra=1),
        lambda d: d.update(text=["x"]),
    ]
    for _ in range(3000):
        docs = []
        for _ in range(rng.randint(0, 4)):
            doc = dict(base)
            if rng.random() < 0.3:
                items = list(doc.items())
                rng.shuffle(items)
                doc = dict(items)
            if rng.random() < 0.3:
                rng.choice(changes)(doc)
            docs.append(doc)
        assert _exact_span_docs(docs) == _exact_as_before(docs), docs


@pytest.mark.parametrize(
    "raw",
    [b"{}", b'{"spans":{}}', b'{"spans":{"1":{}}}', b"[]", b'{"spans":[]}', b'{"spans":{"1":[]}}',
     b'{"a":{"1":{}},"b":1}', b'{"a":{"1":{},"2":"x"}}', b'{"a":{},"b":{"1":{"x":1}}}', b'"x"'],
)
def test_store_file_shape_check(raw):
    import json

    from annotations.errors import StoreCorruptError
    from annotations.store.files import parse_tables

    data = json.loads(raw)
    tinydb_shaped = type(data) is dict and all(
        type(table) is dict and all(type(doc) is dict for doc in table.values()) for table in data.values()
    )
    if tinydb_shaped:
        assert parse_tables(raw, "a.json") == data
    else:
        with pytest.raises(StoreCorruptError, match="not a TinyDB database"):
            parse_tables(raw, "a.json")


def test_streamed_export_with_a_damaged_store_file_writes_nothing(capsys, monkeypatch, tmp_path, one_annotator):
    corpus, store = one_annotator
    files = sorted((store / "alice" / "articles").glob("*/*.json"), key=lambda p: p.name)
    files[2].write_text("{ not json", encoding="utf-8")
    streamed, collected = _both(capsys, monkeypatch, corpus, store, tmp_path, "native")
    assert streamed[:2] == collected
    code, data, err = streamed
    assert code == 1 and data is None and err.startswith("hashiya: error:") and files[2].name in err
    assert len(err.strip().splitlines()) == 1
