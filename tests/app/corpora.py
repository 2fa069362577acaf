"""Helpers for the tests of opening a corpus folder."""

from __future__ import annotations

import os
from pathlib import Path


def summary(corpus):
    """Everything opening a corpus decides: articles (id, title, text,
    fingerprint) and problems."""
    return (
        [(a.id, a.title, a.text, a.fingerprint) for a in corpus.articles],
        [(p.name, p.reason) for p in corpus.problems],
    )


def rewrite_in_place(path: Path, text: str) -> None:
    """New content under the same name, with an mtime surely different."""
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
