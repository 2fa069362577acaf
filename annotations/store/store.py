"""The public store: ``Store``, one annotator's view of a store folder
(its own annotations to read and edit, other annotators' to read), and
``open_for_reading`` for commands that only read. The design is in the
package docstring; the parts it stands on are named there."""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path
from typing import Iterable, Iterator


from ..errors import AnnotationError, StoreError
from ..jsontext import has_surrogate
from ..model import (
    ARTICLE,
    ENTITY,
    KINDS,
    ArticleRecord,
    Note,
    Span,
    Status,
    check_span,
    fingerprint,
    new_id,
    now,
)
from ..names import name_problem
from ..packed import PackedSet
from ..settings import safe_annotator
from .files import read_tables
from .annotator import _Annotator
from .packed import PackedSummary
from .span_texts import count as count_text, current_texts
from .state import REPAIR_HINT, _State, _check_label, _no_duplicate, _span_dict, _span_words, _short, _invert
from . import bulk_import, checks, reading
from .bulk_import import ImportSummary
from .checks import StoreProblem


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
        #: (text, fingerprint, holds a lone surrogate) of the last article text edited (``_text_facts``)
        self._facts: tuple[str, str, bool] | None = None
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
        article_id = view.span_article(span_id)
        if article_id is None:
            return None
        data = view.state(article_id).spans.get(span_id)
        return Span.from_dict(data) if data else None

    def span_texts(self, annotator: str | None = None) -> Iterator[str]:
        """The text of every span of `annotator` in every article, at least
        once each (for gathering the annotated words:
        annotations.segment.evidence_for): each distinct text once from
        ``texts.json`` when it is current (``span_texts.py``), else each
        span's, every article file read once and not kept. A writer that
        reads them so keeps their counts (written at its next checkpoint)."""
        with self._lock:
            view = self._view(annotator)
            texts = view.texts if view.writer else current_texts(view)
            if texts is not None:
                known = list(texts)
            else:
                article_ids = [aid for aid, summary in view.summary.items() if summary[0]]
                seq = view.seq
        if texts is not None:
            yield from known
            return
        counts: dict[str, int] | None = {} if view.writer else None
        for article_id in article_ids:
            with self._lock:
                if article_id in view.shards or view.unapplied.get(article_id) or view.flat_too:
                    docs = view.read_state(article_id).spans.values()
                else:
                    # the file as it is (the journal holds nothing newer):
                    # its span documents' texts, with no state built
                    data = read_tables(view.path_of(article_id), REPAIR_HINT) or {}
                    table = data.get("spans") if isinstance(data, dict) else None
                    docs = table.values() if isinstance(table, dict) else ()
            for doc in docs:
                text = doc.get("text") if isinstance(doc, dict) else None
                if isinstance(text, str):
                    if counts is not None:
                        count_text(counts, text, 1)
                    yield text
        with self._lock:
            if counts is not None and view.texts is None and view.seq == seq and not self._closed:
                view.texts = counts  # nothing saved while they were read
                view.texts_unwritten = True

    def themes(self, article_id: str, annotator: str | None = None) -> list[str]:
        return list(self._view(annotator).state(article_id).themes)

    def status(self, article_id: str, annotator: str | None = None) -> Status:
        view = self._view(annotator)
        summary = view.summary.get(article_id)
        if summary is None and view.writer:
            return Status.TODO
        return Status(view.state(article_id).status)

    def statuses(self, annotator: str | None = None) -> dict[str, Status]:
        summary = self._view(annotator).summary
        if type(summary) is PackedSummary:
            column = summary.column(1)
            status = {value: Status(value) for value in set(column.values())}
            return {aid: status[value] for aid, value in column.items()}
        return {aid: Status(row[1]) for aid, row in summary.items() if row[1] != Status.TODO.value}

    def span_counts(self, annotator: str | None = None) -> dict[str, int]:
        summary = self._view(annotator).summary
        if type(summary) is PackedSummary:
            return summary.column(0)
        return {aid: row[0] for aid, row in summary.items() if row[0]}

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
        summary = self._view(annotator).summary
        if type(summary) is PackedSummary:
            return sorted(summary.annotated())
        return sorted(
            aid
            for aid, (n, status, _fp, nthemes) in self._view(annotator).summary.items()
            if n or nthemes or status != Status.TODO.value
        )

    def annotated(self, annotator: str | None = None) -> PackedSet:
        """The ids ``article_ids`` gives, as a ``PackedSet``: for a pass over
        a large store that must not hold a string per article."""
        summary = self._view(annotator).summary
        if isinstance(summary, PackedSummary):  # a reader's: made once
            return summary.annotated()
        todo = Status.TODO.value
        return PackedSet(aid for aid, (n, status, _fp, nthemes) in summary.items() if n or nthemes or status != todo)

    def fingerprint(self, article_id: str, annotator: str | None = None) -> str | None:
        summary = self._view(annotator).summary.get(article_id)
        return summary[2] if summary else None

    def is_stale(self, article_id: str, current_fingerprint: str, annotator: str | None = None) -> bool:
        stored = self.fingerprint(article_id, annotator)
        return stored is not None and stored != current_fingerprint

    def notes(self, article_id: str, annotator: str | None = None) -> dict[str, Note]:
        """The article's note (key ``ARTICLE``) and its spans' notes, by span id."""
        return self._view(annotator).state(article_id).live_notes()

    def flagged_articles(self, annotator: str | None = None) -> set[str]:
        """Articles flagged for review, or holding a flagged span (from the index)."""
        return set(self._view(annotator).flagged)

    # -- edits ---------------------------------------------------------------
    def set_note(
        self,
        article_id: str,
        target: str = ARTICLE,
        *,
        note: str | None = None,
        flagged: bool | None = None,
        article_text: str | None = None,
    ) -> Note:
        """Set the note and/or the review flag of the article (``target``
        ``ARTICLE``) or of one of its spans (its id); None keeps that part.
        Journaled and undoable like any edit."""
        own = self._writer()
        state = own.state(article_id)
        if target != ARTICLE and target not in state.spans:
            raise AnnotationError(f"article {article_id} has no span with id {target!r}")
        old = state.live_notes().get(target) or Note()
        new = Note.checked(old.note if note is None else note, old.flagged if flagged is None else flagged)
        if has_surrogate(new.note):
            raise AnnotationError("the note holds a lone surrogate, which no UTF-8 file can hold")
        if new == old:
            return new
        op: dict = {"kind": "note", "target": target, "before": old.to_dict(), "after": new.to_dict()}
        if article_text is not None and state.fingerprint is None:
            op["fp"] = [None, fingerprint(article_text)]
        if new and state.status == Status.TODO.value:
            op["status"] = [Status.TODO.value, Status.IN_PROGRESS.value]
        what = "article" if target == ARTICLE else _span_words(state.spans[target])
        if new.note == old.note:
            desc = f"{'flag' if new.flagged else 'unflag'} {what}"
        else:
            desc = f"note on {what}" if new.note else f"note removed from {what}"
        own.commit(article_id, op, "do", desc)
        return new

    def _text_facts(self, article_text: str) -> tuple[str, bool]:
        """The text's fingerprint and whether it holds a lone surrogate,
        worked out once for the same text object: an app passes the one
        text it shows with every edit key, and at 100,000 characters the
        two took 0.5 ms a key. (A str never changes: the same object is
        the same text.)"""
        facts = self._facts
        if facts is None or facts[0] is not article_text:
            facts = self._facts = (article_text, fingerprint(article_text), has_surrogate(article_text))
        return facts[1], facts[2]

    def _check_fresh(self, state: _State, article_text: str, what: str) -> str:
        fp = self._text_facts(article_text)[0]
        if state.fingerprint is not None and state.fingerprint != fp and state.spans:
            raise AnnotationError(
                f"article {state.article_id} has changed since it was annotated: its "
                f"{len(state.spans)} span(s) refer to the old text and are kept as they are; "
                f"cannot {what} until they are deleted"
            )
        return fp

    def add_span(self, article_id: str, article_text: str, start: int, end: int, label: str, kind: str,
                 *, later: bool = False) -> Span:
        """A new span, saved before this returns: its journal line is
        written and synced to disk. With ``later`` the line is written (a
        crash or kill of the program loses nothing from then on) and its
        sync and the article file are left for ``write_held`` (or the next
        call that needs them) -- an app draws the span first, then makes it
        durable and writes the file, milliseconds later."""
        own = self._writer()
        label = _check_label(label)
        if has_surrogate(article_id) or self._text_facts(article_text)[1]:
            raise AnnotationError(
                f"article {article_id!r} holds a lone surrogate (text no UTF-8 file can hold): it cannot be annotated"
            )
        state = own.state(article_id)
        fp = self._check_fresh(state, article_text, "add spans")
        check_span(article_text, start, end, kind, state.span_objects())
        _no_duplicate(state, start, end, kind, label)
        span = Span(article_id, start, end, label, kind, article_text[start:end], self.annotator)
        # a fresh uuid4: only the ids known without reading the store are
        # looked at (span_article's ``fresh``)
        while own.span_article(span.id, fresh=True) is not None:
            span = Span(article_id, start, end, label, kind, span.text, self.annotator, id=new_id())
        op: dict = {"kind": "add", "span": _span_dict(span)}
        if state.fingerprint != fp:
            op["fp"] = [state.fingerprint, fp]
        if state.status == Status.TODO.value:
            op["status"] = [Status.TODO.value, Status.IN_PROGRESS.value]
        own.commit(article_id, op, "do", f"add {label} “{_short(span.text)}”", later=later)
        return span

    def write_held(self) -> None:
        """Sync the journal lines of saves made ``later`` and write their
        article files (a StoreError where one cannot be written: it stays
        in the journal and held for the next call; nothing is lost)."""
        if self._own.held and not self._closed:
            self._own.write_held()

    def _own_span(self, span_id: str) -> tuple[_Annotator, _State, Span]:
        own = self._writer()
        article_id = own.span_article(span_id)
        state = own.state(article_id) if article_id is not None else None
        if state is None or span_id not in state.spans:
            raise AnnotationError(f"no span with id {span_id!r} for annotator {self.annotator}")
        return own, state, Span.from_dict(state.spans[span_id])

    def delete_span(self, span_id: str, *, later: bool = False) -> Span:
        """Delete a span (``later``: as :meth:`add_span`'s)."""
        own, state, span = self._own_span(span_id)
        own.commit(span.article_id, {"kind": "delete", "span": _span_dict(span)}, "do",
                   f"delete {span.label} “{_short(span.text)}”", later=later)
        return span

    def relabel_span(self, span_id: str, label: str, kind: str | None = None, *, later: bool = False) -> Span:
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
        own.commit(span.article_id, {"kind": "update", "before": _span_dict(span), "after": _span_dict(new)}, "do",
                   f"relabel {what} “{_short(span.text)}”", later=later)
        return new

    def resize_span(self, span_id: str, start: int, end: int, article_text: str, *, later: bool = False) -> Span:
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
            later=later,
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

    def undo(self, *, later: bool = False) -> str | None:
        """Undo the last edit (``later``: its sync and file as :meth:`add_span`'s)."""
        own = self._writer()
        if not own.undo_stack:
            return None
        item = own.undo_stack[-1]
        own.commit(item["a"], _invert(item["op"]), "undo", item["d"], later=later)
        return item["d"]

    def redo(self, *, later: bool = False) -> str | None:
        own = self._writer()
        if not own.redo_stack:
            return None
        item = own.redo_stack[-1]
        own.commit(item["a"], item["op"], "redo", item["d"], later=later)
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

    def undo_marks(self) -> tuple[int | None, int | None]:
        """The journal numbers of the edits on top of the undo and the redo
        stacks (None where a stack is empty): what an edit kept outside the
        store (a rejected suggestion) compares to find its place among the
        store's own."""
        own = self._own
        return (own.undo_stack[-1].get("seq") if own.undo_stack else None,
                own.redo_stack[-1].get("seq") if own.redo_stack else None)

    def undo_history(self) -> tuple[list[str], list[str]]:
        """Descriptions on the undo and redo stacks, oldest first."""
        return [item["d"] for item in self._own.undo_stack], [item["d"] for item in self._own.redo_stack]

    # -- whole-store passes (their own modules) -------------------------------
    def records(
        self,
        corpus,
        annotators: list[str] | None = None,
        statuses: list[Status] | None = None,
    ) -> Iterator[ArticleRecord]:
        """Every annotated article of `annotators` (default: all) in corpus
        order, each article file read once and not kept (``reading.py``)."""
        return reading.records(self, corpus, annotators, statuses)

    def import_records(
        self,
        records: Iterable[ArticleRecord],
        *,
        dry_run: bool = False,
        replace: bool = True,
    ) -> ImportSummary:
        """Bring records into this annotator's store (``bulk_import.py``)."""
        return bulk_import.import_records(self, records, dry_run=dry_run, replace=replace)

    def check(self, corpus, annotators: list[str] | None = None) -> tuple[list[StoreProblem], int, int]:
        """Re-check every stored span against its article text
        (``checks.py``). Returns (problems, articles checked, spans checked)."""
        return checks.check(self, corpus, annotators)



def _serialised(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


for _name in (
    "close spans span themes status statuses span_counts annotators article_ids annotated fingerprint is_stale "
    "notes flagged_articles set_note add_span write_held delete_span relabel_span resize_span toggle_theme settled set_settled set_status undo redo can_undo can_redo "
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
