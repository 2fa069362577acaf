"""``index.json``: one annotator's index -- per article the span count,
status, fingerprint and theme count, the undo and redo history and the
flagged articles -- as of a byte offset in the journal (a checkpoint,
``checkpoint.py``). Derived data: a missing, damaged or out-of-date index is
rebuilt from the article files, which are the truth.

Format 2 keeps no span ids (``span_ids.py`` says where they are). An index
of format 1 (each article's entry ending with its sorted span ids) is read
as it is, its ids handed to a writer as ``snap["span_ids"]``, which rewrites it
as format 2 on opening, with the ids in ``ids.json``."""

from __future__ import annotations

import os
from itertools import chain
from pathlib import Path

from ..errors import StoreCorruptError, StoreError
from .files import atomic_write, dump_json, load_json_file

FORMAT = 2
OLD_FORMATS = (1,)  # read, and rewritten by a writer


def read_index(index_path: Path, *, writer: bool) -> dict | None:
    """``index.json`` as a checked dict, or None when it is missing, damaged,
    of another format or not as this store writes it (the store then rebuilds
    it from the article files). A writer keeps a damaged index aside as
    ``index.json.damaged``. A reader gets the articles packed
    (``packed.PackedSummary``) when the index is as the store writes it."""
    if not writer:
        from .packed import read_packed  # (which reads FORMAT from here)

        packed = read_packed(index_path)
        if packed is not None:
            snap, articles = packed
            snap = _checked(snap, writer=False)
            if snap is not None:
                snap["articles"] = articles
            return snap
    try:
        snap = load_json_file(index_path, "index")
    except StoreCorruptError:
        if writer:  # derived data: keep the damaged copy, rebuild
            try:
                os.replace(index_path, index_path.with_name("index.json.damaged"))
            except OSError:
                pass
        return None
    return _checked(snap, writer)


def _checked(snap, writer: bool) -> dict | None:
    """The parsed index with its parts checked and made as the store holds
    them, or None."""
    if not isinstance(snap, dict) or (snap.get("format") != FORMAT and snap.get("format") not in OLD_FORMATS):
        return None
    try:
        entries = snap["articles"]
        # one string per status, not one per article (a big store has 100,000)
        statuses: dict[str, str] = {}
        status = statuses.setdefault
        articles = {str(k): [int(v[0]), status(str(v[1]), str(v[1])), v[2], int(v[3])] for k, v in entries.items()}
        if snap["format"] == 1 and writer:
            snap["span_ids"] = {str(k): [str(sid) for sid in v[4]] for k, v in entries.items() if v[4]}
        snap["articles"] = articles
        snap["seq"] = int(snap["seq"])
        snap["journal_pos"] = int(snap["journal_pos"])
        if not isinstance(snap["undo"], list) or not isinstance(snap["redo"], list):
            return None
        snap["flagged"] = [str(aid) for aid in snap.get("flagged", [])]
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    return snap


def stamp(ann) -> dict:
    """Whose and as of where in the journal a file derived from it is (the
    index, ids.json, texts.json)."""
    return {"annotator": ann.name, "seq": ann.seq, "journal_pos": ann.journal.size, "journal_gen": ann.journal_gen}


def read_stamped(path: Path, what: str, fmt: int) -> dict | None:
    """A derived file written with ``stamp`` (ids.json, texts.json), or None
    when it is missing, damaged, a link or no regular file, of another
    format or without its stamp's numbers: then what it would say is made
    again from the article files."""
    try:
        data = load_json_file(path, what)
    except StoreError:
        return None
    if not isinstance(data, dict) or data.get("format") != fmt:
        return None
    if type(data.get("seq")) is not int or type(data.get("journal_pos")) is not int:
        return None
    return data


def discard(path: Path) -> None:
    """Remove a derived file (it is made again when needed)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot remove {path}: {exc.strerror or exc}") from None


def write_index(ann) -> None:
    """Journal entries before the offset written are never replayed
    again: the article files are on disk first (``write_snapshot``).

    A large summary is packed first (``packed.fold``: from then on the
    writer holds what changes in a dict beside the blocks) and its
    articles written a few thousand at a time: the same bytes as one
    ``dump_json`` of the whole, without the whole made in memory."""
    from .packed import FOLD_AT, PackedSummary, fold, index_entries

    summary = ann.summary
    if (summary.changed() if type(summary) is PackedSummary else len(summary)) >= FOLD_AT:
        summary = ann.summary = fold(summary)
    data = {
        "format": FORMAT,
        **stamp(ann),
        "journal_base": ann.journal_base,
        "articles": {},
        "undo": ann.undo_stack,
        "redo": ann.redo_stack,
        "flagged": sorted(ann.flagged),
    }
    # "annotator" is the only key before "articles", and a JSON string holds
    # no bare quote: the first '"articles":{}' is the key's
    head, tail = dump_json(data).split(b'"articles":{}', 1)
    atomic_write(ann.index_path, chain((head, b'"articles":{'), index_entries(summary), (b"}", tail)))
    ann.snapshot_seq = ann.seq
