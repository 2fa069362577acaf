"""Exports that stream: every record is written into the file it belongs
to as soon as it is read, and none is kept, so an export's memory does
not grow with the store.

A *sink* is one output (a file, or standard output) of one format; it
takes records one at a time (``add``) and is finished by ``close``. The
files are opened through :func:`annotations.formats.output.opened` in an
``ExitStack`` the caller holds: they are put in place together when the
export ends, and none is written if it fails. Each sink counts the
records and spans it wrote (the spans a format could hold: entity spans
on token edges for the token formats).
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

from ..model import ArticleRecord
from .common import ExportOptions, ExportReport

BATCH = 512  # records joined into one write


class Sink:
    """What every sink has: where it writes and what it wrote."""

    def __init__(self, path: str | None, report: ExportReport) -> None:
        self.path = path
        self.report = report
        self.records = 0
        self.spans = 0

    def add(self, record: ArticleRecord) -> None:
        before = self.report.spans
        self._add(record)
        self.records += 1
        self.spans += self.report.spans - before

    def _add(self, record: ArticleRecord) -> None:
        raise NotImplementedError

    def described(self) -> str:
        """The file(s) written, for the report."""
        return str(self.path)

    def close(self) -> None:
        """Write what is still held (the caller's ExitStack puts files in place)."""


class TextSink(Sink):
    """A text format: each record encoded (``module.encode``) and written a
    few hundred at a time."""

    def __init__(self, path, report: ExportReport, stream, encode) -> None:
        super().__init__(path, report)
        self.stream = stream
        self.encode = encode
        self.pending: list[str] = []

    def _add(self, record: ArticleRecord) -> None:
        self.pending.append(self.encode(record))
        if len(self.pending) >= BATCH:
            self.stream.write("".join(self.pending))
            self.pending.clear()

    def close(self) -> None:
        if self.pending:
            self.stream.write("".join(self.pending))
            self.pending.clear()
        self.stream.flush()


def open_sink(
    fmt: str,
    path: str | None,
    stack: ExitStack,
    report: ExportReport,
    options: ExportOptions,
    *,
    labels: set[str] | None = None,
    categories=(),
    shard_rows: int | None = None,
    expected: int = 0,
) -> Sink:
    """A sink of format `fmt` writing `path` (None: standard output, with
    what a terminal would act on made visible). `labels`: the set the hf
    format adds the entity labels it writes to; `categories`: the spacy
    file's document themes; `shard_rows`: rows of a parquet file, of
    which `expected` are coming."""
    from . import module
    from .output import opened

    fmt_module = module(fmt)
    if fmt == "spacy":
        return fmt_module.DocBinSink(
            path, report, options, categories, stack=stack, shard_docs=shard_rows, expected=expected
        )
    if fmt == "parquet":
        return fmt_module.ParquetSink(path, report, options, stack, shard_rows=shard_rows, expected=expected)
    if fmt == "hf":
        encode = lambda record: fmt_module.encode(record, report, options, labels)  # noqa: E731
    else:
        encode = lambda record: fmt_module.encode(record, report, options)  # noqa: E731
    if path is None:
        from ..sanitize import EscapingStream, json_visible, visible_lines

        stream = EscapingStream(sys.stdout, visible_lines if fmt == "conll" else json_visible)
    else:
        stream = stack.enter_context(opened(Path(path)))
    return TextSink(path, report, stream, encode)
