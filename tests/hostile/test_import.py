"""Attacks through import files: deep JSON, lone surrogates, entries a
format would silently drop, and the import command's refusals."""

from __future__ import annotations

import json

import pytest

from annotations.formats import module

DEEP = "[" * 100_000


@pytest.mark.parametrize("fmt", ["native", "doccano", "prodigy"])
def test_deep_json_is_a_bad_line(fmt):
    result = module(fmt).read([DEEP], schema=None, annotator="a", name="f")
    assert not result.records
    assert [p.line for p in result.problems] == [1]
    assert "nested too deeply" in result.problems[0].message


@pytest.mark.parametrize(
    "fmt, line",
    [
        ("native", '{"id": "x", "text": "ab\\ud800", "spans": [{"start": 2, "end": 3, "label": "PER"}]}'),
        ("native", '{"id": "x\\udce9", "text": "abc", "spans": []}'),
        ("doccano", '{"id": "x", "text": "ab\\ud800", "entities": []}'),
        ("prodigy", '{"text": "ab\\udfff", "spans": []}'),
    ],
)
def test_lone_surrogate_is_a_bad_line(fmt, line):
    result = module(fmt).read([line], schema=None, annotator="a", name="f")
    assert not result.records
    assert "lone surrogate" in result.problems[0].message


def test_prodigy_non_string_accept_is_refused_not_dropped():
    line = json.dumps({"text": "نص", "spans": [], "accept": ["cooperation", 3], "answer": "accept", "meta": {"id": "p"}})
    result = module("prodigy").read([line], schema=None, annotator="a", name="f")
    assert not result.records
    assert "3" in result.problems[0].message and "theme" in result.problems[0].message


@pytest.mark.parametrize("value", [None, True, {}, [], 1.5])
def test_native_ids_that_are_no_ids(value):
    line = json.dumps({"id": value, "text": "نص", "spans": []})
    result = module("native").read([line], schema=None, annotator="a", name="f")
    assert not result.records and result.problems
