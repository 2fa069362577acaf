"""Attacks through output names: inputs, devices, links, modes, stdout,
and writes that fail."""

from __future__ import annotations

import os
import stat

import pytest

from annotations.errors import FormatError
from annotations.outputs import refuse_inputs, write_file


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
