"""Files of the store: atomic durable writes, the TinyDB storage used for
article shards, the per-annotator edit journal and the per-annotator lock.

Nothing here knows about spans; ``annotations.store`` builds on it.
"""

from __future__ import annotations

import datetime as _dt
import errno
import fcntl
import json
import os
import re
import socket
import urllib.parse
from stat import S_ISREG
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any, Iterator

import orjson
from tinydb.storages import Storage

from ..errors import StoreCorruptError, StoreError, StoreLockedError
from ..fileio import read_to_end
from ..jsontext import lone_surrogate_in, loads as json_loads

# A lone surrogate ("\ud800" in a file's JSON) is text no UTF-8 file can
# hold: a store file holding one is damaged (the store never writes one).
SURROGATE_DAMAGE = "holds a lone surrogate (text no UTF-8 file can hold)"

# --------------------------------------------------------------------------
# opening files in an annotator folder: never through a symbolic link

_NO_LINK = os.O_NOFOLLOW | os.O_CLOEXEC


def open_nofollow(path: str | Path, flags: int, mode: int = 0o644) -> int:
    """``os.open`` that refuses a symbolic link at ``path``: a link planted
    in an annotator folder (``lock``, ``journal.jsonl``, an article file)
    would send the store's writes to its target. StoreError for a link;
    other OSErrors are the caller's."""
    try:
        return os.open(path, flags | _NO_LINK, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(
                f"{path} is a symbolic link; the store does not open links in an annotator folder"
            ) from None
        raise


def read_nofollow(path: str | Path, start: int = 0, inode: list | None = None) -> bytes | None:
    """The bytes from ``start`` of the regular file at ``path`` (None when
    there is none), opened without following a link and without blocking
    on a FIFO; ``inode`` (a list) gets the file's inode number appended.
    StoreError for anything else."""
    try:
        fd = open_nofollow(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode):
            raise StoreError(f"cannot read {path}: not a regular file")
        if inode is not None:
            inode.append(info.st_ino)
        if start:
            os.lseek(fd, start, os.SEEK_SET)
        return read_to_end(fd, regular=True)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


# --------------------------------------------------------------------------
# atomic writes


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, backup: bool = False, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that a reader (or a restart after
    kill -9 or power loss) sees either the old or the new content, never a mix.

    temp file in the same folder -> fsync -> (old version hard-linked to
    ``<path>.bak``) -> os.replace -> fsync of the folder. With
    ``durable=False`` the fsyncs are left to the caller (bulk writes sync
    once at the end).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _unlink(tmp)  # a leftover (or a planted link): made afresh below
        fd = open_nofollow(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if backup:
            bak_tmp = path.with_name(f".{path.name}.{os.getpid()}.baktmp")
            _unlink(bak_tmp)
            try:
                os.link(path, bak_tmp)
            except FileNotFoundError:
                pass
            else:
                os.replace(bak_tmp, backup_path(path))
                # rename() does nothing when both names are links to one file
                # (a save cut off after its backup link): drop the extra name.
                _unlink(bak_tmp)
        os.replace(tmp, path)
        if durable:
            fsync_dir(path.parent)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove_leftovers(folder: Path) -> int:
    """Delete temp files left by saves that were cut off (only the lock
    holder calls this, so no save is in progress)."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith((".tmp", ".baktmp")):
            _unlink(Path(entry.path))
            removed += 1
    return removed


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def describe_json_error(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON ({exc.msg}; line {exc.lineno} column {exc.colno})"


def load_json_file(path: Path, what: str) -> Any:
    """Read a JSON file; StoreCorruptError (naming file and problem) if it is damaged."""
    raw = read_nofollow(path)
    if raw is None:
        return None
    if not raw.strip():
        raise StoreCorruptError(f"{what} {path} is damaged: the file is empty")
    try:
        data = json_loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StoreCorruptError(
            f"{what} {path} is damaged: not valid UTF-8 (byte {exc.start})"
        ) from None
    except json.JSONDecodeError as exc:
        raise StoreCorruptError(f"{what} {path} is damaged: {describe_json_error(exc)}") from None
    if lone_surrogate_in(raw, data):
        raise StoreCorruptError(f"{what} {path} is damaged: it {SURROGATE_DAMAGE}")
    return data


def dump_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


# --------------------------------------------------------------------------
# the TinyDB storage for one article shard


class ShardStorage(Storage):
    """A TinyDB storage for one small file (one article of one annotator).

    * writes are atomic and durable (``atomic_write``), keeping the previous
      version as ``<file>.bak``;
    * inside ``with storage.batch():`` the writes of several TinyDB
      operations become one file write (one edit = one fsync);
    * a damaged file raises StoreCorruptError and is never written over;
    * the writer keeps the file's text in memory (it holds the lock, nobody
      else writes the file); a read-only reader re-reads when the file
      changed on disk.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False, durable: bool = True, hint: str = "") -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.durable = durable
        self.hint = hint
        self.backup = True  # keep the version being replaced as <file>.bak
        self._text: str | None = None  # committed content; "" = no file yet
        self._data: dict | None = None  # the same, parsed (handed to TinyDB as is)
        self._stamp: tuple | None = None
        self._pending: dict | None = None
        self._batching = 0

    # -- reading
    def _load(self) -> str:
        if self._text is not None and not self.readonly:
            return self._text
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            self._text, self._data, self._stamp = "", None, None
            return ""
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        if self._text is not None and stamp == self._stamp:
            return self._text
        raw = read_nofollow(self.path)
        if raw is None:  # removed since the lstat
            self._text, self._data, self._stamp = "", None, None
            return ""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self._corrupt(f"not valid UTF-8 (byte {exc.start})") from None
        self._data = parse_tables(text, self.path, self.hint)
        self._text, self._stamp = text, stamp
        return text

    def _corrupt(self, what: str) -> StoreCorruptError:
        return shard_corrupt(self.path, self.hint, what)

    def read(self) -> dict | None:
        # Like TinyDB's MemoryStorage, hand out the live dict: TinyDB changes
        # it and passes it back to write(). If a write fails, the cache is
        # dropped and the file read again.
        if self._pending is not None:
            return self._pending
        if not self._load():
            return None
        if self._data is None:
            self._data = parse_tables(self._text, self.path, self.hint)
        return self._data

    # -- writing
    def write(self, data: dict) -> None:
        if self.readonly:
            raise StoreError(f"{self.path}: the store was opened read-only")
        self._load()  # never write over a file we could not read
        if self._batching:
            self._pending = data
            return
        self._flush(data)

    def _flush(self, data: dict) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        try:
            atomic_write(self.path, text.encode("utf-8"), backup=self.backup, durable=self.durable)
        except BaseException:
            self.forget()
            raise
        self._text, self._data, self._stamp = text, data, None

    def forget(self) -> None:
        """Drop what is cached; the next read goes to the file."""
        self._text = self._data = self._stamp = self._pending = None

    @contextmanager
    def batch(self) -> Iterator[None]:
        self._batching += 1
        try:
            yield
        except BaseException:
            self._batching -= 1
            if not self._batching:
                self.forget()
            raise
        self._batching -= 1
        if not self._batching and self._pending is not None:
            data, self._pending = self._pending, None
            self._flush(data)

    def close(self) -> None:
        self._pending = None


def shard_corrupt(path: Path | str, hint: str, what: str) -> StoreCorruptError:
    """The error for a damaged article file: names the file, the problem and the way out."""
    bak = backup_path(Path(path))
    if bak.exists():
        how = f"an earlier version is kept in {bak}; {hint} rebuilds the file from it and the journal"
    else:
        how = f"{hint} rebuilds the file from the journal"
    return StoreCorruptError(f"store file {path} is damaged: {what}; it was not changed. {how}")


_DICT_ONLY = {dict}


# orjson reads an integer beyond 64 bits as a float; json.loads keeps it
# exact. Such an integer has at least 19 digits in a row: text holding a run
# that long goes to json.loads. (For bytes, mapping every digit to "0" and
# everything else to " " and looking for nineteen "0"s is ten times quicker
# than a regular expression.)
_LONG_DIGITS = re.compile(r"[0-9]{19}")
_DIGITS_ONLY = bytes(0x30 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
_DIGIT_RUN = b"0" * 19


def _has_long_digits(text: str | bytes) -> bool:
    if isinstance(text, bytes):
        return _DIGIT_RUN in text.translate(_DIGITS_ONLY)
    return _LONG_DIGITS.search(text) is not None


def _loads(text: str | bytes) -> Any:
    """json.loads, faster: orjson parses valid JSON to the same objects; for
    anything it refuses (bad JSON, NaN, 1e400, escaped lone surrogates, bad
    UTF-8, a BOM) and for text with very long digit runs the standard parser
    decides, so what is accepted and every error message stay json.loads'."""
    if not _has_long_digits(text):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    if isinstance(text, bytes):
        text = text.decode("utf-8")  # UnicodeDecodeError for the caller
    return json_loads(text)


def parse_tables(text: str | bytes, path: Path | str, hint: str = "") -> dict:
    try:
        data = _loads(text)
    except UnicodeDecodeError as exc:
        raise shard_corrupt(path, hint, f"not valid UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise shard_corrupt(path, hint, describe_json_error(exc)) from None
    # a dict of tables, each a dict of documents, each a dict (checked
    # without Python code per table)
    if type(data) is not dict or not (
        set(map(type, data.values())) <= _DICT_ONLY
        and set(map(type, chain.from_iterable(map(dict.values, data.values())))) <= _DICT_ONLY
    ):
        raise shard_corrupt(path, hint, "not a TinyDB database (expected tables of documents)")
    if lone_surrogate_in(text, data):
        raise shard_corrupt(path, hint, f"it {SURROGATE_DAMAGE}")
    return data


def read_tables(path: str, hint: str = "") -> dict | None:
    """An article file's tables, read and parsed once, as ShardStorage would
    hand them to TinyDB (None when there is no file). For reading many
    articles once each: no TinyDB object, no stat, no cache."""
    raw = read_nofollow(path)
    if raw is None:
        return None
    return parse_tables(raw, path, hint)


# --------------------------------------------------------------------------
# the journal: one JSON line per edit, appended and fdatasync'd


class JournalReplaced(StoreError):
    """The journal file is not the one read before: a checkpoint cut it."""


class Journal:
    """``journal.jsonl``: the write-ahead log of one annotator's edits.

    An edit is appended (and fdatasync'd) before its article file is
    replaced, so an edit whose save was interrupted is completed on the next
    open. The journal also carries the undo/redo history and lets a damaged
    article file be rebuilt (``hashiya validate --repair``).
    """

    def __init__(self, path: Path, *, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._fd: int | None = None
        self.size = 0
        self.inode: int | None = None  # of the file the last read() read

    def open_for_append(self) -> None:
        try:
            fd = open_nofollow(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot open {self.path}: {exc.strerror or exc}") from None
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode):
            os.close(fd)
            raise StoreError(f"cannot open {self.path}: not a regular file")
        self._fd = fd
        self.size = info.st_size

    def read(self, start: int = 0, inode: int | None = None) -> tuple[list[tuple[dict, int]], int, int]:
        """Entries from byte ``start``: ([(entry, end offset)], end of the last
        complete line, file size). A last line without its newline is a save
        that was cut off (kill -9 while appending): it is left out. A damaged
        line anywhere else raises StoreCorruptError. With ``inode``: raises
        JournalReplaced if the file is another one (the journal was cut)."""
        try:
            total = os.lstat(self.path).st_size
        except FileNotFoundError:
            return [], start, 0
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        if total < start:
            return [], start, total
        seen: list[int] = []
        raw = read_nofollow(self.path, start, seen)
        if raw is None:
            return [], start, 0
        self.inode = seen[0]
        if inode is not None and inode != self.inode:
            raise JournalReplaced(f"{self.path} was replaced")
        entries: list[tuple[dict, int]] = []
        pos = start
        lines = raw.split(b"\n")
        complete = lines[:-1]  # the last piece has no newline (usually b"")
        for number, line in enumerate(complete):
            end = pos + len(line) + 1
            try:
                entry = json_loads(line.decode("utf-8"))
                if not isinstance(entry, dict) or "seq" not in entry:
                    raise ValueError("not a journal entry")
                if lone_surrogate_in(line, entry):
                    raise ValueError(f"the entry {SURROGATE_DAMAGE}")
            except (UnicodeDecodeError, ValueError) as exc:
                reason = describe_json_error(exc) if isinstance(exc, json.JSONDecodeError) else str(exc)
                raise StoreCorruptError(
                    f"journal {self.path} is damaged at byte {pos}: {reason}; "
                    f"it was not changed. Run `hashiya validate --repair` to set it aside "
                    f"(the article files are kept; undo history is lost)"
                ) from None
            entries.append((entry, end))
            pos = end
        return entries, pos, start + len(raw)

    def line_ends_at(self, pos: int) -> bool:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(pos - 1)
                return handle.read(1) == b"\n"
        except OSError:
            return False

    def truncate(self, size: int) -> None:
        assert self._fd is not None
        os.ftruncate(self._fd, size)
        os.fdatasync(self._fd)
        self.size = size

    def append(self, entries: list[dict], *, durable: bool = True) -> int:
        """Append entries; returns the size of the journal before them."""
        assert self._fd is not None, "journal not open for writing"
        before = self.size
        data = b"".join(dump_json(entry) + b"\n" for entry in entries)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            if durable:
                os.fdatasync(self._fd)
        except OSError as exc:
            try:
                os.ftruncate(self._fd, before)
            except OSError:
                pass
            raise StoreError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        self.size = before + len(data)
        return before

    def sync(self) -> None:
        if self._fd is not None:
            os.fdatasync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def article_id_from_file(path: Path, name: str) -> str | None:
    """The article id an article file belongs to (read from the file when
    the name is encoded); None for a file that is not an article file."""
    if not name.startswith("~"):
        return name[: -len(".json")]
    try:
        data = json_loads((read_nofollow(path) or b"").decode("utf-8"))
        return str(data["article"]["1"]["article_id"])
    except (OSError, StoreError, ValueError, KeyError, TypeError):
        unquoted = urllib.parse.unquote(name[1 : -len(".json")])
        return unquoted if "~" not in name[1:] else None


# --------------------------------------------------------------------------
# the lock


class AnnotatorLock:
    """An exclusive fcntl.flock on ``<annotator>/lock``, kept for the life of
    the Store. The OS drops it when the process ends, even by kill -9, so a
    dead holder never blocks; the file's content only says who holds it."""

    def __init__(self, path: Path, store_root: Path, annotator: str) -> None:
        self.path = path
        self.store_root = store_root
        self.annotator = annotator
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = open_nofollow(self.path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot open {self.path}: {exc.strerror or exc}") from None
        if not S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise StoreError(f"cannot open {self.path}: not a regular file")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreLockedError(self._held_message()) from None
            raise StoreError(f"cannot lock {self.path}: {exc.strerror or exc}") from None
        holder = {
            "annotator": self.annotator,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        data = dump_json(holder) + b"\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        self._fd = fd

    def _held_message(self) -> str:
        who = "another process"
        try:
            info = json_loads((read_nofollow(self.path) or b"").decode("utf-8"))
            since = _dt.datetime.fromisoformat(info["since"])
            day = "" if since.date() == _dt.date.today() else since.strftime("%Y-%m-%d ")
            who = (
                f"annotator {info['annotator']} (pid {info['pid']} on host {info['host']} "
                f"since {day}{since.strftime('%H:%M')})"
            )
        except (OSError, StoreError, ValueError, KeyError, TypeError):
            pass
        return (
            f"store {self.store_root} is in use by {who}; close that session "
            f"or choose another annotator with --annotator"
        )

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None
