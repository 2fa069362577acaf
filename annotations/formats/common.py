"""Shared pieces of the export/import formats: JSON writing, text direction,
UTF-16 offsets, token layouts, sentence splitting, record validation and the
reports of what a format could not hold or read."""

from __future__ import annotations

import json
from bisect import bisect_left
from operator import attrgetter, ge, lt
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import orjson

from ..model import ENTITY, KINDS, OFFSET_UNIT, THEME, ArticleRecord, Span, SpanChecks, Status, id_problem, mark_checked, new_id, now, span_of
from ..errors import AnnotationError
from ..jsontext import RECORD_DEPTH, has_surrogate, lone_surrogate_in, loads as json_loads
from ..segment import Evidence, token_edges, token_table

__all__ = [
    "ExportOptions",
    "ExportReport",
    "ImportResult",
    "LineProblem",
    "dumps",
    "dumps_plain",
    "is_plain",
    "direction_of",
    "Utf16",
    "spacy_tokens",
    "record_edges",
    "record_tokens",
    "spans_on_tokens",
    "build_record",
]


def dumps(obj) -> str:
    """One JSON line: sorted keys, UTF-8 text kept readable, no spaces."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def is_plain(value) -> bool:
    """True when ``value`` is built only of str, int, bool, None, lists and
    dicts with str keys (exact types): the JSON that orjson and ``dumps``
    write alike, byte for byte. Floats (written differently: 1e-07 / 1e-7),
    tuples, subclasses and other types are not plain."""
    t = type(value)
    if t is str or t is int or t is bool or value is None:
        return True
    if t is list:
        return all(map(is_plain, value))
    if t is dict:
        return all(type(key) is str for key in value) and all(map(is_plain, value.values()))
    return False


def dumps_plain(obj) -> str:
    """``dumps(obj)``, about four times faster, for an ``obj`` the caller
    knows to be plain (``is_plain``). What orjson refuses (a lone surrogate,
    an integer beyond 64 bits) is left to ``dumps``, so the text is the same."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError
        return dumps(obj)


def direction_of(text: str) -> str:
    """"rtl" or "ltr" from the first strong character (bidi class R/AL vs L);
    "ltr" when the text has none."""
    bidi = unicodedata.bidirectional
    for ch in text:
        cls = bidi(ch)
        if cls == "L":
            return "ltr"
        if cls in ("R", "AL"):
            return "rtl"
    return "ltr"


class Utf16:
    """Code-point offset -> UTF-16 code-unit offset for one text."""

    def __init__(self, text: str) -> None:
        self._table: list[int] | None = None
        if text and max(text) > "\uffff":
            table = [0]
            total = 0
            for ch in text:
                total += 2 if ord(ch) > 0xFFFF else 1
                table.append(total)
            self._table = table

    def __call__(self, offset: int) -> int:
        return offset if self._table is None else self._table[offset]


@dataclass
class ExportOptions:
    utf16: bool = False
    split_clitics: bool = False  # accepted; proclitics are always segmented (annotations.segment)
    kinds: tuple[str, ...] = KINDS  # which span kinds to write
    themes: bool = True  # write document themes
    # known words for proclitic segmentation (annotations.segment.evidence_for);
    # None: each article's own words
    evidence: Evidence | None = None


#: The report reason of spans whose edge is not a token edge; every one of
#: them is listed (they are the annotator's to fix).
OFF_TOKENS = "span(s) with an edge inside a token (the tokens are the same for every annotator; fix the span)"


@dataclass
class ExportReport:
    """What a format could not hold, by reason: reason -> [ids]."""

    records: int = 0
    spans: int = 0
    left_out: dict[str, list[str]] = field(default_factory=dict)

    def leave_out(self, reason: str, what: str) -> None:
        self.left_out.setdefault(reason, []).append(what)

    def lines(self, limit: int = 8) -> list[str]:
        out = []
        for reason, ids in sorted(self.left_out.items()):
            if reason == OFF_TOKENS:
                out.append(f"left out {len(ids)} {reason}: " + "; ".join(ids))
                continue
            shown = ", ".join(ids[:limit]) + (f", … ({len(ids) - limit} more)" if len(ids) > limit else "")
            out.append(f"left out {len(ids)} {reason}: {shown}")
        return out


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    """Records read from a file, each with the line it started on, and the
    lines that could not be read."""

    records: list[tuple[int, ArticleRecord]] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    skipped: list[LineProblem] = field(default_factory=list)


# -- tokens -----------------------------------------------------------------


def record_edges(record: ArticleRecord, options: ExportOptions) -> tuple[list[int], list[int]]:
    """The starts and ends of the record's canonical tokens
    (annotations.segment): the same for every annotator of the article,
    whatever their spans."""
    return token_edges(record.text, options.evidence)


def record_tokens(record: ArticleRecord, options: ExportOptions) -> tuple[list[int], list[int], list[str]]:
    """record_edges and the tokens' texts."""
    return token_table(record.text, options.evidence)


def spans_on_tokens(
    record: ArticleRecord, spans: Iterable[Span], edges: tuple[list[int], list[int]], report: ExportReport
) -> list[tuple[Span, int, int]]:
    """(span, first token, last token) for each span that starts at a token
    start and ends at a token end (`edges`: the token starts and ends). A
    span with an edge elsewhere (inside a token, or in whitespace) is left
    out of the record and reported with its id, article and annotator:
    never widened, trimmed or dropped silently."""
    out = []
    starts, ends = edges
    for span in spans:
        first = bisect_left(starts, span.start)
        last = bisect_left(ends, span.end)
        if first < len(starts) and starts[first] == span.start and last < len(ends) and ends[last] == span.end:
            out.append((span, first, last))
        else:
            report.leave_out(OFF_TOKENS, off_token_name(record, span))
    return out


def off_token_name(record: ArticleRecord, span: Span) -> str:
    return (
        f"span {span.id} of {record.annotator or span.annotator or 'no annotator'} in article {record.id} "
        f"[{span.start}, {span.end}) {span.label} “{span.text}”"
    )


@dataclass(frozen=True, slots=True)
class WsToken:
    start: int
    end: int
    text: str
    ws: bool  # followed by one space that belongs to this token (spaCy's whitespace_)


def spacy_tokens(text: str, offsets: list[tuple[int, int]]) -> list[WsToken]:
    """spaCy's layout of tokens: each token owns at most one following space;
    any other run of whitespace becomes a token of its own. Concatenating
    text + (" " if ws) over the result gives `text` back exactly."""
    out: list[WsToken] = []
    append = out.append
    if offsets and offsets[0][0] > 0:
        append(WsToken(0, offsets[0][0], text[: offsets[0][0]], False))
    last = len(offsets) - 1
    for i, (start, end) in enumerate(offsets):
        gap_end = offsets[i + 1][0] if i < last else len(text)
        if end < gap_end and text[end] == " ":
            append(WsToken(start, end, text[start:end], True))
            end += 1
        else:
            append(WsToken(start, end, text[start:end], False))
        if end < gap_end:
            append(WsToken(end, gap_end, text[end:gap_end], False))
    if not offsets and text:
        append(WsToken(0, len(text), text, False))
    return out


def write_encoded(records: Iterable[ArticleRecord], out, encode) -> None:
    """``encode(record)`` of each record into `out`, a few hundred records
    a write (one write per record costs more than the joins)."""
    pending: list[str] = []
    for record in records:
        pending.append(encode(record))
        if len(pending) >= 512:
            out.write("".join(pending))
            pending.clear()
    if pending:
        out.write("".join(pending))


# -- reading ----------------------------------------------------------------


def iter_json_lines(lines: Iterable[str], result: ImportResult) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; bad lines go to
    result.problems."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        try:
            obj = json_loads(line, RECORD_DEPTH)
        except json.JSONDecodeError as exc:
            result.problems.append(LineProblem(number, f"not valid JSON ({exc.msg}, column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            result.problems.append(LineProblem(number, "not a JSON object"))
            continue
        if lone_surrogate_in(line, obj):
            result.problems.append(
                LineProblem(number, "holds a lone surrogate (a \\ud800-\\udfff escape): text no UTF-8 file can hold")
            )
            continue
        yield number, obj


def read_all(iter_read, lines: Iterable[str], **options) -> ImportResult:
    """A format's ``read``: every record of ``iter_read`` (its streaming
    reader) kept, with the problems in line order."""
    result = ImportResult()
    result.records.extend(iter_read(lines, result, **options))
    result.problems.sort(key=lambda p: p.line)
    return result


# Formats that have no article status (doccano, CoNLL, prodigy files made
# elsewhere) import as "in progress": annotated, not yet confirmed done.
IMPORTED_STATUS = Status.IN_PROGRESS.value


class RecordError(ValueError):
    """One record that cannot be imported; the message says why."""


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{what} must be a whole number, not {value!r}")
    return value


def build_record(
    article_id,
    text,
    spans: Iterable[tuple],
    *,
    themes: Iterable = (),
    status=None,
    annotator: str = "",
    metadata: dict | None = None,
) -> ArticleRecord:
    """Check and assemble one imported record. `spans` are tuples
    (start, end, label, kind, text_or_None, id_or_None). Raises RecordError."""
    if article_id is None or article_id == "":
        raise RecordError("record has no id")
    bad_id = id_problem(article_id)
    if bad_id is not None:
        raise RecordError(bad_id)
    article_id = str(article_id)
    if has_surrogate(article_id) or (isinstance(text, str) and has_surrogate(text)):
        raise RecordError(f"article {article_id!r}: holds a lone surrogate: text no UTF-8 file can hold")
    if not isinstance(text, str):
        raise RecordError(f"article {article_id!r}: no \"text\" string")
    if not text.strip():
        raise RecordError(f"article {article_id!r}: empty text")
    built: list[Span] = []
    checks = SpanChecks(text)
    stamp = now()  # one time for the record's spans
    size = len(text)
    in_order = True  # the spans came sorted (start, end, kind, label)
    last = None
    for start, end, label, kind, covered, span_id in spans:
        # the usual span, checked in line: whole-number offsets inside the
        # text around more than whitespace, a label, a known kind, no
        # entity before it overlapping (SpanChecks.clear); anything else
        # goes through the checks that say what is wrong
        usual = (
            type(start) is int and type(end) is int and type(label) is str
            and 0 <= start < end <= size and label.strip()
        )
        covering = text[start:end] if usual else ""
        if not covering.strip() or kind not in KINDS or not checks.clear(start, end, kind):
            _check_span(article_id, text, checks, built, start, end, label, kind)
            covering = text[start:end]
        if covered is not None and covered != covering:
            raise RecordError(
                f"article {article_id!r}: span [{start}, {end}) says “{covered}” "
                f"but the text there is “{covering}”"
            )
        built.append(
            span_of(
                article_id, start, end, label, kind, covering, annotator,
                str(span_id) if span_id else new_id(), stamp,
            )
        )
        checks.add(start, end, kind)
        if in_order:
            key = (start, end, kind, label)
            in_order = last is None or last <= key
            last = key
    theme_list: list[str] = []
    for theme in themes:
        if not isinstance(theme, str) or not theme.strip():
            raise RecordError(f"article {article_id!r}: theme {theme!r} is not a label name")
        if theme not in theme_list:
            theme_list.append(theme)
    if status is None:
        status_value = Status.TODO
    else:
        try:
            status_value = Status(status)
        except ValueError:
            raise RecordError(
                f"article {article_id!r}: unknown status {status!r} (todo, in_progress or done)"
            ) from None
    if not in_order:
        built.sort(key=_SPAN_ORDER)
    record = ArticleRecord(
        id=article_id,
        text=text,
        spans=built,
        themes=sorted(theme_list),
        status=status_value,
        annotator=annotator,
        metadata=dict(metadata or {}),
    )
    mark_checked(record)
    return record


def _check_span(article_id, text: str, checks: SpanChecks, built: list[Span], start, end, label, kind) -> None:
    """The checks of one span of ``build_record``, each with its message
    (RecordError)."""
    start = _int(start, "span start")
    end = _int(end, "span end")
    if not isinstance(label, str) or not label.strip():
        raise RecordError(f"article {article_id!r}: span [{start}, {end}) has no label")
    if kind not in KINDS:
        raise RecordError(f"article {article_id!r}: span [{start}, {end}) has unknown kind {kind!r}")
    try:
        checks.check(start, end, kind, built)
    except AnnotationError as exc:
        raise RecordError(f"article {article_id!r}: span [{start}, {end}) {label}: {exc}") from None


def check_offset_unit(obj: dict) -> None:
    unit = obj.get("offset_unit", OFFSET_UNIT)
    if unit != OFFSET_UNIT:
        raise RecordError(f"offsets are in {unit!r}; only {OFFSET_UNIT!r} offsets can be imported")


def kind_for(label: str, schema, default: str = ENTITY) -> str:
    if schema is not None:
        kind = schema.kind_of(label)
        if kind:
            return kind
    return default


def selected_spans(record: ArticleRecord, options: ExportOptions) -> list[Span]:
    """The spans to write, in a stable order (start, end, kind, label)."""
    kinds = options.kinds
    spans = record.spans
    if not all(span.kind in kinds for span in spans):
        spans = [span for span in spans if span.kind in kinds]
    return sorted(spans, key=_SPAN_ORDER)


_SPAN_ORDER = attrgetter("start", "end", "kind", "label")
_START_END = attrgetter("start", "end")
_START = attrgetter("start")
_END = attrgetter("end")
_KIND = attrgetter("kind")


def entity_spans_for_tokens(
    record: ArticleRecord, options: ExportOptions, report: ExportReport, fmt: str
) -> list[Span]:
    """Entity spans a flat token-tag format can hold; the rest is reported."""
    spans = record.spans
    keep = None
    if spans and ENTITY in options.kinds and set(map(_KIND, spans)) == _ENTITY_ONLY:
        # The common case, checked in bulk: entities only, each non-empty
        # and ending where or before the next starts. They are then in
        # order already and all kept (the first never starts before -1).
        starts = list(map(_START, spans))
        ends = list(map(_END, spans))
        if starts[0] >= -1 and all(map(lt, starts, ends)) and all(map(ge, starts[1:], ends)):
            keep = list(spans)
    # what is left out names the article and whose record it is
    whose = f" ({record.annotator})" if record.annotator else ""
    if keep is None:
        spans = sorted(spans, key=_START_END)
        keep = []
        last_end = -1
        for span in spans:
            if span.kind == THEME:
                if THEME in options.kinds:
                    report.leave_out(f"theme spans ({fmt} holds entities only)", f"{record.id}:{span.start}-{span.end}{whose}")
                continue
            if span.kind not in options.kinds:
                continue
            if span.start < last_end:
                report.leave_out(f"overlapping entity spans ({fmt} is flat)", f"{record.id}:{span.start}-{span.end}{whose}")
                continue
            keep.append(span)
            last_end = span.end
    if options.themes and record.themes:
        for theme in record.themes:
            report.leave_out(f"document themes ({fmt} has no place for them)", f"{record.id}:{theme}{whose}")
    return keep


_ENTITY_ONLY = {ENTITY}
