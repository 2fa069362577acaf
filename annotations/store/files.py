"""Files of the store: opening without following links, atomic durable
writes, the TinyDB storage used for article files and reading their JSON.
The journal is ``journal.py``, the lock ``lock.py``.

Nothing here knows about spans; ``annotations.store`` builds on it.
"""

from __future__ import annotations

import errno
import json
import os
import re
import urllib.parse
from stat import S_ISREG
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson
from tinydb.storages import Storage

from ..errors import StoreCorruptError, StoreError
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


def atomic_write(path: str | Path, data: bytes | Iterable[bytes], *, backup: bool = False, durable: bool = True) -> os.stat_result:
    """Replace ``path`` with ``data`` (bytes, or pieces of bytes written one
    after another) so that a reader (or a restart after kill -9 or power
    loss) sees either the old or the new content, never a mix.

    temp file in the same folder -> fsync -> (old version hard-linked to
    ``<path>.bak``) -> os.replace -> fsync of the folder. With
    ``durable=False`` the fsyncs are left to the caller (bulk writes sync
    once at the end). Returns the written file's status (``os.fstat``).
    """
    target = os.fspath(path)
    folder, name = os.path.split(target)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        try:
            fd = open_nofollow(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:  # a leftover (or a planted link): made afresh
            _unlink(tmp)
            fd = open_nofollow(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            for piece in (data,) if isinstance(data, bytes) else data:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        if backup:
            bak_tmp = os.path.join(folder, f".{name}.{os.getpid()}.baktmp")
            _unlink(bak_tmp)
            try:
                os.link(target, bak_tmp)
            except FileNotFoundError:
                pass
            else:
                os.replace(bak_tmp, target + ".bak")
                # rename() does nothing when both names are links to one file
                # (a save cut off after its backup link): drop the extra name.
                _unlink(bak_tmp)
        os.replace(tmp, target)
        if durable:
            fsync_dir(folder or ".")
        return written
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:  # the pieces could not be made: no temp file left
        _unlink(tmp)
        raise


def link_backup(path: str | Path) -> None:
    """``<path>.bak`` made another name of the file at ``path`` (through a
    temporary name and a rename, as ``atomic_write`` keeps a backup)."""
    path = os.fspath(path)
    bak = path + ".bak"
    try:
        os.link(path, bak)  # the common case: no .bak yet
        return
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot write {bak}: {exc.strerror or exc}") from None
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.baktmp")
    try:
        _unlink(tmp)
        os.link(path, tmp)
        os.replace(tmp, bak)
        _unlink(tmp)  # rename() does nothing when both were one file already
    except OSError as exc:
        raise StoreError(f"cannot write {bak}: {exc.strerror or exc}") from None


def _unlink(path: str | Path) -> None:
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
    return load_json_bytes(raw, path, what)


def load_json_bytes(raw: bytes, path: Path, what: str) -> Any:
    """The JSON in `raw`, read from `path`, checked as ``load_json_file`` does."""
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


_CARET_LETTER = re.compile(r"\^([a-z])")


def article_id_from_file(path: Path | str, name: str) -> str | None:
    """The article id an article file belongs to (read from the file when
    the name is encoded); None for a file that is not an article file.
    Names of both layouts (``articles.shard_name``, ``articles.flat_name``)."""
    if not name.startswith("~"):
        return name[: -len(".json")]
    try:
        data = json_loads((read_nofollow(path) or b"").decode("utf-8"))
        return str(data["article"]["1"]["article_id"])
    except (OSError, StoreError, ValueError, KeyError, TypeError):
        stem = name[1 : -len(".json")]
        if "~" in stem:
            return None  # cut short behind a hash
        # "^a" is "A" (a flat layout name never holds "^": it is "%5E")
        return urllib.parse.unquote(_CARET_LETTER.sub(lambda m: m.group(1).upper(), stem))
