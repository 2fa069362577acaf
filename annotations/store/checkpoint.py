"""Checkpoints of one annotator's folder, and the journal cut that keeps
``journal.jsonl`` small (see the package docstring, "The journal's bound").

A checkpoint makes every article file written since the last one durable,
then writes ``index.json`` with the journal offset it reflects. When the
journal has grown by more than :data:`JOURNAL_LIMIT` bytes since it was last
cut, the checkpoint also cuts it, in this order:

1. every article the journal edits is read back and checked (it parses, and
   it holds the journal's last edit of it); any doubt and nothing is cut. An
   article an import wrote new since the last checkpoint, whose last edit
   that was, is not read again when its file is the one written (same
   inode, size and modification time, its ``.bak`` another name of it):
   the import wrote it whole from that very edit;
2. each of those files is copied to ``<id>.json.bak`` (a new file, synced,
   then renamed into place; each subfolder touched synced once; an article
   an import wrote new has its ``.bak`` as a second name of its file already,
   which the sync before made durable): with the journal
   entries after it, a ``.bak`` rebuilds its article, and from now on no
   entry before the cut is needed for that;
3. a new journal is written beside the old one and synced: a ``mark`` line
   naming this journal (``gen``) and a ``base`` line holding the undo and
   redo history (the last 1,000 edits), then renamed over ``journal.jsonl``
   and the folder synced;
4. ``index.json`` is written with the new journal's name and offset.

A kill between any two steps loses nothing: before step 3's rename the old
journal is whole; after it the article files are synced and their ``.bak``
copies written, and an index that names another journal (or none) is not
trusted but rebuilt from the article files, with the undo history from the
``base`` line.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import StoreError
from ..model import now
from .articles import article_path
from .state import REPAIR_HINT, _state_from_tables
from .files import _loads as fast_loads
from .files import backup_path, dump_json, fsync_dir, open_nofollow, parse_tables, read_nofollow

#: growth of journal.jsonl (bytes) since its last cut that makes the next
#: checkpoint cut it; a save that takes it past this starts a checkpoint
JOURNAL_LIMIT = 4 << 20

#: the first line of a journal holds its name within this many bytes
_HEAD = 4096


def _reached(step: str) -> None:
    """Called between two steps of a checkpoint. Does nothing; tests replace
    it to stop the process at each step in turn."""


def sync_dirty(ann) -> None:
    """Make every article file written since the last checkpoint durable."""
    if not ann.dirty:
        return
    try:
        if len(ann.dirty) > 64:
            os.sync()
        else:
            for path in ann.dirty:
                try:
                    fd = os.open(path, os.O_RDONLY)
                except FileNotFoundError:
                    continue
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        # the subfolders holding them (made, and articles/ synced, when the
        # writer opened: layout.ensure_fanned)
        for folder in sorted({os.path.dirname(path) for path in ann.dirty}):
            fsync_dir(Path(folder))
    except OSError as exc:
        raise StoreError(f"cannot sync {ann.articles_dir}: {exc.strerror or exc}") from None
    ann.dirty.clear()


def due(ann) -> bool:
    """Whether the journal has grown enough since its last cut to cut it."""
    size = ann.journal.size
    return size - ann.journal_base > JOURNAL_LIMIT and size >= ann.cut_retry


def after_save(ann) -> None:
    """A checkpoint when a save has taken the journal past its bound. The
    save is on disk already: a checkpoint that fails here (the disk refusing
    a sync) does not make it fail; it is tried again at twice the size."""
    if due(ann):
        try:
            make_checkpoint(ann)
        except StoreError:
            ann.cut_retry = 2 * ann.journal.size


def make_checkpoint(ann) -> None:
    """Article files synced, the journal cut if it has grown past the
    limit, then the index written (``_Annotator.write_snapshot``)."""
    ann.settle_writes()  # an import's last batch of files, written behind
    sync_dirty(ann)
    if due(ann):
        _reached("synced")
        if not cut_journal(ann):
            # an article file in doubt: keep the whole journal (repair needs
            # it) and try again once it has grown as much again
            ann.cut_retry = 2 * ann.journal.size
    ann.imported.clear()  # (synced, and cut or kept in the journal)
    _reached("index")
    ann.write_index()
    _reached("done")


class _InDoubt(Exception):
    """An article file the cut cannot vouch for: nothing is cut."""


def cut_journal(ann) -> bool:
    """Steps 1-3 of the module docstring. False (nothing changed but
    ``.bak`` copies of good files) when an article file is in doubt."""
    last = _tracked_edits(ann)
    if last is None:
        last = _last_edits(ann.journal.path)
    if last is None:
        return False

    imported = ann.imported

    def checked():
        folder = str(ann.articles_dir)
        for article_id in sorted(last):
            name = article_path(folder, article_id)
            written = imported.get(article_id)
            if written is not None and written[3] == last[article_id] and _as_written(name, written):
                yield name, None  # a string: no Path made for each of 10,000
                continue
            path = Path(name)
            try:
                raw = read_nofollow(path)
                if raw is None:
                    raise _InDoubt(path)
                state = _state_from_tables(article_id, parse_tables(raw, path, REPAIR_HINT), path, owned=True)
            except StoreError:
                raise _InDoubt(path) from None
            if state.seq < last[article_id]:
                raise _InDoubt(path)
            yield path, (None if _linked(path) else raw)

    copied = _copy_to_backups(ann, checked(), many=len(last) > 64)
    if copied is None:
        return False
    # Their .bak holds the file as of this checkpoint already: counted as
    # written since, so that their next save does not replace it again.
    ann.dirty.update(map(str, copied))
    return _replace_journal(ann)


def _tracked_edits(ann) -> dict[str, int] | None:
    """What ``_last_edits`` reads from the journal, as the writer noted it
    appending since its last cut (``_Annotator.last_edits``), when the
    journal is still the one it appended to, of the size it wrote; else
    None (the journal is read)."""
    last = ann.last_edits
    if last is None:
        return None
    fd = ann.journal._fd
    try:
        info = os.lstat(ann.journal.path)
        appended = os.fstat(fd) if fd is not None else None
    except OSError:
        return None
    if appended is None or not os.path.samestat(info, appended) or info.st_size != ann.journal.size:
        return None
    return last


def _last_edits(path: Path) -> dict[str, int] | None:
    """Each article the journal edits, with the seq of its last edit; None
    if a line is no journal entry. Read a line at a time: a journal from
    before cuts existed may hold hundreds of megabytes."""
    last: dict[str, int] = {}
    try:
        handle = os.fdopen(open_nofollow(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    except (OSError, StoreError):
        return None
    with handle:
        try:
            for line in handle:
                entry = fast_loads(line)
                if not line.endswith(b"\n") or not isinstance(entry, dict) or "seq" not in entry:
                    return None
                article_id = entry.get("a")
                if "op" in entry and isinstance(article_id, str):
                    last[article_id] = max(last.get(article_id, 0), int(entry["seq"]))
        except (OSError, ValueError, TypeError):
            return None
    return last


def _write_new(path: Path, data: bytes, *, sync: bool) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    fd = open_nofollow(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def _copy_to_backups(ann, copies, *, many: bool) -> list[Path] | None:
    """Step 2: each article file's checked bytes (``copies``: (path, bytes),
    one at a time) as its ``.bak``, durably. The paths, or None when the
    copies could not all be made (no ``.bak`` is replaced then)."""
    temps = []
    linked = []
    try:
        for path, raw in copies:
            if raw is None:  # its .bak is this very file already
                linked.append(path)
                continue
            tmp = path.with_name(f".{path.name}.bak.{os.getpid()}.tmp")
            _write_new(tmp, raw, sync=not many)
            temps.append((tmp, backup_path(path)))
            _reached("copied")
        if many and temps:  # (files that are their own .bak were synced by sync_dirty)
            os.sync()
        _reached("copies synced")
        for tmp, bak in temps:
            os.replace(tmp, bak)
            _reached("backup replaced")
        for folder in sorted({bak.parent for _, bak in temps}):
            fsync_dir(folder)
    except (OSError, StoreError, _InDoubt):
        for tmp, _ in temps:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return None
    _reached("backups synced")
    return linked + [bak.with_name(bak.name[: -len(".bak")]) for _, bak in temps]


def _as_written(path: str, written: tuple) -> bool:
    """Whether the file at ``path`` is the one an import wrote (``written``:
    its inode, size and modification time then) and its ``.bak`` another
    name of it."""
    try:
        info = os.lstat(path)
        return (info.st_ino, info.st_size, info.st_mtime_ns) == written[:3] and os.path.samestat(
            info, os.lstat(path + ".bak")
        )
    except OSError:
        return False


def _linked(path: Path) -> bool:
    """Whether ``<path>.bak`` is another name of the file at ``path`` (an
    article an import wrote new: it had no earlier version to keep). The
    store only ever replaces an article file by a rename, so that file,
    once synced, stays as it is: it needs no copy."""
    try:
        return os.path.samestat(os.lstat(path), os.lstat(backup_path(path)))
    except OSError:
        return False


def _replace_journal(ann) -> bool:
    """Step 3: the journal replaced by one holding its name and the undo
    history; the writer appends to the new one."""
    gen = os.urandom(8).hex()
    stamp = now()
    lines = [
        {"seq": ann.seq, "t": stamp, "act": "mark", "gen": gen, "d": "journal cut at a checkpoint"},
        {"seq": ann.seq, "t": stamp, "act": "base", "undo": ann.undo_stack, "redo": ann.redo_stack},
    ]
    data = b"".join(dump_json(line) + b"\n" for line in lines)
    path = ann.journal.path
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _write_new(tmp, data, sync=True)
    except (OSError, StoreError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    _reached("journal written")
    replaced = False
    try:
        os.replace(tmp, path)
        replaced = True
        _reached("journal replaced")
        fsync_dir(ann.dir)
    except OSError as exc:
        raise StoreError(f"cannot replace {path}: {exc.strerror or exc}") from None
    finally:
        ann.journal.close()
        ann.journal.open_for_append()
        if replaced:
            ann.last_edits = {}  # the new journal edits nothing yet
            ann.journal_gen = gen
            ann.journal_base = ann.pos = ann.journal.size
            ann.cut_retry = 0
    _reached("journal synced")
    return True
