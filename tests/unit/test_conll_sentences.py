"""Sentence breaks of the CoNLL writer: the blank line after a run of
sentence-end marks is where the earlier template substitution put it."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.formats import conll
from annotations.formats.common import ExportOptions, ExportReport
from annotations.model import ArticleRecord, Status

from .test_formats_properties import records

_TEMPLATE_FORM = re.compile(r"\n((?:[.!?؟۔…] O\n)+)")


class _Reference:
    """Stands in for conll._SENTENCE_END_LINES with the template form."""

    def sub(self, _repl, body):
        return _TEMPLATE_FORM.sub("\n\\1\n", body)


def both(recs, options) -> tuple[str, str]:
    fast = io.StringIO()
    conll.write(recs, fast, ExportReport(), options)
    original = conll._SENTENCE_END_LINES
    conll._SENTENCE_END_LINES = _Reference()
    try:
        ref = io.StringIO()
        conll.write(recs, ref, ExportReport(), options)
    finally:
        conll._SENTENCE_END_LINES = original
    return fast.getvalue(), ref.getvalue()


MARKS = st.lists(st.sampled_from(list(".!?؟۔…") + [" ", "\n", "كلمة", "ب", "1.5", "«", "»"]), max_size=30).map("".join)


@settings(max_examples=200)
@given(records(), st.booleans())
def test_generated_records(recs, clitics):
    fast, ref = both(recs, ExportOptions(split_clitics=clitics))
    assert fast == ref


@settings(max_examples=300)
@given(MARKS)
def test_runs_of_marks(text):
    if not text.strip():
        text += "ا"
    fast, ref = both([ArticleRecord("a", text, [], [], Status.DONE, "alice")], ExportOptions())
    assert fast == ref


def test_a_run_ends_one_sentence():
    text = "قال: نعم!؟ ثم ذهب... وانتهى."
    fast, ref = both([ArticleRecord("a", text, [], [], Status.DONE, "alice")], ExportOptions())
    assert fast == ref
    assert "! O\n؟ O\n\nثم O\n" in fast
