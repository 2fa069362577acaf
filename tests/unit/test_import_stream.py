"""`hashiya import` streams: records are read a line at a time and written
a batch at a time. What must still hold: bad lines reported by number in
every batch, --all-or-nothing and --dry-run leaving the store as it was, a
kill -9 losing nothing the progress line said was done, the progress line
on a terminal only, and memory that does not grow with the file."""

from __future__ import annotations

import gc
import json
import os
import pathlib
import pty
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from annotations.model import Span
from annotations.store import Store
from annotations.store.articles import _Shard, write_article
from annotations.store.bulk_import import BATCH
from annotations.store.state import _span_dict, _State
from tests.hostile.helpers import run, tree

ROOT = Path(__file__).resolve().parents[2]
HASHIYA = [sys.executable, "-m", "tui"]
WORDS = ("كتاب", "مدينة", "رئيس", "شركة", "جامعة", "نهر", "سوق", "مطار")


def record(n: int, length: int = 24) -> dict:
    """Doccano record ``n``: ``length`` words, an entity on every fourth."""
    words = [WORDS[(n + k) % len(WORDS)] for k in range(length)]
    text = " ".join(words) + "."
    entities, at = [], 0
    for k, word in enumerate(words):
        if k % 4 == 0:
            entities.append([at, at + len(word), "PER" if k % 8 else "ORG"])
        at += len(word) + 1
    return {"id": f"s{n:06d}", "text": text, "entities": entities}


def write_file(path: Path, n: int, bad: dict[int, str] | None = None, length: int = 24) -> Path:
    """``n`` doccano lines of ``length`` words; ``bad`` puts the given line
    (1-based) in place."""
    bad = bad or {}
    with path.open("w", encoding="utf-8") as out:
        for i in range(1, n + 1):
            out.write(bad.get(i, json.dumps(record(i, length), ensure_ascii=False)) + "\n")
    return path


def import_args(tmp_path: Path, source: Path, *extra: str) -> list[str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    return ["import", str(source), str(corpus), "--store", str(tmp_path / "store"), "--annotator", "t",
            "-f", "doccano", "--corpus-out", str(corpus), *extra]


def stored_ids(store: Path) -> list[str]:
    with Store(store, "t", readonly=True) as own:
        return own.article_ids()


def test_bad_lines_are_reported_by_number_in_every_batch(tmp_path, capsys):
    n = 2 * BATCH + 200
    mismatch = record(BATCH + 150)
    mismatch["entities"][0][1] = 9999  # past the end of the text
    bad = {
        3: "{not json",
        BATCH + 150: json.dumps(mismatch, ensure_ascii=False),
        2 * BATCH + 7: json.dumps({**record(2 * BATCH + 7), "entities": [[0, 4, "NOPE"]]}, ensure_ascii=False),
        n: json.dumps(record(5), ensure_ascii=False),  # the id of line 5 again
    }
    source = write_file(tmp_path / "in.jsonl", n, bad)
    code, _, err = run(capsys, *import_args(tmp_path, source))
    assert code == 1
    reported = [int(m) for m in re.findall(rf"^hashiya: {re.escape(str(source))}:(\d+): ", err, re.M)]
    assert reported == [3, BATCH + 150, 2 * BATCH + 7, n], err
    assert f"{source}:{n}: article 's000005' already appeared on line 5" in err
    assert "'NOPE'" in err
    ids = stored_ids(tmp_path / "store")
    assert len(ids) == n - 4
    assert "s000003" not in ids and f"s{BATCH + 150:06d}" not in ids and "s000005" in ids


def test_all_or_nothing_with_a_bad_last_line_leaves_the_store_untouched(tmp_path, capsys):
    good = write_file(tmp_path / "good.jsonl", 30)
    code, _, err = run(capsys, *import_args(tmp_path, good))
    assert code == 0, err
    before = tree(tmp_path / "store")
    corpus_before = tree(tmp_path / "corpus")
    n = 2 * BATCH + 10
    source = write_file(tmp_path / "in.jsonl", n, {n: "[1, 2"})
    code, _, err = run(capsys, *import_args(tmp_path, source, "--all-or-nothing"))
    assert code == 1
    assert f"{source}:{n}: not valid JSON" in err and "nothing imported (--all-or-nothing)" in err
    assert tree(tmp_path / "store") == before
    assert tree(tmp_path / "corpus") == corpus_before


def test_all_or_nothing_through_a_pipe_imports_everything(tmp_path):
    """A pipe is read twice (kept in a temporary file the first time)."""
    n = BATCH + 20
    source = write_file(tmp_path / "in.jsonl", n)
    args = import_args(tmp_path, Path("/dev/stdin"), "--all-or-nothing")
    with source.open("rb") as data:
        reader = subprocess.Popen(["cat"], stdin=data, stdout=subprocess.PIPE)
        result = subprocess.run(HASHIYA + args, stdin=reader.stdout, capture_output=True, text=True, cwd=ROOT, timeout=300)
        reader.wait()
    assert result.returncode == 0, result.stderr
    assert len(stored_ids(tmp_path / "store")) == n


def test_dry_run_writes_nothing(tmp_path, capsys):
    source = write_file(tmp_path / "in.jsonl", BATCH + 5)
    code, out, err = run(capsys, *import_args(tmp_path, source, "--dry-run"))
    assert code == 0, err
    assert out.count("would change ") == BATCH + 5
    assert f"would write {BATCH + 5} article text(s)" in err
    assert not (tmp_path / "store").exists()
    assert list((tmp_path / "corpus").iterdir()) == []


def test_bad_utf8_after_the_first_batch_names_the_byte_and_what_went_in(tmp_path, capsys):
    source = write_file(tmp_path / "in.jsonl", BATCH + 10)
    data = source.read_bytes()
    at = data.index(b"s000505")
    source.write_bytes(data[:at] + b"\xff" + data[at + 1 :])
    code, _, err = run(capsys, *import_args(tmp_path, source))
    assert code == 1
    assert f"not valid UTF-8 (bad byte 0xff at byte {at})" in err
    assert f"the {BATCH} record(s) before it were imported" in err
    assert len(stored_ids(tmp_path / "store")) == BATCH


def test_a_batch_writes_article_files_as_tinydb_would(tmp_path):
    text = "مرحبا بالعالم يا صديقي"
    spans = {}
    for start, end in [(0, 5), (6, 13)]:
        span = Span("x/1", start, end, "PER", "entity", text[start:end], "me")
        spans[span.id] = _span_dict(span)
    state = _State("x/1", "fp", "done", ("b", "a"), spans, notes={"article": {"note": "n\x01", "flagged": True}})
    op = {"kind": "replace", "after": state.to_dict()}
    shard = _Shard(tmp_path / "a.json", "x/1", readonly=False, durable=False)
    shard.apply(op, 7)
    shard.close()
    write_article(tmp_path / "b.json", "x/1", op["after"], 7, backup=True)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def _progress_counts(raw: bytes) -> list[int]:
    return [int(m.replace(b",", b"")) for m in re.findall(rb"\r[^\r]*?: ([\d,]+) records imported", raw)]


def _run_on_a_pty(args: list[str], *, kill_after: int | None = None) -> tuple[int, bytes]:
    """The command with its standard error on a terminal: (exit status or
    -signal, what it wrote there). With ``kill_after``: killed with
    SIGKILL once the progress line has counted that many records."""
    master, slave = pty.openpty()
    child = subprocess.Popen(HASHIYA + args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT)
    os.close(slave)
    raw = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            piece = os.read(master, 65536)
        except OSError:  # the child is gone
            break
        if not piece:
            break
        raw += piece
        if kill_after is not None and any(c >= kill_after for c in _progress_counts(raw)):
            child.send_signal(signal.SIGKILL)
            break
    status = child.wait(timeout=60)
    try:
        while piece := os.read(master, 65536):
            raw += piece
    except OSError:
        pass
    os.close(master)
    return status, raw


def test_progress_shows_on_a_terminal_and_not_on_a_pipe(tmp_path):
    source = write_file(tmp_path / "in.jsonl", 2 * BATCH)
    status, raw = _run_on_a_pty(import_args(tmp_path, source))
    assert status == 0, raw
    counts = _progress_counts(raw)
    assert counts and counts[-1] <= 2 * BATCH
    assert b"records/s" in raw and b"MB read" in raw
    assert b"imported into" in raw  # the report after it
    other = tmp_path / "again"
    other.mkdir()
    again = subprocess.run(HASHIYA + import_args(other, source), capture_output=True, cwd=ROOT, timeout=300)
    assert again.returncode == 0, again.stderr
    assert b"records/s" not in again.stderr and b"\r" not in again.stderr
    assert b"imported into" in again.stderr


def test_kill_9_mid_import_loses_nothing_reported_and_leaves_a_store_that_opens(tmp_path):
    n = 40 * BATCH
    source = write_file(tmp_path / "in.jsonl", n)
    status, raw = _run_on_a_pty(import_args(tmp_path, source), kill_after=4 * BATCH)
    assert status == -signal.SIGKILL, raw
    reported = max(_progress_counts(raw))
    assert reported >= 4 * BATCH
    # the writer's next open completes what the journal holds; it opens
    with Store(tmp_path / "store", "t") as own:
        ids = own.article_ids()
        assert reported <= len(ids) < n  # a partial import, in whole batches
        assert len(ids) % BATCH == 0
        assert ids == [f"s{i:06d}" for i in range(1, len(ids) + 1)]
        for article_id in ids[:: BATCH // 5] + ids[-3:]:
            expected = record(int(article_id[1:]))
            spans = own.spans(article_id)
            assert [[s.start, s.end, s.label] for s in spans] == expected["entities"]
            assert all(s.text == expected["text"][s.start : s.end] for s in spans)
    # importing the same file again completes it
    result = subprocess.run(HASHIYA + import_args(tmp_path, source), capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert len(stored_ids(tmp_path / "store")) == n


def _memory(tmp_path: Path, n: int, monkeypatch) -> tuple[int, int, int, int]:
    """``_traced_import`` in a process of its own: what earlier tests left
    running in this one (threads of the app's tests) is not traced with it."""
    code = "import json, sys; from tests.unit.test_import_stream import _traced_import; " \
           "print(json.dumps(_traced_import(sys.argv[1], int(sys.argv[2]))))"
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(n)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return tuple(json.loads(result.stdout.strip().splitlines()[-1]))


def _traced_import(tmp_path: str, n: int) -> tuple[int, int, int, int]:
    """An import of ``n`` records, traced: (the most it held while reading
    and writing batches beyond what it holds once every batch is written;
    what it holds then beyond the store's index of the articles, as the
    store opened afresh by a writer holds it; what it still holds when the
    command is over; the file's size)."""
    folder = Path(tmp_path) / str(n)
    folder.mkdir()
    source = write_file(folder / "in.jsonl", n, length=200)  # articles of a page
    from annotations.store.bulk_import import Importer
    from tui.cli import main

    finish = Importer.finish
    held = []

    def finish_traced(self):
        held.append(tracemalloc.get_traced_memory())  # (now, peak so far)
        return finish(self)

    Importer.finish = finish_traced  # a process of its own: nothing to restore
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        before = _held()
        code = main(import_args(folder, source))
        gc.collect()  # what is still held, not garbage waiting for the collector
        left = _held() - before
    finally:
        tracemalloc.stop()
    assert code == 0 and held
    assert len(stored_ids(folder / "store")) == n
    (now, peak), = held
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        with Store(folder / "store", "t") as own:  # the import's store is a writer too
            own.article_ids()
            index = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return peak - now, now - start - index, left, source.stat().st_size


# pathlib interns each part of a path: the interpreter's table of interned
# strings grows to the most alive at once and stays that size
_INTERN = [
    tracemalloc.Filter(False, pathlib.__file__, lineno)
    for lineno, line in enumerate(Path(pathlib.__file__).read_text().splitlines(), 1)
    if "sys.intern(" in line
]


def _held() -> int:
    """Bytes traced now, but for the table of interned strings."""
    snapshot = tracemalloc.take_snapshot().filter_traces(_INTERN)
    return sum(stat.size for stat in snapshot.statistics("filename"))


def test_memory_does_not_grow_with_the_input(tmp_path, capsys, monkeypatch):
    """4x the records: the records and batches in flight take no more
    memory, and nothing of the import is kept once it is over. (The store's
    own index of articles and span ids, kept while it is open, grows with
    what it holds; that is the store's, not the import's.)"""
    small, small_kept, small_left, small_bytes = _memory(tmp_path, 2_000, monkeypatch)
    large, large_kept, large_left, large_bytes = _memory(tmp_path, 8_000, monkeypatch)
    capsys.readouterr()
    grown = large_bytes - small_bytes
    assert large_bytes > 3.9 * small_bytes
    assert large < 1.5 * small, (small, large)
    assert large_kept - small_kept < grown / 2, (small_kept, large_kept, grown)
    assert large_left - small_left < grown / 10, (small_left, large_left)


def test_store_import_in_batches_keeps_ids_apart_and_times_finite(tmp_path):
    """Through the API, more than a batch: one span id given twice (in
    different batches) is stored once under it and once under a new id; a
    span time that JSON cannot hold is replaced by the time of the import."""
    from annotations.model import ArticleRecord, Status

    text = "مرحبا بالعالم يا صديقي"
    records = []
    for i in range(BATCH + 3):
        created = float("nan") if i == 1 else 1.0
        span = Span(f"a{i}", 0, 5, "PER", "entity", text[:5], "t", id="same" if i in (0, BATCH + 1) else f"s{i}",
                    created=created, updated=created)
        records.append(ArticleRecord(f"a{i}", text, [span], [], Status.DONE, "t"))
    with Store(tmp_path / "store", "t") as own:
        summary = own.import_records(iter(records))
        assert not summary.problems and summary.articles == BATCH + 3
        first, later = own.spans("a0")[0], own.spans(f"a{BATCH + 1}")[0]
        assert first.id == "same" and later.id != "same"
        stamped = own.spans("a1")[0].created
        assert stamped > 1.0
    with Store(tmp_path / "store", "t", readonly=True) as again:
        assert len(again.article_ids()) == BATCH + 3
        assert again.spans("a1")[0].created == stamped
        assert again.spans("a0")[0].id == "same"


def test_ids_drawn_by_the_reader_never_make_the_store_read_every_span_id(tmp_path, capsys, monkeypatch):
    """doccano carries no span ids: those drawn while reading are checked
    against what the store knows at hand, so a large import does not build
    (and then keep growing) the map of every stored span id. A native file
    carries ids of its own, and they are checked against the whole store."""
    from annotations.store.annotator import _Annotator
    from tui.cli import main

    made = []
    make = _Annotator._make_span_ids
    monkeypatch.setattr(_Annotator, "_make_span_ids", lambda self: (made.append(self.name), make(self))[1])
    source = write_file(tmp_path / "in.jsonl", 3 * BATCH // 2)
    assert main(import_args(tmp_path, source)) == 0
    assert main(import_args(tmp_path, source)) == 0  # again, over what the first one stored
    assert made == []
    native = tmp_path / "native.jsonl"
    assert main(["export", str(tmp_path / "corpus"), "--store", str(tmp_path / "store"), "-o", str(native)]) == 0
    (tmp_path / "other").mkdir()
    args = import_args(tmp_path / "other", native)
    args[args.index("doccano")] = "native"
    assert main(args) == 0
    assert made == ["t"]
    capsys.readouterr()


def test_a_text_that_cannot_be_written_behind_stops_the_import_before_its_batch(tmp_path, capsys, monkeypatch):
    """From the second batch on, texts are written by a helper process: one
    that fails there is said, its batch is not imported, and no text after
    it is written."""
    from annotations.formats import output

    real = output.create_file
    failing = f"s{BATCH + 170:06d}.txt"

    def create_file(path, text):
        if os.path.basename(path) == failing:
            raise output.FormatError(f"{path}: exists (made while this command ran); not overwritten")
        return real(path, text)

    monkeypatch.setattr(output, "create_file", create_file)  # the helper is forked: it has this too
    source = write_file(tmp_path / "in.jsonl", 3 * BATCH)
    code, _, err = run(capsys, *import_args(tmp_path, source))
    assert code != 0
    assert f"{failing}: exists (made while this command ran)" in err
    assert f"the {BATCH} record(s) before it were imported" in err
    assert stored_ids(tmp_path / "store") == [f"s{i:06d}" for i in range(1, BATCH + 1)]
    texts = sorted(p.name for p in (tmp_path / "corpus").iterdir() if not p.name.startswith("."))
    assert texts == [f"s{i:06d}.txt" for i in range(1, BATCH + 170)]


def _lstats_in(folder: Path, monkeypatch) -> list[str]:
    """The names under ``folder`` that os.path.lexists is asked about."""
    asked: list[str] = []
    real = os.path.lexists

    def lexists(path):
        if os.path.dirname(os.path.abspath(path)) == str(folder):
            asked.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(os.path, "lexists", lexists)
    return asked


def test_an_empty_corpus_out_is_not_asked_about_each_text(tmp_path, capsys, monkeypatch):
    """Into a --corpus-out that is empty when the import starts, each text
    is created without a look at the folder first (ids are seen once, and a
    file made meanwhile is refused by create_file); into one that holds
    files, each text's name is looked at, to compare an existing text."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    asked = _lstats_in(corpus, monkeypatch)
    source = write_file(tmp_path / "in.jsonl", 30)
    code, _, err = run(capsys, *import_args(tmp_path, source))
    assert code == 0, err
    assert len(list(corpus.glob("*.txt"))) == 30
    assert asked == []
    # A second file into a folder that now holds texts: each is looked at.
    more = tmp_path / "more.jsonl"
    with more.open("w", encoding="utf-8") as out:
        for i in range(31, 36):
            out.write(json.dumps(record(i), ensure_ascii=False) + "\n")
    code, _, err = run(capsys, *import_args(tmp_path, more))
    assert code == 0, err
    assert sorted(asked) == [f"s{i:06d}.txt" for i in range(31, 36)]


def test_a_text_made_meanwhile_in_an_empty_corpus_out_is_kept_and_said(tmp_path, capsys, monkeypatch):
    """A file someone else makes under a name the import is about to write
    (the folder was empty when the import started) is never overwritten:
    the import stops there and names it, what came before is kept."""
    from annotations.formats import output

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    theirs = corpus / "s000007.txt"
    real = output.create_file

    def create_file(path, text):
        if os.path.basename(path) == "s000006.txt":
            theirs.write_text("someone else's text", encoding="utf-8")
        return real(path, text)

    monkeypatch.setattr(output, "create_file", create_file)
    source = write_file(tmp_path / "in.jsonl", 10)
    code, _, err = run(capsys, *import_args(tmp_path, source))
    assert code != 0
    assert f"{theirs}: exists (made while this command ran" in " ".join(err.split())
    assert theirs.read_text(encoding="utf-8") == "someone else's text"
    assert not (corpus / "s000008.txt").exists()


def test_texts_the_helper_cannot_keep_up_with_are_written_here(tmp_path, capsys, monkeypatch):
    """A text is handed to the helper only while it has few to do; the rest
    of a batch's texts are written by the importing process once the
    helper's are (here: none handed on), each once."""
    from annotations.behind import Behind
    from tui.commands import import_

    given = []
    real = Behind.submit

    def submit(self, fn, *args):
        given.append(fn.__name__)
        return real(self, fn, *args)

    monkeypatch.setattr(Behind, "submit", submit)
    monkeypatch.setattr(import_, "TEXTS_AHEAD", 0)
    source = write_file(tmp_path / "in.jsonl", 3 * BATCH + 7)
    code, _, err = run(capsys, *import_args(tmp_path, source))
    assert code == 0, err
    assert "_write_articles" not in given and "write_files" in given
    texts = sorted(p.name for p in (tmp_path / "corpus").iterdir())
    assert texts == [f"s{i:06d}.txt" for i in range(1, 3 * BATCH + 8)]
    assert f"wrote {3 * BATCH + 7} article text(s)" in err
