"""Where an export's output goes: each file written whole or not at all
(through a temp file renamed into place), and the names of its parts
(per annotator, train/dev/test)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import FormatError


def part_path(path: str | Path, part: str) -> Path:
    """out.jsonl + train -> out.train.jsonl; out + train -> out.train."""
    path = Path(path)
    if path.suffix:
        return path.with_name(f"{path.stem}.{part}{path.suffix}")
    return path.with_name(f"{path.name}.{part}")


def write_text_file(path: Path, write) -> None:
    """Write through a temp file beside `path` and rename it into place, so a
    failed export never leaves half a file. `write(stream)` fills it."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            write(stream)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
