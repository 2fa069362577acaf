"""CoNLL-2003 style IOB2: one ``TOKEN TAG`` line per token, a blank line
between sentences and a ``-DOCSTART- -X- O`` line (followed by a blank line)
before each article.

Tokens are the article's canonical tokens (:mod:`annotations.segment`):
the same for every annotator, whatever their spans, with proclitics cut
where the evidence says so and URLs, e-mail addresses, numbers, dates and
abbreviations whole. An entity whose edge falls inside a token is left out
and reported with its id, article and annotator. A sentence ends after a
token that is one of . ! ? ؟ ۔ … (or a run of them) and at line breaks,
never inside an entity; a dot inside a token (``Dr.``, ``U.S.``,
``info@who.int``, ``3.5``) ends nothing. CoNLL holds flat entity spans only:
theme spans, document themes and overlapping entities are reported on
export, not written.

Import rebuilds each article's text from its tokens: tokens of a sentence
joined by one space, sentences joined by a line break. Offsets are computed
on that text. Article ids are ``<file stem>-0001``, ``-0002``… in file order
(CoNLL has no place for ids). Tags must be ``O``, ``B-X`` or ``I-X`` and an
``I-X`` must continue a ``B-X``/``I-X``; any other line is reported with its
number and its whole article is not imported. CoNLL has no article status:
imported articles are ``in_progress`` (so an article without entities is
kept too).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import repeat
from operator import add
from typing import Iterable, Iterator, TextIO

from ..model import ENTITY, ArticleRecord
from .common import (
    ExportOptions,
    ExportReport,
    ImportResult,
    LineProblem,
    RecordError,
    IMPORTED_STATUS,
    build_record,
    entity_spans_for_tokens,
    record_tokens,
    spans_on_tokens,
    read_all,
    write_encoded,
)

SUFFIX = ".conll"
DOCSTART = "-DOCSTART- -X- O"

SENTENCE_ENDS = frozenset((".", "!", "?", "؟", "۔", "…"))


class _Tags(dict):
    """label -> its tag with the space before it (" B-PER"), made once."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, label: str) -> str:
        tag = self[label] = " " + self.prefix + label
        return tag


_INSIDE_TAG = _Tags("I-")
_BEGIN_TAG = _Tags("B-")


def sentence_breaks(text: str, starts: list[int], words: list[str], inside: set[int]) -> list[int]:
    """Token indexes where a sentence starts (0 excluded), in order: after a
    run of sentence-end tokens and at the first token after a line break,
    except a token in `inside` (one that continues an entity). Line breaks
    and marks are found in the text and placed among the token starts, not
    looked for token by token."""
    breaks: set[int] = set()
    n = len(words)
    find = text.find
    at = find("\n", starts[0])
    while at != -1:
        index = bisect_left(starts, at)
        if index >= n:
            break
        breaks.add(index)
        at = find("\n", starts[index])
    ends = SENTENCE_ENDS
    for mark in _MARKS:
        at = find(mark)
        while at != -1:
            index = bisect_left(starts, at)
            if index < n and starts[index] == at and words[index] in ends:
                if index + 1 < n and words[index + 1] not in ends:
                    breaks.add(index + 1)
            at = find(mark, at + 1)
    if inside:
        breaks -= inside
    breaks.discard(0)
    return sorted(breaks)


_MARKS = tuple(SENTENCE_ENDS)


def document(record: ArticleRecord, options: ExportOptions, report: ExportReport, fmt: str = "conll") -> str:
    """One article as CoNLL lines: sentences separated by one blank line,
    ending with a blank line (no -DOCSTART- line)."""
    spans = entity_spans_for_tokens(record, options, report, fmt)
    text = record.text
    starts, ends, words = record_tokens(record, options)
    edges = (starts, ends)
    report.records += 1
    if not starts:
        return ""
    lines = list(map(add, words, repeat(" O")))
    inside: set[int] = set()
    placed = spans_on_tokens(record, spans, edges, report) if spans else ()
    report.spans += len(placed)
    for span, first, last in placed:
        lines[first] = words[first] + _BEGIN_TAG[span.label]
        if last > first:
            lines[first + 1 : last + 1] = map(add, words[first + 1 : last + 1], repeat(_INSIDE_TAG[span.label]))
            inside.update(range(first + 1, last + 1))
    breaks = sentence_breaks(text, starts, words, inside)
    if not breaks:
        return "\n".join(lines) + "\n\n"
    bounds = [0, *breaks, len(lines)]
    return "\n\n".join(map("\n".join, map(lines.__getitem__, map(slice, bounds, bounds[1:])))) + "\n\n"


def tagged_sentences(
    record: ArticleRecord, options: ExportOptions, report: ExportReport, fmt: str = "conll"
) -> list[list[tuple[str, str]]]:
    """[(token, tag), …] per sentence for one article."""
    out = []
    for block in document(record, options, report, fmt).split("\n\n"):
        if block:
            out.append([tuple(line.split(" ")) for line in block.split("\n") if line])  # type: ignore[misc]
    return out


_HEAD = DOCSTART + "\n\n"


def encode(record: ArticleRecord, report: ExportReport, options: ExportOptions) -> str:
    """One article with its -DOCSTART- line."""
    return _HEAD + document(record, options, report)


def write(records: Iterable[ArticleRecord], out: TextIO, report: ExportReport, options: ExportOptions) -> None:
    write_encoded(records, out, lambda record: encode(record, report, options))


_TAG_RE = re.compile(r"^(O|[BI]-\S+)$")


def read(lines: Iterable[str], *, schema=None, annotator: str = "", name: str = "") -> ImportResult:
    return read_all(iter_read, lines, schema=schema, annotator=annotator, name=name)


class _Doc:
    """One -DOCSTART- block as it is read: its first line, its sentences
    ([(line, token, tag)]) and whether a line of it was bad."""

    __slots__ = ("first", "sentences", "bad")

    def __init__(self, first: int) -> None:
        self.first = first
        self.sentences: list[list[tuple[int, str, str]]] = []
        self.bad = False


def iter_read(
    lines: Iterable[str], result: ImportResult, *, schema=None, annotator: str = "", name: str = ""
) -> Iterator[tuple[int, ArticleRecord]]:
    """(first line, record) for each good article, each as soon as its
    block ends (the next -DOCSTART- or the end of the file), so a file
    streams; bad lines go to ``result.problems``."""
    stem = name or "conll"
    made = 0
    doc: _Doc | None = None
    sentence: list[tuple[int, str, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n").rstrip("\r")
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if not line.strip():
            doc, sentence = _close_sentence(doc, sentence), []
            continue
        columns = line.split()
        if columns[0] == "-DOCSTART-":
            doc, sentence = _close_sentence(doc, sentence), []
            if doc is not None:
                record = _record(doc, f"{stem}-{made + 1:04d}", annotator, result)
                if record is not None:
                    made += 1
                    yield doc.first, record
            doc = _Doc(number)
            continue
        if len(columns) < 2:
            result.problems.append(LineProblem(number, f"expected 'TOKEN TAG', got {line.strip()!r}"))
        elif not _TAG_RE.match(columns[-1]):
            result.problems.append(LineProblem(number, f"tag {columns[-1]!r} is not O, B-LABEL or I-LABEL"))
        else:
            sentence.append((number, columns[0], columns[-1]))
            continue
        if doc is None:
            doc = _Doc(number)
        doc.bad = True
    doc = _close_sentence(doc, sentence)
    if doc is not None:
        record = _record(doc, f"{stem}-{made + 1:04d}", annotator, result)
        if record is not None:
            yield doc.first, record


def _close_sentence(doc: _Doc | None, sentence: list) -> _Doc | None:
    """The block with ``sentence`` (if any) added; a sentence before any
    -DOCSTART- starts a block of its own."""
    if sentence:
        if doc is None:
            doc = _Doc(sentence[0][0])
        doc.sentences.append(sentence)
    return doc


def _record(doc: _Doc, article_id: str, annotator: str, result: ImportResult) -> ArticleRecord | None:
    """The article of one block (its text rebuilt from its tokens), or None
    when a line of it was bad, it is empty, or its tags do not make
    entities (reported)."""
    if doc.bad or not doc.sentences:
        return None
    try:
        text_parts: list[str] = []
        spans = []
        offset = 0
        open_span: list | None = None
        for s_index, sent in enumerate(doc.sentences):
            if s_index:
                text_parts.append("\n")
                offset += 1
            for t_index, (number, token, tag) in enumerate(sent):
                if t_index:
                    text_parts.append(" ")
                    offset += 1
                start, end = offset, offset + len(token)
                text_parts.append(token)
                offset = end
                if tag.startswith("I-"):
                    if open_span is None or open_span[2] != tag[2:]:
                        raise RecordError(
                            f"line {number}: {tag} does not continue an entity (IOB2 needs B-{tag[2:]} first)"
                        )
                    open_span[1] = end
                    continue
                if open_span is not None:
                    spans.append(tuple(open_span))
                    open_span = None
                if tag.startswith("B-"):
                    open_span = [start, end, tag[2:]]
            if open_span is not None:  # entities end with their sentence
                spans.append(tuple(open_span))
                open_span = None
        return build_record(
            article_id,
            "".join(text_parts),
            [(s, e, label, ENTITY, None, None) for s, e, label in spans],
            status=IMPORTED_STATUS,
            annotator=annotator,
        )
    except RecordError as exc:
        message = str(exc)
        if message.startswith("line "):
            number_text, _, rest = message.partition(": ")
            result.problems.append(LineProblem(int(number_text[5:]), rest))
        else:
            result.problems.append(LineProblem(doc.first, message))
        return None
