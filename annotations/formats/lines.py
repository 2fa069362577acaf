"""The lines of an import file, read a piece at a time with their numbers,
so that an import's memory does not grow with the file.

Files made by others: a device, and a file whose first 8 KB hold NUL bytes
(binary; /dev/zero through a pipe), are refused before anything is read
into a record; a line longer than :data:`MAX_LINE_BYTES` is refused by
number rather than held. CRLF and lone CR end lines as LF does (the lines
and their numbers are those of the whole text split on any of them); a
UTF-8 BOM at the start is left for the format readers, which drop it. Bad
UTF-8 is an error naming the byte and its offset in the file.

A pipe can be read twice (``again``): what the first reading took is kept
in an unnamed temporary file, gone when the reader is closed or the
process ends.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from ..errors import FormatError

#: a single line past this is refused (a record is one line of JSONL)
MAX_LINE_BYTES = 256 << 20
_CHUNK = 1 << 20
_HEAD = 8192


class LineReader:
    """The lines (str, without their line end) of the file at ``path``.

    ``done`` is the number of bytes whose lines were handed out, ``size``
    the file's size (None for a pipe). Iterate once; ``again()`` gives a
    reader of the same bytes for a second pass."""

    def __init__(self, path: Path, what: str, *, spool: bool = False, _fd: int | None = None) -> None:
        self.path = path
        self.done = 0
        self._spool = None
        if _fd is None:
            try:
                _fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError as exc:
                raise FormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
        self._fd = _fd
        try:
            mode = os.fstat(_fd).st_mode
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                raise FormatError(f"{path}: is a device, not a {what} file")
            self.regular = stat.S_ISREG(mode)
            self.size = os.fstat(_fd).st_size if self.regular else None
            self._head = os.read(_fd, _HEAD)
            if b"\x00" in self._head:
                raise FormatError(f"{path}: looks like a binary file, not {what} text")
        except OSError as exc:
            self.close()
            raise FormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except FormatError:
            self.close()
            raise
        self.what = what
        if spool and not self.regular:
            self._spool = tempfile.TemporaryFile(prefix="hashiya-import-")
            self._spool.write(self._head)

    def again(self) -> "LineReader":
        """A reader of the same bytes from the start (this one is closed)."""
        if self._spool is not None:
            spool, self._spool = self._spool, None
            spool.flush()
            fd = os.dup(spool.fileno())
            spool.close()
            os.lseek(fd, 0, os.SEEK_SET)
            self.close()
            return LineReader(self.path, self.what, _fd=fd)
        if not self.regular:
            raise FormatError(f"{self.path}: a pipe cannot be read twice")
        self.close()
        return LineReader(self.path, self.what)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _chunks(self) -> Iterator[bytes]:
        yield self._head
        while True:
            try:
                chunk = os.read(self._fd, _CHUNK)
            except OSError as exc:
                raise FormatError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
            if not chunk:
                return
            if self._spool is not None:
                self._spool.write(chunk)
            yield chunk

    def _raw_lines(self) -> Iterator[tuple[int, bytes]]:
        """(byte offset, line without its LF) for each line."""
        offset = 0
        tail = b""
        for chunk in self._chunks():
            if tail:
                chunk = tail + chunk
            pieces = chunk.split(b"\n")
            tail = pieces.pop()
            if len(tail) > MAX_LINE_BYTES:
                raise FormatError(f"{self.path}: a line longer than {MAX_LINE_BYTES >> 20} MB at byte {offset}; not read")
            for piece in pieces:
                yield offset, piece
                offset += len(piece) + 1
        if tail:
            yield offset, tail

    def __iter__(self) -> Iterator[str]:
        path = self.path
        for offset, raw in self._raw_lines():
            if b"\r" in raw:
                parts = (raw[:-1] if raw.endswith(b"\r") else raw).split(b"\r")
            else:
                parts = (raw,)
            at = offset
            for part in parts:
                try:
                    line = part.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise FormatError(
                        f"{path}: not valid UTF-8 (bad byte 0x{part[exc.start]:02x} at byte {at + exc.start})"
                    ) from None
                at += len(part) + 1
                yield line
            self.done = offset + len(raw) + 1
