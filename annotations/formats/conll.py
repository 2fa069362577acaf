"""CoNLL-2003 style IOB2: one ``TOKEN TAG`` line per token, a blank line
between sentences and a ``-DOCSTART- -X- O`` line (followed by a blank line)
before each article.

Sentences end after . ! ? ؟ ۔ … and at line breaks, never inside an entity.
Tokens are split at every entity edge, so each entity is exactly a run of
B-/I- tokens. CoNLL holds flat entity spans only: theme spans, document
themes and overlapping entities are reported on export, not written.

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
from itertools import chain, repeat
from operator import attrgetter
from typing import Iterable, TextIO

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
)
from ..tokenize import _split_clitic_words, joined_tokens, token_texts

SUFFIX = ".conll"
DOCSTART = "-DOCSTART- -X- O"


_SENTENCE_ENDS = (".", "!", "?", "؟", "۔", "…")
# a run of sentence-end lines (outside entities); no capture group, and the
# blank line added by a function: twice as fast as a "\n\\1\n" template
_LINES_OF_MARKS = re.compile(r"\n[.!?؟۔…] O\n(?:[.!?؟۔…] O\n)*")
_MARK_LINES = tuple(f"\n{mark} O\n" for mark in _SENTENCE_ENDS)


class _SentenceEnds:
    """``_LINES_OF_MARKS.sub(repl, body)`` with ``repl`` adding a line break
    after each run, found by str.find: each mark's line ("\\nM O\\n", five
    characters) is looked for on its own, and a run is a chain of them four
    characters apart (each line's break is the next one's first character),
    which is what the pattern matches, leftmost and greedy. The pattern
    would try a match at every line break of the body."""

    @staticmethod
    def sub(repl, body: str) -> str:
        found = []
        for needle in _MARK_LINES:
            at = body.find(needle)
            while at != -1:
                found.append(at)
                at = body.find(needle, at + 4)
        if not found:
            return body
        found.sort()
        pieces = []
        last = 0
        for index, at in enumerate(found):
            if index + 1 < len(found) and found[index + 1] == at + 4:
                continue  # the run goes on
            pieces.append(body[last : at + 5])
            last = at + 5
        pieces.append(body[last:])
        return "\n".join(pieces)


_SENTENCE_END_LINES = _SentenceEnds()


def _blank_line_after(match: re.Match) -> str:
    return match.group() + "\n"


def _o_lines(words: list[str]) -> str:
    return " O\n".join(words) + " O\n" if words else ""


def _outside(text: str, start: int, end: int, split_clitics: bool) -> str:
    """Lines for text[start:end] outside any entity: a blank line at each
    line break (sentence boundary)."""
    if text.find("\n", start, end) == -1:
        return _o_lines(token_texts(text, start, end, split_clitics=split_clitics))
    pieces = []
    line_start = start
    while True:
        line_end = text.find("\n", line_start, end)
        stop = end if line_end == -1 else line_end
        pieces.append(_o_lines(token_texts(text, line_start, stop, split_clitics=split_clitics)))
        if line_end == -1:
            break
        line_start = line_end + 1
    return "\n".join(pieces)


def document(record: ArticleRecord, options: ExportOptions, report: ExportReport, fmt: str = "conll") -> str:
    """One article as CoNLL lines: sentences separated by one blank line,
    ending with a blank line (no -DOCSTART- line)."""
    spans = entity_spans_for_tokens(record, options, report, fmt)
    text = record.text
    if _EDGE in text:
        body = _body_by_pieces(text, spans, options.split_clitics)
    else:
        body = _body_at_once(text, spans, options.split_clitics)
    # a sentence ends after . ! ? ؟ ۔ … (or a run of them) outside an entity
    body = _SENTENCE_END_LINES.sub(_blank_line_after, body)
    while "\n\n\n" in body:
        body = body.replace("\n\n\n", "\n\n")
    body = body.lstrip("\n")
    report.records += 1
    report.spans += len(spans)
    if not body:
        return ""
    return body if body.endswith("\n\n") else body + "\n"


# The whole article is tokenized by one findall. Each span edge is marked in
# the text by _EDGE, a whitespace character (so no token holds it or starts
# at it, exactly as if the text were cut there) that the pattern returns as
# an item of its own, like every line break. Line breaks inside an entity
# are not sentence boundaries and become spaces (the same tokens).
_EDGE = "\x1f"
_EDGE_LINE = _EDGE + " O\n"
_BREAK_LINE = "\n O\n"


def _body_at_once(text: str, spans: list, split_clitics: bool) -> str:
    """Token lines of the article, a leading line break and a blank line at
    each line break outside an entity (before sentence splitting): the same
    string as _body_by_pieces, with one findall instead of one per piece
    and no Python code run per span or per token."""
    if spans:
        edges = list(chain.from_iterable(map(_START_END, spans)))  # s1, e1, s2, e2, …
        pieces = list(map(text.__getitem__, map(slice, [0, *edges], [*edges, None])))
        inside = pieces[1::2]
        if "\n" in "".join(inside):
            pieces[1::2] = map(str.replace, inside, repeat("\n"), repeat(" "))
        text = _EDGE.join(pieces)
    joined = joined_tokens(text)
    if not joined:
        return "\n"
    if split_clitics:
        body = "\n" + " O\n".join(_split_clitic_words(joined.split(" "))) + " O\n"
    else:
        # " O\n".join(items) + " O\n", with no string made per token
        body = "\n" + (joined + " ").replace(" ", " O\n")
    if _BREAK_LINE in body:
        # an "\n O" line is a line break outside every entity: the blank
        # line between two sentences (a token is never whitespace, so no
        # other line can read so)
        body = body.replace(_BREAK_LINE, "\n")
    if not spans:
        return body
    parts = body.split(_EDGE_LINE)  # outside, entity, outside, entity, …, outside
    # Each entity's lines all get I-LABEL, then its first line B-LABEL (the
    # first " I-LABEL\n" of a part ends its first line: a token holds no space).
    labels = list(map(_LABEL, spans))
    inner = list(map(_INSIDE_TAG.__getitem__, labels))
    tagged = map(str.replace, parts[1::2], repeat(" O\n"), inner)
    parts[1::2] = map(str.replace, tagged, inner, map(_BEGIN_TAG.__getitem__, labels), repeat(1))
    return "".join(parts)


class _Tags(dict):
    """label -> its tag as the end of a token line (" B-PER\\n"), made once."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, label: str) -> str:
        tag = self[label] = " " + self.prefix + label + "\n"
        return tag


_INSIDE_TAG = _Tags("I-")
_BEGIN_TAG = _Tags("B-")


_START_END = attrgetter("start", "end")
_LABEL = attrgetter("label")


def _body_by_pieces(text: str, spans: list, clitics: bool) -> str:
    """_body_at_once, one piece of text at a time (for a text that holds
    _EDGE itself)."""
    parts = ["\n"]  # a leading line break makes every token line start after one
    pos = 0
    for span in spans:
        if pos < span.start:
            parts.append(_outside(text, pos, span.start, clitics))
        words = token_texts(text, span.start, span.end, split_clitics=clitics)
        if words:
            label = span.label
            parts.append(words[0] + " B-" + label + "\n")
            if len(words) > 1:
                inner = " I-" + label + "\n"
                parts.append(inner.join(words[1:]) + inner)
        pos = span.end
    parts.append(_outside(text, pos, len(text), clitics))
    return "".join(parts)


def tagged_sentences(
    record: ArticleRecord, options: ExportOptions, report: ExportReport, fmt: str = "conll"
) -> list[list[tuple[str, str]]]:
    """[(token, tag), …] per sentence for one article."""
    out = []
    for block in document(record, options, report, fmt).split("\n\n"):
        if block:
            out.append([tuple(line.split(" ")) for line in block.split("\n") if line])  # type: ignore[misc]
    return out


def write(records: Iterable[ArticleRecord], out: TextIO, report: ExportReport, options: ExportOptions) -> None:
    # documents are written a few hundred at a time: one write per article
    # costs more than the joins
    pending: list[str] = []
    head = DOCSTART + "\n\n"
    for record in records:
        pending.append(head)
        pending.append(document(record, options, report))
        if len(pending) >= 512:
            out.write("".join(pending))
            pending.clear()
    if pending:
        out.write("".join(pending))


_TAG_RE = re.compile(r"^(O|[BI]-\S+)$")


def read(lines: Iterable[str], *, schema=None, annotator: str = "", name: str = "") -> ImportResult:
    result = ImportResult()
    stem = name or "conll"
    docs: list[tuple[int, list[list[tuple[int, str, str]]]]] = []  # (first line, sentences)
    bad_docs: set[int] = set()
    sentence: list[tuple[int, str, str]] = []

    def close_sentence() -> None:
        nonlocal sentence
        if sentence:
            if not docs:
                docs.append((sentence[0][0], []))
            docs[-1][1].append(sentence)
            sentence = []

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n").rstrip("\r")
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if not line.strip():
            close_sentence()
            continue
        columns = line.split()
        if columns[0] == "-DOCSTART-":
            close_sentence()
            docs.append((number, []))
            continue
        if len(columns) < 2:
            result.problems.append(LineProblem(number, f"expected 'TOKEN TAG', got {line.strip()!r}"))
            bad_docs.add(len(docs) - 1 if docs else 0)
            if not docs:
                docs.append((number, []))
            continue
        tag = columns[-1]
        if not _TAG_RE.match(tag):
            result.problems.append(LineProblem(number, f"tag {tag!r} is not O, B-LABEL or I-LABEL"))
            if not docs:
                docs.append((number, []))
            bad_docs.add(len(docs) - 1)
            continue
        sentence.append((number, columns[0], tag))
    close_sentence()

    for index, (first_line, sents) in enumerate(docs):
        if index in bad_docs or not sents:
            continue
        try:
            text_parts: list[str] = []
            spans = []
            offset = 0
            open_span: list | None = None
            for s_index, sent in enumerate(sents):
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
            text = "".join(text_parts)
            record = build_record(
                f"{stem}-{len(result.records) + 1:04d}",
                text,
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
                result.problems.append(LineProblem(first_line, message))
            continue
        result.records.append((first_line, record))
    result.problems.sort(key=lambda p: p.line)
    return result
