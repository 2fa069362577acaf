"""An import's batches written to an annotator's folder (``BulkWrites``,
mixed into ``annotator._Annotator``): the batch's journal lines in one
append and one fdatasync, then its article files, written by the caller,
by a thread, or by a helper process (``annotations.behind``) while the
import reads its next batch; whatever next reads an article file waits for
them (``settle_writes``) and a failure there is raised then."""

from __future__ import annotations

import threading

import orjson

from ..errors import StoreError
from ..model import now
from .articles import write_article
from .checkpoint import due
from .files import dump_json
from .state import _State

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


def write_files(files: list) -> tuple[dict, BaseException | None]:
    """Write an import's article files (``bulk_replace``), in order, up to
    the first that fails: (what ``_Annotator.imported`` keeps of each new
    one written, that failure or None). Run on a thread or in a helper
    process: what it returns is all that comes back."""
    imported = {}
    try:
        for path, article_id, after, seq, backup, new in files:
            if type(after) is bytes:  # (see _sent)
                after = orjson.loads(after)
            written = write_article(path, article_id, after, seq, backup=backup, new=new)
            if new:
                imported[article_id] = (written.st_ino, written.st_size, written.st_mtime_ns, seq)
    except Exception as exc:
        return imported, exc
    return imported, None


def _sent(after: dict) -> dict | bytes:
    """An article as handed to the helper process writing it: its JSON, by
    orjson, which the helper reads back into the same dict (keys in the
    same order, numbers and text the same; what orjson writes as null is
    written so in the article file as well), three times faster than
    pickling the dict; the dict itself when orjson refuses it."""
    try:
        return orjson.dumps(after)
    except TypeError:  # orjson.JSONEncodeError
        return after


class BulkWrites:
    """``_Annotator``'s bulk writes (see the module docstring)."""

    def bulk_replace(self, states: list[_State], *, checkpoint: bool = True, behind: bool = False) -> None:
        """Write many whole articles (an import's batch): their journal lines
        first (one append, one fdatasync), then each article file written
        whole (``write_article``: what TinyDB would write, without a TinyDB
        object made or kept; an article new to the store gets its ``.bak`` as
        a second name of the file, so the checkpoint's journal cut has no
        copy to make), then, with ``checkpoint``, one checkpoint when
        the batch is large or the journal due. The files are synced at the
        next checkpoint, as after a save.

        ``behind``: the article files are written by a thread of their own
        while the caller goes on (an import reads and checks its next
        batch meanwhile); anything that reads an article file, the next
        bulk write, a checkpoint and closing wait for it first
        (``settle_writes``), and what failed there is raised then. The
        batch is safe once its journal lines are: an article file not
        written yet is one a kill could have cut off, which the journal
        completes on the next opening. ``behind`` may also be a
        ``behind.Behind``: the files are written by its helper process
        then (a large import), the same way."""
        self.settle_writes()
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
        files = []
        pack = _sent if behind is not True and behind else lambda after: after
        for entry in entries:
            article_id = entry["a"]
            shard = self.shards.pop(article_id, None)
            if shard is not None:  # its cached content is the old one
                shard.close()
            path = self.path_of(article_id)
            new = article_id not in self.summary
            # a new article has no old version to keep: its .bak is the file itself
            files.append((path, article_id, pack(entry["op"]["after"]), entry["seq"], not new and path not in self.dirty, new))
            self.dirty.add(path)
            self._note(entry)
        self.pos = self.journal.size
        if behind is True:
            self.writing = threading.Thread(target=self._write_files, args=(files,), name="hashiya-article-files")
            self.writing.start()
        elif behind:
            self.writing = behind.submit(write_files, files)
        else:
            self._write_files(files)
            self.settle_writes()
        if checkpoint and (len(states) > BULK_THRESHOLD or due(self)):
            self.write_snapshot()

    def _write_files(self, files: list) -> None:
        imported, self.write_error = write_files(files)  # the error raised by settle_writes, in the caller's thread
        self.imported.update(imported)

    def settle_writes(self) -> None:
        """Write the files of edits saved ``later`` (``write_held``), wait
        for the article files being written behind (``bulk_replace``) and
        raise what failed there."""
        if self.held:
            self.write_held()
        writing, self.writing = self.writing, None
        if isinstance(writing, threading.Thread):
            writing.join()
        elif writing is not None:  # a job of a behind.Behind
            try:
                imported, self.write_error = writing.result()
            except StoreError as exc:
                self.write_error = exc
            else:
                self.imported.update(imported)
        error, self.write_error = self.write_error, None
        if error is not None:
            raise error
