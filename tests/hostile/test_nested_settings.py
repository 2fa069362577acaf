"""Deeply nested JSON in a pattern file or a resume file: a named bad line,
or the defaults, never a RecursionError."""

from __future__ import annotations

import pytest

from annotations.suggestions.patterns import PatternError, parse_patterns
from tui.resume import Resume, resume_path

DEEP = "[" * 100_000


def test_a_pattern_line_nested_too_deeply_is_a_named_bad_line():
    with pytest.raises(PatternError) as caught:
        parse_patterns('{"label": "GPE", "pattern": "مصر"}\n' + DEEP + "\n", "p.jsonl")
    assert "p.jsonl:2: not valid JSON (nested too deeply)" in str(caught.value)


def test_a_resume_file_nested_too_deeply_gives_the_defaults(tmp_path):
    path = resume_path("corpus", "alice", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DEEP, encoding="utf-8")
    resume = Resume.load("corpus", "alice", tmp_path)
    assert resume.positions == {} and resume.list_article is None and resume.open_article is None
