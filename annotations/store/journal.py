"""``journal.jsonl``, the write-ahead log of one annotator's edits: one
JSON line per edit, appended and fdatasync'd before the article file is
replaced (see the package docstring, "Saving an edit"), and the name a
journal cut gives it (``journal_gen``; cuts are ``checkpoint.py``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from stat import S_ISREG

from ..errors import StoreCorruptError, StoreError, StoreSyncError
from ..jsontext import lone_surrogate_in, loads as json_loads
from .files import SURROGATE_DAMAGE, describe_json_error, dump_json, open_nofollow, read_nofollow

#: the first line of a journal holds its name within this many bytes
_HEAD = 4096


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

    def append(self, entries: list[dict], *, durable: bool = True, dump=dump_json) -> int:
        """Append entries (each made a line by ``dump``); returns the size
        of the journal before them."""
        assert self._fd is not None, "journal not open for writing"
        before = self.size
        data = b"".join(dump(entry) + b"\n" for entry in entries)
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
            try:
                os.fdatasync(self._fd)
            except OSError as exc:
                raise StoreSyncError(f"cannot sync {self.path} to disk: {exc.strerror or exc}") from None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None




def journal_gen(path: Path) -> tuple[str | None, int | None]:
    """The name a cut gave the journal at ``path`` (its first line's
    ``gen``; None for a journal never cut) and the file's inode (None when
    there is no journal)."""
    try:
        fd = open_nofollow(path, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, StoreError):
        return None, None
    try:
        inode = os.fstat(fd).st_ino
        head = os.read(fd, _HEAD)
    except OSError:
        return None, None
    finally:
        os.close(fd)
    line, newline, _ = head.partition(b"\n")
    if not newline or b'"gen"' not in line:
        return None, inode
    try:
        first = json_loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, inode
    gen = first.get("gen") if isinstance(first, dict) and first.get("act") == "mark" else None
    return (gen if isinstance(gen, str) else None), inode
