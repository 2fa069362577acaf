"""The annotation model: spans, document themes, article status.

Offsets are the product. A span's ``start``/``end`` are Python code-point
indices into the article text exactly as stored, end exclusive, and
``text[start:end] == span.text`` always holds for a span that is not stale.

Entity spans are *flat*: two entity spans may not overlap at all (neither
crossing nor nesting). Flat entities are what IOB/CoNLL, Hugging Face token
classification and spaCy's ``doc.ents`` can hold, so nothing an annotator
marks is lost on export. Theme spans may overlap anything, including each
other and entities.
"""

from __future__ import annotations

import hashlib
import os
import time
from bisect import bisect_right
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Iterable

from .errors import AnnotationError

OFFSET_UNIT = "codepoint"

ENTITY = "entity"
THEME = "theme"
KINDS = (ENTITY, THEME)


class Status(str, Enum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def display(self) -> str:
        return self.value.replace("_", " ")


def fingerprint(text: str) -> str:
    """A short, stable fingerprint of an article's exact text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def now() -> float:
    return round(time.time(), 6)


_FRESH: list[str] = []
os.register_at_fork(after_in_child=_FRESH.clear)  # a child draws its own


def new_id() -> str:
    """A new span id: 16 hex digits, 64 random bits from the system's
    random source, drawn a thousand at a time (an import gives out a
    million)."""
    if not _FRESH:
        pool = os.urandom(8 * 1024).hex()
        _FRESH.extend(pool[i : i + 16] for i in range(0, len(pool), 16))
    return _FRESH.pop()


@dataclass(frozen=True)
class Span:
    article_id: str
    start: int
    end: int
    label: str
    kind: str
    text: str
    annotator: str
    id: str = field(default_factory=new_id)
    created: float = field(default_factory=now)
    updated: float = field(default_factory=now)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Span":
        return cls(
            article_id=str(data["article_id"]),
            start=int(data["start"]),
            end=int(data["end"]),
            label=str(data["label"]),
            kind=str(data["kind"]),
            text=str(data["text"]),
            annotator=str(data["annotator"]),
            id=str(data.get("id") or new_id()),
            created=float(data.get("created") or now()),
            updated=float(data.get("updated") or now()),
        )

    def moved(self, start: int, end: int, article_text: str) -> "Span":
        return replace(self, start=start, end=end, text=article_text[start:end], updated=now())

    def relabelled(self, label: str) -> "Span":
        return replace(self, label=label, updated=now())

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def is_aligned(self, article_text: str) -> bool:
        return (
            0 <= self.start < self.end <= len(article_text)
            and article_text[self.start : self.end] == self.text
        )


@dataclass(frozen=True)
class DocTheme:
    article_id: str
    label: str
    annotator: str

    def to_dict(self) -> dict:
        return asdict(self)


def check_span(
    article_text: str,
    start: int,
    end: int,
    kind: str,
    existing: Iterable[Span],
    *,
    ignore_id: str | None = None,
) -> None:
    """Raise AnnotationError if a span [start, end) of `kind` may not be stored.

    `existing` are the spans already on the article (same annotator);
    `ignore_id` is the span being resized or relabelled, so it does not
    collide with itself.
    """
    if kind not in KINDS:
        raise AnnotationError(f"unknown span kind {kind!r} (expected entity or theme)")
    if not (isinstance(start, int) and isinstance(end, int)):
        raise AnnotationError("span offsets must be whole numbers")
    if start < 0 or end > len(article_text):
        raise AnnotationError(
            f"span [{start}, {end}) lies outside the article (length {len(article_text)})"
        )
    if start >= end:
        raise AnnotationError("a span must cover at least one character")
    if not article_text[start:end].strip():
        raise AnnotationError("a span must cover more than whitespace")
    if kind == ENTITY:
        for other in existing:
            if other.id == ignore_id or other.kind != ENTITY:
                continue
            if other.overlaps(start, end):
                raise AnnotationError(
                    f"entities may not overlap: this span would overlap "
                    f"{other.label} “{other.text}” at [{other.start}, {other.end})"
                )


class SpanChecks:
    """``check_span`` for the spans of one article added one after another
    (an import's records), in time linear in their number: the entities
    passed so far are kept as sorted ranges (they never overlap), so that
    whether a new one overlaps any is one binary search. Only when it does
    is ``check_span`` asked against all of them, for its exact message (the
    first one it overlaps, in the order they came)."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []

    def check(self, start: int, end: int, kind: str, passed: Iterable[Span]) -> None:
        """``check_span(text, start, end, kind, passed)``, where ``passed``
        are the spans given to ``add`` so far, in that order."""
        check_span(self.text, start, end, kind, ())
        if kind != ENTITY:
            return
        starts, ends = self.starts, self.ends
        at = bisect_right(starts, start)
        if (at and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            check_span(self.text, start, end, kind, passed)  # raises, naming which

    def clear(self, start: int, end: int, kind: str) -> bool:
        """Whether an entity [start, end) overlaps none added so far (a
        theme always does)."""
        if kind != ENTITY:
            return True
        starts = self.starts
        if not starts or start >= self.ends[-1]:  # after the last (the usual order)
            return True
        at = bisect_right(starts, start)
        return not ((at and self.ends[at - 1] > start) or (at < len(starts) and starts[at] < end))

    def add(self, start: int, end: int, kind: str) -> None:
        """A span that passed ``check`` and is kept."""
        if kind == ENTITY:
            starts = self.starts
            if not starts or start >= starts[-1]:
                starts.append(start)
                self.ends.append(end)
                return
            at = bisect_right(starts, start)
            starts.insert(at, start)
            self.ends.insert(at, end)


_new_object = object.__new__
_set = object.__setattr__


def span_of(
    article_id: str, start: int, end: int, label: str, kind: str, text: str, annotator: str,
    span_id: str, stamp: float,
) -> Span:
    """``Span(article_id, start, end, label, kind, text, annotator,
    id=span_id, created=stamp, updated=stamp)``, three times faster (what
    a frozen dataclass's ``__init__`` sets one field at a time is set at
    once): an import makes a million."""
    span = _new_object(Span)
    _set(span, "__dict__", {
        "article_id": article_id, "start": start, "end": end, "label": label, "kind": kind, "text": text,
        "annotator": annotator, "id": span_id, "created": stamp, "updated": stamp,
    })
    return span


ARTICLE = ""  # the target of an article's own note, beside span ids
NOTE_LIMIT = 10_000  # characters in one note


@dataclass(frozen=True)
class Note:
    """A free-text note and an "uncertain / for review" flag, on a span
    (keyed by its id) or on the article itself (keyed by ``ARTICLE``)."""

    note: str = ""
    flagged: bool = False

    def __bool__(self) -> bool:
        return bool(self.note) or self.flagged

    def to_dict(self) -> dict:
        return {"note": self.note, "flagged": self.flagged}

    @classmethod
    def from_dict(cls, data: object) -> "Note":
        """A Note from ``{"note": str, "flagged": bool}``; anything else
        raises AnnotationError saying what is wrong."""
        if not isinstance(data, dict):
            raise AnnotationError("a note must be an object with \"note\" and \"flagged\"")
        return cls.checked(data.get("note", ""), data.get("flagged", False))

    @classmethod
    def checked(cls, note: object, flagged: object) -> "Note":
        if note is None:
            note = ""
        if not isinstance(note, str):
            raise AnnotationError(f"\"note\" must be a string, not {type(note).__name__}")
        if len(note) > NOTE_LIMIT:
            raise AnnotationError(f"a note may hold at most {NOTE_LIMIT:,} characters")
        if not isinstance(flagged, bool):
            raise AnnotationError(f"\"flagged\" must be true or false, not {flagged!r}")
        return cls(note, flagged)


@dataclass
class ArticleRecord:
    """Everything one annotator holds for one article, with its text: the unit
    that export formats write and import formats read."""

    id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    status: Status = Status.TODO
    annotator: str = ""
    metadata: dict = field(default_factory=dict)
    #: notes and flags: span id (or ``ARTICLE`` for the article) -> Note
    notes: dict[str, Note] = field(default_factory=dict)

    def note_for(self, target: str = ARTICLE) -> Note:
        return self.notes.get(target) or Note()


def mark_checked(record: ArticleRecord) -> None:
    """Note that every span of ``record`` passed ``check_span`` against the
    others, on its text (what an import's reader made, ``build_record``),
    so that the store need not check them again (``spans_checked``)."""
    record.__dict__["_checked"] = (record.text, tuple(record.spans))


def spans_checked(record: ArticleRecord) -> bool:
    """Whether ``record`` still has exactly the text and spans it had when
    ``mark_checked``: an attribute outside the dataclass's fields, so a
    copy (``dataclasses.replace``) or a record made any other way is
    checked as any other."""
    mark = record.__dict__.get("_checked")
    return mark is not None and mark[0] is record.text and mark[1] == tuple(record.spans)


def id_problem(value: object) -> str | None:
    """Why ``value`` (from a JSON record) is no article id, or None. An id
    is a non-empty string or a whole number (stored as its digits); null,
    true/false, lists, objects and fractions are refused, in the corpus and
    in imports alike."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        if value is None or isinstance(value, bool):
            what = {None: "null", True: "true", False: "false"}[value]
        else:
            what = {dict: "an object", list: "a list"}.get(type(value)) or repr(value)[:40]
        return f"the id must be a string or a whole number, not {what}"
    if value == "":
        return "the id is empty"
    return None
