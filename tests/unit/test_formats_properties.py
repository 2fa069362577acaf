"""Round trips and consumer checks on generated Arabic/Latin/digit text."""

from __future__ import annotations

import io
import json
import re

import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from annotations.formats import module
from annotations.formats.common import OFF_TOKENS, ExportOptions, ExportReport
from annotations.model import ArticleRecord, Span, Status
from annotations.segment import canonical_offsets

from .formats_data import off_tokens, on_tokens
from .test_formats import read_conll

ALPHABET = list(
    "ابتجدرسعفقكلمنهوىةءأإآـ"
    "\u064e\u064f\u0650\u0651\u0652"
    "٠١٢٣0123.,٫"
    "،؛؟«»“”\"'()!"
    "abXY  \n\u200c\U0001f600"
)
ENTITY_LABELS = ["PER", "GPE", "ORG"]
THEME_LABELS = ["cooperation", "training"]
NLP = spacy.blank("ar")


@st.composite
def records(draw, annotator="alice"):
    count = draw(st.integers(1, 3))
    out = []
    for n in range(count):
        text = draw(st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=60))
        if not text.strip():
            text += "ا"
        cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
        spans = []
        # entities: disjoint pieces between consecutive cut points
        for a, b in zip(cuts, cuts[1:]):
            if draw(st.booleans()) and text[a:b].strip():
                label = draw(st.sampled_from(ENTITY_LABELS))
                spans.append(Span(f"a{n}", a, b, label, "entity", text[a:b], annotator))
        for _ in range(draw(st.integers(0, 2))):
            a = draw(st.integers(0, len(text) - 1))
            b = draw(st.integers(a + 1, len(text)))
            if text[a:b].strip():
                label = draw(st.sampled_from(THEME_LABELS))
                if all((s.start, s.end, s.label) != (a, b, label) for s in spans):
                    spans.append(Span(f"a{n}", a, b, label, "theme", text[a:b], annotator))
        spans.sort(key=lambda s: (s.start, s.end, s.kind, s.label))
        themes = sorted(draw(st.sets(st.sampled_from(THEME_LABELS))))
        status = draw(st.sampled_from(list(Status)))
        out.append(ArticleRecord(f"a{n}", text, spans, themes, status, annotator))
    return out


def keys(record, spans=None):
    return sorted((s.start, s.end, s.label, s.kind, s.text) for s in (record.spans if spans is None else spans))


def export(fmt, recs, report=None, **options):
    out = io.StringIO()
    module(fmt).write(recs, out, report or ExportReport(), ExportOptions(**options))
    return out.getvalue()


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(records(), st.booleans())
def test_jsonl_formats_round_trip(recs, utf16):
    for fmt in ("native", "doccano", "prodigy"):
        data = export(fmt, recs, utf16=utf16)
        result = module(fmt).read(io.StringIO(data))
        assert result.problems == [], (fmt, result.problems)
        back = [r for _, r in result.records]
        assert [(r.id, r.text, keys(r), r.themes) for r in back] == [
            (r.id, r.text, keys(r, on_tokens(r) if fmt == "prodigy" else None), r.themes) for r in recs
        ], fmt
        if fmt != "doccano":
            assert [r.status for r in back] == [r.status for r in recs]


@SETTINGS
@given(records(), st.booleans())
def test_prodigy_spans_are_strict_spacy_spans(recs, split_clitics):
    report = ExportReport()
    data = export("prodigy", recs, report, split_clitics=split_clitics)
    assert len(report.left_out.get(OFF_TOKENS, [])) == sum(len(off_tokens(r)) for r in recs)
    for line, record in zip(data.splitlines(), recs):
        obj = json.loads(line)
        doc = Doc(NLP.vocab, words=[t["text"] for t in obj["tokens"]], spaces=[t["ws"] for t in obj["tokens"]])
        assert doc.text == record.text
        # the tokens are the canonical ones, whatever the spans
        assert [(t["start"], t["end"]) for t in obj["tokens"] if not t["text"].isspace()] == canonical_offsets(
            record.text
        )
        for span in obj["spans"] + obj["theme_spans"]:
            piece = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="strict")
            assert piece is not None and piece.text == span["text"]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@SETTINGS
@given(records())
def test_conll_entities_survive_seqeval_and_import(recs):
    from seqeval.metrics.sequence_labeling import get_entities

    data = export("conll", recs)
    docs = read_conll(data)
    assert len(docs) == len(recs)
    for doc, record in zip(docs, recs):
        found = []
        for sentence in doc:
            tokens = [t for t, _ in sentence]
            found += [(label, "".join(tokens[a : b + 1])) for label, a, b in get_entities([t for _, t in sentence])]
        expected = [(s.label, squeeze(s.text)) for s in on_tokens(record) if s.kind == "entity"]
        assert found == expected
    result = module("conll").read(io.StringIO(data))
    assert result.problems == []
    back = [r for _, r in result.records]
    assert len(back) == len(recs)
    for imported, record in zip(back, recs):
        assert [(s.label, squeeze(s.text)) for s in imported.spans] == [
            (s.label, squeeze(s.text)) for s in on_tokens(record) if s.kind == "entity"
        ]
        assert squeeze(imported.text) == squeeze(record.text)
