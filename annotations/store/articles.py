"""Article files: the name of an article's file in its annotator's
``articles/`` folder (``shard_name``) and one article of one annotator as
a small TinyDB database (``_Shard``), written one edit at a time."""

from __future__ import annotations

import json
import re
import hashlib
import urllib.parse
from pathlib import Path

import orjson
from tinydb import TinyDB, where
from tinydb.table import Document

from .files import ShardStorage, atomic_write, link_backup
from .state import REPAIR_HINT, _State, _apply_state, _state_from_tables


_SAFE_NAME = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,119}")


def shard_name(article_id: str) -> str:
    """File name of an article's TinyDB file. Plain ids are used as they
    are; anything else is percent-encoded behind a '~' (with a hash if
    long), so two ids never share a file."""
    if _SAFE_NAME.fullmatch(article_id) and not article_id.endswith((".bak", ".damaged")):
        return article_id + ".json"
    quoted = urllib.parse.quote(article_id, safe="")
    if len(quoted) > 100:
        quoted = quoted[:60] + "~" + hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return "~" + quoted + ".json"


class _Shard:
    """One article of one annotator: a TinyDB database in one small file."""

    def __init__(self, path: Path, article_id: str, *, readonly: bool, durable: bool = True) -> None:
        self.path = path
        self.article_id = article_id
        self.db = TinyDB(
            path,
            storage=ShardStorage,
            readonly=readonly,
            durable=durable,
            hint=REPAIR_HINT,
        )
        self.storage: ShardStorage = self.db.storage  # type: ignore[assignment]
        self._cached: tuple[str, _State] | None = None

    def state(self) -> _State:
        text = self.storage._load()
        if self._cached is not None and self._cached[0] is text:
            return self._cached[1]
        state = _State(self.article_id)
        if text:
            state = _state_from_tables(self.article_id, self.storage.read() or {}, self.path)
        self._cached = (text, state)
        return state

    def apply(self, op: dict, seq: int) -> None:
        """Write one edit with TinyDB operations, as one file write."""
        spans = self.db.table("spans")
        meta_table = self.db.table("article")
        before = self.state()
        after = _apply_state(before, op, seq)
        kind = op["kind"]
        with self.storage.batch():
            if kind == "add":
                spans.insert(op["span"])
            elif kind == "delete":
                spans.remove(where("id") == op["span"]["id"])
            elif kind == "update":
                spans.update(op["after"], where("id") == op["after"]["id"])
            elif kind == "replace":
                spans.truncate()
                if op["after"]["spans"]:
                    spans.insert_multiple(op["after"]["spans"])
            meta = {
                "article_id": self.article_id,
                "fingerprint": after.fingerprint,
                "status": after.status,
                "themes": list(after.themes),
                "seq": seq,
            }
            if after.settled:
                meta["settled"] = list(after.settled)
            if after.notes:
                meta["notes"] = after.notes
            if (before.settled and not after.settled) or (before.notes and not after.notes):
                meta_table.truncate()  # upsert would keep the old marks or notes
            meta_table.upsert(Document(meta, doc_id=1))
        # what the file now holds, without parsing it back
        self._cached = (self.storage._text, after)

    def close(self) -> None:
        self.db.close()


def write_article(path: Path, article_id: str, after: dict, seq: int, *, backup: bool, new: bool = False) -> None:
    """Replace an article's file by the article ``after`` (a replace
    operation's ``after``: spans in order, status, themes, fingerprint,
    notes) as of journal entry ``seq``, written whole: the same tables, in
    the same order, as ``_Shard.apply`` of that replace on a new file (spans
    numbered from 1, then the ``article`` document), without a TinyDB
    object. Not synced (``durable=False``): a checkpoint syncs it. ``new``
    (the store held nothing of the article): ``<file>.bak`` is made a second
    name of the new file, the version a repair starts from, as a journal
    cut would copy it (the file is only ever replaced by a rename)."""
    meta = {
        "article_id": article_id,
        "fingerprint": after["fingerprint"],
        "status": after["status"],
        "themes": sorted(after["themes"]),
        "seq": seq,
    }
    if after.get("settled"):
        meta["settled"] = list(after["settled"])
    if after.get("notes"):
        meta["notes"] = after["notes"]
    tables = {"spans": {str(n): span for n, span in enumerate(after["spans"], 1)}, "article": {"1": meta}}
    try:
        data = orjson.dumps(tables)  # what json.dumps writes here, faster
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits
        data = json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    atomic_write(path, data, backup=backup, durable=False)
    if new:
        link_backup(path)
