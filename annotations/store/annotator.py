"""One annotator's folder: its lock, its journal, its article files and
its index, loaded when the store opens and kept current by every save
(``_Annotator``). The journal's meaning (what each line does to the
summary, the span ids and the undo history) is ``_Annotator._note``;
reading and writing ``index.json`` is ``index.py``; checkpoints are
``checkpoint.py``."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import orjson

from ..errors import StoreCorruptError, StoreError
from ..model import Status, now
from .files import (
    article_id_from_file,
    dump_json,
    fsync_dir,
    read_tables,
    remove_leftovers,
)
from .articles import _Shard, shard_name, write_article
from .lock import AnnotatorLock
from .journal import Journal, JournalReplaced, journal_gen
from .state import REPAIR_HINT, _State, _apply_state, _state_from_tables
from .index import read_index, write_index
from .checkpoint import after_save, due, make_checkpoint

UNDO_LIMIT = 1000
BULK_THRESHOLD = 16  # imports of more articles than this sync once at the end


def _dump_import(entry: dict) -> bytes:
    """An import's journal line: what ``dump_json`` writes (sorted keys, no
    spaces, UTF-8), by orjson, which writes the same for what an import
    holds (text, whole numbers, timestamps) twenty times faster; anything
    it refuses (an integer beyond 64 bits) goes to ``dump_json``."""
    try:
        return orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError
        return dump_json(entry)


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
        self.flagged: set[str] = set()  # articles flagged for review (or with a flagged span)
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
        return read_index(self.index_path, writer=self.writer)

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
            self.flagged = set(snap["flagged"])
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
        self.flagged.clear()
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
        (self.flagged.add if state.flagged() else self.flagged.discard)(article_id)
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

    # -- span ids ------------------------------------------------------------
    def span_article(self, span_id: str) -> str | None:
        """The article holding span ``span_id`` in this annotator's
        store, or None when no article holds it."""
        return self.home.get(span_id)

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
            if "flag" in entry:
                (self.flagged.add if entry["flag"] else self.flagged.discard)(article_id)
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
        write_index(self)

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
        if after.notes or state.notes:
            entry["flag"] = after.flagged()
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

    def bulk_replace(self, states: list[_State], *, checkpoint: bool = True) -> None:
        """Write many whole articles (an import's batch): their journal lines
        first (one append, one fdatasync), then each article file written
        whole (``write_article``: what TinyDB would write, without a TinyDB
        object made or kept; an article new to the store gets its ``.bak`` as
        a second name of the file, so the checkpoint's journal cut has no
        copy to make), then, with ``checkpoint``, one checkpoint when
        the batch is large or the journal due. The files are synced at the
        next checkpoint, as after a save."""
        if not states:
            return
        entries = []
        seq = self.seq
        stamp = now()
        for state in states:
            seq += 1
            op = {"kind": "replace", "after": state.to_dict()}
            entries.append({"seq": seq, "t": stamp, "act": "import", "a": state.article_id, "op": op, "d": "import", "sum": state.summary(), "flag": state.flagged()})
        self.journal.append(entries, dump=_dump_import)
        for entry in entries:
            article_id = entry["a"]
            shard = self.shards.pop(article_id, None)
            if shard is not None:  # its cached content is the old one
                shard.close()
            path = self.articles_dir / shard_name(article_id)
            new = article_id not in self.summary
            write_article(path, article_id, entry["op"]["after"], entry["seq"], backup=str(path) not in self.dirty, new=new)
            self.dirty.add(str(path))
            self._note(entry)
        self.pos = self.journal.size
        if checkpoint and (len(states) > BULK_THRESHOLD or due(self)):
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
