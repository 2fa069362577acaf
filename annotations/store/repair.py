"""``hashiya validate --repair``: rebuild what is damaged or missing in one
annotator's folder from the ``.bak`` files and the journal (see the
package docstring, "Damage")."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import StoreCorruptError, StoreError
from ..jsontext import lone_surrogate_in, loads as json_loads
from ..model import Status, now
from ..settings import safe_annotator
from .articles import _Shard, article_path
from .layout import ensure_fanned, files_in
from .state import _apply_state, _State
from .journal import Journal
from .lock import AnnotatorLock
from .span_ids import discard_ids
from .span_texts import discard_texts
from .files import (
    article_id_from_file,
    ShardStorage,
    backup_path,
    fsync_dir,
    load_json_file,
    read_nofollow,
)


def repair(root: str | Path, annotator: str) -> list[str]:
    """Repair one annotator's folder: a damaged journal is set aside (kept as
    ``journal.jsonl.damaged-<time>``), each damaged article file is kept as
    ``<file>.damaged`` and rebuilt from its ``.bak`` plus the journal entries
    after it. Takes the annotator's lock. Returns what was done."""
    root = Path(root)
    annotator = safe_annotator(annotator)
    folder = root / annotator
    if not folder.is_dir():
        raise StoreError(f"no annotator {annotator} in store {root}")
    lock = AnnotatorLock(folder / "lock", root, annotator)
    lock.acquire()
    done: list[str] = []
    try:
        journal = Journal(folder / "journal.jsonl", readonly=True)
        entries: list[dict] = []
        journal_ok = True
        try:
            entries = [e for e, _ in journal.read(0)[0]]
        except StoreCorruptError:
            journal_ok = False
            entries = _salvage_journal(journal.path)
        articles_dir = folder / "articles"
        if folder.is_symlink() or articles_dir.is_symlink():
            raise StoreError(f"{folder}: a symbolic link in the store; not repaired")
        # a flat folder is fanned out first (that alone is no repair: the
        # index stays)
        moves = ensure_fanned(folder, articles_dir) if articles_dir.is_dir() else []
        max_seq = max((int(e["seq"]) for e in entries), default=0)
        present: set[str] = set()
        orphans: set[str] = set()  # a .bak whose article file is gone
        for sub, name in files_in(articles_dir, flat=False):
            if name.endswith(".json.bak") and not os.path.lexists(os.path.join(sub, name[:-4])):
                article_id = article_id_from_file(os.path.join(sub, name), name[:-4])
                orphans.update([article_id] if article_id is not None else [])
            if not name.endswith(".json"):
                continue
            path = Path(sub) / name
            storage = ShardStorage(path, readonly=True)
            try:
                storage._load()
                article_id = article_id_from_file(path, name)
                if article_id is not None:
                    present.add(article_id)
                    state = _Shard(path, article_id, readonly=True).state()
                    max_seq = max(max_seq, state.seq)
                continue
            except StoreCorruptError:
                pass
            article_id = article_id_from_file(path, name)
            if article_id is None:
                done.append(f"{path}: damaged and its article id is unknown; left as it is")
                continue
            present.add(article_id)
            damaged = path.with_name(path.name + ".damaged")
            if damaged.exists():  # an earlier repair's copy: keep both
                damaged = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(path, damaged)
            state, how = _rebuild(path, article_id, entries)
            max_seq = max(max_seq, state.seq)
            done.append(f"{path}: {how}; the damaged file is kept as {damaged}")
        # Article files that are gone while the journal, the index or a
        # .bak holds their annotations (deleted by hand).
        for article_id in sorted((_annotated_ids(folder / "index.json", entries) | orphans) - present):
            path = Path(article_path(articles_dir, article_id))
            if os.path.lexists(path):
                continue
            if not path.parent.is_dir():
                articles_dir.mkdir(parents=True, exist_ok=True)
                moves += ensure_fanned(folder, articles_dir)
            state, how = _rebuild(path, article_id, entries)
            max_seq = max(max_seq, state.seq)
            done.append(f"{path}: was missing; {how}")
        if not journal_ok:
            aside = journal.path.with_name(f"journal.jsonl.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(journal.path, aside)
            fresh = Journal(journal.path, readonly=False)
            fresh.open_for_append()
            fresh.append([{"seq": max_seq, "t": now(), "act": "mark", "d": f"journal restarted; the damaged one is {aside.name}"}])
            fresh.close()
            fsync_dir(folder)
            done.append(f"{journal.path}: damaged; kept as {aside}, a new journal was started (undo history lost)")
        if done:
            index = folder / "index.json"
            if index.exists():
                os.replace(index, folder / "index.json.old")
            discard_ids(folder)  # made again from the article files when asked for
            discard_texts(folder)  # the same
        done[:0] = moves
    finally:
        lock.release()
    return done


def _rebuild(path: Path, article_id: str, entries: list[dict]) -> tuple[_State, str]:
    """Write the article file at ``path`` (not there now) from its ``.bak``
    (or nothing) plus the journal entries after it: (its state, what was done)."""
    base = _State(article_id)
    source = "an empty article"
    bak = backup_path(path)
    if bak.exists():
        try:
            base = _Shard(bak, article_id, readonly=True).state()
            source = str(bak)
        except StoreError:
            pass
    state = base
    replayed = 0
    for entry in entries:
        if entry.get("a") == article_id and "op" in entry and int(entry["seq"]) > state.seq:
            state = _apply_state(state, entry["op"], int(entry["seq"]))
            replayed += 1
    shard = _Shard(path, article_id, readonly=False)
    shard.apply({"kind": "replace", "after": state.to_dict()}, state.seq or base.seq)
    return state, (
        f"rebuilt from {source} and {replayed} journal entr{'y' if replayed == 1 else 'ies'} "
        f"({len(state.spans)} spans)"
    )


def _annotated_ids(index_path: Path, entries: list[dict]) -> set[str]:
    """Articles that the journal edits or the index records with content."""
    ids = {entry["a"] for entry in entries if isinstance(entry.get("a"), str) and "op" in entry}
    try:
        index = load_json_file(index_path, "index") or {}
        for article_id, summary in index.get("articles", {}).items():
            if summary[0] or summary[3] or summary[1] != Status.TODO.value:
                ids.add(str(article_id))
    except (StoreError, AttributeError, TypeError, KeyError, IndexError):
        pass  # a damaged index: the journal alone says
    return ids


def _salvage_journal(path: Path) -> list[dict]:
    entries = []
    try:
        raw = read_nofollow(path) or b""
    except StoreError:
        return entries
    for line in raw.split(b"\n"):
        try:
            entry = json_loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(entry, dict) and "seq" in entry and not lone_surrogate_in(line, entry):
            entries.append(entry)
    return entries

