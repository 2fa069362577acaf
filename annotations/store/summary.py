"""What the article list needs from a store, read from ``index.json``
without opening the store.

Opening a store loads its index whole: per article the span count, the
status, the fingerprint and the theme count, the undo history and the
flagged articles. The article list needs two numbers per article. What is
here scans the index's bytes for them and makes no object for the rest.
An index of format 1 also lists every span id of each article (a million
id strings for 100,000 articles with ten spans each): they are skipped
without a string being made of any (100,000 articles, 1,000,000 spans:
0.33 s and 13 MB, against 0.76 s and 241 MB for opening such a store as
writer before the ids left the index; see BENCHMARKS.md).

The scan answers only when the index is as current as the journal (its
journal offset is the journal's size: every writer leaves it so when it
closes); otherwise, or when anything in the file is not as the store
writes it, it answers None and only opening the store can tell.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import orjson

from annotations.errors import StoreError
from annotations.model import Status

from .index import FORMAT, OLD_FORMATS
from .files import read_nofollow

_STRING = rb'"(?:[^"\\]|\\.)*"'
# as the store writes it: compact, keys sorted
_HEAD = re.compile(rb'\{"annotator":(' + _STRING + rb'),"articles":\{')
# (the flagged articles, and the journal's cut point and generation, stand
# between when present)
_TAIL = re.compile(
    rb',(?:"flagged":\[(?:' + _STRING + rb'(?:,' + _STRING + rb')*)?\],)?"format":(\d+),'
    rb'(?:"journal_base":\d+,)?(?:"journal_gen":(?:null|' + _STRING + rb'),)?"journal_pos":(\d+),"redo":'
)
# "id":[count,"status",fingerprint or null,themes] (format 2); format 1
# adds ,[span ids], which are skipped to the "]]" that ends the entry
_ENTRY = re.compile(rb'(' + _STRING + rb'):\[(\d+),(' + _STRING + rb'),(?:null|' + _STRING + rb'),\d+(\]|,\[)')
_TODO = orjson.dumps(Status.TODO.value)


@dataclass
class Summary:
    """Span counts and statuses of one annotator's articles, as
    ``Store.span_counts`` and ``Store.statuses`` give them."""

    counts: dict[str, int]
    statuses: dict[str, Status]


def read_summary(root: str | Path, annotator: str) -> Summary | None:
    """The summary of `annotator` in the store at `root`, or None when only
    opening the store can tell (see the module's docstring)."""
    folder = Path(root) / annotator
    try:
        raw = read_nofollow(folder / "index.json")
        journal = os.stat(folder / "journal.jsonl").st_size
    except (OSError, StoreError):  # opening the store says what is wrong
        return None
    if raw is None:
        return None
    head = _HEAD.match(raw)
    try:
        if head is None or orjson.loads(head[1]) != annotator:
            return None
    except ValueError:
        return None
    counts: dict[str, int] = {}
    statuses: dict[str, Status] = {}
    position = head.end()
    match = _ENTRY.match
    formats = set()  # of the entries read: 1 with span ids, 2 without
    try:
        while raw[position:position + 1] != b"}":  # the end of the articles
            entry = match(raw, position)
            if entry is None:
                return None
            key, count, status = entry[1], int(entry[2]), entry[3]
            article_id = orjson.loads(key) if b"\\" in key else key[1:-1].decode("utf-8")
            if count:
                counts[article_id] = count
            if status != _TODO:
                statuses[article_id] = Status(orjson.loads(status))
            if entry[4] == b"]":
                formats.add(FORMAT)
                end = entry.end() - 2
            else:
                formats.add(1)
                end = raw.find(b"]]", entry.end())
                # a backslash among the ids could hide a "]]" inside one of them
                if end < 0 or raw.find(b"\\", entry.end(), end) >= 0:
                    return None
            if raw[end + 2:end + 3] not in (b",", b"}"):
                return None
            position = end + 2 + (raw[end + 2:end + 3] == b",")
    except ValueError:  # not a status, or not UTF-8
        return None
    tail = _TAIL.match(raw, position + 1)
    if tail is None or int(tail[2]) != journal:
        return None
    version = int(tail[1])
    if (version != FORMAT and version not in OLD_FORMATS) or formats - {FORMAT if version == FORMAT else 1}:
        return None
    return Summary(counts, statuses)
