"""The per-article summary of a read-only view, packed.

A writer keeps ``index.json``'s articles as a dict of lists (``[count,
status, fingerprint, theme count]`` per article): it changes them on every
save. A read-only view (an export, stats, another annotator seen from the
app) only looks them up, and a dict of lists is ~260 bytes an article: 26
MB at 100,000 articles, the most of what a read of the store held. Here
the same is read from the index's bytes into one block per field
(``PackedSummary``, ~50 bytes an article) and behaves as the dict: what
the journal changes after the index (a reader replays it) goes to a plain
dict beside the blocks.

Only an index exactly as the store writes it (format 2, compact, no escape
in the articles) is read so; anything else answers None, and the index is
read as before (``index.read_index``), with the same checks.

A writer's summary is packed the same way once it is large (``fold``, at a
checkpoint: the blocks and what changed since, merged in id order), and
``index_entries`` gives the index's articles from it a few thousand at a
time: a writer that imports 100,000 articles holds ~50 bytes for each of
them and a dict only of those saved since its last checkpoint.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import MutableMapping
from itertools import chain, islice
from typing import Iterable, Iterator

import orjson

from ..errors import StoreError
from ..model import Status
from ..packed import PackedSet, PackedStrings
from .files import dump_json, load_json_bytes, read_nofollow
from .index import FORMAT

_HEAD = re.compile(rb'\{"annotator":"[^"\\]*","articles":\{')
# "id":[count,"status",fingerprint or null,theme count], and a comma unless last
_ENTRY = re.compile(rb'"([^"\\]*)":\[(0|[1-9]\d{0,8}),"([^"\\]*)",(?:null|"([^"\\]+)"),(0|[1-9]\d{0,8})\](,?)')
TODO = Status.TODO.value
_GONE = None  # a key the journal dropped (only a rebuild does: ``clear``)


class PackedSummary(MutableMapping):
    """article id -> ``[count, status, fingerprint, theme count]``, as the
    dict a writer holds; see the module docstring."""

    def __init__(self, ids: PackedStrings, counts: array, statuses: bytes, names: list[str], fingerprints: "_Fingerprints", themes: array) -> None:
        self._ids = ids
        self._counts = counts
        self._statuses = statuses
        self._names = names
        self._fingerprints = fingerprints
        self._themes = themes
        self._changed: dict[str, list | None] = {}
        self._annotated: PackedSet | None = None
        #: made by ``fold``: the ids in order, each once
        self._in_order = False

    def annotated(self) -> PackedSet:
        """The ids of the articles with anything stored (a span, a theme, a
        status other than todo), made once until the summary changes."""
        if self._annotated is None:
            todo = self._names.index(TODO) if TODO in self._names else -1
            if self._changed:
                rows = self.items()
                self._annotated = PackedSet(aid for aid, (n, status, _fp, nthemes) in rows if n or nthemes or status != TODO)
            elif all(map(any, zip(self._counts, self._themes, (status != todo for status in self._statuses)))):
                self._annotated = PackedSet.of(self._ids)  # (every article: the usual case)
            else:
                self._annotated = PackedSet(
                    aid
                    for aid, n, status, nthemes in zip(self._ids, self._counts, self._statuses, self._themes)
                    if n or nthemes or status != todo
                )
        return self._annotated

    def _row(self, position: int) -> list:
        return [
            self._counts[position],
            self._names[self._statuses[position]],
            self._fingerprints[position] or None,
            self._themes[position],
        ]

    def __getitem__(self, article_id: str) -> list:
        changed = self._changed.get(article_id, self)
        if changed is not self:
            if changed is _GONE:
                raise KeyError(article_id)
            return changed
        position = self._ids.find(article_id)
        if position < 0:
            raise KeyError(article_id)
        return self._row(position)

    def get(self, article_id, default=None):
        if self._changed:
            changed = self._changed.get(article_id, self)
            if changed is not self:
                return default if changed is _GONE else changed
        position = self._ids.find(article_id)
        return default if position < 0 else self._row(position)

    def __contains__(self, article_id: object) -> bool:
        return self.get(article_id) is not None

    def __setitem__(self, article_id: str, row: list) -> None:
        self._changed[article_id] = row
        self._annotated = None

    def __delitem__(self, article_id: str) -> None:
        if article_id not in self:
            raise KeyError(article_id)
        self._changed[article_id] = _GONE
        self._annotated = None

    def clear(self) -> None:
        self._ids, self._fingerprints = PackedStrings(), _Fingerprints(b"", array("Q"))
        self._counts, self._themes, self._statuses = array("I"), array("I"), b""
        self._changed.clear()
        self._annotated = None

    def column(self, field: int) -> dict:
        """article id -> field `field` of its row (0 count, 1 status, 3
        theme count) where that is not 0 or "todo": what ``Store.span_counts``
        and ``Store.statuses`` give, without a row made for each article."""
        if self._changed:
            return {aid: row[field] for aid, row in self.items() if (row[1] != TODO if field == 1 else row[field])}
        if field == 1:
            todo = self._names.index(TODO) if TODO in self._names else -1
            names = self._names
            return {aid: names[status] for aid, status in zip(self._ids, self._statuses) if status != todo}
        values = self._counts if field == 0 else self._themes
        return {aid: n for aid, n in zip(self._ids, values) if n}

    def items(self) -> Iterator[tuple[str, list]]:  # type: ignore[override]
        """In the index's order (sorted), then what the journal added."""
        changed = self._changed
        names = self._names
        for article_id, count, status, fp, themes in zip(
            self._ids, self._counts, self._statuses, self._fingerprints, self._themes
        ):
            if changed:
                row = changed.get(article_id, self)
                if row is not self:
                    if row is not _GONE:
                        yield article_id, row
                    continue
            yield article_id, [count, names[status], fp or None, themes]
        for article_id, row in changed.items():
            if row is not _GONE and self._ids.find(article_id) < 0:
                yield article_id, row

    def __iter__(self) -> Iterator[str]:
        return (article_id for article_id, _ in self.items())

    def values(self) -> Iterator[list]:  # type: ignore[override]
        return (row for _, row in self.items())

    def changed(self) -> int:
        """How many rows changed since the blocks were made."""
        return len(self._changed)

    def __len__(self) -> int:
        changed = self._changed
        if not changed:
            return len(self._ids)
        known = self._ids.find
        return len(self._ids) + sum(
            (row is not _GONE) - (known(article_id) >= 0) for article_id, row in changed.items()
        )

    def __repr__(self) -> str:
        return f"PackedSummary({len(self)} articles)"


def read_packed(index_path) -> tuple[dict, PackedSummary] | None:
    """``index.json`` for a reader: (the index parsed without its articles,
    which ``index.read_index`` checks as it checks any, and the articles as
    a ``PackedSummary``); None when it is not as this store writes it (the
    caller then reads it as before)."""
    try:
        raw = read_nofollow(index_path)
    except StoreError:
        return None
    if raw is None:
        return None
    head = _HEAD.match(raw)
    if head is None:
        return None
    articles = _scan(raw, head.end())
    if articles is None:
        return None
    summary, end = articles
    try:
        snap = load_json_bytes(raw[:head.end()] + raw[end:], index_path, "index")
    except StoreError:
        return None
    if not isinstance(snap, dict) or snap.get("format") != FORMAT or snap.get("articles") != {}:
        return None
    return snap, summary


#: a writer's summary is packed at a checkpoint when this many of its rows
#: are held as plain lists (a dict of lists, or what changed since packing)
FOLD_AT = 4096

#: index entries dumped at a time
_ENTRIES = 2048


def fold(summary) -> "PackedSummary":
    """``summary`` (a dict of rows, or a ``PackedSummary`` with what
    changed since) as one ``PackedSummary`` in id order, with nothing
    changed: made from one row at a time (no list of the rows)."""
    if type(summary) is PackedSummary and summary._in_order:
        packed = _appended(summary)
        if packed is not None:
            return packed
    packed = pack_rows(_in_order(summary))
    packed._in_order = True
    return packed


def _appended(summary: "PackedSummary") -> "PackedSummary | None":
    """``fold(summary)`` when what changed since it was folded is only
    articles added after its last id (an import of ids in order): its
    blocks with the new rows after them, its ids not hashed again. None
    otherwise."""
    ids = summary._ids
    added = sorted(summary._changed.items())
    if any(row is _GONE for _, row in added) or (len(ids) and added and added[0][0] <= ids[len(ids) - 1]):
        return None
    packed_ids = ids.extended([article_id for article_id, _ in added])
    if packed_ids is None:
        return None
    columns = _Columns(summary)
    for _, row in added:
        columns.add(row)
    packed = columns.summary(packed_ids)
    packed._in_order = True
    return packed


def _in_order(summary) -> Iterator[tuple[str, list]]:
    if type(summary) is not PackedSummary:
        yield from sorted(summary.items())
        return
    if not summary._in_order and not all(map(str.__lt__, summary._ids, islice(summary._ids, 1, None))):
        yield from sorted(summary.items())  # blocks not in id order (an index not written here)
        return
    changed = summary._changed
    added = sorted((aid, row) for aid, row in changed.items() if row is not _GONE and summary._ids.find(aid) < 0)
    names = summary._names
    pending = iter(added)
    new = next(pending, None)
    for article_id, count, status, fp, themes in zip(
        summary._ids, summary._counts, summary._statuses, summary._fingerprints, summary._themes
    ):
        while new is not None and new[0] < article_id:
            yield new
            new = next(pending, None)
        row = changed.get(article_id, summary) if changed else summary
        if row is summary:
            yield article_id, [count, names[status], fp or None, themes]
        elif row is not _GONE:
            yield article_id, row
    while new is not None:
        yield new
        new = next(pending, None)


def pack_rows(rows: Iterable[tuple[str, list]]) -> "PackedSummary":
    """A ``PackedSummary`` of ``(article id, row)`` pairs, in their order."""
    columns = _Columns()

    def keys() -> Iterator[str]:
        for article_id, row in rows:
            columns.add(row)
            yield article_id

    return columns.summary(PackedStrings(keys()))


class _Columns:
    """A ``PackedSummary``'s columns being made a row at a time, empty or
    continuing those of `summary`."""

    def __init__(self, summary: "PackedSummary | None" = None) -> None:
        if summary is None:
            self.counts, self.themes = array("I"), array("I")
            self.statuses, self.names = bytearray(), []
            self.fingerprints, self.fp_ends = bytearray(), array("Q")
        else:
            self.counts, self.themes = array("I", summary._counts), array("I", summary._themes)
            self.statuses, self.names = bytearray(summary._statuses), list(summary._names)
            self.fingerprints = bytearray(summary._fingerprints._blob)
            self.fp_ends = array("Q", summary._fingerprints._ends)
        self.name_of = {name: index for index, name in enumerate(self.names)}

    def add(self, row: list) -> None:
        count, status, fp, nthemes = row
        self.counts.append(count)
        index = self.name_of.get(status)
        if index is None:
            index = self.name_of[status] = len(self.names)
            self.names.append(status)
        self.statuses.append(index)
        if fp:
            self.fingerprints.extend(fp.encode())
        self.fp_ends.append(len(self.fingerprints))
        self.themes.append(nthemes)

    def summary(self, ids: PackedStrings) -> "PackedSummary":
        return PackedSummary(ids, self.counts, bytes(self.statuses), self.names,
                             _Fingerprints(bytes(self.fingerprints), self.fp_ends), self.themes)


def index_entries(summary) -> Iterator[bytes]:
    """The members of the index's ``articles`` object, exactly as
    ``dump_json`` writes the whole (sorted keys, no spaces), in pieces of a
    few thousand entries."""
    rows = _in_order(summary)
    first = True
    while chunk := list(islice(rows, _ENTRIES)):
        piece = _dump_rows(dict(chunk))[1:-1]
        yield piece if first else b"," + piece
        first = False


def _dump_rows(rows: dict) -> bytes:
    """``dump_json(rows)``, by orjson (ten times faster, the same bytes for
    text, whole numbers and null: every index entry is written at every
    checkpoint); what orjson refuses (a lone surrogate, an integer beyond
    64 bits) by ``dump_json``."""
    try:
        return orjson.dumps(rows, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError
        return dump_json(rows)


class _NotAsWritten(Exception):
    pass


def _scan(raw: bytes, position: int) -> tuple[PackedSummary, int] | None:
    """The articles object from `position` (just past its ``{``): the
    summary and where the object's ``}`` is; None if an entry is not as
    the store writes it."""
    fingerprints = bytearray()
    fp_ends = array("Q")
    counts, themes = array("I"), array("I")
    statuses = bytearray()
    names: list[str] = []
    name_of: dict[bytes, int] = {}
    end = [position]

    def keys() -> Iterator[str]:
        # one entry at a time: no list of an object per article
        at = position
        match = _ENTRY.match
        more = raw[at:at + 1] != b"}"
        while more:
            entry = match(raw, at)
            if entry is None:
                raise _NotAsWritten
            key, count, status, fp, nthemes, comma = entry.groups()
            counts.append(int(count))
            index = name_of.get(status)
            if index is None:
                index = name_of[status] = len(names)
                names.append(status.decode())
            statuses.append(index)
            if fp is not None:
                fingerprints.extend(fp)
            fp_ends.append(len(fingerprints))
            themes.append(int(nthemes))
            at = entry.end()
            more = bool(comma)
            if more == (raw[at:at + 1] == b"}"):
                raise _NotAsWritten  # a comma before the end, or none between two entries
            yield key.decode()
        end[0] = at

    try:
        ids = PackedStrings(keys())
        fingerprints.decode()  # UTF-8, or not as written
    except (_NotAsWritten, UnicodeDecodeError, ValueError, OverflowError):  # (over 255 statuses)
        return None
    if ids.distinct != len(ids):
        return None  # a key twice: only a full read says which counts
    return PackedSummary(ids, counts, bytes(statuses), names, _Fingerprints(bytes(fingerprints), fp_ends), themes), end[0]


class _Fingerprints:
    """Fingerprints in one block of bytes ("" for none), by position."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, blob: bytes, ends: array) -> None:
        self._blob, self._ends = blob, array("I", ends) if not ends or ends[-1] < 1 << 32 else ends

    def __getitem__(self, position: int) -> str:
        ends = self._ends
        return self._blob[ends[position - 1] if position else 0:ends[position]].decode()

    def __iter__(self) -> Iterator[str]:
        ends = self._ends
        return map(bytes.decode, map(self._blob.__getitem__, map(slice, chain((0,), ends), ends)))

    def __len__(self) -> int:
        return len(self._ends)
