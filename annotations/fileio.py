"""Reading an open file to its end: in one read for a small regular file,
and never past a limit (a file others made may be endless, e.g. a pipe fed
from /dev/zero). Shared by the store (its own files, read without following
links) and by import (files given on the command line)."""

from __future__ import annotations

import os

FIRST_READ = 1 << 16
NEXT_READS = 1 << 20


class TooLarge(Exception):
    """More than the limit was read; ``args[0]`` is how much."""


def read_to_end(fd: int, *, regular: bool, limit: int | None = None, first: bytes | None = None) -> bytes:
    """What is left to read from ``fd`` (after ``first``, already read).
    ``regular``: a regular file, where a short read means its end (one read
    for a file under 64 KB); a pipe is read until it says end of file.
    OSError for the caller; TooLarge past ``limit`` bytes in all."""
    if first is None:
        first = os.read(fd, FIRST_READ)
        if regular and len(first) < FIRST_READ:
            return first
    pieces = [first]
    total = len(first)
    while piece := os.read(fd, NEXT_READS):
        total += len(piece)
        if limit is not None and total > limit:
            raise TooLarge(total)
        pieces.append(piece)
    return b"".join(pieces) if len(pieces) > 1 else first
