"""Where article files lie: one of 256 subfolders of ``articles/`` per
article, names that stay apart where a file system ignores case, found
again from the files alone, and no link followed into a subfolder."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import StoreError
from annotations.store import Store, article_path, checkpoint, repair, shard_name
from annotations.store.articles import article_folder
from annotations.store.files import article_id_from_file
from annotations.store.layout import LAYOUT, SUBFOLDERS

TEXT = "في بغداد، اجتمع وزير الصحة مع ممثلي منظمة الصحة العالمية لبحث تدريب الكوادر الطبية."
# ids that differ only in case, encoded ids, an id like an escape
IDS = ["ab", "Ab", "AB", "aB", "x y", "X y", "É", "é", "%41", "A", "a", "^a", "~a", "a.bak", "مقال-1", "A" * 150, "a" * 150]


def files(root: Path, annotator: str = "ali") -> list[Path]:
    return sorted(p for p in (root / annotator / "articles").rglob("*") if p.is_file())


def test_names_never_collide_where_case_is_ignored():
    names = [shard_name(article_id) for article_id in IDS]
    assert len({name.casefold() for name in names}) == len(IDS)
    assert all("/" not in name and len(name.encode()) < 200 for name in names)
    # plain ids stay readable: the name is the id
    assert shard_name("art-0001") == "art-0001.json" and shard_name("Ab") != "Ab.json"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40), min_size=2, max_size=8, unique=True))
def test_names_of_any_ids_stay_apart_and_come_back(ids):
    names = {shard_name(article_id) for article_id in ids}
    assert len({name.casefold() for name in names}) == len(ids)
    for article_id in ids:
        name = shard_name(article_id)
        # with no readable file behind it, the name alone says the id
        # (unless cut short behind a hash: then the file says it)
        found = article_id_from_file(Path("/nonexistent") / name, name)
        assert found == article_id or (found is None and "~" in name[1:])


def test_files_lie_in_their_subfolder_and_ids_come_back_from_them(tmp_path: Path):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        for article_id in IDS:
            store.add_span(article_id, TEXT, 3, 9, "LOC", "entity")
        expected = {a: [s.to_dict() for s in store.spans(a)] for a in IDS}
    articles = root / "ali" / "articles"
    assert sorted(p.name for p in articles.iterdir() if p.is_dir()) == list(SUBFOLDERS)
    assert (root / "ali" / LAYOUT).read_text().strip() == "fanned"
    stored = [p for p in files(root) if p.name.endswith(".json")]
    assert sorted(stored) == sorted(Path(article_path(articles, a)) for a in IDS)
    assert {p.parent.name for p in stored} == {article_folder(a) for a in IDS}
    assert len({str(p).casefold() for p in stored}) == len(IDS)
    (root / "ali" / "index.json").unlink()  # rebuilt from the files in the subfolders
    with Store(root, "ali") as store:
        assert store.recovery == ["rebuilt the index from the article files"]
        assert {a: [s.to_dict() for s in store.spans(a)] for a in IDS} == expected
        assert store.article_ids() == sorted(IDS)


def test_fanned_out_evenly():
    rng = random.Random(7)
    ids = [f"art{n:06d}" for n in range(25_600)] + [f"{rng.getrandbits(64):x}" for _ in range(25_600)]
    counts = {}
    for article_id in ids:
        counts[article_folder(article_id)] = counts.get(article_folder(article_id), 0) + 1
    assert sorted(counts) == list(SUBFOLDERS)
    assert min(counts.values()) > 120 and max(counts.values()) < 290  # 200 each on average


@pytest.fixture
def synced(monkeypatch) -> list[str]:
    """The folders a checkpoint syncs, in order."""
    folders: list[str] = []
    real = checkpoint.fsync_dir
    monkeypatch.setattr(checkpoint, "fsync_dir", lambda folder: (folders.append(str(folder)), real(folder)))
    return folders


def test_checkpoint_syncs_every_subfolder_it_wrote(tmp_path: Path, synced: list[str]):
    root = tmp_path / "store"
    ids = [f"art{n}" for n in range(20)]
    with Store(root, "ali") as store:
        for article_id in ids:
            store.set_status(article_id, "done")
        synced.clear()
    assert {os.path.dirname(article_path(root / "ali" / "articles", a)) for a in ids} <= set(synced)


def test_checkpoint_cut_syncs_the_subfolders_of_its_backups(tmp_path: Path, synced: list[str], monkeypatch):
    root = tmp_path / "store"
    ids = [f"art{n}" for n in range(6)]
    with Store(root, "ali") as store:
        for article_id in ids:
            store.add_span(article_id, TEXT, 3, 9, "LOC", "entity")
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", 100)
    synced.clear()
    with Store(root, "ali"):  # opening cuts: every .bak written anew
        pass
    folders = {os.path.dirname(article_path(root / "ali" / "articles", a)) for a in ids}
    assert folders <= set(synced)
    assert json.loads((root / "ali" / "journal.jsonl").read_bytes().splitlines()[0])["act"] == "mark"


@pytest.mark.parametrize("readonly", [False, True])
def test_a_subfolder_that_is_a_link_is_refused(tmp_path: Path, readonly: bool):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.set_status("a1", "done")
    sub = root / "ali" / "articles" / article_folder("a2")
    victim = tmp_path / "victim"
    victim.mkdir()
    os.rmdir(sub)
    sub.symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        Store(root, "ali", readonly=readonly)
    with pytest.raises(StoreError, match="symbolic link"):
        repair(root, "ali")
    assert list(victim.iterdir()) == []


def test_a_subfolder_removed_by_hand_is_made_again(tmp_path: Path):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.set_status("a1", "done")
    sub = root / "ali" / "articles" / article_folder("a2")
    os.rmdir(sub)
    with Store(root, "ali") as store:
        store.set_status("a2", "done")
        assert store.status("a1").value == "done"
    assert Path(article_path(root / "ali" / "articles", "a2")).exists()
