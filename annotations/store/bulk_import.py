"""Bulk import: bringing many records into one annotator's store at once
(``hashiya import``), a batch at a time, so that memory does not grow with
the import.

``Importer`` takes records in batches (``add``; or one record at a time,
``plan``, and then ``write`` for the batch, so that a caller can act on
each record as soon as it passed, as ``hashiya import`` hands on its text
to be written): each record is checked
(spans inside the text and matching it, entities not overlapping, labels,
status, text a UTF-8 file can hold; with ``replace=False`` against what is
stored); a record with a problem is refused, named by its id, and the rest
of the batch is written by ``_Annotator.bulk_replace`` (its journal lines
first, one fdatasync, then the article files, behind: on a thread, or by a
helper process, ``annotations/behind.py``). Spans that an import's reader
checked (``build_record``, ``model.mark_checked``) are not checked against
each other again. A checkpoint follows every
:data:`CHECKPOINT_EVERY` articles written, and ``finish`` makes one at the
end: what a checkpoint holds on to (the files to sync, the journal's
articles to check before it is cut, the summary rows not packed yet) stays
as large as that, however long the import. What it keeps across batches is
the article ids seen, packed (an article twice is refused; a caller that
refuses repeats itself, as ``hashiya import`` does, says ``unique_ids`` and
none are kept here); span ids already
given out by earlier batches are the store's (``_Annotator.span_article``).

A batch written is in the journal: a kill after it loses none of it, and
the batches after it are not there (an import cut off is partial, batch by
batch, never an article half written).

``import_records`` is the all-or-nothing form: every record is checked
before anything is written."""

from __future__ import annotations

import functools
import gc
import operator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from math import isfinite
from typing import Iterable, Iterator

from ..errors import AnnotationError
from ..jsontext import has_surrogate
from ..packed import SeenStrings
from ..model import ARTICLE, ENTITY, ArticleRecord, Span, SpanChecks, Status, fingerprint, new_id, now, spans_checked
from .bulk_write import BULK_THRESHOLD
from .checkpoint import due
from .state import SPAN_KEY, _State, _check_label, _notes_by_key, _short, _span_dict, span_fields

_LABEL = operator.attrgetter("label")

#: articles written by one journal append and its file writes
BATCH = 500

#: articles written between two checkpoints of an import
CHECKPOINT_EVERY = 10_000


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


@contextmanager
def _no_cyclic_gc():
    """A batch makes many small objects and no cycles; with the store's
    index around, the cyclic GC would scan it again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def batches(records: Iterable, size: int = BATCH) -> Iterator[list]:
    """``records`` in lists of at most ``size``."""
    it = iter(records)
    while batch := list(islice(it, size)):
        yield batch


class Importer:
    """One import into ``store``'s own annotator, fed a batch at a time.

    ``add(batch)`` checks each record; the refused ones are in
    ``summary.refused`` (and ``add`` returns their ids), the others are
    written at once (unless ``dry_run``), so that ``written`` counts the
    articles safe in the store. ``dry_run`` also works on a read-only store:
    it writes nothing and creates nothing. ``finish()`` ends a writing
    import with a checkpoint."""

    def __init__(self, store, *, replace: bool = True, dry_run: bool = False, drawn_ids: bool = False,
                 unique_ids: bool = False) -> None:
        self.store = store
        self.replace = replace
        self.dry_run = dry_run
        #: the records' span ids were drawn at random as they were read (a
        #: format that carries none): that one equals a stored id elsewhere
        #: is as unlikely as two random ids being equal, so only the ids
        #: known without reading the whole store are looked at
        #: (``_Annotator.span_article(fresh=True)``)
        self.drawn_ids = drawn_ids
        self.summary = ImportSummary()
        #: the article ids met, packed; None when the caller gives each
        #: record of an id once (``unique_ids``: it refuses repeats itself)
        self.seen = None if unique_ids else SeenStrings()
        self.written = 0
        self.unchecked = 0  # written since the last checkpoint
        self._planned: list[_State] = []  # planned, not written yet
        self._used_ids: set[str] = set()  # span ids given out to those
        self._current = None  # the annotator planned against, in this batch
        self._labels: set[str] = set()  # span labels that passed _check_label

    def _own(self):
        store = self.store
        return store._view(None) if self.dry_run and store.readonly else store._writer()

    def add(self, records: Iterable[ArticleRecord], *, before_write=None) -> set[str]:
        """Check one batch and write what passes; the ids refused.
        ``before_write(article_ids)`` is called with the ids about to be
        written (the records that passed, changed or not), before any of
        them is."""
        with self.store._lock, _no_cyclic_gc():
            refused_before = set(self.summary.refused)
            passed = [str(record.id) for record in records if self.plan(record)]
            if before_write is not None and passed:
                before_write(passed)
            self.write()
            return set(self.summary.refused) - refused_before

    def plan(self, record: ArticleRecord) -> bool:
        """Check one record and keep what it makes for the next ``write``;
        whether it passed (refused: its problems are in
        ``summary.refused``). A caller may act on a record that passed (an
        import writes its text) before ``write`` puts it in the store."""
        with self.store._lock:
            if self._current is None:  # once a batch: a reader's refreshes the view
                self._current = self._own()
            state = self._plan(self._current, record, self._used_ids)
            if state is not None:
                self._planned.append(state)
            return str(record.id) not in self.summary.refused

    def write(self, *, behind=True) -> None:
        """Write the records planned since the last ``write`` (unless
        ``dry_run``): their journal lines now, their files behind
        (``behind``: True for a thread, or a ``behind.Behind``)."""
        planned, self._planned = self._planned, []
        self._used_ids = set()
        self._current = None
        if not planned or self.dry_run:
            return
        with self.store._lock:
            own = self._own()
            # its files written behind while the next batch is read and checked
            own.bulk_replace(planned, checkpoint=False, behind=behind)
            self.written += len(planned)
            self.unchecked += len(planned)
            if self.unchecked >= CHECKPOINT_EVERY:
                own.write_snapshot()
                self.unchecked = 0

    def finish(self) -> ImportSummary:
        """A checkpoint after a large import (or when the journal is due)."""
        if self.unchecked and not self.dry_run:
            with self.store._lock:
                own = self._own()
                if self.written > BULK_THRESHOLD or due(own):
                    own.write_snapshot()
                    self.unchecked = 0
        return self.summary

    def _plan(self, own, record: ArticleRecord, used_ids: set[str]) -> _State | None:
        """The article ``record`` makes (None when refused or unchanged)."""
        summary = self.summary
        replace = self.replace
        article_id = str(record.id)
        text = record.text
        problems_before = len(summary.problems)
        refuse = functools.partial(summary.refuse, article_id)
        if self.seen is not None and self.seen.add(article_id) is not None:
            refuse(f"article {article_id}: appears twice in the import")
            return None
        try:
            status = Status(record.status).value
        except ValueError:
            refuse(f"article {article_id}: unknown status {record.status!r}")
            return None
        checked = spans_checked(record)
        unwritable = _unwritable(article_id, text, record, checked)
        if unwritable:
            refuse(f"article {article_id!r}: {unwritable}")
            return None
        fp = fingerprint(text)
        incoming: list[Span] = []
        # spans the reader checked already (and that nobody changed since)
        # are not checked against each other again
        checks = None if checked else SpanChecks(text)
        labels: set[str] = set()  # the labels checked already
        spans_in = record.spans
        if checks is None and set(map(_LABEL, spans_in)) <= self._labels:
            # the reader's spans (each covering its text), of labels seen
            # good: nothing left to check
            incoming = list(spans_in)
            spans_in = ()
        for span in spans_in:
            start, end, kind = span.start, span.end, span.kind
            try:
                if span.label not in labels:
                    labels.add(_check_label(span.label))
                    self._labels.add(span.label)
                if checks is not None:
                    checks.check(start, end, kind, incoming)
            except AnnotationError as exc:
                refuse(f"article {article_id} span {span.label} [{start}, {end}): {exc}")
                continue
            if text[start:end] != span.text:
                refuse(
                    f"article {article_id} span {span.label} [{start}, {end}): stored text “{_short(span.text)}” "
                    f"does not match the article text “{_short(text[start:end])}”"
                )
                continue
            incoming.append(span)
            if checks is not None:
                checks.add(start, end, kind)
        if len(summary.problems) > problems_before:
            return None
        # an article file not opened yet is read once, with no TinyDB object kept
        current = own.read_state(article_id)
        existing = current.span_objects()
        if replace:
            keep: list[Span] = []
            themes = set(record.themes)
        else:
            if existing and current.fingerprint not in (None, fp):
                refuse(
                    f"article {article_id}: the stored spans were made on a different text; import with replace"
                )
                return None
            keep = existing
            themes = set(current.themes) | set(record.themes)
            status = status if status != Status.TODO.value else current.status
        have = {SPAN_KEY(s) for s in keep}
        spans: dict[str, dict] = {s.id: _span_dict(s) for s in keep}
        notes = {} if replace else {t: n.to_dict() for t, n in current.live_notes().items()}
        bad = False
        annotator = self.store.annotator
        span_article = own.span_article
        fresh = self.drawn_ids
        dry_run = self.dry_run
        span_notes = record.notes
        for span in incoming:
            start, end, kind, label = span.start, span.end, span.kind, span.label
            key = (start, end, kind, label)  # SPAN_KEY
            if key in have:
                continue
            if not replace and kind == ENTITY:
                clash = next((o for o in keep if o.kind == ENTITY and o.overlaps(span.start, span.end)), None)
                if clash is not None:
                    refuse(
                        f"article {article_id} span {span.label} [{span.start}, {span.end}): overlaps the stored "
                        f"{clash.label} “{_short(clash.text)}” at [{clash.start}, {clash.end})"
                    )
                    bad = True
                    continue
            have.add(key)
            sid = span.id
            if sid in spans or sid in used_ids or span_article(sid, fresh=fresh) not in (None, article_id):
                sid = new_id()
            if not dry_run:
                used_ids.add(sid)
            created, updated = span.created, span.updated
            if not (isfinite(created) and isfinite(updated)):
                # written as JSON by orjson, which has no NaN or Infinity
                created = updated = now()
            spans[sid] = span_fields(article_id, start, end, label, kind, span.text, annotator, sid, created, updated)
            if span_notes and span_notes.get(span.id):
                notes[sid] = span_notes[span.id].to_dict()
        if record.notes.get(ARTICLE):
            notes[ARTICLE] = record.notes[ARTICLE].to_dict()
        if any(has_surrogate(n["note"]) for n in notes.values()):
            refuse(f"article {article_id!r}: a note holds a lone surrogate (text that no UTF-8 file can hold); refused")
            bad = True
        if bad:
            return None
        for label in themes:
            try:
                _check_label(label)
            except AnnotationError as exc:
                refuse(f"article {article_id}: theme: {exc}")
                bad = True
        if bad:
            return None
        after = _State(article_id, fp, status, tuple(sorted(themes)), spans, notes=notes)
        before_keys = {SPAN_KEY(s) for s in existing}
        after_keys = {(d["start"], d["end"], d["kind"], d["label"]) for d in spans.values()}
        unchanged = (
            before_keys == after_keys
            and set(current.themes) == themes
            and current.status == status
            and (current.fingerprint == fp or not (spans or themes))
            and _notes_by_key(current) == _notes_by_key(after)
        )
        if unchanged:
            return None
        summary.articles += 1
        summary.spans_added += len(after_keys - before_keys)
        summary.spans_removed += len(before_keys - after_keys)
        summary.themes += len(themes - set(current.themes))
        return after


def import_records(
    store,
    records: Iterable[ArticleRecord],
    *,
    dry_run: bool = False,
    replace: bool = True,
) -> ImportSummary:
    """Bring records into this annotator's store, all or nothing. Every
    span is checked first (inside the text, text matches, entities do not
    overlap); if any problem is found, nothing is written and ``problems``
    says what (article id, span offsets, reason). ``replace=True`` makes
    each article exactly the record; ``replace=False`` adds the record's
    spans and themes to what is stored (a record status other than todo
    wins). Not undoable: an import clears the undo history. ``dry_run``
    also works on a read-only store: it writes nothing and creates nothing.

    The records are gone through twice (checked, then written), a batch at
    a time: a list is not copied; any other iterable is made a list first.
    An import that need not be all or nothing, and one of a stream too
    large to hold, goes through ``Importer``."""
    if not isinstance(records, (list, tuple)):
        records = list(records)
    check = Importer(store, replace=replace, dry_run=True)
    for batch in batches(records):
        check.add(batch)
    if dry_run or check.summary.problems:
        return check.summary
    write = Importer(store, replace=replace)
    for batch in batches(records):
        write.add(batch)
    return write.finish()


def _unwritable(article_id: str, text: str, record: ArticleRecord, checked: bool = False) -> str:
    """Why a record cannot be stored as UTF-8 (a lone surrogate in its id,
    text or span texts), or "". ``checked``: the reader's record, whose
    text it checked, its spans slices of that text (``spans_checked``)."""
    # one search over the span texts joined: two lone halves side by side
    # stay two code points, each still found
    if has_surrogate(article_id) or (not checked and (
        has_surrogate(text) or has_surrogate("".join([span.text for span in record.spans]))
    )):
        return "holds a lone surrogate (text that no UTF-8 file can hold); refused"
    return ""
