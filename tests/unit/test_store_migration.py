"""A store of the flat layout (every article file directly in ``articles/``)
is read as it is and moved into the subfolders when a writer opens it; a
kill at any step of the move loses nothing, duplicates nothing, and the
next writer finishes it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotations.store import Store, article_path, repair
from annotations.store.articles import flat_name
from annotations.store.files import article_id_from_file
from annotations.store import layout
from annotations.store.layout import LAYOUT, SUBFOLDERS

TEXT = ("في بغداد، اجتمع وزير الصحة مع ممثلي منظمة الصحة العالمية لبحث تدريب الكوادر الطبية. " * 4).strip()
# plain ids, ids differing only in case (their names change), encoded ids
ARTICLES = ["art0", "art1", "Art1", "x y", "É", "a" * 130]


def contents(store: Store, annotator: str | None = None) -> dict:
    return {
        a: ([s.to_dict() for s in store.spans(a, annotator)], store.themes(a, annotator), store.status(a, annotator).value)
        for a in ARTICLES
    }


def saved(root: Path) -> tuple[dict, list]:
    """A store with edits on every article (two sessions: .bak files too)."""
    for session in range(2):
        with Store(root, "ali") as store:
            for n, article in enumerate(ARTICLES):
                start = 2 * n + 20 * session
                store.add_span(article, TEXT, start, start + 2, "LOC", "entity")
            store.toggle_theme(ARTICLES[session], "health")
            store.set_status(ARTICLES[-1 - session], "done")
    with Store(root, "ali") as store:
        return contents(store), store.undo_history()


def flatten(root: Path, annotator: str = "ali") -> None:
    """The folder as the flat layout wrote it: every file in ``articles/``
    under its name of then, no subfolders, no ``layout``."""
    articles = root / annotator / "articles"
    for sub in SUBFOLDERS:
        for path in sorted((articles / sub).iterdir()):
            base = path.name[: path.name.index(".json") + len(".json")]
            article_id = article_id_from_file(path, base)
            os.rename(path, articles / (flat_name(article_id) + path.name[len(base):]))
        os.rmdir(articles / sub)
    (root / annotator / LAYOUT).unlink()


def in_flat_folder(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "ali" / "articles").iterdir() if p.is_file())


def every_file(root: Path) -> list[str]:
    """Each file of articles/ as (subfolder or "", name), for counting."""
    return sorted(str(p.relative_to(root / "ali" / "articles")) for p in (root / "ali" / "articles").rglob("*") if p.is_file())


@pytest.fixture
def flat(tmp_path: Path) -> tuple[Path, dict, list, list[str]]:
    root = tmp_path / "store"
    expected, undo = saved(root)
    flatten(root)
    names = in_flat_folder(root)
    assert "Art1.json" in names and "art1.json" in names and len(names) == 2 * len(ARTICLES)
    return root, expected, undo, names


def test_a_reader_reads_a_flat_store_and_moves_nothing(flat):
    root, expected, _, names = flat
    with Store(root, "bob", readonly=True) as reader:
        assert contents(reader, "ali") == expected
    (root / "ali" / "index.json").unlink()  # rebuilt from the flat folder's files
    with Store(root, "bob", readonly=True) as reader:
        assert contents(reader, "ali") == expected
        assert list(reader.span_texts("ali"))
    assert in_flat_folder(root) == names and not (root / "ali" / LAYOUT).exists()


def test_a_writer_moves_a_flat_store_into_subfolders(flat):
    root, expected, undo, names = flat
    with Store(root, "ali") as store:
        assert store.recovery == [f"moved {len(names)} article files into the subfolders of {root / 'ali' / 'articles'}"]
        assert contents(store) == expected and store.undo_history() == undo
        store.undo()
        store.redo()
    assert in_flat_folder(root) == [] and (root / "ali" / LAYOUT).read_text().strip() == "fanned"
    articles = root / "ali" / "articles"
    for article in ARTICLES:
        assert Path(article_path(articles, article)).is_file()
        assert Path(article_path(articles, article) + ".bak").is_file()
    assert len(every_file(root)) == len(names)
    with Store(root, "ali") as store:
        assert store.recovery == [] and contents(store) == expected


def test_a_reader_follows_a_move_under_way(flat):
    root, expected, _, _ = flat
    reader = Store(root, "bob", readonly=True)
    try:
        assert contents(reader, "ali") == expected  # its files opened in the flat folder
        Store(root, "ali").close()  # moves them
        assert in_flat_folder(root) == []
        assert contents(reader, "ali") == expected
    finally:
        reader.close()


def test_repair_after_the_move(flat):
    root, expected, _, _ = flat
    Store(root, "ali").close()
    for article in ARTICLES[:3]:
        os.unlink(article_path(root / "ali" / "articles", article))
    done = repair(root, "ali")
    assert len(done) == 3 and all("was missing" in line for line in done)
    with Store(root, "ali") as store:
        assert contents(store) == expected


def test_repair_moves_a_flat_store_first(flat):
    root, expected, _, _ = flat
    (root / "ali" / "articles" / "art0.json").unlink()
    done = repair(root, "ali")
    assert done[0].startswith("moved ") and "art0.json: was missing; rebuilt from" in done[1]
    assert in_flat_folder(root) == []
    with Store(root, "ali") as store:
        assert contents(store) == expected


def test_a_damaged_file_moves_with_its_backup(flat):
    root, expected, _, _ = flat
    (root / "ali" / "articles" / "art1.json").write_bytes(b'{"spans": ')
    with pytest.raises(Exception, match="damaged"):
        with Store(root, "ali") as store:
            store.spans("art1")
    assert in_flat_folder(root) == []  # moved all the same, damaged file too
    repair(root, "ali")
    with Store(root, "ali") as store:
        assert contents(store) == expected
    damaged = Path(article_path(root / "ali" / "articles", "art1") + ".damaged")
    assert damaged.read_bytes() == b'{"spans": '


# -- a kill at every step of the move --------------------------------------------------

WRITER = textwrap.dedent(
    """
    import os, sys
    from annotations.store import Store, layout
    root, stop_at = sys.argv[1], int(sys.argv[2])
    steps = []
    def reached(step):
        steps.append(step)
        if len(steps) == stop_at:
            os._exit(9)
    layout._reached = reached
    Store(root, "ali").close()
    print("steps", "|".join(steps), flush=True)
    """
)


def test_kill_at_every_step_of_the_move_loses_nothing(flat, tmp_path: Path):
    seed, expected, undo, names = flat
    stop_at = 0
    while True:
        stop_at += 1
        root = tmp_path / f"store{stop_at}"
        shutil.copytree(seed, root)
        result = subprocess.run([sys.executable, "-c", WRITER, str(root), str(stop_at)], capture_output=True, timeout=120)
        # half moved: a reader reads it all, and every file is in one place
        assert len(every_file(root)) == len(names), f"stopped at step {stop_at}"
        with Store(root, "bob", readonly=True) as reader:
            assert contents(reader, "ali") == expected, f"stopped at step {stop_at}: reader"
        with Store(root, "ali") as store:  # finishes the move
            assert contents(store) == expected, f"stopped at step {stop_at}"
            assert store.undo_history() == undo
        assert in_flat_folder(root) == [] and (root / "ali" / LAYOUT).read_text().strip() == "fanned"
        assert len(every_file(root)) == len(names)
        for article in ARTICLES:
            os.unlink(article_path(root / "ali" / "articles", article))
        repair(root, "ali")
        with Store(root, "ali") as store:
            assert contents(store) == expected, f"stopped at step {stop_at}: repair"
            store.undo()
            assert contents(store) != expected
        if result.returncode == 0:
            steps = result.stdout.decode().split()[-1].split("|")
            break
        assert result.returncode == 9, result.stderr.decode()
    assert stop_at == len(steps) + 1
    assert steps == ["marked", "folders"] + ["moved"] * len(names) + ["synced", "done"]


def test_the_move_is_synced_before_it_is_recorded(flat, monkeypatch):
    # What a power cut may undo: the subfolders are synced into articles/
    # before a file moves into them, and every folder a file moved into or
    # out of is synced before "fanned" is written.
    root, _, _, names = flat
    events: list[tuple[str, str]] = []
    real_sync, real_write, real_rename = layout.fsync_dir, layout.atomic_write, os.rename
    monkeypatch.setattr(layout, "fsync_dir", lambda folder: (events.append(("sync", str(folder))), real_sync(folder)))
    monkeypatch.setattr(
        layout, "atomic_write", lambda path, data, **kw: (events.append(("write", data.decode().strip())), real_write(path, data, **kw))
    )
    monkeypatch.setattr(os, "rename", lambda a, b: (events.append(("rename", os.path.dirname(b))), real_rename(a, b)))
    Store(root, "ali").close()
    articles = str(root / "ali" / "articles")
    renames = [i for i, (what, _) in enumerate(events) if what == "rename"]
    fanned = events.index(("write", "fanned"))
    assert events[0] == ("write", "migrating") and len(renames) == len(names)
    assert ("sync", articles) in events[1 : renames[0]]
    synced_after = {folder for what, folder in events[renames[-1] : fanned] if what == "sync"}
    assert {events[i][1] for i in renames} | {articles} <= synced_after


def test_a_damaged_layout_file_is_a_move_under_way(flat):
    root, expected, _, _ = flat
    Store(root, "ali").close()
    (root / "ali" / LAYOUT).write_bytes(b"\x00garbage")
    with Store(root, "bob", readonly=True) as reader:
        assert contents(reader, "ali") == expected
    with Store(root, "ali") as store:
        assert contents(store) == expected
    assert (root / "ali" / LAYOUT).read_text().strip() == "fanned"
