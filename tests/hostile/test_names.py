"""Attacks through names that become paths: annotator names (flag,
variable, the app's settings, adjudicate --into) and planted links in an
annotator folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotations.errors import HashiyaError, StoreError
from annotations.names import check_name, name_problem
from annotations.settings import Settings
from annotations.store import Store, article_path
from annotations.suggestions import Found, SuggestionStore

from .helpers import SEED_ID, copy_seeds, one_error, run, tree

BAD_NAMES = ["..", ".", ".hidden", "..x", "a/b", "a\\b", "", " bob", "a\x1bb", "a\u202eb", "caf\udce9", "x" * 121]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_one_rule_refuses(name):
    assert name_problem(name) is not None
    with pytest.raises(HashiyaError, match="cannot be used"):
        check_name(name, "annotator name")


@pytest.mark.parametrize("name", ["alice", "مريم", "a.b@c-d_e", "x" * 120, "سارة 2"])
def test_the_one_rule_accepts(name):
    assert check_name(name, "annotator name") == name


@pytest.mark.parametrize("name", ["..", ".", ".hidden", "..x"])
def test_annotator_flag_writes_nothing_outside_the_store(tmp_path, capsys, name):
    corpus = copy_seeds(tmp_path / "corpus")
    store = tmp_path / "area" / "store"
    code, _, err = run(capsys, "import", tmp_path / "none.jsonl", corpus, "--store", store, "--annotator", name)
    one_error(code, err, "annotator name")
    assert tree(tmp_path / "area") == {}


def test_annotator_variable_dotdot_is_refused(tmp_path, capsys, monkeypatch):
    corpus = copy_seeds(tmp_path / "corpus")
    monkeypatch.setenv("HASHIYA_ANNOTATOR", "..")
    store = tmp_path / "area" / "store"
    (tmp_path / "in.jsonl").write_text("", encoding="utf-8")
    code, _, err = run(capsys, "import", tmp_path / "in.jsonl", corpus, "--store", store)
    one_error(code, err, "annotator name", "'..'")
    assert tree(tmp_path / "area") == {}


def test_empty_annotator_flag_is_refused_not_the_login_name(capsys):
    with pytest.raises(HashiyaError, match="it is empty"):
        Settings.resolve(annotator="")


def test_app_settings_and_store_refuse_dotdot(tmp_path):
    # the app opens its store through Settings and Store: both refuse
    with pytest.raises(HashiyaError, match="annotator name"):
        Settings.resolve(annotator="..")
    with pytest.raises(HashiyaError, match="annotator name"):
        Store(tmp_path / "store", "..")
    assert list(tmp_path.iterdir()) == []


def test_adjudicate_into_dotdot_is_refused(tmp_path, capsys):
    corpus = copy_seeds(tmp_path / "corpus")
    store = tmp_path / "area" / "store"
    with Store(store, "ali") as ali:
        ali.set_status(SEED_ID, "done")
    before = tree(tmp_path / "area")
    code, _, err = run(capsys, "adjudicate", corpus, "--store", store, "--into", "..")
    one_error(code, err, "annotator name")
    assert tree(tmp_path / "area") == before


def test_store_ignores_folders_that_are_no_annotator_name(tmp_path):
    with Store(tmp_path / "s", "ali"):
        pass
    (tmp_path / "s" / ".hidden" / "articles").mkdir(parents=True)
    (tmp_path / "s" / "bad\x1bname" / "articles").mkdir(parents=True)
    with Store(tmp_path / "s", "ali", readonly=True) as store:
        assert store.annotators() == ["ali"]


@pytest.mark.parametrize("planted", ["lock", "journal.jsonl", "index.json"])
def test_planted_links_are_never_written_through(tmp_path, planted):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.set_status("a1", "done")
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    target = root / "ali" / planted
    target.unlink()
    target.symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        with Store(root, "ali") as store:
            store.set_status("a1", "todo")
    assert victim.read_bytes() == b"precious\n"


def test_planted_article_link_is_refused(tmp_path):
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.set_status("a1", "done")
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    shard = Path(article_path(root / "ali" / "articles", "a1"))
    shard.unlink()
    shard.symlink_to(victim)
    with Store(root, "ali") as store:
        with pytest.raises(StoreError, match="symbolic link"):
            store.set_status("a1", "todo")
    assert victim.read_bytes() == b"precious\n"


def test_annotator_folder_that_is_a_link_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "store").mkdir()
    os.symlink(elsewhere, tmp_path / "store" / "ali")
    with pytest.raises(StoreError, match="symbolic link"):
        Store(tmp_path / "store", "ali")
    assert list(elsewhere.iterdir()) == []


def test_the_app_refuses_dotdot_before_opening(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "open", "--annotator", "..", "--store", tmp_path / "area" / "store")
    one_error(code, err, "annotator name", "'..'")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("planted", ["suggestions", "suggestions/articles"])
def test_suggestion_folders_that_are_links_are_neither_written_nor_read_through(tmp_path, planted):
    root = tmp_path / "store"
    text = "في القاهرة اليوم"
    with Store(root, "ali") as store:
        SuggestionStore(store).save("a1", text, Found(entities=[(3, 10, "GPE")]), "patterns")
    elsewhere = tmp_path / "elsewhere"
    link = root / "ali" / planted
    link.rename(elsewhere)  # what was there now sits elsewhere, reached through a link
    link.symlink_to(elsewhere)
    before = tree(elsewhere)
    with Store(root, "ali") as store:
        box = SuggestionStore(store)
        with pytest.raises(StoreError, match="symbolic link"):
            box.load("a1", text)
        with pytest.raises(StoreError, match="symbolic link"):
            box.save("a2", text, Found(entities=[(3, 10, "GPE")]), "patterns")
        assert box.summary() == {}
    assert tree(elsewhere) == before
