"""The journal is cut at checkpoints so it stays small, and nothing a save
reported is lost by a cut, by a kill at any step of one, or by repair after
one; undo history survives a cut and a restart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import annotations.store.annotator as store_module
from annotations.store import Store, article_path, checkpoint, repair

TEXT = ("في بغداد، اجتمع وزير الصحة مع ممثلي منظمة الصحة العالمية لبحث تدريب الكوادر الطبية. " * 40).strip()
ARTICLES = ["art0", "art1", "art2"]
LIMIT = 6000


def journal(root: Path, name: str = "ali") -> Path:
    return root / name / "journal.jsonl"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def contents(store: Store) -> dict:
    return {a: ([s.to_dict() for s in store.spans(a)], store.themes(a), store.status(a)) for a in ARTICLES}


def edit(store: Store, n: int) -> None:
    """The n-th edit of a mixed run: adds, some deletes, themes, a status."""
    article = ARTICLES[n % len(ARTICLES)]
    spans = store.spans(article)
    if n % 5 == 4 and spans:
        store.delete_span(spans[0].id)
    elif n % 11 == 10:
        store.toggle_theme(article, "health")
    elif n % 13 == 12:
        store.set_status(article, "done" if n % 2 else "in_progress")
    else:
        start = max((s.end for s in spans), default=0) + 1
        while not TEXT[start:start + 2].strip():
            start += 1
        store.add_span(article, TEXT, start, start + 2, "PER", "entity")


def saved_store(tmp_path: Path, edits: int = 150) -> tuple[Path, dict]:
    """A store holding ``edits`` edits, saved under the default limit (no
    cut), and what its articles hold."""
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        for n in range(edits):
            edit(store, n)
        return root, contents(store)


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", LIMIT)


def test_journal_stays_within_its_bound(tmp_path: Path, small_limit, monkeypatch):
    monkeypatch.setattr(store_module, "UNDO_LIMIT", 60)  # the history kept, made small
    root = tmp_path / "store"
    cuts = 0
    with Store(root, "ali") as store:
        gens = set()
        for n in range(400):
            edit(store, n)
            size = journal(root).stat().st_size
            if size < LIMIT and n % 10:
                continue  # the head is read (and the bound checked) at least every 10 edits
            first = [json.loads(line) for line in journal(root).read_bytes().splitlines()[:2]]
            base = first[1] if len(first) > 1 and first[1].get("act") == "base" else None
            base_size = len(json.dumps(base, ensure_ascii=False)) + 200 if base else 0
            # the cut journal's head (undo history) plus the limit plus this save
            assert size <= base_size + LIMIT + 2000, (n, size)
            if first[0].get("act") == "mark":
                gens.add(first[0]["gen"])
        cuts = len(gens)
        expected = contents(store)
        undo = store.undo_history()
    assert cuts > 10
    assert len(undo[0]) == 60
    with Store(root, "ali") as store:
        assert contents(store) == expected
        assert store.undo_history() == undo


def test_undo_after_a_cut_and_a_restart(tmp_path: Path, small_limit):
    root = tmp_path / "store"
    states = {}  # what the articles held when the undo history was this long
    with Store(root, "ali") as store:
        for n in range(120):
            states[len(store.undo_history()[0])] = contents(store)
            edit(store, n)
        assert lines(journal(root))[0]["act"] == "mark"  # cut at least once
        length = len(store.undo_history()[0])
    with Store(root, "ali") as store:
        for k in range(length - 1, length - 21, -1):
            assert store.undo() is not None
            assert contents(store) == states[k]
        assert store.redo() is not None
        assert contents(store) == states[length - 19]


def test_lost_index_after_a_cut_keeps_undo_history(tmp_path: Path, small_limit):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        for n in range(200):
            edit(store, n)
        expected, undo = contents(store), store.undo_history()
    (root / "ali" / "index.json").unlink()
    with Store(root, "ali") as store:
        assert store.recovery == ["rebuilt the index from the article files"]
        assert contents(store) == expected
        assert store.undo_history() == undo


@pytest.mark.parametrize("how", ["deleted", "damaged"])
def test_repair_after_a_cut(tmp_path: Path, small_limit, how):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        for n in range(150):
            edit(store, n)
        assert lines(journal(root))[0]["act"] == "mark"
        for n in range(150, 160):  # a few edits after the last cut too
            edit(store, n)
        expected = contents(store)
    for article in ARTICLES:
        path = Path(article_path(root / "ali" / "articles", article))
        if how == "deleted":
            path.unlink()
        else:
            path.write_bytes(path.read_bytes()[:40])
    done = repair(root, "ali")
    assert len(done) == len(ARTICLES) and all(".bak" in line for line in done)
    with Store(root, "ali") as store:
        assert contents(store) == expected


def test_an_uncut_journal_is_read_then_cut(tmp_path: Path, monkeypatch):
    root = tmp_path / "store"
    with Store(root, "ali") as store:  # the default limit: never cut here
        for n in range(80):
            edit(store, n)
        expected, undo = contents(store), store.undo_history()
    assert "mark" not in {line["act"] for line in lines(journal(root))}
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", LIMIT)
    with Store(root, "ali") as store:  # opening is a checkpoint: it cuts
        assert contents(store) == expected and store.undo_history() == undo
    assert [line["act"] for line in lines(journal(root))] == ["mark", "base"]
    with Store(root, "ali") as store:
        assert contents(store) == expected and store.undo_history() == undo


def test_a_reader_follows_the_writer_across_a_cut(tmp_path: Path, small_limit):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        edit(store, 0)
        reader = Store(root, "bob", readonly=True)
        seen = reader.span_counts("ali")
        first_gen = lines(journal(root))[0].get("gen")
        for n in range(1, 150):
            edit(store, n)
            if n % 7 == 0:
                assert reader.span_counts("ali") == store.span_counts()
                assert contents_of(reader) == contents(store)
        assert lines(journal(root))[0].get("gen") not in (None, first_gen)
        assert reader.span_counts("ali") == store.span_counts() != seen
        reader.close()


def contents_of(reader: Store) -> dict:
    return {a: ([s.to_dict() for s in reader.spans(a, "ali")], reader.themes(a, "ali"), reader.status(a, "ali")) for a in ARTICLES}


# -- a kill at every step of a cut ---------------------------------------------

WRITER = textwrap.dedent(
    """
    import os, sys
    from annotations.store import Store, checkpoint
    root, stop_at, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    steps = []
    def reached(step):
        steps.append(step)
        if len(steps) == stop_at:
            os._exit(9)
    checkpoint._reached = reached
    store = Store(root, "ali")  # the journal is below the default limit: no cut
    for n in range(6):
        article = ["art0", "art1", "art2"][n % 3]
        start = 1 + max((s.end for s in store.spans(article)), default=0)
        while not text[start:start + 2].strip():
            start += 1
        span = store.add_span(article, text, start, start + 2, "LOC", "entity")
        print("add", span.id, flush=True)
    checkpoint.JOURNAL_LIMIT = 100
    store.close()  # a checkpoint that cuts
    print("steps", "|".join(sorted(set(steps))), flush=True)
    """
)


def test_kill_at_every_step_of_a_cut_loses_no_reported_save(tmp_path: Path):
    seed = tmp_path / "seed"
    with Store(seed, "ali") as store:
        for n in range(40):
            edit(store, n)
    stop_at = 0
    stopped = 0
    while True:
        stop_at += 1
        root = tmp_path / f"store{stop_at}"
        shutil.copytree(seed, root)
        with Store(root, "ali") as store:
            before, undo_before = contents(store), store.undo_history()[0]
        result = subprocess.run(
            [sys.executable, "-c", WRITER, str(root), str(stop_at), TEXT], capture_output=True, timeout=120
        )
        out = result.stdout.decode().splitlines()
        added = [line.split()[1] for line in out if line.startswith("add ")]
        assert len(added) == 6, result.stderr.decode()
        with Store(root, "ali") as store:
            present = {s.id for a in ARTICLES for s in store.spans(a)}
            assert set(added) <= present, f"stopped at step {stop_at}: lost saves"
            after = contents(store)
            for article in ARTICLES:
                assert before[article][0] == [s for s in after[article][0] if s["id"] not in added]
            undo = store.undo_history()[0]
            assert undo[: len(undo_before)] == undo_before
            assert len(undo) == len(undo_before) + 6 and all(d.startswith("add LOC") for d in undo[-6:])
        # every article file deleted: repair rebuilds each one
        for article in ARTICLES:
            Path(article_path(root / "ali" / "articles", article)).unlink()
        repair(root, "ali")
        with Store(root, "ali") as store:
            assert contents(store) == after, f"stopped at step {stop_at}: repair"
            for _ in added:
                store.undo()
            assert contents(store) == before
        if result.returncode == 0:
            steps = out[-1].split(" ", 1)[1].split("|")
            break
        assert result.returncode == 9, result.stderr.decode()
        stopped += 1
    # it was stopped at every step there is, and there are the steps of a cut
    assert stopped == stop_at - 1
    assert {"synced", "copied", "backup replaced", "journal replaced", "index"} <= set(steps)
    assert stopped >= len(ARTICLES) * 2 + 7


def test_an_index_of_the_journal_before_a_cut_is_not_trusted(tmp_path: Path, monkeypatch):
    # An index written before a cut (as a kill between the cut and the new
    # index leaves it) points into a journal that is gone: its offset may
    # fall anywhere in the new one. It is set aside and rebuilt.
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        edit(store, 0)
    old_index = (root / "ali" / "index.json").read_bytes()
    with Store(root, "ali") as store:
        for n in range(1, 60):
            edit(store, n)
        expected, undo = contents(store), store.undo_history()
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", LIMIT)
    with Store(root, "ali") as store:
        pass  # opening cuts
    assert json.loads(old_index)["journal_pos"] < journal(root).stat().st_size
    (root / "ali" / "index.json").write_bytes(old_index)
    with Store(root, "ali") as store:
        assert store.recovery == ["rebuilt the index from the article files"]
        assert contents(store) == expected and store.undo_history() == undo


def test_repair_after_a_cut_with_no_index(tmp_path: Path, monkeypatch):
    # After a cut neither the journal nor (here) an index names the
    # article: its .bak is what says it was there.
    root, expected = saved_store(tmp_path)
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", LIMIT)
    Store(root, "ali").close()  # opening cuts
    assert [line["act"] for line in lines(journal(root))] == ["mark", "base"]
    (root / "ali" / "index.json").unlink()
    Path(article_path(root / "ali" / "articles", "art1")).unlink()
    done = repair(root, "ali")
    assert len(done) == 1 and "art1.json: was missing; rebuilt from" in done[0] and ".bak" in done[0]
    with Store(root, "ali") as store:
        assert contents(store) == expected


def test_no_cut_while_an_article_file_is_damaged(tmp_path: Path, monkeypatch):
    # The journal is what rebuilds a damaged file: it is not cut then, and
    # no .bak is replaced.
    root, expected = saved_store(tmp_path)
    damaged = Path(article_path(root / "ali" / "articles", "art1"))
    damaged.write_bytes(b'{"spans": ')
    baks = {path.name: path.read_bytes() for path in (root / "ali" / "articles").glob("*/*.bak")}
    before = journal(root).read_bytes()
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", LIMIT)
    with Store(root, "ali") as store:
        assert len(store.spans("art0")) == len(expected["art0"][0])  # the rest opens
        edit(store, 0)  # a save past the limit tries to cut again; the journal stays whole
    assert journal(root).read_bytes().startswith(before)
    # (art0's save keeps its file as of the checkpoint as .bak, as any save does)
    after = {path.name: path.read_bytes() for path in (root / "ali" / "articles").glob("*/*.bak")}
    assert {name: raw for name, raw in after.items() if name != "art0.json.bak"} == baks
    repair(root, "ali")
    with Store(root, "ali") as store:
        assert contents(store)["art1"] == expected["art1"]


def _imported(root: Path, n: int, *, before_checkpoint=None) -> None:
    """`n` new articles imported in one batch, then a checkpoint (after
    ``before_checkpoint(store)``, when given)."""
    from annotations.model import ArticleRecord, Span
    from annotations.store.bulk_import import Importer

    def record(i: int) -> ArticleRecord:
        aid = f"imp{i}"
        span = Span(aid, 3, 8, "LOC", "entity", TEXT[3:8], "ali")
        return ArticleRecord(aid, TEXT, [span], [], "todo")

    with Store(root, "ali") as store:
        importer = Importer(store)
        importer.add([record(i) for i in range(n)])
        if before_checkpoint is not None:
            before_checkpoint(store)
        store._writer().write_snapshot()


def test_a_cut_after_an_import_does_not_read_back_what_it_wrote(tmp_path: Path, monkeypatch):
    """Articles an import wrote new, unchanged since, are not read again by
    the cut that follows (their .bak is the file itself); the journal is
    cut and every article reads back as imported."""
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", LIMIT)
    reads = []
    real = checkpoint.read_nofollow
    monkeypatch.setattr(checkpoint, "read_nofollow", lambda path, *a, **k: reads.append(Path(path).name) or real(path, *a, **k))
    root = tmp_path / "store"
    _imported(root, 40)
    assert not [name for name in reads if name.startswith("imp")]
    assert [line["act"] for line in lines(journal(root))] == ["mark", "base"]  # cut
    with Store(root, "ali") as store:
        assert [s.text for s in store.spans("imp7")] == [TEXT[3:8]]


def test_an_imported_file_changed_before_the_cut_is_read_and_keeps_the_journal(tmp_path: Path, monkeypatch):
    """A file changed after the import wrote it (same inode, another size and
    time) is read back as any other: damaged, it keeps the whole journal,
    and repair rebuilds it."""
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", LIMIT)
    root = tmp_path / "store"

    def damage(store):
        store._writer().settle_writes()  # the import's files written (behind it)
        path = article_path(root / "ali" / "articles", "imp3")
        with open(path, "r+b") as handle:  # in place: the .bak, another name of it, too
            handle.write(b'{"spans": ')
            handle.truncate()

    _imported(root, 40, before_checkpoint=damage)
    assert any(line.get("a") == "imp3" for line in lines(journal(root)))  # not cut
    repair(root, "ali")
    with Store(root, "ali") as store:
        assert [s.text for s in store.spans("imp3")] == [TEXT[3:8]]


def test_after_its_first_cut_a_writer_does_not_read_the_journal_to_cut_it(tmp_path: Path, small_limit, monkeypatch):
    """The articles the journal edits (and the seq of each one's last edit)
    are noted as the writer appends them once it has cut the journal: the
    cuts after the first do not read the journal for them, and find what
    reading it finds. A journal that is not the one appended to, or not of
    the size written, is read as before."""
    reads = []
    real = checkpoint._last_edits
    monkeypatch.setattr(checkpoint, "_last_edits", lambda path: reads.append(1) or real(path))
    tracked = []
    real_tracked = checkpoint._tracked_edits

    def comparing(ann):
        last = real_tracked(ann)
        if last is not None:
            assert last == real(ann.journal.path)
            tracked.append(len(last))
        return last

    monkeypatch.setattr(checkpoint, "_tracked_edits", comparing)
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        for n in range(300):
            edit(store, n)
        expected = contents(store)
        cuts = len(tracked) + len(reads)
        assert len(reads) == 1 and cuts > 5 and all(tracked)
        own = store._writer()
        size = journal(root).stat().st_size
        with open(journal(root), "ab") as handle:  # someone else's line
            handle.write(b"\n")
        assert checkpoint._tracked_edits(own) is None
        os.truncate(journal(root), size)
        assert checkpoint._tracked_edits(own) is not None
        os.replace(journal(root), journal(root).with_name("moved"))
        shutil.copy(journal(root).with_name("moved"), journal(root))  # the same bytes, another file
        assert checkpoint._tracked_edits(own) is None
    with Store(root, "ali") as store:
        assert contents(store) == expected
