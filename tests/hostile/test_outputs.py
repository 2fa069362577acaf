"""Attacks through output names: inputs, devices, links, modes, stdout,
and writes that fail."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.errors import FormatError
from annotations.formats.output import create_file, refuse_inputs, write_file
from annotations.store import Store, article_path

from .helpers import SEED_ID, copy_seeds, one_error, run, tree


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_files_honour_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_file(tmp_path / "a.jsonl", lambda s: s.write("x\n"))
        os.umask(0o007)
        write_file(tmp_path / "b.jsonl", lambda s: s.write("x\n"))
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.jsonl") == 0o644
    assert _mode(tmp_path / "b.jsonl") == 0o660


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    target.chmod(0o640)
    write_file(target, lambda s: s.write("new\n"))
    assert target.read_text() == "new\n" and _mode(target) == 0o640


def test_a_device_is_written_into_not_replaced(tmp_path):
    before = os.stat("/dev/null")
    write_file("/dev/null", lambda s: s.write("x\n"))
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_link_to_a_file_is_refused_and_left_alone(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = tmp_path / "out.jsonl"
    link.symlink_to(victim)
    with pytest.raises(FormatError, match="symbolic link"):
        write_file(link, lambda s: s.write("x"))
    assert link.is_symlink() and victim.read_text() == "precious"
    dangling = tmp_path / "d.jsonl"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FormatError, match="symbolic link"):
        write_file(dangling, lambda s: s.write("x"))
    assert not (tmp_path / "nowhere").exists()


def test_a_created_file_honours_the_umask_and_leaves_no_temporary(tmp_path):
    old = os.umask(0o027)
    try:
        create_file(tmp_path / "a.txt", "نص عربي\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").read_bytes() == "نص عربي\n".encode("utf-8")
    assert _mode(tmp_path / "a.txt") == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_create_never_replaces_what_is_there(tmp_path):
    """A file (or a link, even a dangling one) made under the name after the
    command looked is refused and left as it was, with no temporary left."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / "there.txt").write_text("theirs")
    (tmp_path / "link.txt").symlink_to(victim)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere")
    for name in ("there.txt", "link.txt", "dangling.txt"):
        with pytest.raises(FormatError, match="not overwritten"):
            create_file(tmp_path / name, "mine")
    assert (tmp_path / "there.txt").read_text() == "theirs" and victim.read_text() == "precious"
    assert not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.txt", "link.txt", "there.txt", "victim"]


def test_create_without_renameat2_links_and_still_never_replaces(tmp_path, monkeypatch):
    from annotations.formats import output

    from annotations import newfile

    monkeypatch.setattr(newfile, "_function", lambda: None)  # the temporary-name way, then
    monkeypatch.setattr(output, "_no_renameat2", [True])
    (tmp_path / "there.txt").write_text("theirs")
    with pytest.raises(FormatError, match="not overwritten"):
        create_file(tmp_path / "there.txt", "mine")
    create_file(tmp_path / "new.txt", "mine")
    assert (tmp_path / "there.txt").read_text() == "theirs" and (tmp_path / "new.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt", "there.txt"]


@pytest.mark.parametrize("unnamed", [True, False])
def test_create_makes_its_temporary_afresh_over_a_leftover_or_a_link(tmp_path, monkeypatch, unnamed):
    """A link planted where the temporary name will be is never written
    through: with unnamed files (annotations/newfile.py) no temporary name
    is used and it is left as it is; without, it is made afresh."""
    from annotations import newfile

    if not unnamed:
        monkeypatch.setattr(newfile, "_function", lambda: None)
    leftover = f".a.txt.{os.getpid()}.tmp"
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / leftover).symlink_to(victim)
    create_file(tmp_path / "a.txt", "text")
    assert (tmp_path / "a.txt").read_text() == "text" and victim.read_text() == "precious"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ([leftover] if unnamed and newfile._function() else []) + ["a.txt", "victim"]


def test_create_refuses_a_lone_surrogate_and_writes_nothing(tmp_path):
    with pytest.raises(FormatError, match="lone surrogate"):
        create_file(tmp_path / "a.txt", "bad \udc80")
    assert list(tmp_path.iterdir()) == []


def test_empty_name_is_refused(tmp_path):
    with pytest.raises(FormatError, match="empty file name"):
        write_file("", lambda s: s.write("x"))


def test_inputs_are_never_outputs(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("{}\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("نص")
    store = tmp_path / "store"
    (store / "ali").mkdir(parents=True)
    link = tmp_path / "alias.jsonl"
    link.symlink_to(corpus)
    with pytest.raises(FormatError, match="input"):
        refuse_inputs(corpus, corpus=corpus)
    with pytest.raises(FormatError, match="input"):
        refuse_inputs(link, corpus=corpus)
    with pytest.raises(FormatError, match="corpus folder"):
        refuse_inputs(folder / "a.txt", corpus=folder)
    with pytest.raises(FormatError, match="corpus folder"):
        refuse_inputs(folder / "new.txt", corpus=folder)
    with pytest.raises(FormatError, match="store folder"):
        refuse_inputs(store / "ali" / "index.json", store=store)
    with pytest.raises(FormatError, match="input"):
        refuse_inputs(tmp_path / "labels.toml", files=[tmp_path / "labels.toml"])
    refuse_inputs(tmp_path / "out.jsonl", corpus=corpus, store=store)
    refuse_inputs(folder / "out.jsonl", corpus=folder, store=store)


# -- through the command line ------------------------------------------------


def _jsonl_corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "نص أول"}) + "\n" + json.dumps({"id": "b", "text": "نص ثان"}) + "\n")
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.add_span("a", "نص أول", 0, 2, "PER", "entity")
    return path, root


def test_export_onto_its_corpus_is_refused(tmp_path, capsys):
    corpus, root = _jsonl_corpus(tmp_path)
    before = corpus.read_bytes()
    code, _, err = run(capsys, "export", corpus, "--store", root, "-o", corpus)
    one_error(code, err, str(corpus), "input")
    assert corpus.read_bytes() == before


def test_export_onto_an_article_or_the_store_is_refused(tmp_path, capsys):
    folder = copy_seeds(tmp_path / "corpus")
    root = tmp_path / "store"
    with Store(root, "ali") as store:
        store.set_status(SEED_ID, "done")
    before, store_before = tree(folder), tree(root)
    for target in (folder / f"{SEED_ID}.txt", root / "ali" / "index.json", Path(article_path(root / "ali" / "articles", SEED_ID))):
        code, _, err = run(capsys, "export", folder, "--store", root, "-o", target)
        one_error(code, err)
    assert tree(folder) == before and tree(root) == store_before


def test_export_to_a_device_writes_into_it(tmp_path, capsys):
    corpus, root = _jsonl_corpus(tmp_path)
    before = os.stat("/dev/null")
    code, _, err = run(capsys, "export", corpus, "--store", root, "-o", "/dev/null")
    after = os.stat("/dev/null")
    assert code == 0, err
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_export_to_dash_is_stdout(tmp_path, capsys, monkeypatch):
    corpus, root = _jsonl_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "export", corpus, "--store", root, "-o", "-")
    assert code == 0 and json.loads(out)["id"] == "a"
    assert not (tmp_path / "-").exists()


def test_export_to_an_empty_name_is_one_clear_line(tmp_path, capsys):
    corpus, root = _jsonl_corpus(tmp_path)
    code, _, err = run(capsys, "export", corpus, "--store", root, "-o", "")
    one_error(code, err, "empty file name")


def test_export_through_a_link_is_refused(tmp_path, capsys):
    corpus, root = _jsonl_corpus(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / "out.jsonl").symlink_to(victim)
    code, _, err = run(capsys, "export", corpus, "--store", root, "-o", tmp_path / "out.jsonl")
    one_error(code, err, "symbolic link")
    assert victim.read_text() == "precious"


def test_exported_files_and_corpus_out_texts_honour_the_umask(tmp_path, capsys):
    corpus, root = _jsonl_corpus(tmp_path)
    old = os.umask(0o022)
    try:
        run(capsys, "export", corpus, "--store", root, "-o", tmp_path / "o.jsonl")
        (tmp_path / "in.jsonl").write_text(json.dumps({"id": "new", "text": "نص جديد", "spans": []}) + "\n")
        code, _, err = run(capsys, "import", tmp_path / "in.jsonl", corpus, "--store", root,
                           "--corpus-out", tmp_path / "texts")
    finally:
        os.umask(old)
    assert code == 0, err
    assert _mode(tmp_path / "o.jsonl") == 0o644
    assert _mode(tmp_path / "texts" / "new.txt") == 0o644


def _hashiya_to(stdout, *argv) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "hashiya"
    return subprocess.run([str(exe), *map(str, argv)], stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)


def test_output_that_cannot_be_written_is_one_line(tmp_path):
    corpus, root = _jsonl_corpus(tmp_path)
    article = tmp_path / "a.txt"
    article.write_text("عنوان\nنص", encoding="utf-8")
    commands = [
        ["export", corpus, "--store", root],
        ["stats", "--store", root],
        ["validate", corpus, "--store", root],
        ["agreement", corpus, "--store", root],
        ["render", article],
    ]
    for argv in commands:
        with open("/dev/full", "w") as full:
            result = _hashiya_to(full, *argv)
        assert result.returncode == 1, (argv, result.stderr)
        assert result.stderr.count("\n") == 1 and "No space left" in result.stderr, (argv, result.stderr)


def test_a_reader_that_goes_away_ends_quietly(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("عنوان\n" + "سطر من النص\n" * 20000, encoding="utf-8")
    exe = Path(sys.executable).parent / "hashiya"
    result = subprocess.run(f"'{exe}' render '{article}' | head -1", shell=True, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


def test_a_spacy_export_never_writes_its_config_over_an_input(tmp_path, capsys):
    """X.cfg and X.evidence.json beside X.spacy are outputs too: a label file
    of that name is refused before anything is written."""
    folder = copy_seeds(tmp_path / "corpus")
    root = tmp_path / "store"
    text = (folder / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    with Store(root, "ali") as store:
        store.add_span(SEED_ID, text, 0, text.index(" "), "PER", "entity")
    labels = tmp_path / "out.cfg"
    labels.write_bytes((Path(__file__).parents[2] / "annotations" / "default_labels.toml").read_bytes())
    before = labels.read_bytes()
    code, _, err = run(capsys, "export", folder, "--store", root, "--labels", labels,
                       "-f", "spacy", "-o", tmp_path / "out.spacy")
    one_error(code, err, str(labels), "input")
    assert labels.read_bytes() == before and not (tmp_path / "out.spacy").exists()
