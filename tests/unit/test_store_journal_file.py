"""journal.py on its own: appending and reading ``journal.jsonl`` with byte
offsets, a last line cut off by a kill, truncating, a replaced file, and the
name a cut gives a journal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotations.errors import StoreCorruptError, StoreError
from annotations.store.journal import Journal, JournalReplaced, journal_gen


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.jsonl"


@pytest.fixture
def journal(path: Path):
    journal = Journal(path, readonly=False)
    journal.open_for_append()
    yield journal
    journal.close()


def entry(seq: int, **more) -> dict:
    return {"seq": seq, "act": "do", "a": "مقال", "op": {"kind": "status", "status": ["todo", "done"]}, **more}


def test_append_returns_where_the_entries_start_and_read_gives_their_ends(journal: Journal, path: Path):
    assert journal.append([entry(1)]) == 0
    first_end = journal.size
    assert journal.append([entry(2), entry(3, d="نص")]) == first_end
    assert journal.size == path.stat().st_size
    entries, end, size = Journal(path, readonly=True).read()
    assert [e["seq"] for e, _ in entries] == [1, 2, 3]
    assert entries[0][1] == first_end and end == size == journal.size
    assert entries[2][0] == entry(3, d="نص")
    ends = [0] + [e for _, e in entries]
    raw = path.read_bytes()
    for (data, stop), start in zip(entries, ends):
        assert json.loads(raw[start:stop]) == data and raw[stop - 1 : stop] == b"\n"
    # from an offset: only the entries after it, with the same ends
    later, end2, _ = Journal(path, readonly=True).read(first_end)
    assert later == entries[1:] and end2 == end


def test_a_journal_opened_again_appends_after_what_it_holds(journal: Journal, path: Path):
    journal.append([entry(1), entry(2)])
    journal.close()
    again = Journal(path, readonly=False)
    again.open_for_append()
    try:
        assert again.size == path.stat().st_size
        assert again.append([entry(3)]) == journal.size
    finally:
        again.close()
    assert [e["seq"] for e, _ in Journal(path, readonly=True).read()[0]] == [1, 2, 3]


def test_a_last_line_cut_off_is_left_out(journal: Journal, path: Path):
    journal.append([entry(1), entry(2)])
    whole = path.stat().st_size
    with open(path, "ab") as handle:
        handle.write(b'{"seq": 3, "act": "do", "op": {"kind": "ad')
    entries, end, size = Journal(path, readonly=True).read()
    assert [e["seq"] for e, _ in entries] == [1, 2]
    assert end == whole and size == path.stat().st_size > whole
    # read from the end of the last whole line: nothing, and the cut bytes are still past it
    assert Journal(path, readonly=True).read(whole) == ([], whole, size)


@pytest.mark.parametrize(
    "bad, reason",
    [
        (b"{not json", "not valid JSON"),
        (b'{"act": "do"}', "not a journal entry"),
        (b"[1, 2]", "not a journal entry"),
        (b'{"seq": 2, "a": "\xff"}', "can't decode byte 0xff"),
        (b'{"seq": 2, "a": "\\ud800"}', "lone surrogate"),
    ],
)
def test_a_damaged_line_before_the_last_names_the_journal_and_the_byte(journal: Journal, path: Path, bad, reason):
    journal.append([entry(1)])
    at = journal.size
    with open(path, "ab") as handle:
        handle.write(bad + b"\n")
    journal.size = path.stat().st_size
    journal.append([entry(3)])
    with pytest.raises(StoreCorruptError) as info:
        Journal(path, readonly=True).read()
    message = str(info.value)
    assert message.startswith(f"journal {path} is damaged at byte {at}: ")
    assert reason in message and "it was not changed" in message and "hashiya validate --repair" in message
    # what comes after the damage reads from past it
    entries, _, _ = Journal(path, readonly=True).read(at + len(bad) + 1)
    assert [e["seq"] for e, _ in entries] == [3]


def test_reading_a_missing_journal_or_past_its_end(path: Path, journal: Journal):
    missing = Journal(path.with_name("none.jsonl"), readonly=True)
    assert missing.read() == ([], 0, 0) and missing.read(40) == ([], 40, 0)
    journal.append([entry(1)])
    size = journal.size
    assert Journal(path, readonly=True).read(size + 10) == ([], size + 10, size)


def test_truncate_takes_back_what_was_appended(journal: Journal, path: Path):
    journal.append([entry(1)])
    keep = journal.size
    journal.append([entry(2)])
    journal.truncate(keep)
    assert journal.size == keep == path.stat().st_size
    assert journal.append([entry(3)]) == keep
    assert [e["seq"] for e, _ in Journal(path, readonly=True).read()[0]] == [1, 3]


def test_line_ends_at(journal: Journal, path: Path):
    journal.append([entry(1), entry(2)])
    entries, _, _ = Journal(path, readonly=True).read()
    for _, end in entries:
        assert journal.line_ends_at(end)
        assert not journal.line_ends_at(end - 1)
    assert not journal.line_ends_at(0)  # the start of the file ends no line
    assert not journal.line_ends_at(journal.size + 5)
    assert not Journal(path.with_name("none.jsonl"), readonly=True).line_ends_at(1)


def test_reading_another_file_than_before_raises_journal_replaced(journal: Journal, path: Path):
    journal.append([entry(1)])
    reader = Journal(path, readonly=True)
    _, end, _ = reader.read()
    inode = reader.inode
    assert inode == path.stat().st_ino
    assert reader.read(end, inode) == ([], end, end)  # the same file: fine
    replacement = path.with_name("new.jsonl")
    replacement.write_bytes(json.dumps(entry(7)).encode() + b"\n")
    os.replace(replacement, path)
    with pytest.raises(JournalReplaced, match=f"{path} was replaced"):
        reader.read(0, inode)
    assert issubclass(JournalReplaced, StoreError)
    assert [e["seq"] for e, _ in reader.read(0)[0]] == [7]  # without an inode: whatever file is there


def test_append_to_a_journal_not_opened_for_writing_is_refused(path: Path):
    with pytest.raises(AssertionError):
        Journal(path, readonly=True).append([entry(1)])
    assert not path.exists()


def test_a_journal_that_is_no_file_is_refused(path: Path):
    path.mkdir()
    with pytest.raises(StoreError, match=f"cannot open {path}"):
        Journal(path, readonly=False).open_for_append()


# -- the name of a cut --------------------------------------------------------------


def write_lines(path: Path, *lines: dict | bytes) -> None:
    path.write_bytes(b"".join(line if isinstance(line, bytes) else json.dumps(line).encode() + b"\n" for line in lines))


def test_journal_gen_of_a_cut_journal(path: Path):
    write_lines(path, {"seq": 9, "act": "mark", "gen": "0a1b2c", "d": "journal cut"}, {"seq": 9, "act": "base", "undo": [], "redo": []}, entry(10))
    assert journal_gen(path) == ("0a1b2c", path.stat().st_ino)


def test_journal_gen_of_a_journal_never_cut(path: Path, journal: Journal):
    assert journal_gen(path) == (None, path.stat().st_ino)  # empty
    journal.append([entry(1), entry(2, gen="not a cut")])
    assert journal_gen(path) == (None, path.stat().st_ino)


@pytest.mark.parametrize(
    "first",
    [
        b'{"seq": 9, "act": "mark", "gen": "0a1b"',  # the first line cut off
        b'{"seq": 9, "act": "do", "gen": "0a1b"}\n',  # not a mark
        b'{"seq": 9, "act": "mark", "gen": 5}\n',  # a name that is no name
        b'{"seq": 9, "act": "mark", "gen": "0a\n',  # damaged
        b'["gen"]\n',
    ],
)
def test_journal_gen_of_a_first_line_that_names_no_cut(path: Path, first: bytes):
    write_lines(path, first, entry(10))
    assert journal_gen(path) == (None, path.stat().st_ino)


def test_journal_gen_without_a_journal(path: Path):
    assert journal_gen(path) == (None, None)
    path.mkdir()
    assert journal_gen(path) == (None, None)
