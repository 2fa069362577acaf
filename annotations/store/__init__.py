"""The annotation store: TinyDB files, one per article and annotator.

Layout of a store folder (``--store`` / ``HASHIYA_STORE``, default
``./hashiya-store``)::

    <store>/<annotator>/lock              fcntl.flock'd while a session writes;
                                          says who holds it (pid, host, since)
    <store>/<annotator>/articles/<id>.json      one TinyDB database per article
    <store>/<annotator>/articles/<id>.json.bak  the same as of a checkpoint
    <store>/<annotator>/journal.jsonl     the edits since its last cut (write-ahead log)
    <store>/<annotator>/index.json        span counts / status / fingerprint per
                                          article and the undo history, as of a
                                          byte offset in the journal (checkpoint)

Why this shape. Plain TinyDB keeps a whole database in one JSON file and
rewrites it on every insert: with 100,000 spans that is ~670 ms a save (and
~550 ms a search). Here each article of each annotator is its own small
TinyDB database (tables ``spans`` and ``article``) behind
:class:`~annotations.store.files.ShardStorage`, so a save rewrites a few
kilobytes and loading an article reads one small file. Reading every
article (``Store.records``, for export) parses each file once, straight
into Span objects, without a TinyDB object per file.
``python -m benchmarks.bench_store`` measures both against a single-file
TinyDB holding the same 100,000 spans.

Saving an edit, in order:

1. the edit (with everything needed to redo it) is appended to
   ``journal.jsonl`` and fdatasync'd: from here on the edit survives a kill
   or a power cut;
2. the article file is replaced atomically (temp file, ``os.replace``);
   the first save of an article after a checkpoint first hard-links the old
   file to ``<id>.json.bak``.

One fdatasync per save (measured on this kind of disk: ~0.3 ms) instead of
three (file, folder, journal). Article files are fsync'd at checkpoints:
when a writer opens or closes the store and after a large import, the
article files written since the last checkpoint are synced, then
``index.json`` is written atomically with the journal offset it reflects.

The journal's bound (``checkpoint.py``): once it has grown by 4 MiB since
its last cut, a checkpoint (run by the save taking it there) copies each
article it edits, checked, to its ``.bak`` and replaces it by a ``mark``
line (its name) and a ``base`` line (undo/redo history). A returned save
leaves it at most that head (≤ 1,000 undo, 1,000 redo items) plus 4 MiB.

Opening as writer: the index is loaded and the journal entries after its
offset are replayed into it. Each article file records the sequence number
of the last journal entry it reflects; an article whose file is behind the
journal (the process died between steps 1 and 2, or the machine lost
unsynced writes) is brought up to date from the journal. A journal line cut
off by a kill is dropped: that save never returned. A missing, damaged or
out-of-date index is rebuilt from the article files, which are the truth.

Damage. A damaged article file or journal raises StoreCorruptError naming
the file and the problem, and is never written over. ``hashiya validate
--repair`` (:func:`repair`) keeps the damaged file as ``.damaged`` and
rebuilds the article from its ``.bak`` plus the journal entries after it (or
from the journal alone, while it was never cut); a damaged journal is set
aside and a new one started (the article files are kept; undo history is
lost). It lives in ``annotations/store/repair.py``.

Locking. One writer per annotator: ``Store(root, annotator)`` takes an
exclusive ``fcntl.flock`` on the annotator's ``lock`` file for its whole
life. The OS releases it when the process ends, even by kill -9, so a dead
holder never blocks. A second writer for the same annotator gets
StoreLockedError saying who holds it. Different annotators use different
folders and never block or overwrite each other. ``readonly=True`` takes no
lock and sees what writers have saved. Within a process a Store may be used
from several threads (one lock serialises its methods).

Undo/redo. Every edit is an operation with an exact inverse (add/delete,
relabel/resize as before/after, theme on/off, status before/after). Undo
and redo stacks follow from the journal (``base``, ``do``, ``undo``, ``redo``
lines), so they survive a restart (the last 1,000 edits); imports clear them.

Stale articles. Each article file records the fingerprint of the text its
spans were made on. ``is_stale`` compares it with the current text; spans
of a changed article are kept exactly as stored (never shifted), and the
store refuses to add or resize spans on it against the new text until its
old spans are deleted.

Rules beyond model.check_span: an identical span (same start, end, kind and
label) cannot be stored twice; text holding a lone surrogate (which no UTF-8
file can hold) is refused.

Untrusted folders. A store may sit on a shared server where others can
plant files. Annotator names follow ``annotations.names`` (never ".", "..",
a hidden name or a path). Nothing in an annotator folder is opened through
a symbolic link (``O_NOFOLLOW``; an annotator folder or ``articles`` folder
that is a link is refused too), nor a FIFO or device in place of a file.
Parsed JSON nested too deeply is damage like any other bad JSON. An article
file that the index records as annotated but that is gone is damage too
(StoreCorruptError naming it): ``repair`` rebuilds it from its ``.bak`` and
the journal.
"""

from __future__ import annotations

import functools
import gc
import operator
import threading
import os
import re
import hashlib
import urllib.parse
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Iterable, Iterator

from tinydb import TinyDB, where
from tinydb.table import Document

from ..errors import AnnotationError, StoreCorruptError, StoreError
from ..jsontext import has_surrogate
from ..model import (
    ENTITY,
    KINDS,
    ArticleRecord,
    Span,
    Status,
    check_span,
    fingerprint,
    new_id,
    now,
)
from ..names import name_problem
from ..settings import safe_annotator
from .files import (
    AnnotatorLock,
    Journal,
    JournalReplaced,
    article_id_from_file,
    ShardStorage,
    atomic_write,
    dump_json,
    fsync_dir,
    load_json_file,
    read_tables,
    remove_leftovers,
    shard_corrupt,
)

__all__ = ["Store", "ImportSummary", "StoreProblem", "open_for_reading", "repair"]

FORMAT = 1
UNDO_LIMIT = 1000
BULK_THRESHOLD = 16  # imports of more articles than this sync once at the end
SPAN_KEY = lambda span: (span.start, span.end, span.kind, span.label)  # noqa: E731

_SAFE_NAME = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,119}")


def shard_name(article_id: str) -> str:
    """File name of an article's TinyDB file. Plain ids are used as they
    are; anything else is percent-encoded behind a '~' (with a hash if
    long), so two ids never share a file."""
    if _SAFE_NAME.fullmatch(article_id) and not article_id.endswith((".bak", ".damaged")):
        return article_id + ".json"
    quoted = urllib.parse.quote(article_id, safe="")
    if len(quoted) > 100:
        quoted = quoted[:60] + "~" + hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return "~" + quoted + ".json"


def _span_dict(span: Span) -> dict:
    return {
        "article_id": span.article_id,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "kind": span.kind,
        "text": span.text,
        "annotator": span.annotator,
        "id": span.id,
        "created": span.created,
        "updated": span.updated,
    }


_SPAN_FIELDS = ("article_id", "start", "end", "label", "kind", "text", "annotator", "id", "created", "updated")
_SPAN_TYPES = (str, int, int, str, str, str, str, str, float, float)
_N_SPAN_FIELDS = len(_SPAN_FIELDS)
_span_values = operator.itemgetter(*_SPAN_FIELDS)
_span_stamps = operator.itemgetter("id", "created", "updated")
_new_object = object.__new__


_span_id = operator.itemgetter("id")
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


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ImportSummary:
    articles: int = 0
    spans_added: int = 0
    spans_removed: int = 0
    themes: int = 0
    problems: list[str] = field(default_factory=list)
    #: the ids of the refused records, each with its problems (the same
    #: messages as ``problems``), so a caller never has to parse a message
    refused: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, article_id: str, message: str) -> None:
        self.problems.append(message)
        self.refused.setdefault(article_id, []).append(message)


@dataclass(frozen=True)
class StoreProblem:
    """One finding of :meth:`Store.check` (``hashiya validate``)."""

    annotator: str
    article_id: str
    reason: str
    span_id: str = ""
    label: str = ""
    start: int | None = None
    end: int | None = None

    def __str__(self) -> str:
        where = f"{self.annotator}: article {self.article_id}"
        if self.span_id:
            where += f" span {self.span_id} {self.label} [{self.start}, {self.end})"
        return f"{where}: {self.reason}"


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
            "spans": sorted(self.spans.values(), key=lambda d: (d["start"], d["end"], d["kind"], d["label"], d["id"])),
        }
        if self.settled:
            out["settled"] = list(self.settled)
        return out


def _apply_state(state: _State, op: dict, seq: int) -> _State:
    spans = dict(state.spans)
    themes = set(state.themes)
    settled = state.settled
    status = state.status
    fp = state.fingerprint
    kind = op["kind"]
    if kind == "add":
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
    if "status" in op:
        status = op["status"][1]
    if "fp" in op:
        fp = op["fp"][1]
    return _State(state.article_id, fp, status, tuple(sorted(themes)), spans, seq, settled=settled)


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
    elif kind == "status":
        inv = {"kind": "status"}
    else:
        raise StoreError(f"an edit of kind {kind!r} cannot be undone")
    for pair in ("status", "fp"):
        if pair in op:
            inv[pair] = [op[pair][1], op[pair][0]]
    return inv


# --------------------------------------------------------------------------
# one article file

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
            themes = meta.get("themes", [])
            settled = meta.get("settled")
            state = _State(
                article_id,
                meta.get("fingerprint"),
                status,
                () if type(themes) is list and not themes else tuple(sorted(str(t) for t in themes)),
                {},
                int(meta.get("seq", 0)),
                settled=tuple(sorted(str(k) for k in settled)) if settled else (),
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


class _Shard:
    """One article of one annotator: a TinyDB database in one small file."""

    def __init__(self, path: Path, article_id: str, *, readonly: bool, durable: bool = True) -> None:
        self.path = path
        self.article_id = article_id
        self.db = TinyDB(
            path,
            storage=ShardStorage,
            readonly=readonly,
            durable=durable,
            hint=REPAIR_HINT,
        )
        self.storage: ShardStorage = self.db.storage  # type: ignore[assignment]
        self._cached: tuple[str, _State] | None = None

    def state(self) -> _State:
        text = self.storage._load()
        if self._cached is not None and self._cached[0] is text:
            return self._cached[1]
        state = _State(self.article_id)
        if text:
            state = _state_from_tables(self.article_id, self.storage.read() or {}, self.path)
        self._cached = (text, state)
        return state

    def apply(self, op: dict, seq: int) -> None:
        """Write one edit with TinyDB operations, as one file write."""
        spans = self.db.table("spans")
        meta_table = self.db.table("article")
        before = self.state()
        after = _apply_state(before, op, seq)
        kind = op["kind"]
        with self.storage.batch():
            if kind == "add":
                spans.insert(op["span"])
            elif kind == "delete":
                spans.remove(where("id") == op["span"]["id"])
            elif kind == "update":
                spans.update(op["after"], where("id") == op["after"]["id"])
            elif kind == "replace":
                spans.truncate()
                if op["after"]["spans"]:
                    spans.insert_multiple(op["after"]["spans"])
            meta = {
                "article_id": self.article_id,
                "fingerprint": after.fingerprint,
                "status": after.status,
                "themes": list(after.themes),
                "seq": seq,
            }
            if after.settled:
                meta["settled"] = list(after.settled)
            elif before.settled:
                meta_table.truncate()  # upsert would keep the old marks
            meta_table.upsert(Document(meta, doc_id=1))
        # what the file now holds, without parsing it back
        self._cached = (self.storage._text, after)

    def close(self) -> None:
        self.db.close()


# --------------------------------------------------------------------------
# one annotator's folder


class _Annotator:
    def __init__(self, root: Path, name: str, *, writer: bool) -> None:
        self.root = root
        self.name = name
        self.writer = writer
        self.dir = root / name
        self.articles_dir = self.dir / "articles"
        self.articles_path = str(self.articles_dir)
        self.index_path = self.dir / "index.json"
        self.journal = Journal(self.dir / "journal.jsonl", readonly=not writer)
        self.lock: AnnotatorLock | None = None
        self.shards: dict[str, _Shard] = {}
        self.summary: dict[str, list] = {}
        self.ids: dict[str, set[str]] = {}
        self.home: dict[str, str] = {}
        self.undo_stack: list[dict] = []
        self.redo_stack: list[dict] = []
        self.seq = 0
        self.pos = 0  # journal bytes already reflected in memory
        self.snapshot_seq = -1
        self.journal_gen: str | None = None  # the name a cut gave the journal
        self.journal_base = 0  # its size right after that cut
        self.journal_inode: int | None = None
        self.cut_retry = 0
        self.dirty: set[str] = set()  # article files written since the last checkpoint
        self.unapplied: dict[str, list[dict]] = {}  # readers: journal entries after the index
        self.recovery: list[str] = []  # what opening had to do after a crash
        self.indexed: set[str] = set()  # articles with content as of the index loaded
        if writer:
            self._refuse_links()
            try:
                self.articles_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {self.articles_dir}: {exc.strerror or exc}") from None
            self._refuse_links()
            self.lock = AnnotatorLock(self.dir / "lock", root, name)
            self.lock.acquire()
            try:
                remove_leftovers(self.articles_dir)
                remove_leftovers(self.dir)
                created = not self.journal.path.exists()
                self.journal.open_for_append()
                if created:
                    fsync_dir(self.dir)
                self._load()
            except BaseException:
                self.close(snapshot=False)
                raise
        elif self.dir.is_dir():
            self._refuse_links()
            self._load()
        self.loaded = self.dir.is_dir()

    def _refuse_links(self) -> None:
        for folder in (self.dir, self.articles_dir):
            if folder.is_symlink():
                raise StoreError(f"{folder} is a symbolic link; the store does not follow links in an annotator folder")

    # -- loading ---------------------------------------------------------
    def _read_snapshot(self) -> dict | None:
        try:
            snap = load_json_file(self.index_path, "index")
        except StoreCorruptError:
            if self.writer:  # derived data: keep the damaged copy, rebuild
                try:
                    os.replace(self.index_path, self.index_path.with_name("index.json.damaged"))
                except OSError:
                    pass
            return None
        if not isinstance(snap, dict) or snap.get("format") != FORMAT:
            return None
        try:
            articles = {str(k): [int(v[0]), str(v[1]), v[2], int(v[3]), list(v[4])] for k, v in snap["articles"].items()}
            snap["articles"] = articles
            snap["seq"] = int(snap["seq"])
            snap["journal_pos"] = int(snap["journal_pos"])
            if not isinstance(snap["undo"], list) or not isinstance(snap["redo"], list):
                return None
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        return snap

    def _load(self) -> None:
        # Loading the index makes ~100k small objects for a big store; with
        # a large heap around, the cyclic GC would scan it again and again.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._load_index()
        finally:
            if enabled:
                gc.enable()

    def _load_index(self) -> None:
        for _ in range(3):  # a reader may race a writer cutting the journal
            try:
                return self._load_index_once()
            except JournalReplaced:
                for held in (self.summary, self.ids, self.home, self.indexed, self.unapplied):
                    held.clear()
        return self._load_index_once()

    def _load_index_once(self) -> None:
        snap = self._read_snapshot()
        gen, inode = journal_gen(self.journal.path)
        self.journal_gen, self.journal_inode = gen, inode
        entries: list = []
        good_end = size = 0
        if snap is not None and snap.get("journal_gen") != gen:
            snap = None  # an index of another journal (one cut since)
        if snap is not None:
            self.journal_base = snap.get("journal_base", 0) if type(snap.get("journal_base")) is int else 0
            entries, good_end, size = self.journal.read(snap["journal_pos"], inode)
            first = entries[0][0] if entries else None
            if (first is not None and first["seq"] != snap["seq"] + 1) or size < snap["journal_pos"]:
                snap = None
            elif snap["journal_pos"] > 0 and not self.journal.line_ends_at(snap["journal_pos"]):
                snap = None
        if snap is not None:
            for aid, (n, status, fp, nthemes, ids) in snap["articles"].items():
                self.summary[aid] = [n, status, fp, nthemes]
                if n or nthemes or status != Status.TODO.value:
                    self.indexed.add(aid)
                self.ids[aid] = set(ids)
                for sid in ids:
                    self.home[sid] = aid
            self.undo_stack = list(snap["undo"])
            self.redo_stack = list(snap["redo"])
            self.seq = snap["seq"]
            self.snapshot_seq = self.seq if not entries else -1
            for entry, _ in entries:
                self._note(entry)
            touched = {entry["a"] for entry, _ in entries if "a" in entry}
            tail = [entry for entry, _ in entries]
        else:
            entries, good_end, size = self.journal.read(0, inode)
            self.journal_base = next((end for entry, end in entries if entry.get("act") == "base"), 0)
            self._rebuild_from_shards()
            if self.writer and entries:
                self.recovery.append("rebuilt the index from the article files")
            for entry, _ in entries:
                self._note(entry, index=False)
            touched = {entry["a"] for entry, _ in entries if "a" in entry}
            tail = [entry for entry, _ in entries]
        self.pos = good_end
        if self.writer:
            if good_end < size:  # a journal line cut off by a kill: its save never returned
                self.journal.truncate(good_end)
                self.recovery.append("dropped the last journal line, cut off before its save returned")
            self._roll_forward(touched, tail)
            if self.snapshot_seq != self.seq or due(self):
                self.write_snapshot()

    def _rebuild_from_shards(self) -> None:
        self.summary.clear()
        self.ids.clear()
        self.home.clear()
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.seq = 0
        try:
            names = sorted(os.listdir(self.articles_dir))
        except FileNotFoundError:
            names = []
        for name in names:
            if not name.endswith(".json") or name.startswith("."):
                continue
            path = self.articles_dir / name
            article_id = article_id_from_file(path, name)
            if article_id is None:
                continue
            shard = self.shard(article_id)
            state = shard.state()
            self._set_summary(article_id, state)
            self.seq = max(self.seq, state.seq)

    def _set_summary(self, article_id: str, state: _State) -> None:
        self.summary[article_id] = state.summary()
        for sid in self.ids.get(article_id, ()):
            if self.home.get(sid) == article_id:
                del self.home[sid]
        self.ids[article_id] = set(state.spans)
        for sid in state.spans:
            self.home[sid] = article_id

    def _roll_forward(self, touched: set[str], tail: list[dict]) -> None:
        """Complete edits that are in the journal but not in their article file."""
        by_article: dict[str, list[dict]] = {}
        for entry in tail:
            if "op" in entry and entry.get("a") in touched:
                by_article.setdefault(entry["a"], []).append(entry)
        completed = 0
        for article_id in sorted(by_article):
            shard = self.shard(article_id)
            state = shard.state()
            if article_id in self.indexed and not state.seq:
                self._check_present(shard.path, article_id)
            pending = [e for e in by_article[article_id] if e["seq"] > state.seq]
            for entry in pending:
                shard.storage.backup = str(shard.path) not in self.dirty
                shard.apply(entry["op"], entry["seq"])
                self.dirty.add(str(shard.path))
            completed += len(pending)
            self._set_summary(article_id, shard.state())
        if completed:
            self.recovery.append(
                f"completed {completed} save{'s' if completed != 1 else ''} that the journal holds "
                f"but the article file{'s' if completed != 1 else ''} did not"
            )

    def refresh(self) -> None:
        """Read-only views: take in what a writer has saved since."""
        if self.writer or not self.dir.is_dir():
            return
        if not self.loaded:
            self.__init__(self.root, self.name, writer=False)
            return
        try:
            info = os.stat(self.journal.path)
            size, inode = info.st_size, info.st_ino
        except FileNotFoundError:
            size, inode = 0, None
        if size == self.pos and inode == self.journal_inode:
            return
        if size < self.pos or inode != self.journal_inode:
            self.__init__(self.root, self.name, writer=False)  # journal replaced (a cut, repair)
            return
        try:
            entries, good_end, _ = self.journal.read(self.pos, self.journal_inode)
        except JournalReplaced:
            self.__init__(self.root, self.name, writer=False)
            return
        for entry, _ in entries:
            self._note(entry)
        self.pos = good_end

    # -- the journal's meaning ---------------------------------------------
    def _note(self, entry: dict, *, index: bool = True) -> None:
        self.seq = max(self.seq, int(entry["seq"]))
        act = entry.get("act")
        if act == "base":  # the undo history carried over a journal cut
            self.undo_stack = list(entry.get("undo", []))[-UNDO_LIMIT:]
            self.redo_stack = list(entry.get("redo", []))
            return
        if act == "mark" or "a" not in entry:
            return
        article_id = entry["a"]
        op = entry["op"]
        if index and not self.writer:
            self.unapplied.setdefault(article_id, []).append(entry)
        if index:
            self.summary[article_id] = list(entry["sum"])
            ids = self.ids.setdefault(article_id, set())
            kind = op["kind"]
            if kind == "add":
                ids.add(op["span"]["id"])
                self.home[op["span"]["id"]] = article_id
            elif kind == "delete":
                ids.discard(op["span"]["id"])
                self.home.pop(op["span"]["id"], None)
            elif kind == "replace":
                for sid in ids:
                    if self.home.get(sid) == article_id:
                        del self.home[sid]
                ids.clear()
                for doc in op["after"]["spans"]:
                    ids.add(doc["id"])
                    self.home[doc["id"]] = article_id
        if act == "do":
            self.undo_stack.append({"seq": entry["seq"], "a": article_id, "op": op, "d": entry.get("d", "")})
            del self.undo_stack[:-UNDO_LIMIT]
            self.redo_stack.clear()
        elif act == "undo":
            if self.undo_stack:
                self.redo_stack.append(self.undo_stack.pop())
        elif act == "redo":
            if self.redo_stack:
                self.undo_stack.append(self.redo_stack.pop())
        elif act == "import":
            self.undo_stack.clear()
            self.redo_stack.clear()

    def write_snapshot(self) -> None:
        """A checkpoint (``checkpoint.py``): article files synced, the
        journal cut if it has grown past its bound, then the index written
        with the journal offset it reflects."""
        make_checkpoint(self)

    def write_index(self) -> None:
        """Journal entries before the offset written are never replayed
        again: the article files are on disk first (``write_snapshot``)."""
        data = {
            "format": FORMAT,
            "annotator": self.name,
            "seq": self.seq,
            "journal_pos": self.journal.size,
            "journal_gen": self.journal_gen,
            "journal_base": self.journal_base,
            "articles": {
                aid: [*summary, sorted(self.ids.get(aid, ()))] for aid, summary in self.summary.items()
            },
            "undo": self.undo_stack,
            "redo": self.redo_stack,
        }
        atomic_write(self.index_path, dump_json(data))
        self.snapshot_seq = self.seq

    # -- articles ----------------------------------------------------------
    def shard(self, article_id: str) -> _Shard:
        shard = self.shards.get(article_id)
        if shard is None:
            # The writer's article files are not fsync'd on each save: the
            # journal entry is, and a checkpoint syncs them (sync_dirty).
            shard = _Shard(
                self.articles_dir / shard_name(article_id), article_id, readonly=not self.writer, durable=False
            )
            self.shards[article_id] = shard
        return shard

    def state(self, article_id: str) -> _State:
        if article_id not in self.summary and self.writer:
            return _State(article_id)  # nothing stored: no need to touch the disk
        shard = self.shard(article_id)
        return self._present(self._caught_up(shard.state()), shard.path)

    def _present(self, state: _State, path: Path | str) -> _State:
        """``state``, unless it is empty where the index records content
        and its file is gone: StoreCorruptError naming the file."""
        if state.seq or state.spans or state.themes or state.status != Status.TODO.value:
            return state
        summary = self.summary.get(state.article_id)
        if summary and (summary[0] or summary[3] or summary[1] != Status.TODO.value):
            self._check_present(path, state.article_id)
        return state

    @staticmethod
    def _check_present(path: Path | str, article_id: str) -> None:
        if not os.path.lexists(path):
            raise StoreCorruptError(
                f"store file {path} of article {article_id} is missing though the index records "
                f"its annotations; {REPAIR_HINT} rebuilds it from its .bak and the journal"
            )

    def read_state(self, article_id: str) -> _State:
        """What state() gives, for reading many articles once each
        (records): an article file not opened yet is read and parsed once,
        with no TinyDB object made or kept for it."""
        if article_id in self.shards or (self.writer and article_id not in self.summary):
            return self.state(article_id)
        path = os.path.join(self.articles_path, shard_name(article_id))
        data = read_tables(path, REPAIR_HINT)
        state = _State(article_id) if data is None else _state_from_tables(article_id, data, path, owned=True)
        return self._present(self._caught_up(state), path)

    def _caught_up(self, state: _State) -> _State:
        article_id = state.article_id
        pending = self.unapplied.get(article_id)
        if pending:
            # A reader sees what the journal holds even where the article
            # file is behind (a save under way, or cut off before the
            # writer's next open completes it).
            pending[:] = [entry for entry in pending if entry["seq"] > state.seq]
            for entry in pending:
                state = _apply_state(state, entry["op"], entry["seq"])
            if not pending:
                del self.unapplied[article_id]
        return state

    def commit(self, article_id: str, op: dict, act: str, desc: str) -> None:
        shard = self.shard(article_id)
        state = shard.state()  # a damaged file stops the edit before anything is written
        seq = self.seq + 1
        after = _apply_state(state, op, seq)
        entry = {"seq": seq, "t": now(), "act": act, "a": article_id, "op": op, "d": desc, "sum": after.summary()}
        before = self.journal.append([entry])
        # .bak keeps the file as of the last checkpoint: with the journal
        # entries after it, that rebuilds any later version.
        shard.storage.backup = str(shard.path) not in self.dirty
        try:
            shard.apply(op, seq)
            self.dirty.add(str(shard.path))
        except BaseException:
            try:
                self.journal.truncate(before)
            finally:
                self.shards.pop(article_id, None)
            raise
        self._note(entry)
        self.pos = self.journal.size
        after_save(self)

    def bulk_replace(self, states: list[_State]) -> None:
        """Write many whole articles: journal first (one fdatasync), then the
        files, then one sync. Used by import_records."""
        if not states:
            return
        entries = []
        seq = self.seq
        for state in states:
            seq += 1
            op = {"kind": "replace", "after": state.to_dict()}
            entries.append({"seq": seq, "t": now(), "act": "import", "a": state.article_id, "op": op, "d": "import", "sum": _apply_state(_State(state.article_id), op, seq).summary()})
        self.journal.append(entries)
        for entry in entries:
            shard = self.shard(entry["a"])
            shard.storage.backup = str(shard.path) not in self.dirty
            shard.apply(entry["op"], entry["seq"])
            self.dirty.add(str(shard.path))
            self._note(entry)
        self.pos = self.journal.size
        if len(states) > BULK_THRESHOLD or due(self):
            self.write_snapshot()

    def close(self, *, snapshot: bool = True) -> None:
        try:
            if self.writer and snapshot and self.lock is not None and self.snapshot_seq != self.seq:
                self.write_snapshot()
        finally:
            for shard in self.shards.values():
                shard.close()
            self.shards.clear()
            self.journal.close()
            if self.lock is not None:
                self.lock.release()
                self.lock = None


# --------------------------------------------------------------------------
# the public store


class Store:
    """One annotator's view of a store folder. See the module docstring."""

    def __init__(self, root: str | Path, annotator: str, *, readonly: bool = False) -> None:
        self.root = Path(root)
        self.annotator = safe_annotator(annotator)
        self.readonly = readonly
        self._closed = False
        if not readonly:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create store folder {self.root}: {exc.strerror or exc}") from None
            if not self.root.is_dir():
                raise StoreError(f"store {self.root} is not a folder")
        elif self.root.exists() and not self.root.is_dir():
            raise StoreError(f"store {self.root} is not a folder")
        self._lock = threading.RLock()
        self._own = _Annotator(self.root, self.annotator, writer=not readonly)
        self._others: dict[str, _Annotator] = {}
        #: what opening had to do after an unclean end (empty normally), e.g.
        #: "completed 1 save that the journal holds but the article file did not"
        self.recovery: list[str] = list(self._own.recovery)

    def __repr__(self) -> str:
        mode = "read-only" if self.readonly else "writing"
        return f"Store({str(self.root)!r}, {self.annotator!r}, {mode})"

    # -- life --------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._own.close()
        for other in self._others.values():
            other.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _view(self, annotator: str | None) -> _Annotator:
        if self._closed:
            raise StoreError(f"store {self.root} is closed")
        if annotator is None or annotator == self.annotator:
            self._own.refresh()
            return self._own
        view = self._others.get(annotator)
        if view is None:
            view = _Annotator(self.root, safe_annotator(annotator), writer=False)
            self._others[annotator] = view
        else:
            view.refresh()
        return view

    def _writer(self) -> _Annotator:
        if self._closed:
            raise StoreError(f"store {self.root} is closed")
        if self.readonly:
            raise StoreError(f"store {self.root} was opened read-only")
        return self._own

    # -- reads ---------------------------------------------------------------
    def spans(self, article_id: str, annotator: str | None = None) -> list[Span]:
        return self._view(annotator).state(article_id).span_objects()

    def span(self, span_id: str) -> Span | None:
        view = self._view(None)
        article_id = view.home.get(span_id)
        if article_id is None:
            return None
        data = view.state(article_id).spans.get(span_id)
        return Span.from_dict(data) if data else None

    def span_texts(self, annotator: str | None = None) -> Iterator[str]:
        """The text of every span of `annotator` in every article, each
        article file read once and not kept (for gathering the annotated
        words: annotations.segment.evidence_for)."""
        with self._lock:
            view = self._view(annotator)
            article_ids = [aid for aid, summary in view.summary.items() if summary[0]]
        for article_id in article_ids:
            with self._lock:
                if article_id in view.shards or view.unapplied.get(article_id):
                    docs = view.read_state(article_id).spans.values()
                else:
                    # the file as it is (the journal holds nothing newer):
                    # its span documents' texts, with no state built
                    path = os.path.join(view.articles_path, shard_name(article_id))
                    data = read_tables(path, REPAIR_HINT) or {}
                    table = data.get("spans") if isinstance(data, dict) else None
                    docs = table.values() if isinstance(table, dict) else ()
            for doc in docs:
                text = doc.get("text") if isinstance(doc, dict) else None
                if isinstance(text, str):
                    yield text

    def themes(self, article_id: str, annotator: str | None = None) -> list[str]:
        return list(self._view(annotator).state(article_id).themes)

    def status(self, article_id: str, annotator: str | None = None) -> Status:
        view = self._view(annotator)
        summary = view.summary.get(article_id)
        if summary is None and view.writer:
            return Status.TODO
        return Status(view.state(article_id).status)

    def statuses(self, annotator: str | None = None) -> dict[str, Status]:
        return {
            aid: Status(summary[1])
            for aid, summary in self._view(annotator).summary.items()
            if summary[1] != Status.TODO.value
        }

    def span_counts(self, annotator: str | None = None) -> dict[str, int]:
        return {aid: summary[0] for aid, summary in self._view(annotator).summary.items() if summary[0]}

    def annotators(self) -> list[str]:
        names = set()
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            entries = []
        for entry in entries:
            # a folder whose name is no annotator name (hidden, or made by
            # hand with control characters) is not an annotator
            if entry.is_dir(follow_symlinks=False) and name_problem(entry.name) is None:
                folder = Path(entry.path)
                if (folder / "articles").is_dir() or (folder / "journal.jsonl").exists():
                    names.add(entry.name)
        if not self.readonly:
            names.add(self.annotator)
        return sorted(names)

    def article_ids(self, annotator: str | None = None) -> list[str]:
        return sorted(
            aid
            for aid, (n, status, _fp, nthemes) in self._view(annotator).summary.items()
            if n or nthemes or status != Status.TODO.value
        )

    def fingerprint(self, article_id: str, annotator: str | None = None) -> str | None:
        summary = self._view(annotator).summary.get(article_id)
        return summary[2] if summary else None

    def is_stale(self, article_id: str, current_fingerprint: str, annotator: str | None = None) -> bool:
        stored = self.fingerprint(article_id, annotator)
        return stored is not None and stored != current_fingerprint

    # -- edits ---------------------------------------------------------------
    def _check_fresh(self, state: _State, article_text: str, what: str) -> str:
        fp = fingerprint(article_text)
        if state.fingerprint is not None and state.fingerprint != fp and state.spans:
            raise AnnotationError(
                f"article {state.article_id} has changed since it was annotated: its "
                f"{len(state.spans)} span(s) refer to the old text and are kept as they are; "
                f"cannot {what} until they are deleted"
            )
        return fp

    def add_span(self, article_id: str, article_text: str, start: int, end: int, label: str, kind: str) -> Span:
        own = self._writer()
        label = _check_label(label)
        if has_surrogate(article_id) or has_surrogate(article_text):
            raise AnnotationError(
                f"article {article_id!r} holds a lone surrogate (text no UTF-8 file can hold): it cannot be annotated"
            )
        state = own.state(article_id)
        fp = self._check_fresh(state, article_text, "add spans")
        check_span(article_text, start, end, kind, state.span_objects())
        _no_duplicate(state, start, end, kind, label)
        span = Span(article_id, start, end, label, kind, article_text[start:end], self.annotator)
        while span.id in own.home:
            span = Span(article_id, start, end, label, kind, span.text, self.annotator, id=new_id())
        op: dict = {"kind": "add", "span": _span_dict(span)}
        if state.fingerprint != fp:
            op["fp"] = [state.fingerprint, fp]
        if state.status == Status.TODO.value:
            op["status"] = [Status.TODO.value, Status.IN_PROGRESS.value]
        own.commit(article_id, op, "do", f"add {label} “{_short(span.text)}”")
        return span

    def _own_span(self, span_id: str) -> tuple[_Annotator, _State, Span]:
        own = self._writer()
        article_id = own.home.get(span_id)
        state = own.state(article_id) if article_id is not None else None
        if state is None or span_id not in state.spans:
            raise AnnotationError(f"no span with id {span_id!r} for annotator {self.annotator}")
        return own, state, Span.from_dict(state.spans[span_id])

    def delete_span(self, span_id: str) -> Span:
        own, state, span = self._own_span(span_id)
        own.commit(span.article_id, {"kind": "delete", "span": _span_dict(span)}, "do", f"delete {span.label} “{_short(span.text)}”")
        return span

    def relabel_span(self, span_id: str, label: str, kind: str | None = None) -> Span:
        own, state, span = self._own_span(span_id)
        label = _check_label(label)
        kind = span.kind if kind is None else kind
        if kind not in KINDS:
            raise AnnotationError(f"unknown span kind {kind!r} (expected entity or theme)")
        if label == span.label and kind == span.kind:
            return span
        _no_duplicate(state, span.start, span.end, kind, label, span.id)
        if kind == ENTITY:
            for other in state.span_objects():
                if other.id != span.id and other.kind == ENTITY and other.overlaps(span.start, span.end):
                    raise AnnotationError(
                        f"entities may not overlap: this span would overlap "
                        f"{other.label} “{other.text}” at [{other.start}, {other.end})"
                    )
        new = Span(span.article_id, span.start, span.end, label, kind, span.text, span.annotator, span.id, span.created, now())
        what = f"{span.label} → {label}" if kind == span.kind else f"{span.label} {span.kind} → {label} {kind}"
        own.commit(span.article_id, {"kind": "update", "before": _span_dict(span), "after": _span_dict(new)}, "do", f"relabel {what} “{_short(span.text)}”")
        return new

    def resize_span(self, span_id: str, start: int, end: int, article_text: str) -> Span:
        own, state, span = self._own_span(span_id)
        self._check_fresh(state, article_text, "resize spans")
        check_span(article_text, start, end, span.kind, state.span_objects(), ignore_id=span.id)
        _no_duplicate(state, start, end, span.kind, span.label, span.id)
        if (start, end) == (span.start, span.end) and span.text == article_text[start:end]:
            return span
        new = span.moved(start, end, article_text)
        own.commit(
            span.article_id,
            {"kind": "update", "before": _span_dict(span), "after": _span_dict(new)},
            "do",
            f"resize {span.label} “{_short(span.text)}” → “{_short(new.text)}”",
        )
        return new

    def toggle_theme(self, article_id: str, label: str, article_text: str | None = None) -> bool:
        own = self._writer()
        label = _check_label(label)
        state = own.state(article_id)
        on = label not in state.themes
        op = _switch_op(state, {"kind": "theme", "label": label, "on": on}, article_text)
        own.commit(article_id, op, "do", f"theme {label} {'on' if on else 'off'}")
        return on

    def settled(self, article_id: str, annotator: str | None = None) -> list[str]:
        """The review marks of an article (see annotations.curation)."""
        return list(self._view(annotator).state(article_id).settled)

    def set_settled(self, article_id: str, key: str, on: bool, article_text: str | None = None) -> bool:
        """Put a review mark on an article (or take it off): journaled and
        undoable like any edit; False if it was so already."""
        own = self._writer()
        key = _check_label(key)
        state = own.state(article_id)
        if (key in state.settled) == on:
            return False
        op = _switch_op(state, {"kind": "settle", "key": key, "on": on}, article_text)
        own.commit(article_id, op, "do", f"review mark {'on' if on else 'off'}")
        return True

    def set_status(self, article_id: str, status: Status) -> None:
        own = self._writer()
        try:
            new = Status(status).value
        except ValueError:
            raise AnnotationError(f"unknown status {status!r} (expected todo, in_progress or done)") from None
        state = own.state(article_id)
        if state.status == new:
            return
        own.commit(article_id, {"kind": "status", "status": [state.status, new]}, "do", f"status {Status(new).display}")

    def undo(self) -> str | None:
        own = self._writer()
        if not own.undo_stack:
            return None
        item = own.undo_stack[-1]
        own.commit(item["a"], _invert(item["op"]), "undo", item["d"])
        return item["d"]

    def redo(self) -> str | None:
        own = self._writer()
        if not own.redo_stack:
            return None
        item = own.redo_stack[-1]
        own.commit(item["a"], item["op"], "redo", item["d"])
        return item["d"]

    def can_undo(self) -> bool:
        return bool(self._own.undo_stack) and not self.readonly

    def can_redo(self) -> bool:
        return bool(self._own.redo_stack) and not self.readonly

    def undo_target(self, redo: bool = False) -> str | None:
        """The article the next undo (or redo) would change, if any."""
        stack = self._own.redo_stack if redo else self._own.undo_stack
        if stack:
            item = stack[-1]
            if isinstance(item, dict) and isinstance(item.get("a"), str):
                return item["a"]
        return None

    def undo_history(self) -> tuple[list[str], list[str]]:
        """Descriptions on the undo and redo stacks, oldest first."""
        return [item["d"] for item in self._own.undo_stack], [item["d"] for item in self._own.redo_stack]

    # -- bulk ----------------------------------------------------------------
    def records(
        self,
        corpus,
        annotators: list[str] | None = None,
        statuses: list[Status] | None = None,
    ) -> Iterator[ArticleRecord]:
        with self._lock:
            names = self.annotators() if annotators is None else list(annotators)
            views = [(name, self._view(name)) for name in names]
        wanted = {Status(s) for s in statuses} if statuses else None
        todo = Status.TODO.value
        statuses_by_value = {status.value: status for status in Status}
        for article in corpus:
            article_id = article.id
            for name, view in views:
                summary = view.summary.get(article_id)
                if summary is None:
                    continue
                n, status, _fp, nthemes = summary
                if not (n or nthemes or status != todo):
                    continue
                with self._lock:
                    state = view.read_state(article_id)
                    if not (state.spans or state.themes or state.status != todo):
                        continue
                    status = statuses_by_value.get(state.status) if type(state.status) is str else None
                    status = status or Status(state.status)
                    if wanted is not None and status not in wanted:
                        continue
                    spans = state.span_objects()
                yield ArticleRecord(
                    article_id, article.text, spans, list(state.themes), status, name, dict(article.metadata)
                )

    def import_records(
        self,
        records: Iterable[ArticleRecord],
        *,
        dry_run: bool = False,
        replace: bool = True,
    ) -> ImportSummary:
        """Bring records into this annotator's store. Every span is checked
        first (inside the text, text matches, entities do not overlap); if
        any problem is found, nothing is written and ``problems`` says what
        (article id, span offsets, reason). ``replace=True`` makes each
        article exactly the record; ``replace=False`` adds the record's
        spans and themes to what is stored (a record status other than
        todo wins). Not undoable: an import clears the undo history.
        ``dry_run`` also works on a read-only store: it writes nothing and
        creates nothing."""
        own = self._view(None) if dry_run and self.readonly else self._writer()
        summary = ImportSummary()
        planned: dict[str, _State] = {}
        used_ids = set(own.home)
        for record in records:
            article_id = str(record.id)
            text = record.text
            fp = fingerprint(text)
            problems_before = len(summary.problems)
            refuse = functools.partial(summary.refuse, article_id)
            if article_id in planned:
                refuse(f"article {article_id}: appears twice in the import")
                continue
            try:
                status = Status(record.status).value
            except ValueError:
                refuse(f"article {article_id}: unknown status {record.status!r}")
                continue
            unwritable = _unwritable(article_id, text, record)
            if unwritable:
                refuse(f"article {article_id!r}: {unwritable}")
                continue
            current = own.state(article_id)
            incoming: list[Span] = []
            for span in record.spans:
                where = f"article {article_id} span {span.label} [{span.start}, {span.end})"
                try:
                    _check_label(span.label)
                    check_span(text, span.start, span.end, span.kind, incoming)
                except AnnotationError as exc:
                    refuse(f"{where}: {exc}")
                    continue
                if text[span.start : span.end] != span.text:
                    refuse(
                        f"{where}: stored text “{_short(span.text)}” does not match the article text “{_short(text[span.start:span.end])}”"
                    )
                    continue
                incoming.append(span)
            if len(summary.problems) > problems_before:
                continue
            existing = current.span_objects()
            if replace:
                keep: list[Span] = []
                themes = set(record.themes)
            else:
                if existing and current.fingerprint not in (None, fp):
                    refuse(
                        f"article {article_id}: the stored spans were made on a different text; import with replace"
                    )
                    continue
                keep = existing
                themes = set(current.themes) | set(record.themes)
                status = status if status != Status.TODO.value else current.status
            have = {SPAN_KEY(s) for s in keep}
            spans: dict[str, dict] = {s.id: _span_dict(s) for s in keep}
            bad = False
            for span in incoming:
                if SPAN_KEY(span) in have:
                    continue
                if span.kind == ENTITY and not replace:
                    clash = next((o for o in keep if o.kind == ENTITY and o.overlaps(span.start, span.end)), None)
                    if clash is not None:
                        refuse(
                            f"article {article_id} span {span.label} [{span.start}, {span.end}): overlaps the stored "
                            f"{clash.label} “{_short(clash.text)}” at [{clash.start}, {clash.end})"
                        )
                        bad = True
                        continue
                have.add(SPAN_KEY(span))
                sid = span.id
                if sid in spans or (sid in used_ids and own.home.get(sid) != article_id):
                    sid = new_id()
                used_ids.add(sid)
                data = _span_dict(span)
                data.update(id=sid, annotator=self.annotator, article_id=article_id)
                spans[sid] = data
            if bad:
                continue
            for label in themes:
                try:
                    _check_label(label)
                except AnnotationError as exc:
                    refuse(f"article {article_id}: theme: {exc}")
                    bad = True
            if bad:
                continue
            after = _State(article_id, fp, status, tuple(sorted(themes)), spans)
            before_keys = {SPAN_KEY(s) for s in existing}
            after_keys = {(d["start"], d["end"], d["kind"], d["label"]) for d in spans.values()}
            unchanged = (
                before_keys == after_keys
                and set(current.themes) == themes
                and current.status == status
                and (current.fingerprint == fp or not (spans or themes))
            )
            if unchanged:
                continue
            summary.articles += 1
            summary.spans_added += len(after_keys - before_keys)
            summary.spans_removed += len(before_keys - after_keys)
            summary.themes += len(themes - set(current.themes))
            planned[article_id] = after
        if dry_run or summary.problems:
            return summary
        own.bulk_replace(list(planned.values()))
        return summary

    # -- checking ------------------------------------------------------------
    def check(self, corpus, annotators: list[str] | None = None) -> tuple[list[StoreProblem], int, int]:
        """Re-check every stored span against its article text.
        Returns (problems, articles checked, spans checked)."""
        problems: list[StoreProblem] = []
        n_articles = n_spans = 0
        names = self.annotators() if annotators is None else annotators
        for name in names:
            view = self._view(name)
            for article_id in sorted(view.summary):
                n, status, fp, nthemes = view.summary[article_id]
                if not (n or nthemes or status != Status.TODO.value):
                    continue
                n_articles += 1
                try:
                    state = view.state(article_id)
                except StoreCorruptError as exc:
                    problems.append(StoreProblem(name, article_id, str(exc)))
                    continue
                spans = state.span_objects()
                n_spans += len(spans)
                article = corpus.get(article_id) if corpus is not None else None
                if article is None:
                    if corpus is not None:
                        problems.append(StoreProblem(name, article_id, f"article not in the corpus {corpus.source}"))
                    continue
                try:
                    text = article.text
                except Exception as exc:  # CorpusError: unreadable now
                    problems.append(StoreProblem(name, article_id, f"article text cannot be read: {exc}"))
                    continue
                current = fingerprint(text)
                stale = state.fingerprint is not None and state.fingerprint != current
                if stale and spans:
                    problems.append(
                        StoreProblem(name, article_id, f"stale: the article text changed since it was annotated (fingerprint {state.fingerprint}, now {current})")
                    )
                entities: list[Span] = []
                for span in spans:
                    reason = None
                    if not (0 <= span.start < span.end <= len(text)):
                        reason = f"offsets out of range (article length {len(text)})"
                    elif text[span.start : span.end] != span.text:
                        reason = f"text mismatch: stored “{_short(span.text)}”, article has “{_short(text[span.start:span.end])}”"
                    elif span.kind not in KINDS:
                        reason = f"unknown kind {span.kind!r}"
                    if reason is None and span.kind == ENTITY:
                        clash = next((o for o in entities if o.overlaps(span.start, span.end)), None)
                        if clash is not None:
                            reason = f"overlaps entity {clash.id} {clash.label} [{clash.start}, {clash.end})"
                        entities.append(span)
                    if reason:
                        problems.append(StoreProblem(name, article_id, reason, span.id, span.label, span.start, span.end))
        return problems, n_articles, n_spans


def _serialised(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


for _name in (
    "close spans span themes status statuses span_counts annotators article_ids fingerprint is_stale "
    "add_span delete_span relabel_span resize_span toggle_theme settled set_settled set_status undo redo can_undo can_redo "
    "undo_target undo_history import_records check"
).split():
    setattr(Store, _name, _serialised(getattr(Store, _name)))


def _switch_op(state: _State, op: dict, article_text: str | None) -> dict:
    """An on/off edit of an article (a theme, a review mark): it records the
    text's fingerprint on a first edit, and switching on starts a todo article."""
    if article_text is not None and state.fingerprint is None:
        op["fp"] = [None, fingerprint(article_text)]
    if op["on"] and state.status == Status.TODO.value:
        op["status"] = [Status.TODO.value, Status.IN_PROGRESS.value]
    return op


def _check_label(label: str) -> str:
    if not isinstance(label, str) or not label.strip():
        raise AnnotationError("a label must be a non-empty name")
    if has_surrogate(label):
        raise AnnotationError(f"label {label!r} holds a lone surrogate, which no UTF-8 file can hold")
    return label


def _unwritable(article_id: str, text: str, record: ArticleRecord) -> str:
    """Why a record cannot be stored as UTF-8 (a lone surrogate in its id,
    text or span texts), or ""."""
    if has_surrogate(article_id) or has_surrogate(text) or any(has_surrogate(span.text) for span in record.spans):
        return "holds a lone surrogate (text that no UTF-8 file can hold); refused"
    return ""


def open_for_reading(root: str | Path, annotator: str | None = None) -> Store:
    """A read-only Store on an existing store folder, for commands that only
    read (stats, validate, export). A missing folder is a clear error, not
    an empty store."""
    root = Path(root)
    if not root.exists():
        raise StoreError(f"no annotation store at {root} (choose one with --store or HASHIYA_STORE)")
    if not root.is_dir():
        raise StoreError(f"store {root} is not a folder")
    if annotator is None:
        from ..errors import HashiyaError
        from ..settings import default_annotator

        try:
            annotator = default_annotator()
        except HashiyaError:  # a login name that cannot name a folder: irrelevant to a reader
            annotator = "reader"
    return Store(root, annotator, readonly=True)


# checkpoints and repair need the pieces above; they live in their own modules
from .checkpoint import after_save, due, journal_gen, make_checkpoint  # noqa: E402
from .repair import repair  # noqa: E402
