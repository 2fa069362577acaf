"""Shared pieces of the export/import formats: JSON writing, text direction,
UTF-16 offsets, token layouts, sentence splitting, record validation and the
reports of what a format could not hold or read."""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from operator import attrgetter, ge, lt
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import orjson

from ..model import ENTITY, KINDS, OFFSET_UNIT, THEME, ArticleRecord, Span, Status, check_span, id_problem
from ..errors import AnnotationError
from ..jsontext import RECORD_DEPTH, has_surrogate, lone_surrogate_in, loads as json_loads
from ..tokenize import Token, tokenize

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
    "record_tokens",
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
    split_clitics: bool = False
    kinds: tuple[str, ...] = KINDS  # which span kinds to write
    themes: bool = True  # write document themes


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


def span_edges(spans: Iterable[Span]) -> set[int]:
    edges: set[int] = set()
    for span in spans:
        edges.add(span.start)
        edges.add(span.end)
    return edges


def record_tokens(record: ArticleRecord, spans: Iterable[Span], options: ExportOptions) -> list[Token]:
    """Tokens of the record's text, split at every span edge."""
    return tokenize(record.text, split_clitics=options.split_clitics, boundaries=span_edges(spans))


@dataclass(frozen=True, slots=True)
class WsToken:
    start: int
    end: int
    text: str
    ws: bool  # followed by one space that belongs to this token (spaCy's whitespace_)


def spacy_tokens(text: str, tokens: list[Token], spans: Iterable[Span] = ()) -> list[WsToken]:
    """spaCy's layout of tokens: each token owns at most one following space;
    any other whitespace becomes a token of its own. Concatenating
    text + (" " if ws) over the result gives `text` back exactly. Span edges
    that fall inside whitespace split it into whitespace tokens there, and a
    span that starts or ends with whitespace gets that whitespace as tokens
    of its own, so every span still lies on token boundaries."""
    out: list[WsToken] = []
    append = out.append
    starts: set[int] = set()
    ends: set[int] = set()
    for span in spans:
        starts.add(span.start)
        ends.add(span.end)
    cuts = sorted(starts | ends)

    def gap(a: int, b: int, owner: Token | None) -> None:
        # whitespace text[a:b] after `owner` (None: at the start of the text)
        inner = cuts[bisect_right(cuts, a) : bisect_left(cuts, b)] if cuts else []
        own = not inner and a not in starts and b not in ends
        if own and owner is not None and a < b and text[a] == " ":
            append(WsToken(owner.start, owner.end, owner.text, True))
            a += 1
        elif owner is not None:
            append(WsToken(owner.start, owner.end, owner.text, False))
        last = a
        for cut in inner + [b]:
            if last < cut:
                append(WsToken(last, cut, text[last:cut], False))
                last = cut

    first = tokens[0].start if tokens else len(text)
    gap(0, first, None)
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        gap(token.end, tokens[i + 1].start if i < last else len(text), token)
    return out


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
    for start, end, label, kind, covered, span_id in spans:
        start = _int(start, "span start")
        end = _int(end, "span end")
        if not isinstance(label, str) or not label.strip():
            raise RecordError(f"article {article_id!r}: span [{start}, {end}) has no label")
        if kind not in KINDS:
            raise RecordError(f"article {article_id!r}: span [{start}, {end}) has unknown kind {kind!r}")
        try:
            check_span(text, start, end, kind, built)
        except AnnotationError as exc:
            raise RecordError(f"article {article_id!r}: span [{start}, {end}) {label}: {exc}") from None
        if covered is not None and covered != text[start:end]:
            raise RecordError(
                f"article {article_id!r}: span [{start}, {end}) says “{covered}” "
                f"but the text there is “{text[start:end]}”"
            )
        kwargs = {"id": str(span_id)} if span_id else {}
        built.append(Span(article_id, start, end, label, kind, text[start:end], annotator, **kwargs))
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
    built.sort(key=lambda s: (s.start, s.end, s.kind, s.label))
    return ArticleRecord(
        id=article_id,
        text=text,
        spans=built,
        themes=sorted(theme_list),
        status=status_value,
        annotator=annotator,
        metadata=dict(metadata or {}),
    )


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
    return sorted(
        (s for s in record.spans if s.kind in options.kinds),
        key=lambda s: (s.start, s.end, s.kind, s.label),
    )


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
    if keep is None:
        spans = sorted(spans, key=_START_END)
        keep = []
        last_end = -1
        for span in spans:
            if span.kind == THEME:
                if THEME in options.kinds:
                    report.leave_out(f"theme spans ({fmt} holds entities only)", f"{record.id}:{span.start}-{span.end}")
                continue
            if span.kind not in options.kinds:
                continue
            if span.start < last_end:
                report.leave_out(f"overlapping entity spans ({fmt} is flat)", f"{record.id}:{span.start}-{span.end}")
                continue
            keep.append(span)
            last_end = span.end
    if options.themes and record.themes:
        for theme in record.themes:
            report.leave_out(f"document themes ({fmt} has no place for them)", f"{record.id}:{theme}")
    return keep


_ENTITY_ONLY = {ENTITY}
