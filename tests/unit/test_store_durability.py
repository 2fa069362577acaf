"""A save that returned survives kill -9; damaged files are reported, never
written over, and can be repaired."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotations.corpus import Article, Corpus
from annotations.errors import StoreCorruptError
from annotations.store import Store, article_path, repair

TEXT = ("في بغداد، اجتمع وزير الصحة مع ممثلي منظمة الصحة العالمية لبحث تدريب الكوادر الطبية. " * 40).strip()
ARTICLES = [f"art{n}" for n in range(5)]
RECOVERIES: list[str] = []

WRITER = textwrap.dedent(
    """
    import random, sys
    from annotations.store import Store
    root, seed, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    articles = [f"art{n}" for n in range(5)]
    store = Store(root, "writer")
    print("ready", flush=True)
    while True:
        article = rng.choice(articles)
        spans = store.spans(article)
        if spans and rng.random() < 0.2:
            victim = rng.choice(spans).id
            print("try", victim, flush=True)  # a delete in flight may or may not happen
            gone = store.delete_span(victim)
            print("del", gone.id, flush=True)
            continue
        if rng.random() < 0.05:
            store.toggle_theme(article, rng.choice(["health", "training"]))
            continue
        start = max((s.end for s in spans), default=0) + 1
        end = start + rng.randint(1, 4)
        if end > len(text):
            continue
        while not text[start:end].strip():
            start += 1
            end += 1
        kind = "theme" if rng.random() < 0.2 else "entity"
        span = store.add_span(article, text, start, end, rng.choice(["PER", "LOC", "ORG"]), kind)
        print("add", span.id, flush=True)
    """
)


def corpus() -> Corpus:
    return Corpus(source=Path("mem"), articles=[Article(a, a, text=TEXT) for a in ARTICLES])


def check_store(root: Path, added: set[str], deleted: set[str], tried: set[str]) -> int:
    with Store(root, "writer") as store:  # opens (and completes an interrupted save)
        RECOVERIES.extend(store.recovery)
        problems, _, n_spans = store.check(corpus())
        assert problems == []
        present = {span.id for article in ARTICLES for span in store.spans(article)}
        assert added - deleted - tried <= present, f"lost saves: {sorted(added - deleted - tried - present)}"
        assert not (deleted & present), f"deleted spans came back: {sorted(deleted & present)}"
        assert set(store.span_counts().values()) <= {len(store.spans(a)) for a in ARTICLES}
        for article in ARTICLES:
            assert store.span_counts().get(article, 0) == len(store.spans(article))
        return n_spans


def rest_of_output(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    """What a finished writer printed after the line already read from it,
    and its stderr. Read through ``proc.stdout``, not ``communicate()``:
    communicate reads the pipe's descriptor directly and so misses whatever
    ``readline()`` had already pulled into the file object's buffer. On a
    busy machine the writer prints "ready" and its first saves before the
    test reads at all; those lines (a "del" among them) would be lost and a
    span deleted by a reported save would look like a lost save."""
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.wait(timeout=30)
    return out, err


def test_reading_the_writer_keeps_lines_printed_with_ready(tmp_path: Path):
    # The interleaving of a loaded machine, made certain: the writer's
    # first lines are in the pipe before the test reads "ready".
    proc = subprocess.Popen(
        [sys.executable, "-c", "import os; os.write(1, b'ready\\ndel a1\\nadd b2\\n')"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.wait(timeout=30)
    assert proc.stdout.readline() == b"ready\n"
    out, err = rest_of_output(proc)
    assert out == b"del a1\nadd b2\n", err.decode()


def test_kill_9_never_loses_a_reported_save(tmp_path: Path):
    root = tmp_path / "store"
    RECOVERIES.clear()
    rng = random.Random(20261123)
    added: set[str] = set()
    deleted: set[str] = set()
    tried: set[str] = set()
    started = time.monotonic()
    rounds = 0
    killed_mid_stream = 0
    while rounds < 20 and time.monotonic() - started < 25:
        rounds += 1
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), str(rounds), TEXT],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout.readline() == b"ready\n", proc.stderr.read().decode()
        time.sleep(rng.uniform(0.005, 0.3))
        os.kill(proc.pid, signal.SIGKILL)
        out, err = rest_of_output(proc)
        assert proc.returncode == -signal.SIGKILL, err.decode()
        lines = out.split(b"\n")
        if lines[-1]:
            killed_mid_stream += 1  # a line cut off: that save is not counted
        for line in lines[:-1]:
            verb, span_id = line.decode().split()
            {"add": added, "del": deleted, "try": tried}[verb].add(span_id)
        check_store(root, added, deleted, tried)
    assert rounds >= 10
    assert len(added) > 50, "the writer should have saved plenty before being killed"
    # About half the kills land between the journal and the article file
    # (seen: 11 of 20); none at all would mean recovery was never exercised.
    assert RECOVERIES, "no kill landed inside a save"



def _die_between_journal_and_file(root: Path, article: str) -> None:
    """A writer that dies right after the journal entry is on disk, before
    the article file is replaced: the worst moment for a save."""
    code = textwrap.dedent(
        f"""
        import os, sys
        import annotations.store.articles as st
        from annotations.store import Store
        store = Store({str(root)!r}, "writer")
        def die(self, *args, **kwargs):
            os._exit(9)
        st._Shard.apply = die
        store.add_span({article!r}, {TEXT!r}, 0, 2, "PER", "entity")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr.decode()


def test_save_interrupted_after_journal_is_completed_on_open(tmp_path: Path):
    root = tmp_path / "store"
    with Store(root, "writer") as store:
        store.add_span("art1", TEXT, 5, 10, "LOC", "entity")
    _die_between_journal_and_file(root, "art0")
    assert not Path(article_path(root / "writer" / "articles", "art0")).exists()
    with Store(root, "writer", readonly=True) as reader:
        # a reader already sees the save from the journal
        assert [s.text for s in reader.spans("art0")] == [TEXT[0:2]]
        assert reader.span_counts() == {"art0": 1, "art1": 1}
    assert not Path(article_path(root / "writer" / "articles", "art0")).exists()
    with Store(root, "writer") as store:
        assert store.recovery == ["completed 1 save that the journal holds but the article file did not"]
        assert [s.text for s in store.spans("art0")] == [TEXT[0:2]]
        assert store.span_counts() == {"art0": 1, "art1": 1}
        assert store.undo() == f"add PER “{TEXT[0:2]}”"
        assert store.spans("art0") == []


def test_journal_line_cut_off_is_dropped(tmp_path: Path):
    root = tmp_path / "store"
    with Store(root, "writer") as store:
        store.add_span("art1", TEXT, 5, 10, "LOC", "entity")
    journal = root / "writer" / "journal.jsonl"
    whole = journal.read_bytes()
    journal.write_bytes(whole + b'{"seq": 99, "act": "do", "a": "art1", "op": {"kind": "add", "sp')
    with Store(root, "writer") as store:
        assert store.recovery == ["dropped the last journal line, cut off before its save returned"]
        assert len(store.spans("art1")) == 1
        store.add_span("art1", TEXT, 20, 24, "PER", "entity")
    lines = journal.read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(json.loads(line) for line in lines[:-1])
    with Store(root, "writer") as store:
        assert len(store.spans("art1")) == 2


# -- damaged files ----------------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.add_span("art0", TEXT, 3, 8, "LOC", "entity")
        store.add_span("art0", TEXT, 10, 14, "PER", "entity")
        store.toggle_theme("art0", "health")
        store.add_span("art1", TEXT, 3, 8, "LOC", "entity")
    with Store(root, "ali") as store:  # a later session: art0 gets a backup
        store.set_status("art0", "done")
    return root


@pytest.mark.parametrize(
    "damage,reason",
    [
        (lambda raw: raw[: len(raw) // 2], "not valid JSON"),
        (lambda raw: b"", "not valid JSON"),
        (lambda raw: b"\xff\xfe garbage", "not valid UTF-8"),
        (lambda raw: b"[1, 2, 3]", "not a TinyDB database"),
        (lambda raw: b'{"spans": {"1": {"start": 1}}}', "unexpected content"),
    ],
)
def test_damaged_article_file_reported_never_overwritten(saved: Path, damage, reason):
    path = Path(article_path(saved / "ali" / "articles", "art0"))
    bad = damage(path.read_bytes())
    path.write_bytes(bad)
    with Store(saved, "ali") as store:
        assert len(store.spans("art1")) == 1  # the rest of the store works
        with pytest.raises(StoreCorruptError) as info:
            store.spans("art0")
        message = str(info.value)
        assert str(path) in message and reason in message
        assert f"an earlier version is kept in {path}.bak" in message and "hashiya validate --repair" in message
        with pytest.raises(StoreCorruptError):
            store.add_span("art0", TEXT, 30, 33, "PER", "entity")
        with pytest.raises(StoreCorruptError):
            store.toggle_theme("art0", "training")
        assert path.read_bytes() == bad
        problems, _, _ = store.check(None)
        assert [p.article_id for p in problems] == ["art0"]
    assert path.read_bytes() == bad


def test_repair_rebuilds_from_backup_and_journal(saved: Path):
    path = Path(article_path(saved / "ali" / "articles", "art0"))
    with Store(saved, "ali") as store:
        expected = (store.spans("art0"), store.themes("art0"), store.status("art0"))
    path.write_bytes(b"{ truncated")
    done = repair(saved, "ali")
    assert len(done) == 1 and str(path) in done[0] and "rebuilt from" in done[0]
    assert Path(f"{path}.damaged").read_bytes() == b"{ truncated"
    with Store(saved, "ali") as store:
        assert (store.spans("art0"), store.themes("art0"), store.status("art0")) == expected
        store.add_span("art0", TEXT, 30, 33, "PER", "entity")  # and it takes edits again


def test_repair_without_backup_replays_the_journal(saved: Path):
    path = Path(article_path(saved / "ali" / "articles", "art0"))
    with Store(saved, "ali") as store:
        expected = (store.spans("art0"), store.themes("art0"), store.status("art0"))
    Path(f"{path}.bak").unlink()
    path.write_bytes(b"")
    with Store(saved, "ali") as store, pytest.raises(StoreCorruptError, match="rebuilds the file from the journal"):
        store.spans("art0")
    repair(saved, "ali")
    with Store(saved, "ali") as store:
        assert (store.spans("art0"), store.themes("art0"), store.status("art0")) == expected


def test_damaged_journal_reported_then_set_aside(saved: Path):
    journal = saved / "ali" / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    lines[1] = b"#" + lines[1][5:]
    bad = b"\n".join(lines)
    journal.write_bytes(bad)
    (saved / "ali" / "index.json").unlink()
    for readonly in (False, True):
        with pytest.raises(StoreCorruptError) as info:
            Store(saved, "ali", readonly=readonly)
        assert str(journal) in str(info.value) and "damaged" in str(info.value)
    assert journal.read_bytes() == bad
    done = repair(saved, "ali")
    assert any("journal" in line for line in done)
    aside = [p for p in journal.parent.iterdir() if p.name.startswith("journal.jsonl.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == bad
    with Store(saved, "ali") as store:
        assert len(store.spans("art0")) == 2 and store.themes("art0") == ["health"]
        assert not store.can_undo()
        span = store.add_span("art0", TEXT, 30, 33, "PER", "entity")
        assert store.undo() and store.span(span.id) is None
    with Store(saved, "ali") as store:
        assert len(store.spans("art0")) == 2


def test_backup_holds_previous_version(saved: Path):
    path = Path(article_path(saved / "ali" / "articles", "art1"))
    before = path.read_bytes()
    with Store(saved, "ali") as store:
        store.add_span("art1", TEXT, 10, 14, "PER", "entity")
    assert Path(f"{path}.bak").read_bytes() == before
    assert path.read_bytes() != before
