"""Apache Parquet: one row per article and annotator, for the tools that
read Parquet directly (``datasets.load_dataset("parquet", data_files=…)``,
DuckDB, Polars, Spark, pandas).

Columns::

    id         string
    text       string        the stored text
    spans      list<struct<start: int64, end: int64, label: string,
                           kind: string, text: string>>
    themes     list<string>  document themes
    status     string        todo / in_progress / done
    annotator  string

Offsets are Python code points into ``text`` (the file's metadata says so:
``offset_unit`` = ``codepoint``), and ``text[start:end]`` is each span's
``text``. Spans are in (start, end, kind, label) order, as in the native
export. Rows are written in row groups of ``ROW_GROUP`` rows as the records
stream by; above ``--shard-rows`` rows an export is cut into files
``out-00000.parquet``, ``out-00001.parquet``… (a ``data_files`` glob
``out-*.parquet`` reads them all). Needs the optional ``parquet`` extra
(pyarrow).
"""

from __future__ import annotations

import os

from pathlib import Path

from ..errors import FormatError
from ..model import OFFSET_UNIT, ArticleRecord
from .common import ExportOptions, ExportReport, selected_spans
from .stream import Sink

SUFFIX = ".parquet"
ROW_GROUP = 4096
SHARD_ROWS = 500_000
INSTALL_HINT = "install it with .venv/bin/pip install -e '.[parquet]' in the hashiya folder"


def require_pyarrow():
    """(pyarrow, pyarrow.parquet), or one line saying how to install them."""
    try:
        import pyarrow
        import pyarrow.parquet as parquet
    except ImportError:
        raise FormatError(f"the parquet format needs pyarrow, which is not installed: {INSTALL_HINT}") from None
    return pyarrow, parquet


def schema():
    pa, _ = require_pyarrow()
    span = pa.struct(
        [("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("kind", pa.string()), ("text", pa.string())]
    )
    return pa.schema(
        [
            ("id", pa.string()),
            ("text", pa.string()),
            ("spans", pa.list_(span)),
            ("themes", pa.list_(pa.string())),
            ("status", pa.string()),
            ("annotator", pa.string()),
        ],
        metadata={"offset_unit": OFFSET_UNIT, "writer": "hashiya"},
    )


def shard_path(path: str | Path, index: int) -> Path:
    """out.parquet, 3 -> out-00003.parquet."""
    path = Path(path)
    if path.suffix:
        return path.with_name(f"{path.stem}-{index:05d}{path.suffix}")
    return path.with_name(f"{path.name}-{index:05d}")


def planned_files(path: str | Path, expected: int, shard_rows: int | None = None) -> list[Path]:
    """The files an export of `expected` rows into `path` writes: `path`
    itself, or its shards when there are more rows than `shard_rows`."""
    rows = shard_rows or SHARD_ROWS
    if expected <= rows:
        return [Path(path)]
    return [shard_path(path, index) for index in range(-(-expected // rows))]


def _is_parquet(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            return stream.read(4) == b"PAR1"
    except OSError:
        return False


def stale_shards(path: str | Path, written: list[Path]) -> list[Path]:
    """Shards of `path` that an earlier, larger export left and this one
    did not write (regular Parquet files named as its shards, numbered
    on from the last shard written): a reader of FILE-*.parquet would take
    them as part of this export."""
    first = 0 if written == [Path(path)] else len(written)
    stale = []
    for index in range(first, first + 1_000_000):
        candidate = shard_path(path, index)
        if not candidate.is_file() or candidate.is_symlink() or not _is_parquet(candidate):
            break
        stale.append(candidate)
    return stale


class ParquetSink(Sink):
    """Rows gathered by column and written a row group at a time; a new
    file every `shard_rows` rows when more than that many are `expected`."""

    def __init__(self, path, report: ExportReport, options: ExportOptions, stack, *, shard_rows=None, expected=0) -> None:
        super().__init__(path, report)
        self.pa, self.pq = require_pyarrow()
        self.schema = schema()
        self.options = options
        self.stack = stack
        self.shard_rows = shard_rows or SHARD_ROWS
        self.sharded = len(planned_files(path, expected, self.shard_rows)) > 1
        self.files: list[Path] = []
        self.writer = None
        self.in_file = 0
        self.columns: dict[str, list] = {name: [] for name in self.schema.names}

    def _add(self, record: ArticleRecord) -> None:
        if self.writer is None or (self.sharded and self.in_file >= self.shard_rows):
            self._next_file()
        spans = selected_spans(record, self.options)
        columns = self.columns
        columns["id"].append(record.id)
        columns["text"].append(record.text)
        columns["spans"].append(
            [{"start": s.start, "end": s.end, "label": s.label, "kind": s.kind, "text": s.text} for s in spans]
        )
        columns["themes"].append(list(record.themes) if self.options.themes else [])
        columns["status"].append(record.status.value)
        columns["annotator"].append(record.annotator)
        self.report.records += 1
        self.report.spans += len(spans)
        self.in_file += 1
        if len(columns["id"]) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self.columns["id"]:
            table = self.pa.Table.from_pydict(self.columns, schema=self.schema)
            self.writer.write_table(table, row_group_size=ROW_GROUP)
            for column in self.columns.values():
                column.clear()

    def _next_file(self) -> None:
        from .output import opened

        if self.writer is not None:
            self._flush()
            self.writer.close()
        path = shard_path(self.path, len(self.files)) if self.sharded else Path(self.path)
        stream = self.stack.enter_context(opened(path, binary=True))
        self.files.append(path)
        self.writer = self.pq.ParquetWriter(stream, self.schema)
        self.in_file = 0

    def close(self) -> None:
        if self.writer is None:
            self._next_file()  # no rows: still a file with the columns
        self._flush()
        self.writer.close()

    def remove_stale(self) -> list[Path]:
        """Remove the shards an earlier, larger export left beside these
        files (once this export is in place); returns them."""
        removed = []
        for path in stale_shards(self.path, self.files):
            try:
                os.unlink(path)
            except OSError:
                continue
            removed.append(path)
        return removed

    def described(self) -> str:
        if len(self.files) == 1:
            return str(self.files[0])
        return f"{len(self.files)} files {self.files[0]} … {self.files[-1]}"
