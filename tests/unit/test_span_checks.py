"""SpanChecks: check_span for an import's spans in linear time, with the
same answers and messages as checking each against every span before it."""

from __future__ import annotations

import random

import pytest

from annotations.errors import AnnotationError
from annotations.formats.common import build_record
from annotations.model import ENTITY, THEME, Span, SpanChecks, check_span

TEXT = ("كتب الرئيس  في المدينة \n" * 20)


def _answer(check, *args):
    try:
        check(*args)
    except AnnotationError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("seed", range(40))
def test_same_answers_and_messages_as_check_span(seed):
    rng = random.Random(seed)
    checks = SpanChecks(TEXT)
    passed: list[Span] = []
    for n in range(60):
        start = rng.randrange(-2, len(TEXT))
        end = start + rng.randrange(-1, 12)
        kind = rng.choice([ENTITY, ENTITY, ENTITY, THEME])
        expected = _answer(check_span, TEXT, start, end, kind, passed)
        assert _answer(checks.check, start, end, kind, passed) == expected
        if expected is None and rng.random() < 0.8:  # sometimes one that passed is not kept
            passed.append(Span("a", start, end, "PER", kind, TEXT[start:end], "t", id=f"s{n}"))
            checks.add(start, end, kind)


def test_a_record_of_many_spans_is_checked_without_comparing_every_pair(monkeypatch):
    calls = []
    real = Span.overlaps
    monkeypatch.setattr(Span, "overlaps", lambda self, start, end: calls.append(1) or real(self, start, end))
    text = "كلمة " * 3000
    spans = [(5 * i, 5 * i + 4, "PER", ENTITY, None, None) for i in range(3000)]
    record = build_record("a", text, spans)
    assert len(record.spans) == 3000
    assert len(calls) < 3000


def _store(tmp_path):
    from annotations.store import Store

    return Store(tmp_path / "store", "t")


def test_the_store_does_not_check_again_what_the_reader_checked(tmp_path, monkeypatch):
    from annotations.store.bulk_import import Importer

    calls = []
    real = SpanChecks.check
    monkeypatch.setattr(SpanChecks, "check", lambda self, *a: calls.append(1) or real(self, *a))
    record = build_record("a", "كتب الرئيس في المدينة", [(0, 3, "PER", ENTITY, None, None), (4, 10, "ORG", ENTITY, None, None)])
    calls.clear()
    with _store(tmp_path) as store:
        importer = Importer(store)
        assert importer.plan(record)
        importer.write(behind=False)
        assert [s.label for s in store.spans("a")] == ["PER", "ORG"]
    assert calls == []


def test_a_record_changed_after_it_was_read_is_checked_again(tmp_path):
    from dataclasses import replace

    from annotations.store.bulk_import import Importer

    text = "كتب الرئيس في المدينة"
    record = build_record("a", text, [(0, 3, "PER", ENTITY, None, None)])
    record.spans.append(Span("a", 1, 5, "ORG", ENTITY, text[1:5], "t"))  # overlaps the first
    other = build_record("b", text, [(0, 3, "PER", ENTITY, None, None)])
    other = replace(other, spans=[*other.spans, Span("b", 2, 6, "ORG", ENTITY, text[2:6], "t")])
    moved = build_record("c", text, [(0, 3, "PER", ENTITY, None, None)])
    moved.text = text + " "
    moved.spans.append(Span("c", 1, 5, "ORG", ENTITY, text[1:5], "t"))
    with _store(tmp_path) as store:
        importer = Importer(store)
        assert not importer.plan(record) and not importer.plan(other) and not importer.plan(moved)
        assert all("entities may not overlap" in importer.summary.refused[i][0] for i in "abc")
