"""The store's JSON reader (orjson with json.loads deciding every doubtful
case) gives exactly what json.loads gives, and damaged files the same errors."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import StoreCorruptError
from annotations.store.files import _loads, parse_tables, read_tables

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


def same(a, b) -> bool:
    """Equal, with the same types all the way down (1 is not 1.0 here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


@settings(max_examples=300)
@given(values, st.booleans(), st.booleans())
def test_loads_is_json_loads(value, ascii_only, as_bytes):
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written raw: only the str form exists
        data = text
    source = data if as_bytes else text
    assert same(_loads(source), json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 18446744073709551616}',
        '{"a": -9223372036854775809}',
        '{"a": 123456789012345678901234567890}',
        '{"a": NaN, "b": Infinity, "c": -Infinity}',
        '{"a": 1e400}',
        '{"a": "\\ud800"}',
        '{"a": 1, "a": 2}',
        '{"a": -0.0, "b": -0, "c": 1E2}',
        '{"a": "\\u0000\\u2028"}',
    ],
)
def test_loads_edge_cases(text):
    got = _loads(text.encode("utf-8"))
    want = json.loads(text)
    assert same(got, want) or (json.dumps(got) == json.dumps(want) and "NaN" in text)


@pytest.mark.parametrize(
    "raw, problem",
    [
        (b"\xef\xbb\xbf{}", "not valid JSON (Unexpected UTF-8 BOM"),
        (b'{"spans": {"1": {"a": 1}}', "not valid JSON (Expecting ',' delimiter"),
        (b'{"spans": {"1": {"a": 1}},}', "not valid JSON (Expecting property name"),
        (b'{"spans": {"1": {"a": "\xff"}}}', "not valid UTF-8 (byte 23)"),
        (b'{"spans": {"1": {"a": "\xed\xa0\x80"}}}', "not valid UTF-8 (byte 23)"),
        (b'{"spans": {"1": {"a": "\x01"}}}', "not valid JSON (Invalid control character"),
        (b"[]", "not a TinyDB database"),
        (b'{"spans": {"1": 3}}', "not a TinyDB database"),
        (b'{"spans": {}} x', "not valid JSON (Extra data; line 1 column 15)"),
    ],
)
def test_damaged_files_same_errors(tmp_path, raw, problem):
    path = tmp_path / "a.json"
    path.write_bytes(raw)
    pattern = "is damaged: " + problem.replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(StoreCorruptError, match=pattern):
        read_tables(str(path), "hashiya repair")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    with pytest.raises(StoreCorruptError, match=pattern):
        parse_tables(text, path, "hashiya repair")

def test_read_tables_good_file(tmp_path):
    path = tmp_path / "a.json"
    tables = {"spans": {"1": {"start": 0, "end": 3, "text": "نص\u2028", "t": 1795453218.852048}}, "_default": {}}
    path.write_bytes(json.dumps(tables, ensure_ascii=False).encode("utf-8"))
    assert same(read_tables(str(path)), tables)
