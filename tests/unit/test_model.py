from __future__ import annotations

import pytest

from annotations.errors import AnnotationError
from annotations.model import ENTITY, THEME, Span, Status, check_span, fingerprint

TEXT = "وزير الصحة العراقي في لندن"


def span(start, end, kind=ENTITY, label="PER"):
    return Span("a", start, end, label, kind, TEXT[start:end], "tester")


def test_span_round_trips_through_dict():
    s = span(0, 4)
    assert Span.from_dict(s.to_dict()) == s
    assert s.is_aligned(TEXT)
    assert not span(0, 4).moved(1, 4, "x" * 10).is_aligned(TEXT)


def test_moved_and_relabelled_keep_text_aligned():
    s = span(0, 4).moved(5, 10, TEXT)
    assert s.text == TEXT[5:10] and s.is_aligned(TEXT)
    assert s.relabelled("ORG").label == "ORG"


@pytest.mark.parametrize(
    "start, end, message",
    [(-1, 3, "outside"), (3, 3, "at least one"), (5, 999, "outside"), (4, 5, "whitespace")],
)
def test_check_span_rejects_bad_ranges(start, end, message):
    with pytest.raises(AnnotationError, match=message):
        check_span(TEXT, start, end, ENTITY, [])


def test_entities_may_not_overlap_but_themes_may():
    existing = [span(5, 18, label="ORG")]
    with pytest.raises(AnnotationError, match="overlap ORG"):
        check_span(TEXT, 0, 10, ENTITY, existing)
    with pytest.raises(AnnotationError, match="overlap"):
        check_span(TEXT, 6, 9, ENTITY, existing)  # nesting is overlap too: entities are flat
    check_span(TEXT, 0, 10, THEME, existing)
    check_span(TEXT, 0, 4, ENTITY, existing)
    # resizing the span itself does not collide with itself
    check_span(TEXT, 5, 20, ENTITY, existing, ignore_id=existing[0].id)


def test_unknown_kind_rejected():
    with pytest.raises(AnnotationError, match="unknown span kind"):
        check_span(TEXT, 0, 4, "relation", [])


def test_fingerprint_changes_with_text_and_status_display():
    assert fingerprint(TEXT) != fingerprint(TEXT + " ")
    assert fingerprint(TEXT) == fingerprint(str(TEXT))
    assert Status.IN_PROGRESS.display == "in progress"
