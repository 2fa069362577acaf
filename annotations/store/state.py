"""An article's annotations as a plain value (``_State``: spans, themes,
status, notes, review marks, the fingerprint of the text they were made
on) and the pure functions of the store's edits: ``_apply_state`` applies
one journal operation, ``_invert`` gives the operation that undoes it.
Reading an article file's TinyDB tables into a state is checked here
(``_state_from_tables``): anything this store would not have written is
damage, named with the file."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path

from ..errors import AnnotationError, StoreError
from ..jsontext import has_surrogate
from ..model import ARTICLE, Note, Span, Status
from .files import shard_corrupt


SPAN_KEY = lambda span: (span.start, span.end, span.kind, span.label)  # noqa: E731

def _span_dict(span: Span) -> dict:
    return span_fields(span.article_id, span.start, span.end, span.label, span.kind, span.text,
                       span.annotator, span.id, span.created, span.updated)


def span_fields(article_id: str, start: int, end: int, label: str, kind: str, text: str, annotator: str,
                span_id: str, created: float, updated: float) -> dict:
    """A span as the store holds it (what ``_span_dict`` makes of a Span;
    an import gives these from its parts, with its own id and annotator)."""
    return {
        "article_id": article_id,
        "start": start,
        "end": end,
        "label": label,
        "kind": kind,
        "text": text,
        "annotator": annotator,
        "id": span_id,
        "created": created,
        "updated": updated,
    }


_SPAN_FIELDS = ("article_id", "start", "end", "label", "kind", "text", "annotator", "id", "created", "updated")
_SPAN_TYPES = (str, int, int, str, str, str, str, str, float, float)
_N_SPAN_FIELDS = len(_SPAN_FIELDS)
_span_values = operator.itemgetter(*_SPAN_FIELDS)
_span_stamps = operator.itemgetter("id", "created", "updated")
_new_object = object.__new__


_span_id = operator.itemgetter("id")
#: the order of an article's spans as stored (start, end, kind, label, id)
_STORED_ORDER = operator.itemgetter("start", "end", "kind", "label", "id")
_SPAN_ORDER = operator.attrgetter("start", "end", "kind", "label")  # SPAN_KEY, in C
_FIELD_CHECKS = tuple((operator.itemgetter(name), {t}) for name, t in zip(_SPAN_FIELDS, _SPAN_TYPES))
_span_created = operator.itemgetter("created")
_span_start = operator.attrgetter("start")
_span_updated = operator.itemgetter("updated")
_LEN_OF_A_SPAN = {_N_SPAN_FIELDS}
_FIELD_LIST = list(_SPAN_FIELDS)
_TYPE_LIST = list(_SPAN_TYPES)


def _exact_span_docs(docs: list[dict]) -> bool:
    """True when every document holds exactly the fields of a Span, each
    with its exact type, and a non-empty id and times: what this store
    writes. Checked over all documents at once (no Python code runs per
    span): in one pass when the fields come in the order this store writes
    them, else field by field."""
    if not docs:
        return True
    n = len(docs)
    if list(chain.from_iterable(map(dict.keys, docs))) == _FIELD_LIST * n:
        # the fields in the order this store writes them: all types at once
        # (each document holds exactly these keys, being a dict)
        return list(map(type, chain.from_iterable(map(dict.values, docs)))) == _TYPE_LIST * n and all(
            chain.from_iterable(map(_span_stamps, docs))
        )
    if set(map(len, docs)) != _LEN_OF_A_SPAN:
        return False
    try:
        for get, types in _FIELD_CHECKS:  # as many fields, all present: exactly these
            if set(map(type, map(get, docs))) != types:
                return False
    except KeyError:
        return False
    return all(map(_span_id, docs)) and all(map(_span_created, docs)) and all(map(_span_updated, docs))


def _span_from_doc(doc: dict) -> tuple[Span, dict]:
    """(Span, its plain dict) from a stored span document: what
    ``Span.from_dict`` and ``_span_dict`` give, made without their per-field
    conversions when the document holds exactly the fields, each with its
    exact type (always so in files this store wrote). Anything else goes
    through ``Span.from_dict`` (which fills a missing id or time, converts,
    or raises KeyError, ValueError or TypeError)."""
    try:
        exact = (
            len(doc) == _N_SPAN_FIELDS
            and tuple(map(type, _span_values(doc))) == _SPAN_TYPES
            and all(_span_stamps(doc))
        )
    except KeyError:
        exact = False
    if exact:
        # A frozen dataclass: fill its fields as its own __init__ would.
        span = _new_object(Span)
        span.__dict__.update(doc)
        return span, dict(doc)
    span = Span.from_dict(doc)
    return span, _span_dict(span)


def _no_duplicate(state: "_State", start: int, end: int, kind: str, label: str, ignore_id: str | None = None) -> None:
    for data in state.spans.values():
        if data["id"] != ignore_id and (data["start"], data["end"], data["kind"], data["label"]) == (start, end, kind, label):
            raise AnnotationError(f"{label} “{_short(data['text'])}” is already marked there")


def _notes_by_key(state: "_State") -> dict:
    """An article's notes keyed by what they are on (the span's offsets,
    kind and label, not its id), to compare an import with the store."""
    keyed = {}
    for target, note in state.live_notes().items():
        data = state.spans.get(target)
        key = () if target == ARTICLE else (data["start"], data["end"], data["kind"], data["label"])
        keyed[key] = note
    return keyed


def _span_words(data: dict) -> str:
    return f"{data['label']} “{_short(data['text'])}”"


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"




# --------------------------------------------------------------------------
# article state: a plain value, with the pure function that applies an edit


@dataclass
class _State:
    article_id: str
    fingerprint: str | None = None
    status: str = Status.TODO.value
    themes: tuple[str, ...] = ()
    spans: dict[str, dict] = field(default_factory=dict)
    seq: int = 0
    _objects: list[Span] | None = field(default=None, compare=False, repr=False)
    #: review marks: the places of the article a review settled by taking
    #: nothing (annotations.curation); not exported, not counted
    settled: tuple[str, ...] = ()
    #: notes and flags: span id (or ARTICLE) -> {"note": str, "flagged": bool};
    #: a deleted span's note is kept, so undoing the delete brings it back
    notes: dict[str, dict] = field(default_factory=dict)

    def live_notes(self) -> dict[str, Note]:
        """The notes of the article and of its spans (not of deleted ones)."""
        return {
            target: Note(data["note"], data["flagged"])
            for target, data in self.notes.items()
            if target == ARTICLE or target in self.spans
        }

    def flagged(self) -> bool:
        """The article, or one of its spans, is flagged for review."""
        return any(note.flagged for note in self.live_notes().values())

    def span_objects(self) -> list[Span]:
        if self._objects is None:  # states are replaced, never changed, on an edit
            self._objects = sorted((_span_from_doc(d)[0] for d in self.spans.values()), key=SPAN_KEY)
        return list(self._objects)

    def summary(self) -> list:
        return [len(self.spans), self.status, self.fingerprint, len(self.themes)]

    def to_dict(self) -> dict:
        out = {
            "fingerprint": self.fingerprint,
            "status": self.status,
            "themes": list(self.themes),
            "spans": sorted(self.spans.values(), key=_STORED_ORDER),
        }
        if self.settled:
            out["settled"] = list(self.settled)
        if self.notes:
            out["notes"] = {target: dict(value) for target, value in self.notes.items()}
        return out


def _apply_state(state: _State, op: dict, seq: int) -> _State:
    spans = dict(state.spans)
    themes = set(state.themes)
    settled = state.settled
    status = state.status
    fp = state.fingerprint
    notes = state.notes
    kind = op["kind"]
    if kind == "note":
        notes = dict(notes)
        after = op["after"]
        if after["note"] or after["flagged"]:
            notes[op["target"]] = dict(after)
        else:
            notes.pop(op["target"], None)
    elif kind == "add":
        spans[op["span"]["id"]] = dict(op["span"])
    elif kind == "delete":
        spans.pop(op["span"]["id"], None)
    elif kind == "update":
        spans[op["after"]["id"]] = dict(op["after"])
    elif kind == "theme":
        (themes.add if op["on"] else themes.discard)(op["label"])
    elif kind == "settle":
        marks = set(settled)
        (marks.add if op["on"] else marks.discard)(op["key"])
        settled = tuple(sorted(marks))
    elif kind == "replace":
        after = op["after"]
        spans = {d["id"]: dict(d) for d in after["spans"]}
        themes = set(after["themes"])
        status = after["status"]
        fp = after["fingerprint"]
        settled = tuple(after.get("settled", ()))
        notes = {target: dict(value) for target, value in after.get("notes", {}).items()}
    if "status" in op:
        status = op["status"][1]
    if "fp" in op:
        fp = op["fp"][1]
    return _State(state.article_id, fp, status, tuple(sorted(themes)), spans, seq, settled=settled, notes=notes)


def _invert(op: dict) -> dict:
    kind = op["kind"]
    if kind == "add":
        inv = {"kind": "delete", "span": op["span"]}
    elif kind == "delete":
        inv = {"kind": "add", "span": op["span"]}
    elif kind == "update":
        inv = {"kind": "update", "before": op["after"], "after": op["before"]}
    elif kind == "theme":
        inv = {"kind": "theme", "label": op["label"], "on": not op["on"]}
    elif kind == "settle":
        inv = {"kind": "settle", "key": op["key"], "on": not op["on"]}
    elif kind == "note":
        inv = {"kind": "note", "target": op["target"], "before": op["after"], "after": op["before"]}
    elif kind == "status":
        inv = {"kind": "status"}
    else:
        raise StoreError(f"an edit of kind {kind!r} cannot be undone")
    for pair in ("status", "fp"):
        if pair in op:
            inv[pair] = [op[pair][1], op[pair][0]]
    return inv


# --------------------------------------------------------------------------


REPAIR_HINT = "`hashiya validate --repair`"


_STATUS_VALUES = frozenset(status.value for status in Status)


def _state_from_tables(article_id: str, data: dict, path: Path | str, *, owned: bool = False) -> _State:
    """An article's state from its file's TinyDB tables (``article`` holds
    document 1 with the status, themes, fingerprint and journal seq;
    ``spans`` one document per span). Unexpected content raises
    StoreCorruptError naming the file. ``owned``: ``data`` was parsed for
    this call and its span documents may be kept as they are."""
    try:
        meta = data.get("article", {}).get("1")
        if meta is None:
            state = _State(article_id)
        else:
            stored_id = meta.get("article_id")
            if stored_id is not None and stored_id != article_id:
                raise ValueError(f"it holds article {stored_id!r}, not {article_id!r}")
            status = meta.get("status", "todo")
            if type(status) is not str or status not in _STATUS_VALUES:
                status = Status(status).value
            fp = meta.get("fingerprint")
            if fp is not None and type(fp) is not str:
                raise ValueError(f"fingerprint {fp!r} is not text")
            seq = meta.get("seq", 0)
            if type(seq) is not int or seq < 0:
                raise ValueError(f"seq {seq!r} is not a whole number")
            state = _State(
                article_id,
                fp,
                status,
                _names(meta.get("themes", []), "themes"),
                {},
                seq,
                settled=_names(meta.get("settled") or [], "settled"),
                notes=_stored_notes(meta.get("notes")),
            )
        table = data.get("spans", {})
        list(map(int, table))  # TinyDB's document ids are whole numbers
        docs = list(table.values())
        if _exact_span_docs(docs):
            # The common case, with no Python code run per span: each Span
            # gets its fields as its own __init__ would set them.
            objects = list(map(_new_object, repeat(Span, len(docs))))
            list(map(dict.update, map(vars, objects), docs))
            if not owned:
                docs = list(map(dict, docs))
            state.spans.update(zip(map(_span_id, docs), docs))
        else:
            objects = []
            for doc in docs:
                span, plain = _span_from_doc(doc)  # checks the fields are there
                state.spans[span.id] = plain
                objects.append(span)
        if len(objects) != len(state.spans):  # one id twice: the last one counts, as in state.spans
            objects = list({span.id: span for span in objects}.values())
        if len(objects) > 1:
            starts = list(map(_span_start, objects))
            if not all(map(operator.lt, starts, starts[1:])):  # else in SPAN_KEY order already
                objects.sort(key=_SPAN_ORDER)
        state._objects = objects
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise shard_corrupt(path, REPAIR_HINT, f"unexpected content ({exc})") from None
    return state


def _names(value: object, what: str) -> tuple[str, ...]:
    """A stored list of names (themes, review marks), sorted; anything but
    a list of strings is damage (a string would read as its letters)."""
    if type(value) is not list or any(type(name) is not str for name in value):
        raise ValueError(f"{what} {value!r} is not a list of names")
    return tuple(sorted(value)) if value else ()


def _stored_notes(value: object) -> dict[str, dict]:
    """The notes of an article file's ``article`` document, checked (bad
    content raises ValueError, which the caller reports as damage)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("\"notes\" is not an object")
    notes = {}
    for target, data in value.items():
        try:
            note = Note.from_dict(data)
        except AnnotationError as exc:
            raise ValueError(f"note on {target!r}: {exc}") from None
        if note:
            notes[str(target)] = note.to_dict()
    return notes




def _check_label(label: str) -> str:
    if not isinstance(label, str) or not label.strip():
        raise AnnotationError("a label must be a non-empty name")
    if has_surrogate(label):
        raise AnnotationError(f"label {label!r} holds a lone surrogate, which no UTF-8 file can hold")
    return label
