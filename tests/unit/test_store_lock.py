"""lock.py on its own: one holder of an annotator's lock at a time, a second
one told who holds it, the lock free again once released or once its
holder's process has ended (by kill -9 too: tests/unit/test_store_processes.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotations.errors import StoreError, StoreLockedError
from annotations.store.lock import AnnotatorLock


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "store" / "ali"
    folder.mkdir(parents=True)
    return folder


def lock_of(folder: Path) -> AnnotatorLock:
    return AnnotatorLock(folder / "lock", folder.parent, "ali")


def test_the_holder_says_who_it_is(folder: Path):
    lock = lock_of(folder)
    lock.acquire()
    try:
        holder = json.loads((folder / "lock").read_text(encoding="utf-8"))
        assert holder["annotator"] == "ali" and holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
        assert dt.datetime.fromisoformat(holder["since"]).tzinfo is not None
    finally:
        lock.release()


def test_a_second_holder_is_told_who_holds_it_until_the_first_releases(folder: Path):
    first, second = lock_of(folder), lock_of(folder)
    first.acquire()
    try:
        with pytest.raises(StoreLockedError) as info:
            second.acquire()
        message = str(info.value)
        assert message.startswith(f"store {folder.parent} is in use by annotator ali (pid {os.getpid()} on host {socket.gethostname()} since ")
        assert message.endswith("close that session or choose another annotator with --annotator")
        assert re.search(r" since \d\d:\d\d\); ", message)  # today: the time only, no date
        with pytest.raises(StoreLockedError):  # still held: refused again
            second.acquire()
    finally:
        first.release()
    second.acquire()  # released: free
    second.release()
    first.release()  # releasing twice does nothing


def test_the_lock_of_another_annotator_is_another_lock(folder: Path):
    other = folder.parent / "sara"
    other.mkdir()
    mine, theirs = lock_of(folder), AnnotatorLock(other / "lock", folder.parent, "sara")
    mine.acquire()
    try:
        theirs.acquire()
        theirs.release()
    finally:
        mine.release()


def test_a_holder_since_an_earlier_day_is_named_with_the_date(folder: Path):
    first = lock_of(folder)
    first.acquire()
    try:
        holder = json.loads((folder / "lock").read_text(encoding="utf-8"))
        holder["since"] = "2024-03-05T09:07:00+00:00"
        (folder / "lock").write_text(json.dumps(holder), encoding="utf-8")  # flock is advisory: rewriting is fine
        with pytest.raises(StoreLockedError, match=r"since 2024-03-05 09:07\)"):
            lock_of(folder).acquire()
    finally:
        first.release()


@pytest.mark.parametrize("content", ["", "{not json", '{"pid": 1}', '["ali"]', '{"annotator": "ali", "pid": 1, "host": "h", "since": "yesterday"}'])
def test_a_holder_whose_file_says_nothing_useful_is_another_process(folder: Path, content: str):
    first = lock_of(folder)
    first.acquire()
    try:
        (folder / "lock").write_text(content, encoding="utf-8")
        with pytest.raises(StoreLockedError) as info:
            lock_of(folder).acquire()
        assert str(info.value) == (
            f"store {folder.parent} is in use by another process; close that session or choose another annotator with --annotator"
        )
    finally:
        first.release()


HOLD_AND_EXIT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from annotations.store.lock import AnnotatorLock
    folder = Path(sys.argv[1])
    lock = AnnotatorLock(folder / "lock", folder.parent, "ali")
    lock.acquire()
    print(os.getpid(), flush=True)
    os._exit(0)  # ends without releasing or closing anything
    """
)


def test_a_holder_that_ended_never_blocks(folder: Path):
    done = subprocess.run([sys.executable, "-c", HOLD_AND_EXIT, str(folder)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().isdigit(), done.stderr
    holder = json.loads((folder / "lock").read_text(encoding="utf-8"))
    assert holder["pid"] == int(done.stdout)  # it held the lock, and its file still says so
    lock = lock_of(folder)
    lock.acquire()
    try:
        assert json.loads((folder / "lock").read_text(encoding="utf-8"))["pid"] == os.getpid()
    finally:
        lock.release()


def test_a_lock_that_is_no_file_is_refused(folder: Path):
    (folder / "lock").mkdir()
    with pytest.raises(StoreError, match=f"cannot open {folder / 'lock'}"):
        lock_of(folder).acquire()
    os.rmdir(folder / "lock")
    os.mkfifo(folder / "lock")
    with pytest.raises(StoreError, match="not a regular file"):
        lock_of(folder).acquire()
