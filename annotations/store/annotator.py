"""One annotator's folder: its lock, its journal, its article files and
its index, loaded when the store opens and kept current by every save
(``_Annotator``). The journal's meaning (what each line does to the
summary, the span ids known and the undo history) is ``_Annotator._note``;
which article holds a span id is ``span_ids.py``;
reading and writing ``index.json`` is ``index.py``; checkpoints are
``checkpoint.py``; an import's batches (``bulk_replace``) are
``bulk_write.py``."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

from ..errors import StoreCorruptError, StoreError
from ..model import Status, now
from .files import (
    article_id_from_file,
    fsync_dir,
    read_tables,
    remove_leftovers,
)
from .articles import _Shard, article_path, flat_name
from .layout import FANNED, check_subfolders, ensure_fanned, files_in, layout_stamp, read_layout, remove_all_leftovers
from .lock import AnnotatorLock
from .journal import Journal, JournalReplaced, journal_gen
from .state import REPAIR_HINT, _State, _apply_state, _state_from_tables
from .index import read_index, write_index
from .span_ids import SpanIds, ids_path, read_ids, write_ids
from .span_texts import count as count_text, noted as noted_texts, read_texts, texts_path, write_texts
from .checkpoint import after_save, due, make_checkpoint
from .bulk_write import BulkWrites

UNDO_LIMIT = 1000


class _Annotator(BulkWrites):
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
        self.span_ids = SpanIds()  # which article holds a span id (span_ids.py)
        self.texts: dict[str, int] | None = None  # a writer's span texts, when known (span_texts.py)
        self.texts_unwritten = False  # known since the last checkpoint, without one since
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
        #: article files an import wrote new since the last checkpoint:
        #: article id -> (inode, size, mtime_ns, seq) as written (checkpoint.cut_journal)
        self.imported: dict[str, tuple[int, int, int, int]] = {}
        #: each article the journal edits, with the seq of its last edit, as
        #: this writer appended them since it cut the journal (None until
        #: then: the journal is read for it, checkpoint._last_edits)
        self.last_edits: dict[str, int] | None = None
        #: a batch's article files being written behind its journal entries
        #: (``bulk_replace(behind=True)``), and what failed there
        self.writing: threading.Thread | None = None
        self.write_error: BaseException | None = None
        #: articles whose last edit is in the journal and in memory, its
        #: file write still to come (``commit(later=True)``, ``write_held``)
        self.held: dict[str, _Shard] = {}
        self.unapplied: dict[str, list[dict]] = {}  # readers: journal entries after the index
        self.recovery: list[str] = []  # what opening had to do after a crash
        self.indexed: set[str] = set()  # of those the journal edits since the index: with content in it
        self.flagged: set[str] = set()  # articles flagged for review (or with a flagged span)
        # a reader of a folder not fanned out yet (layout.py) looks in the flat folder too
        self.flat_too = False
        self.layout_stamp: tuple | None = None
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
                self.recovery.extend(ensure_fanned(self.dir, self.articles_dir))
                remove_all_leftovers(self.articles_dir)
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
            self.layout_stamp = layout_stamp(self.dir)
            self.flat_too = read_layout(self.dir) != FANNED
            self._load()
        self.loaded = self.dir.is_dir()

    def _refuse_links(self) -> None:
        for folder in (self.dir, self.articles_dir):
            if folder.is_symlink():
                raise StoreError(f"{folder} is a symbolic link; the store does not follow links in an annotator folder")
        check_subfolders(self.articles_dir)

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
                for held in (self.summary, self.span_ids, self.indexed, self.unapplied):
                    held.clear()
        return self._load_index_once()

    def _load_index_once(self) -> None:
        self.texts = None
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
            self.summary = snap["articles"]
            todo = Status.TODO.value
            for entry, _ in entries:  # of the articles the journal edits since
                summary = self.summary.get(entry.get("a"))
                if summary is not None and (summary[0] or summary[3] or summary[1] != todo):
                    self.indexed.add(entry["a"])
            migrated = "span_ids" in snap  # an index of an older format, read by a writer
            if migrated:
                self.span_ids.load(snap.pop("span_ids"), changed=True)
            self.undo_stack = list(snap["undo"])
            self.redo_stack = list(snap["redo"])
            self.flagged = set(snap["flagged"])
            self.seq = snap["seq"]
            self.snapshot_seq = self.seq if not entries and not migrated else -1
            if self.writer and not entries and not migrated:
                texts = read_texts(texts_path(self.dir))
                if texts is not None and all(texts.get(key) == snap.get(key) for key in ("annotator", "seq", "journal_pos", "journal_gen")):
                    self.texts = texts["texts"]
            for entry, _ in entries:
                self._note(entry)
            touched = {entry["a"] for entry, _ in entries if "a" in entry}
            tail = [entry for entry, _ in entries]
        else:
            entries, good_end, size = self.journal.read(0, inode)
            self.journal_base = next((end for entry, end in entries if entry.get("act") == "base"), 0)
            # the files give every span's text (and _roll_forward what it completes)
            self.texts = {} if self.writer else None
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
            if self.span_ids.complete and not self.span_ids.changed:
                self.span_ids.clear()  # written to ids.json: made again only when asked for

    def _rebuild_from_shards(self) -> None:
        self.summary.clear()
        self.span_ids.clear()
        if self.writer:  # every file is read here: the whole map comes for free
            self.span_ids.load({}, changed=True)
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.flagged.clear()
        self.seq = 0
        for folder, name in files_in(self.articles_dir, flat=self.flat_too):
            if not name.endswith(".json"):
                continue
            article_id = article_id_from_file(os.path.join(folder, name), name)
            if article_id is None or article_id in self.summary:
                continue  # (in both places: a move under way)
            shard = self.shard(article_id)
            state = shard.state()
            self._set_summary(article_id, state, hint=False)
            self.seq = max(self.seq, state.seq)
            if self.texts is not None:
                for doc in state.spans.values():
                    count_text(self.texts, doc.get("text"), 1)

    def _set_summary(self, article_id: str, state: _State, *, hint: bool = True) -> None:
        self.summary[article_id] = state.summary()
        (self.flagged.add if state.flagged() else self.flagged.discard)(article_id)
        self.span_ids.replaced(article_id, state.spans, hint=hint)

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
            if pending and self.texts is not None:
                for step, spans in ((-1, state.spans), (1, shard.state().spans)):
                    for doc in spans.values():
                        count_text(self.texts, doc.get("text"), step)
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
        if not self.loaded or (self.flat_too and layout_stamp(self.dir) != self.layout_stamp):
            self.__init__(self.root, self.name, writer=False)  # (or its files were moved)
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
    def span_article(self, span_id: str, *, fresh: bool = False) -> str | None:
        """The article holding span ``span_id`` in this annotator's
        store, or None when no article holds it.

        Answered from the articles this process has open when it can; else
        the whole span id map is made once (``span_ids.py``). ``fresh``: the
        id was just drawn at random (a uuid4), so only the ids known
        without reading the store are looked at -- that it matches a stored
        id elsewhere is as unlikely as two uuid4s being equal."""
        ids = self.span_ids
        if ids.home is not None:
            return ids.home.get(span_id)
        article_id = ids.hint(span_id)
        if article_id is not None and span_id in self.state(article_id).spans:
            return article_id
        if fresh:
            return None
        self._make_span_ids()
        return ids.home.get(span_id)

    def _make_span_ids(self) -> None:
        self.settle_writes()
        """The whole span id map: from ids.json and the journal after it,
        or else from the article files."""
        by_article, newer = self._span_ids_from_file()
        if by_article is None:
            by_article = {
                article_id: list(self.read_state(article_id).spans)
                for article_id, summary in list(self.summary.items())
                if summary[0]
            }
        # written at the next checkpoint unless ids.json holds it already
        self.span_ids.load(by_article, changed=newer)

    def _span_ids_from_file(self) -> tuple[dict | None, bool]:
        """ids.json brought up to this view's journal offset, and whether
        that changed it; (None, True) when it is missing, of another journal
        or does not follow on from it."""
        data = read_ids(ids_path(self.dir))
        if data is None or data.get("journal_gen") != self.journal_gen or data.get("annotator") != self.name:
            return None, True
        start = data["journal_pos"]
        if start > self.pos or data["seq"] > self.seq:
            return None, True
        by_article = data["articles"]
        if start == self.pos:
            return by_article, False
        try:
            if start and not self.journal.line_ends_at(start):
                return None, True
            entries, _, _ = self.journal.read(start, self.journal_inode)
        except (JournalReplaced, StoreCorruptError):
            return None, True
        entries = [entry for entry, end in entries if end <= self.pos]
        if not entries or entries[0]["seq"] != data["seq"] + 1:
            return None, True
        for article_id in {entry["a"] for entry in entries if "a" in entry}:
            by_article[article_id] = list(self.read_state(article_id).spans)
        return by_article, True

    # -- the journal's meaning ---------------------------------------------
    def _note(self, entry: dict, *, index: bool = True) -> None:
        self.seq = max(self.seq, int(entry["seq"]))
        last = self.last_edits
        if last is not None and "op" in entry and isinstance(entry.get("a"), str):
            last[entry["a"]] = max(last.get(entry["a"], 0), int(entry["seq"]))
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
            if self.texts is not None:
                before = self.summary.get(article_id)
                self.texts = noted_texts(self.texts, op, bool(before and before[0]))
            self.summary[article_id] = list(entry["sum"])
            if "flag" in entry:
                (self.flagged.add if entry["flag"] else self.flagged.discard)(article_id)
            kind = op["kind"]
            hint = article_id in self.shards  # an article open here
            if kind == "add":
                self.span_ids.added(article_id, op["span"]["id"], hint=hint)
            elif kind == "delete":
                self.span_ids.removed(article_id, op["span"]["id"])
            elif kind == "replace":
                self.span_ids.replaced(article_id, [doc["id"] for doc in op["after"]["spans"]], hint=hint)
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
        again: the article files are on disk first (``write_snapshot``).
        The span id map goes to ids.json with it when it is in memory and
        has changed since it was last written."""
        write_index(self)
        if self.span_ids.complete and self.span_ids.changed:
            write_ids(self)
        if self.writer:
            write_texts(self)

    # -- articles ----------------------------------------------------------
    def path_of(self, article_id: str) -> str:
        """An article's file (``articles.article_path``); for a reader of a
        folder not fanned out yet, its flat layout file while that is there."""
        if self.flat_too:
            flat = os.path.join(self.articles_path, flat_name(article_id))
            if os.path.lexists(flat):
                return flat
        return article_path(self.articles_path, article_id)

    def _moved(self, path: Path | str, state: _State) -> bool:
        """Whether an empty ``state`` read from ``path`` may be a file moved
        into its subfolder since (a reader of a folder being fanned out)."""
        return self.flat_too and not state.seq and not os.path.lexists(path) and str(path) != article_path(
            self.articles_path, state.article_id
        )

    def shard(self, article_id: str) -> _Shard:
        shard = self.shards.get(article_id)
        if shard is None:
            self.settle_writes()
            # The writer's article files are not fsync'd on each save: the
            # journal entry is, and a checkpoint syncs them (sync_dirty).
            shard = _Shard(Path(self.path_of(article_id)), article_id, readonly=not self.writer, durable=False)
            self.shards[article_id] = shard
        return shard

    def state(self, article_id: str) -> _State:
        if article_id not in self.summary and self.writer:
            return _State(article_id)  # nothing stored: no need to touch the disk
        shard = self.shard(article_id)
        state = shard.state()
        if self._moved(shard.path, state):
            self.shards.pop(article_id).close()
            shard = self.shard(article_id)
            state = shard.state()
        state = self._present(self._caught_up(state), shard.path)
        self.span_ids.saw(article_id, state.spans)
        return state

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
        self.settle_writes()
        for _ in range(2):
            path = self.path_of(article_id)
            data = read_tables(path, REPAIR_HINT)
            state = _State(article_id) if data is None else _state_from_tables(article_id, data, path, owned=True)
            if not self._moved(path, state):
                break
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

    def commit(self, article_id: str, op: dict, act: str, desc: str, *, later: bool = False) -> None:
        """Save one edit: its journal line appended and fdatasync'd, then
        its article file written -- or, with ``later``, both the sync and
        the file left for ``write_held`` (the caller's next moment to
        spare, a few milliseconds on). The line is written to the journal
        before this returns: once the system has it a crash or kill of the
        program loses nothing (the file is completed from the journal on
        the next opening, ``_roll_forward``); the sync is what a power cut
        needs, and ``write_held`` makes it before writing any file."""
        if self.held:
            self.write_held()
        shard = self.shard(article_id)
        state = shard.state()  # a damaged file stops the edit before anything is written
        seq = self.seq + 1
        after = _apply_state(state, op, seq)
        entry = {"seq": seq, "t": now(), "act": act, "a": article_id, "op": op, "d": desc, "sum": after.summary()}
        if after.notes or state.notes:
            entry["flag"] = after.flagged()
        before = self.journal.append([entry], durable=not later)
        # .bak keeps the file as of the last checkpoint: with the journal
        # entries after it, that rebuilds any later version.
        shard.storage.backup = str(shard.path) not in self.dirty
        try:
            shard.apply(op, seq, hold=later, after=after)
            self.dirty.add(str(shard.path))
            if later:
                self.held[article_id] = shard
        except BaseException:
            try:
                self.journal.truncate(before)
            finally:
                self.shards.pop(article_id, None)
            raise
        self._note(entry)
        self.pos = self.journal.size
        after_save(self)

    def write_held(self) -> None:
        """Write the article files of edits saved ``later``. One that fails
        stays held -- in memory and in the journal -- and its StoreError is
        raised; the next call tries it again. The journal lines of those
        edits are synced first (``commit``)."""
        held = self.held
        if held:
            self.journal.sync()
        while held:
            article_id, shard = next(iter(held.items()))
            shard.write_held()
            del held[article_id]

    def close(self, *, snapshot: bool = True) -> None:
        try:
            if self.writing is not None or self.write_error is not None or self.held:
                try:
                    self.settle_writes()
                except StoreError:
                    if snapshot:
                        raise
            if self.writer and snapshot and self.lock is not None:
                if self.snapshot_seq != self.seq:
                    self.write_snapshot()
                else:
                    if self.span_ids.complete and self.span_ids.changed:
                        write_ids(self)  # made since the last checkpoint: kept for the next session
                    if self.texts is not None and self.texts_unwritten:
                        write_texts(self)  # the same
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
