"""The check of a large corpus folder, run in a separate process.

A stat of every file (or a read of every head) in a thread of the app would
hold the interpreter lock against the thread drawing the screen; in a
process of its own, at a lower priority, it leaves the app's core alone.
``check_in_process`` runs a ``tui.corpus_index.CorpusCheck`` there and,
in the same pass, the stale check; ``python -m tui.corpus_check FOLDER
KIND`` is that process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson

from annotations.corpus import Corpus
from annotations.errors import CorpusError

from .corpus_index import (
    CorpusCheck,
    _from_index,
    _read_index,
    _scan,
    fingerprints_of,
    open_corpus_indexed,
    stale_among,
)


class CheckFailed(Exception):
    """The checking process could not be run or gave no answer."""


def check_in_process(check: CorpusCheck, stored: dict[str, str | None],
                     timeout: float = 600.0) -> tuple[Corpus | None, dict[str, str]]:
    """Run ``check`` in a separate Python process, and there compare the
    fingerprint ``stored`` for each annotated article with that of its text
    now: (the corpus opened again or None, id -> current fingerprint of each
    article whose text differs from what was annotated). CorpusError when the
    folder could not be opened; CheckFailed when the process could not do its
    work (the caller then checks in this process)."""
    fresh, answer = _run_check(check, {"stored": stored}, timeout)
    return fresh, answer["stale"]


def check_reading_store(check: CorpusCheck, store_root: str | Path, annotator: str,
                        timeout: float = 600.0) -> tuple[Corpus | None, dict[str, str], set[str]]:
    """``check_in_process``, the process reading the stored fingerprints
    itself from the store at `store_root` (read-only, as
    ``tui.deferred_store.stored_marks``), for an app whose own store is not
    open yet; also returns the articles flagged for review. CheckFailed
    too when the store could not be read there."""
    fresh, answer = _run_check(check, {"read": [str(store_root), annotator]}, timeout)
    try:
        flagged = {str(article_id) for article_id in answer["flagged"]}
    except (KeyError, TypeError):
        raise CheckFailed("no answer") from None
    return fresh, answer["stale"], flagged


def _run_check(check: CorpusCheck, request: dict, timeout: float) -> tuple[Corpus | None, dict]:
    import subprocess

    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        process = subprocess.Popen(
            # -P: the working folder is not searched first, so a folder
            # holding some other "tui" cannot stand in for this one
            [sys.executable, "-P", "-m", "tui.corpus_check", str(check.folder), check.kind],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
    except (OSError, ValueError) as exc:
        raise CheckFailed(str(exc)) from None
    check._process = process
    try:
        if check.cancelled:
            process.kill()
        try:
            out, err = process.communicate(orjson.dumps(request), timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise CheckFailed("the check took too long") from None
    finally:
        check._process = None
    if check.cancelled:
        raise CheckFailed("cancelled")
    if process.returncode != 0:
        raise CheckFailed(err.decode("utf-8", "replace")[-500:])
    try:
        answer = orjson.loads(out)
        if "error" in answer:
            raise CorpusError(str(answer["error"]))
        if "store_error" in answer:
            raise CheckFailed(str(answer["store_error"]))
        changed = bool(answer["changed"])
        answer["stale"] = dict(answer["stale"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise CheckFailed("no answer") from None
    fresh = None
    if changed:
        # The process has just written the index of the folder as it found it.
        fresh = _from_written_index(check.folder)
        if fresh is None:
            fresh = open_corpus_indexed(check.folder)
    return fresh, answer


def _from_written_index(folder: Path) -> Corpus | None:
    index = _read_index(folder)
    if index is None:
        return None
    try:
        return _from_index(folder, (index["names"], index["sizes"], index["mtimes"]), index)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None


def _process_main(argv: list[str]) -> int:
    """The checking process: argv is FOLDER KIND, stdin (JSON) either
    {"stored": the stored fingerprint of each annotated article} or
    {"read": [store folder, annotator]} to read them (and the flagged
    articles) from the store here; prints {"changed", "stale"} (and
    "flagged" when read here), {"error"} or {"store_error"}."""
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass
    folder, kind = Path(argv[0]), argv[1]
    request = orjson.loads(sys.stdin.buffer.read() or b"{}")
    flagged = None
    if "read" in request:
        from annotations.errors import StoreError

        from .deferred_store import stored_marks

        try:
            stored, flagged = stored_marks(*request["read"])
        except StoreError as exc:
            sys.stdout.buffer.write(orjson.dumps({"store_error": str(exc)}))
            return 0
    else:
        stored = request.get("stored") or {}
    try:
        corpus = None
        if kind == "scan":
            index = _read_index(folder)
            files = _scan(folder)
            if index is not None and files is not None:
                corpus = _from_index(folder, files, index)  # None unless every file is as remembered
            changed = corpus is None
            if changed:
                corpus = open_corpus_indexed(folder)
        else:
            corpus, changed = open_corpus_indexed(folder), True
        answer = {"changed": changed, "stale": stale_among(stored, fingerprints_of(corpus, list(stored)))}
        if flagged is not None:
            answer["flagged"] = sorted(flagged)
    except CorpusError as exc:
        answer = {"error": str(exc)}
    except OSError as exc:
        answer = {"error": f"{folder}: cannot read: {exc.strerror or exc}"}
    sys.stdout.buffer.write(orjson.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(_process_main(sys.argv[1:]))
