"""The app's store, opened when first needed.

Opening a store as writer loads its whole index, every span id included:
at 100,000 articles and 1,000,000 spans most of a second and a couple of
hundred megabytes, before the article list could be drawn. The list needs
only each article's span count and status, which
``annotations.store.summary`` reads from the same index without the span
ids. So when that summary answers, the app starts on a ``DeferredStore``
(``StoreOpening`` takes the lock, then reads the summary in a forked
process while the corpus is listed, or takes the copy of it the app kept
in its config folder when the store's files are still the ones it was
read from):

- the annotator's lock is taken at once, exactly as the store takes it, so
  a second session for the same annotator is refused at start-up with the
  store's own message, and nothing else can write the store while the app
  runs on the summary (which therefore stays true until the store opens);
- ``span_counts`` and ``statuses`` of this annotator are answered from the
  summary while the store is not open;
- anything else (an article's spans, an edit, undo, notes, flags, another
  annotator) opens the store, the lock handed over to it, and is answered
  by it from then on.

When the summary cannot answer (no store yet, an index behind its journal
after a crash, anything unexpected) the app opens the store at start-up as
before, and recovery runs then.

No Textual here: this is plain data access, as the store is.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from pathlib import Path

import orjson

from annotations.errors import StoreError
from annotations.model import Status
from annotations.settings import config_dir, safe_annotator
from annotations.store import Store, open_for_reading
from annotations.store.files import atomic_write
from annotations.store.lock import AnnotatorLock
from annotations.store.summary import Summary, read_summary

__all__ = ["DeferredStore", "StoreOpening", "is_open", "stored_marks"]


class DeferredStore:
    """A writer ``Store`` not opened yet; see the module's docstring.
    Attributes other than the ones below are the opened store's."""

    readonly = False

    def __init__(self, root: Path, annotator: str, summary: Summary, lock: AnnotatorLock) -> None:
        self.root = root
        self.annotator = annotator
        self._summary: Summary | None = summary
        self._lock: AnnotatorLock | None = lock
        self._store: Store | None = None
        self._closed = False
        self._opening = threading.Lock()

    def __repr__(self) -> str:
        state = "open" if self._store is not None else "not opened yet"
        return f"DeferredStore({str(self.root)!r}, {self.annotator!r}, {state})"

    @property
    def opened(self) -> bool:
        return self._store is not None

    def open(self) -> Store:
        """The store, opened now if it was not (StoreError when it cannot be:
        the next call tries again)."""
        with self._opening:
            if self._store is None:
                if self._closed:
                    raise StoreError(f"store {self.root} is closed")
                if self._lock is not None:  # the store takes the lock itself
                    self._lock.release()
                    self._lock = None
                self._store = Store(self.root, self.annotator)
                self._summary = None
            return self._store

    def span_counts(self, annotator: str | None = None) -> dict[str, int]:
        summary = self._summary
        if summary is not None and annotator in (None, self.annotator):
            return dict(summary.counts)
        return self.open().span_counts(annotator)

    def statuses(self, annotator: str | None = None) -> dict[str, Status]:
        summary = self._summary
        if summary is not None and annotator in (None, self.annotator):
            return dict(summary.statuses)
        return self.open().statuses(annotator)

    def close(self) -> None:
        with self._opening:
            self._closed = True
            if self._store is not None:
                self._store.close()
            elif self._lock is not None:
                self._lock.release()
                self._lock = None

    def __getattr__(self, name: str):
        # only for what is not defined above: the store's own methods
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.open(), name)


def is_open(store) -> bool:
    """Whether `store` (a Store or a DeferredStore) is open already."""
    return not isinstance(store, DeferredStore) or store.opened


class StoreOpening:
    """The app's store being opened, while the corpus is listed: the lock is
    taken at once (StoreLockedError here for a second session), and the
    summary is taken from the app's copy of it when the store's files are
    exactly as they were when it was made (see ``_cached_rows``), else read
    by a forked child process (which then makes that copy), so the ~0.3 s
    of scanning a large index runs beside the corpus listing, not after it.
    ``result()`` gives the store; ``cancel()`` lets it all go."""

    def __init__(self, root: str | Path, annotator: str) -> None:
        self.root = Path(root)
        self.name = safe_annotator(annotator)
        self._lock: AnnotatorLock | None = None
        self._child: tuple[int, int] | None = None
        self._cached: bytes | None = None
        folder = self.root / self.name
        # A store to create, or a folder the store would refuse: opened by
        # result(), so the store says what is wrong.
        if not (self.root.is_dir() and folder.is_dir()) or folder.is_symlink() or (folder / "articles").is_symlink():
            return
        self._lock = AnnotatorLock(folder / "lock", self.root, self.name)
        self._lock.acquire()  # the summary is read under it: nobody writes meanwhile
        self._cached = _cached_rows(self.root, self.name)
        if self._cached is None:
            self._child = _summary_in_child(self.root, self.name)

    def _summary(self) -> Summary | None:
        if self._cached is not None:
            try:
                return _summary_from(self._cached)
            except (ValueError, TypeError, KeyError):
                pass  # read again below
        if self._child is None:  # no child could be made: read here
            return read_summary(self.root, self.name)
        pid, pipe = self._child
        self._child = None
        try:
            with open(pipe, "rb") as answer:
                data = answer.read()
            os.waitpid(pid, 0)
            return _summary_from(data)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def result(self) -> Store | DeferredStore:
        lock = self._lock
        if lock is None:
            return Store(self.root, self.name)
        summary = self._summary()
        self._lock = None
        if summary is None:  # only opening the store can tell
            lock.release()
            return Store(self.root, self.name)
        return DeferredStore(self.root, self.name, summary, lock)

    def cancel(self) -> None:
        if self._child is not None:
            pid, pipe = self._child
            self._child = None
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
            os.close(pipe)
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _summary_in_child(root: Path, name: str) -> tuple[int, int] | None:
    """(pid, read end of a pipe) of a forked process writing the summary as
    JSON to the pipe (null when it cannot answer); None when none could be
    made."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: nothing but this, then out without any clean-up
        code = 1
        try:
            os.close(read_end)
            key = _files_key(root / name)
            summary = read_summary(root, name)
            data = orjson.dumps(None if summary is None else _rows_of(summary))
            with open(write_end, "wb") as out:
                out.write(data)
            if summary is not None and key is not None:
                _keep_rows(root, name, key, data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


_STATUSES = {status.value: status for status in Status}


# The app's copy of a summary, in the config folder: the rows as the child
# sends them, under the identity of index.json and journal.jsonl when they
# were read (inode, size, mtime). The store replaces index.json by a new
# file whenever it writes it and appends to the journal on every save, so
# a copy whose files are still those very ones is still the summary; any
# other is read again.

def _files_key(folder: Path) -> list[int] | None:
    key = []
    for name in ("index.json", "journal.jsonl"):
        try:
            info = os.stat(folder / name, follow_symlinks=False)
        except OSError:
            return None
        key += [info.st_ino, info.st_size, info.st_mtime_ns]
    return key


def _kept_path(root: Path, name: str) -> Path:
    where = f"{root.resolve()}\0{name}".encode("utf-8", "surrogatepass")
    return config_dir() / "store-summary" / f"{hashlib.sha1(where).hexdigest()[:20]}.json"


def _keep_rows(root: Path, name: str, key: list[int], rows: bytes) -> None:
    target = _kept_path(root, name)
    head = orjson.dumps({"store": str(root.resolve()), "annotator": name, "files": key})
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, head + b"\n" + rows, durable=False)  # only a copy: no sync
    except (OSError, StoreError, ValueError):
        pass  # only a copy: the next start reads the store's index again


def _cached_rows(root: Path, name: str) -> bytes | None:
    """The rows of the kept summary when the store's files are the ones it
    was read from; None otherwise."""
    try:
        with open(_kept_path(root, name), "rb") as handle:
            head = orjson.loads(handle.readline())
            rows = handle.read()
    except (OSError, ValueError):
        return None
    key = _files_key(root / name)
    if (not isinstance(head, dict) or key is None or head.get("files") != key
            or head.get("store") != str(root.resolve()) or head.get("annotator") != name):
        return None
    return rows


def _rows_of(summary: Summary) -> list[tuple[str, int, Status | None]]:
    """(id, span count, status or None) per article of the summary: sent as
    one row per article, so the app makes each id once for both dicts."""
    counts, statuses = summary.counts, summary.statuses
    return [(article_id, counts.get(article_id, 0), statuses.get(article_id))
            for article_id in counts.keys() | statuses.keys()]


def _summary_from(data: bytes) -> Summary | None:
    rows = orjson.loads(data)
    if rows is None:
        return None
    if not isinstance(rows, list):
        raise ValueError("not rows")
    counts: dict[str, int] = {}
    statuses: dict[str, Status] = {}
    for article_id, count, status in rows:
        if type(article_id) is not str or type(count) is not int:
            return None
        if count:
            counts[article_id] = count
        if status is not None:
            statuses[article_id] = _STATUSES[status]
    return Summary(counts, statuses)


def stored_marks(root: str | Path, annotator: str) -> tuple[dict[str, str | None], set[str]]:
    """The fingerprint stored for each article this annotator annotated, and
    the articles flagged for review: what the stale check and the list's
    flags need, read through a read-only store (no lock; what writers have
    saved). For a check running while the app's own store is not open."""
    with open_for_reading(root, annotator) as store:
        fingerprints = {article_id: store.fingerprint(article_id) for article_id in store.article_ids()}
        return fingerprints, store.flagged_articles()
