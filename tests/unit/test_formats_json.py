"""The fast JSON writer of the formats (orjson for plain values) writes the
same text as ``dumps`` (json.dumps): native export stays byte for byte."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.formats import native
from annotations.formats.common import ExportOptions, ExportReport, dumps, dumps_plain, is_plain
from annotations.model import ArticleRecord, Span, Status

from .test_formats_properties import records

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# every escaping case: controls, DEL, quotes, backslash, line/paragraph
# separators, BOM, lone surrogates, astral characters, Arabic
TRICKY = [chr(c) for c in range(0x20)] + list('\x7f"\\/\u2028\u2029\ufeff\ud800\udfff\U0001f600\u0627\u064e é')
chars = st.sampled_from(TRICKY) | st.characters(exclude_categories=())
texts = st.text(chars, max_size=12)
plain_scalars = st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**70), max_value=2**70) | texts
plain_values = st.recursive(
    plain_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4), max_leaves=25
)


@settings(max_examples=400)
@given(plain_values)
def test_dumps_plain_is_dumps(value):
    assert is_plain(value)
    assert dumps_plain(value) == dumps(value)


def test_dumps_plain_escapes_like_dumps():
    value = {"".join(TRICKY): TRICKY, "b": [2**64 - 1, -(2**63), 2**64, True, None]}
    assert dumps_plain(value) == dumps(value)
    assert dumps_plain({"\ud800": 1}) == dumps({"\ud800": 1})


class Name(str):
    pass


def test_what_is_not_plain():
    for value in (1.5, [1e-7], {"a": 1e16}, (1, 2), {1: "a"}, {"a": (1,)}, Name("x"), [Status.DONE], {"a": {"b": float("nan")}}):
        assert not is_plain(value), value
    assert is_plain({"a": [1, "b", None, True, {"c": []}]})


def reference(recs, options) -> str:
    """The native writer as it was: json.dumps for every line."""
    return "".join(dumps(native.to_dict(record, options)) + "\n" for record in recs)


def written(recs, options) -> str:
    out = io.StringIO()
    native.write(recs, out, ExportReport(), options)
    return out.getvalue()


# floats that the two encoders write differently come up often
odd_floats = st.sampled_from([1e-7, 1e16, 1e300, float("nan"), float("inf"), -0.0, 0.1])
meta_values = st.recursive(
    st.none() | st.integers() | odd_floats | st.floats() | texts | st.booleans(), lambda i: st.lists(i, max_size=3), max_leaves=6
)
metadata = st.dictionaries(st.sampled_from(["source", "score", "tags"]) | texts, meta_values, max_size=3)


@settings(max_examples=150)
@given(records(), st.lists(metadata, min_size=3, max_size=3), st.booleans(), st.booleans())
def test_native_export_is_byte_identical(recs, metas, utf16, themes):
    for record, meta in zip(recs, metas):
        record.metadata = meta
    options = ExportOptions(utf16=utf16, themes=themes)
    assert written(recs, options) == reference(recs, options)


def test_native_export_of_seeds_is_byte_identical():
    recs = []
    for n, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        words = [i for i, ch in enumerate(text) if ch == " "][:6]
        spans = [Span(path.stem, a + 1, b, "PER", "entity", text[a + 1 : b], "alice") for a, b in zip(words, words[1:]) if text[a + 1 : b].strip()]
        meta = {"source": path.name, "n": n, "score": n / 7} if n % 2 else {"source": path.name}
        recs.append(ArticleRecord(path.stem, text, spans, ["training"], Status.DONE, "alice", meta))
    assert len(recs) >= 5
    for options in (ExportOptions(), ExportOptions(utf16=True, themes=False)):
        assert written(recs, options) == reference(recs, options)
        assert [json.loads(line) for line in written(recs, options).splitlines()]
