"""Sentence breaks of the CoNLL writer: after a run of sentence-end tokens
and at line breaks, never inside an entity, never at a dot inside a token."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.formats import conll
from annotations.formats.common import ExportOptions, ExportReport
from annotations.model import ArticleRecord, Span, Status
from annotations.segment import canonical_offsets

from .test_formats_properties import records

ENDS = {".", "!", "?", "؟", "۔", "…"}


def reference(record: ArticleRecord) -> str:
    """The CoNLL body written one token at a time, the plain way."""
    text = record.text
    offsets = canonical_offsets(text)
    starts = {s: i for i, (s, _) in enumerate(offsets)}
    ends = {e: i for i, (_, e) in enumerate(offsets)}
    tags = ["O"] * len(offsets)
    last_end = -1
    for span in sorted(record.spans, key=lambda s: (s.start, s.end)):
        if span.kind != "entity" or span.start < last_end:
            continue
        last_end = span.end
        if span.start in starts and span.end in ends:
            first, last = starts[span.start], ends[span.end]
            tags[first] = "B-" + span.label
            for k in range(first + 1, last + 1):
                tags[k] = "I-" + span.label
    out = []
    for k, (start, end) in enumerate(offsets):
        if k and not tags[k].startswith("I-"):
            before = text[offsets[k - 1][0] : offsets[k - 1][1]]
            word = text[start:end]
            if "\n" in text[offsets[k - 1][1] : start] or (before in ENDS and word not in ENDS):
                out.append("")
        out.append(f"{text[start:end]} {tags[k]}")
    return "\n".join(out) + "\n\n" if out else ""


@settings(max_examples=200, deadline=None)
@given(records())
def test_generated_records(recs):
    for record in recs:
        assert conll.document(record, ExportOptions(), ExportReport()) == reference(record)


MARKS = st.lists(
    st.sampled_from(list(".!?؟۔…") + [" ", "\n", "كلمة", "ب", "1.5", "«", "»", "Dr.", "U.S.", "a@b.io"]), max_size=30
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKS)
def test_runs_of_marks(text):
    if not text.strip():
        text += "ا"
    record = ArticleRecord("a", text, [], [], Status.DONE, "alice")
    assert conll.document(record, ExportOptions(), ExportReport()) == reference(record)


def test_a_run_ends_one_sentence():
    text = "قال: نعم!؟ ثم ذهب... وانتهى."
    out = conll.document(ArticleRecord("a", text, [], [], Status.DONE, "alice"), ExportOptions(), ExportReport())
    assert "! O\n؟ O\n\nثم O\n" in out


def test_dots_inside_tokens_end_no_sentence():
    text = "قال Dr. Smith من U.S. إن info@who.int و https://www.who.int/a.b يعملان منذ 14.5.2025 بنسبة 3.5 بالمئة. ثم عاد."
    out = conll.document(ArticleRecord("a", text, [], [], Status.DONE, "alice"), ExportOptions(), ExportReport())
    sentences = [block.split("\n") for block in out.strip("\n").split("\n\n")]
    assert len(sentences) == 2
    assert sentences[0][-2:] == ["بالمئة O", ". O"] and sentences[1] == ["ثم O", "عاد O", ". O"]
    for token in ("Dr.", "U.S.", "info@who.int", "https://www.who.int/a.b", "14.5.2025", "3.5"):
        assert f"{token} O" in sentences[0]


def test_an_entity_across_a_line_break_and_a_full_stop_stays_one_sentence():
    text = "زار د. محمد\nعلي لندن. ثم عاد"
    spans = [Span("a", 4, 15, "PER", "entity", text[4:15], "alice")]
    out = conll.document(ArticleRecord("a", text, spans, [], Status.DONE, "alice"), ExportOptions(), ExportReport())
    assert out == "زار O\nد B-PER\n. I-PER\nمحمد I-PER\nعلي I-PER\nلندن O\n. O\n\nثم O\nعاد O\n\n"
