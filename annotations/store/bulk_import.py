"""Bulk import: bringing many records into one annotator's store at once
(``hashiya import``). Every record is checked before anything is
written; the articles are then written by ``_Annotator.bulk_replace``
(journal first, one fdatasync, then the files, then one checkpoint)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Iterable

from ..errors import AnnotationError
from ..jsontext import has_surrogate
from ..model import ARTICLE, ENTITY, ArticleRecord, Span, Status, check_span, fingerprint, new_id
from .state import SPAN_KEY, _State, _check_label, _notes_by_key, _short, _span_dict


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




def import_records(
    store,
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
    own = store._view(None) if dry_run and store.readonly else store._writer()
    summary = ImportSummary()
    planned: dict[str, _State] = {}
    used_ids: set[str] = set()  # span ids given out by this import
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
        notes = {} if replace else {t: n.to_dict() for t, n in current.live_notes().items()}
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
            if sid in spans or sid in used_ids or own.span_article(sid) not in (None, article_id):
                sid = new_id()
            used_ids.add(sid)
            data = _span_dict(span)
            data.update(id=sid, annotator=store.annotator, article_id=article_id)
            spans[sid] = data
            if record.notes.get(span.id):
                notes[sid] = record.notes[span.id].to_dict()
        if record.notes.get(ARTICLE):
            notes[ARTICLE] = record.notes[ARTICLE].to_dict()
        if any(has_surrogate(n["note"]) for n in notes.values()):
            refuse(f"article {article_id!r}: a note holds a lone surrogate (text that no UTF-8 file can hold); refused")
            bad = True
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


def _unwritable(article_id: str, text: str, record: ArticleRecord) -> str:
    """Why a record cannot be stored as UTF-8 (a lone surrogate in its id,
    text or span texts), or ""."""
    if has_surrogate(article_id) or has_surrogate(text) or any(has_surrogate(span.text) for span in record.spans):
        return "holds a lone surrogate (text that no UTF-8 file can hold); refused"
    return ""
