"""Entity patterns: the JSONL shape of spaCy's EntityRuler and Prodigy's
``--patterns``, matched on word edges of Arabic text.

One pattern a line::

    {"label": "GPE", "pattern": "الصين"}                         phrase
    {"label": "ORG", "pattern": [{"LOWER": "الامم"}, {"TEXT": "المتحدة"}]}   tokens

A token pattern is a list of one dict per token. Each dict holds one or
more of the keys ``TEXT`` / ``ORTH`` (the token exactly as written) and
``LOWER`` (the token folded as the corpus search folds it: lower case, and
for Arabic harakat, tatweel and the alef / yaa / taa-marbuta forms ignored),
each a string or ``{"IN": [strings]}``. A phrase pattern is tokenized like
the articles and each of its tokens compared folded (``LOWER``), so
``الصين`` matches الصّين and الـصين. An optional ``"id"`` is accepted and
ignored.

Word edges. Tokens come from :func:`annotations.tokenize.tokenize`, so a
match starts and ends on token edges — ``الصين`` never matches inside
``الصينية``. The first token of a pattern may also match a word after a
chain of proclitics (و/ف, then ب/ك/ل, then ال), so ``الصين`` matches the
الصين of والصين and ``مصر`` the مصر of ومصر: the pattern's own word is the
evidence that the letters in front are clitics (the tokenizer alone splits
them only in front of the article). The span starts after the clitics.
Consecutive tokens of a match never straddle a line break.

Overlaps. Matches may not overlap (they become entities, which are flat):
the longest wins, then the earlier, then the pattern earlier in the file.

Bad lines. A line that is not a JSON object of this shape, or whose label
is not an entity label of the schema, is reported as ``FILE:LINE: reason``
(:class:`PatternError` carries them all) — never a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import HashiyaError
from ..jsontext import RECORD_DEPTH, loads as json_loads
from ..textnorm import normalize
from ..tokenize import MARKS, tokenize

__all__ = ["Pattern", "PatternError", "PatternMatcher", "load_patterns", "parse_patterns"]

TOKEN_KEYS = {"TEXT": "exact", "ORTH": "exact", "LOWER": "fold"}

# Proclitic chain in front of a word, each letter with its harakat:
# (و|ف)? (ب|ك|ل)? (ال)? — every place the chain can stop is a candidate start.
_CHAIN = (
    re.compile(f"[وف][{MARKS}]*"),
    re.compile(f"[بكل][{MARKS}]*"),
    re.compile(f"ا[{MARKS}]*ل[{MARKS}]*"),
)


class PatternError(HashiyaError):
    """Bad lines of a pattern file; ``problems`` are ``FILE:LINE: reason``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def fold(text: str) -> str:
    return normalize(text)


@dataclass(frozen=True)
class Pattern:
    """One pattern: for each token, the (how, values) tests it must pass."""

    label: str
    tokens: tuple[tuple[tuple[str, frozenset[str]], ...], ...]
    line: int = 0


def _token_tests(spec, where: str) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(spec, dict) or not spec:
        raise ValueError(f"{where}: a token pattern must be a non-empty object")
    tests = []
    for key, value in spec.items():
        how = TOKEN_KEYS.get(key)
        if how is None:
            raise ValueError(f"{where}: unsupported token key {key!r} (use TEXT, ORTH or LOWER)")
        if isinstance(value, str):
            values = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) \
                and value["IN"] and all(isinstance(v, str) for v in value["IN"]):
            values = value["IN"]
        else:
            raise ValueError(f"{where}: {key} must be a string or {{\"IN\": [strings]}}")
        if how == "fold":
            values = [fold(v) for v in values]
        if not all(v.strip() for v in values):
            raise ValueError(f"{where}: {key} is empty")
        tests.append((how, frozenset(values)))
    return tuple(tests)


def _parse_line(data, entity_labels, where: str) -> Pattern:
    if not isinstance(data, dict):
        raise ValueError("a pattern line must be a JSON object")
    unknown = set(data) - {"label", "pattern", "id"}
    if unknown:
        raise ValueError(f"unknown field {sorted(unknown)[0]!r} (expected label, pattern, id)")
    label = data.get("label")
    if not isinstance(label, str) or not label:
        raise ValueError("'label' must be a non-empty string")
    if entity_labels is not None and label not in entity_labels:
        raise ValueError(f"label {label!r} is not an entity label of the schema")
    pattern = data.get("pattern")
    if isinstance(pattern, str):
        words = [token.text for token in tokenize(pattern)]
        if not words:
            raise ValueError("the phrase is empty")
        tokens = tuple((("fold", frozenset([fold(word)])),) for word in words)
        if not all(test[0][1] != frozenset([""]) for test in tokens):
            raise ValueError("the phrase has a token with no letters left after folding")
    elif isinstance(pattern, list) and pattern:
        tokens = tuple(_token_tests(spec, f"token {i + 1}") for i, spec in enumerate(pattern))
    else:
        raise ValueError("'pattern' must be a phrase (string) or a non-empty list of token objects")
    return Pattern(label=label, tokens=tokens)


def parse_patterns(text: str, name: str, entity_labels=None) -> list[Pattern]:
    """Patterns of a JSONL text; PatternError listing every bad line."""
    patterns: list[Pattern] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json_loads(line, RECORD_DEPTH)
        except json.JSONDecodeError as exc:
            problems.append(f"{name}:{number}: not valid JSON ({exc.msg})")
            continue
        try:
            pattern = _parse_line(data, entity_labels, f"{name}:{number}")
        except ValueError as exc:
            problems.append(f"{name}:{number}: {exc}")
            continue
        patterns.append(Pattern(pattern.label, pattern.tokens, number))
    if problems:
        raise PatternError(problems)
    if not patterns:
        raise PatternError([f"{name}: no patterns"])
    return patterns


def load_patterns(path: str | Path, entity_labels=None) -> list[Pattern]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HashiyaError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PatternError([f"{path}:{line}: not UTF-8"]) from None
    return parse_patterns(text, str(path), entity_labels)


def _starts(word: str) -> list[int]:
    """Offsets inside `word` where a match may start: 0, then after each
    step of a proclitic chain."""
    cuts = [0]
    position = 0
    for step in _CHAIN:
        found = step.match(word, position)
        if found and found.end() < len(word):
            position = found.end()
            cuts.append(position)
    return cuts


def _passes(tests, exact: str, folded: str) -> bool:
    return all((exact if how == "exact" else folded) in values for how, values in tests)


class PatternMatcher:
    """Finds the matches of many patterns in a text: ``matches(text)``
    returns non-overlapping ``(start, end, label)``, sorted by start."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        # index by the first token: ("exact"|"fold", value) -> pattern numbers
        self._first: dict[tuple[str, str], list[int]] = {}
        for number, pattern in enumerate(patterns):
            for how, values in pattern.tokens[0][:1]:
                for value in values:
                    self._first.setdefault((how, value), []).append(number)

    def _candidates(self, exact: str, folded: str) -> list[int]:
        found = self._first.get(("exact", exact), []) + self._first.get(("fold", folded), [])
        return sorted(set(found))

    def _rest_matches(self, pattern: Pattern, text: str, tokens, index: int, folded_of) -> int | None:
        """End of the match if tokens[index + 1:] satisfy the pattern's
        later tokens; None otherwise."""
        end = tokens[index].end
        for offset, tests in enumerate(pattern.tokens[1:], 1):
            at = index + offset
            if at >= len(tokens) or "\n" in text[end : tokens[at].start]:
                return None
            token = tokens[at]
            if not _passes(tests, token.text, folded_of(at)):
                return None
            end = token.end
        return end

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        tokens = tokenize(text)
        folded_cache: dict[int, str] = {}

        def folded_of(at: int) -> str:
            value = folded_cache.get(at)
            if value is None:
                value = folded_cache[at] = fold(tokens[at].text)
            return value

        found: list[tuple[int, int, int]] = []  # (start, end, pattern number)
        for index, token in enumerate(tokens):
            word = token.text
            for cut in _starts(word):
                part = word[cut:]
                folded = folded_of(index) if cut == 0 else fold(part)
                matched = False
                for number in self._candidates(part, folded):
                    pattern = self.patterns[number]
                    if not _passes(pattern.tokens[0], part, folded):
                        continue
                    end = self._rest_matches(pattern, text, tokens, index, folded_of)
                    if end is not None:
                        found.append((token.start + cut, end, number))
                        matched = True
                if matched:
                    break  # the fewest letters taken for clitics
        return self._flat(found)

    def _flat(self, found: list[tuple[int, int, int]]) -> list[tuple[int, int, str]]:
        return [(s, e, self.patterns[n].label) for s, e, n in flat(sorted(found, key=lambda m: m[2]))]


def flat(found):
    """The (start, end, tag) ranges to keep so that none overlap: the
    longest first, then the earliest, then the first given; sorted by start."""
    kept: list = []
    for item in sorted(found, key=lambda m: (m[0] - m[1], m[0])):  # stable
        if all(item[1] <= s or e <= item[0] for s, e, _ in kept):
            kept.append(item)
    return sorted(kept, key=lambda m: (m[0], m[1]))
