"""The lock of one annotator's folder: one writer per annotator (see the
package docstring, "Locking")."""

from __future__ import annotations

import datetime as _dt
import errno
import fcntl
import os
import socket
from pathlib import Path

from ..errors import StoreError, StoreLockedError
from stat import S_ISREG

from ..jsontext import loads as json_loads
from .files import dump_json, open_nofollow, read_nofollow


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

    def fileno(self) -> tuple[int, ...]:
        """The descriptor holding the lock (none when not held): a process
        forked to help must close it, or the lock would outlive this one."""
        return () if self._fd is None else (self._fd,)

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None
