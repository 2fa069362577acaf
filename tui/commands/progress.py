"""A progress line for long commands (``hashiya import``): on standard
error, only when it is a terminal; nothing at all on a pipe or file.

One line, rewritten in place at most a few times a second: the records
done, the bytes read of the file (of its size when known) and the rate.
The file name is data: the line goes through the one escaping path
(``annotations.sanitize.visible``); its own control (carriage return,
erase to end of line) is written around it."""

from __future__ import annotations

import sys
import time

from annotations.sanitize import visible

#: seconds between two redraws
EVERY = 0.2


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


class Progress:
    def __init__(self, name: str, stream=None, *, verb: str = "done") -> None:
        self.stream = stream if stream is not None else sys.stderr
        try:
            self.on = self.stream.isatty()
        except (AttributeError, ValueError):
            self.on = False
        self.name = name
        self.restart(verb)

    def restart(self, verb: str) -> None:
        """From zero again (a second pass over the file): "checked",
        "imported"… says what the count is."""
        self.verb = verb
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, reader, records: int) -> None:
        if not self.on:
            return
        now = time.monotonic()
        if now - self.last < EVERY:
            return
        self.last = now
        done = reader.done if reader is not None else 0
        size = reader.size if reader is not None else None
        read = f"{_mb(done)} of {_mb(size)}" if size else _mb(done)
        rate = records / max(now - self.start, 1e-6)
        line = f"{self.name}: {records:,} records {self.verb}, {read} read, {rate:,.0f} records/s"
        self.stream.write("\r" + visible(line) + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def end(self) -> None:
        """Erase the line (the command's report follows)."""
        if self.on and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
