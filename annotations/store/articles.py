"""Article files: where an article's file lies in its annotator's
``articles/`` folder (``article_path``: a subfolder named by a hash of the
id, a name from ``shard_name``) and one article of one annotator as a small
TinyDB database (``_Shard``), written one edit at a time."""

from __future__ import annotations

import json
import os
import re
import hashlib
import urllib.parse
from pathlib import Path

import orjson
from tinydb import TinyDB, where
from tinydb.table import Document

from ..errors import StoreError
from ..newfile import create_new
from .files import ShardStorage, atomic_write, link_backup
from .state import REPAIR_HINT, _State, _apply_state, _state_from_tables


# Plain ids are file names as they are: lowercase letters, digits, "_",
# "-" and "." (not first). An id with an uppercase letter is encoded, so
# that "Ab" and "ab" never share a file where a file system does not tell
# case apart (macOS, Windows shares).
_PLAIN_NAME = re.compile(r"[a-z0-9_\-][a-z0-9_.\-]{0,119}")
# the flat layout's rule (uppercase allowed), kept to find its files
_OLD_PLAIN_NAME = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,119}")
# in a percent-encoded id: an escape (kept) or an uppercase letter (^ + lowercase)
_ESCAPE_OR_UPPER = re.compile(r"%[0-9A-F]{2}|[A-Z]")

#: the subfolders of ``articles/``: two hex digits of a hash of the id
FANOUT = 256


def _digest(article_id: str) -> str:
    return hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()


def _reserved(article_id: str) -> bool:
    return article_id.endswith((".bak", ".damaged"))


def shard_name(article_id: str) -> str:
    """File name of an article's TinyDB file. A plain id (no uppercase
    letter) is used as it is; anything else is percent-encoded behind a
    '~', each uppercase ASCII letter written as '^' and its lowercase (cut
    short behind '~' and a hash if long). Such a name holds no lowercase letter an escape could
    be confused with, so two ids never share a file, even on a file system
    that ignores case."""
    if _PLAIN_NAME.fullmatch(article_id) and not _reserved(article_id):
        return article_id + ".json"
    quoted = urllib.parse.quote(article_id, safe="").replace("~", "%7E")  # "~" marks a hash
    encoded = _ESCAPE_OR_UPPER.sub(lambda m: m.group() if len(m.group()) == 3 else "^" + m.group().lower(), quoted)
    if len(encoded) > 100:
        encoded = encoded[:60] + "~" + _digest(article_id)[:20]
    return "~" + encoded + ".json"


def flat_name(article_id: str) -> str:
    """The name an article's file had in the flat layout (before the
    ``articles/`` folder was fanned out): ids with uppercase letters as
    they are. Only for finding files of a store not yet migrated."""
    if _OLD_PLAIN_NAME.fullmatch(article_id) and not _reserved(article_id):
        return article_id + ".json"
    quoted = urllib.parse.quote(article_id, safe="")
    if len(quoted) > 100:
        quoted = quoted[:60] + "~" + _digest(article_id)[:20]
    return "~" + quoted + ".json"


def article_folder(article_id: str) -> str:
    """The subfolder of ``articles/`` holding an article's file: the first
    two hex digits of the SHA-256 of its id (``FANOUT`` folders)."""
    return _digest(article_id)[:2]


def article_path(articles_dir: str | os.PathLike, article_id: str) -> str:
    """Where an article's file is: the one mapping from (articles folder,
    article id) to a path. Its ``.bak`` and ``.damaged`` lie beside it."""
    return os.path.join(articles_dir, article_folder(article_id), shard_name(article_id))


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
        #: edits made in memory whose file write is still to come (``apply(hold=True)``):
        #: (op, seq, state before, state after, keep a .bak)
        self._held: list[tuple[dict, int, _State, _State, bool]] = []

    def state(self) -> _State:
        if self._held:
            return self._held[-1][3]
        text = self.storage._load()
        if self._cached is not None and self._cached[0] is text:
            return self._cached[1]
        state = _State(self.article_id)
        if text:
            state = _state_from_tables(self.article_id, self.storage.read() or {}, self.path)
        self._cached = (text, state)
        return state

    def apply(self, op: dict, seq: int, *, hold: bool = False, after: _State | None = None) -> None:
        """Write one edit with TinyDB operations, as one file write; with
        ``hold`` the edit is only made in memory (``state()`` gives it) and
        ``write_held`` writes it. ``after``: the state the edit makes, if
        the caller has worked it out already."""
        before = self.state()
        if after is None:
            after = _apply_state(before, op, seq)
        if hold:
            self._held.append((op, seq, before, after, self.storage.backup))
            return
        self._write(op, seq, before, after)

    def write_held(self) -> None:
        """Write the edits ``apply(hold=True)`` made, in order. One whose
        write fails stays held (and in memory) and its StoreError is raised."""
        held = self._held
        while held:
            op, seq, before, after, backup = held[0]
            self.storage.backup = backup
            self._write(op, seq, before, after)
            del held[0]

    def _write(self, op: dict, seq: int, before: _State, after: _State) -> None:
        spans = self.db.table("spans")
        meta_table = self.db.table("article")
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


def write_article(path: str | Path, article_id: str, after: dict, seq: int, *, backup: bool, new: bool = False) -> os.stat_result:
    """Replace an article's file by the article ``after`` (a replace
    operation's ``after``: spans in order, status, themes, fingerprint,
    notes) as of journal entry ``seq``, written whole: the same tables, in
    the same order, as ``_Shard.apply`` of that replace on a new file (spans
    numbered from 1, then the ``article`` document), without a TinyDB
    object. Not synced (``durable=False``): a checkpoint syncs it. ``new``
    (the store held nothing of the article): ``<file>.bak`` is made a second
    name of the new file, the version a repair starts from, as a journal
    cut would copy it (the file is only ever replaced by a rename); its
    file, where there is none yet, is made in one step without a temporary
    name (``annotations.newfile``). Returns the file's status as written."""
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
    written = None
    if new and not backup:  # made in one step (annotations/newfile.py); a file there already is replaced below
        try:
            written = create_new(os.fspath(path), data, 0o644)
        except FileExistsError:
            pass
        except OSError as exc:
            raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
    if written is None:
        written = atomic_write(path, data, backup=backup, durable=False)
    if new:
        link_backup(path)
    return written
