"""Attacks through the corpus: text no UTF-8 file can hold, deep JSON,
odd ids, and folder entries that are not plain files."""

from __future__ import annotations

import json
import os

import pytest

from annotations.corpus import open_corpus
from annotations.errors import CorpusError

GOOD = json.dumps({"id": "ok", "text": "نص سليم"}, ensure_ascii=False)


def _jsonl(tmp_path, *lines: str):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join([GOOD, *lines]) + "\n", encoding="utf-8")
    return open_corpus(path)


def _reasons(corpus) -> dict[str, str]:
    return {problem.name: problem.reason for problem in corpus.problems}


@pytest.mark.parametrize(
    "line",
    [
        '{"id": "s", "text": "ab\\ud800cd"}',
        '{"id": "s\\udce9", "text": "abcd"}',
        '{"id": "s", "text": "abcd", "title": "\\udfff"}',
        '{"id": "s", "text": "abcd", "source": {"\\ud800": 1}}',
    ],
)
def test_lone_surrogates_are_refused_at_load(tmp_path, line):
    corpus = _jsonl(tmp_path, line)
    assert [a.id for a in corpus] == ["ok"]
    assert "lone surrogate" in _reasons(corpus)["c.jsonl:2"]


def test_a_surrogate_pair_is_one_character_and_fine(tmp_path):
    corpus = _jsonl(tmp_path, '{"id": "e", "text": "a\\ud83d\\ude00b"}')
    assert corpus["e"].text == "a\U0001f600b" and not corpus.problems


def test_file_name_that_is_not_utf8_is_a_listed_problem(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text("عنوان\nنص", encoding="utf-8")
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as handle:
        handle.write("نص".encode("utf-8"))
    for titles in (True, False):
        corpus = open_corpus(folder, titles=titles)
        assert [a.id for a in corpus] == ["good"]
        assert "not valid UTF-8" in _reasons(corpus)["caf\udce9.txt"]
    with pytest.raises(CorpusError, match="not valid UTF-8"):
        open_corpus(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.txt"))


@pytest.mark.parametrize("line", ["[" * 100_000, '{"id": "d", "text": "نص", "meta": ' + "[" * 900 + "]" * 900 + "}"])
def test_deep_json_record_is_a_listed_problem(tmp_path, line):
    # 900 deep parses, but could not be written out again by an export
    corpus = _jsonl(tmp_path, line)
    assert "nested too deeply" in _reasons(corpus)["c.jsonl:2"]
    assert [a.id for a in corpus] == ["ok"]


def test_nesting_a_record_may_hold(tmp_path):
    corpus = _jsonl(tmp_path, '{"id": "d", "text": "[[[[ نص", "meta": ' + "[" * 50 + "]" * 50 + "}")
    assert [a.id for a in corpus] == ["ok", "d"] and not corpus.problems


@pytest.mark.parametrize("value, shown", [("null", "null"), ("true", "true"), ("{}", "an object"), ("[1]", "a list"), ("1.5", "1.5"), ('""', "empty")])
def test_ids_that_are_no_ids_are_refused(tmp_path, value, shown):
    corpus = _jsonl(tmp_path, f'{{"id": {value}, "text": "نص"}}')
    assert [a.id for a in corpus] == ["ok"]
    assert shown in _reasons(corpus)["c.jsonl:2"]


def test_whole_number_ids_are_kept_as_their_digits(tmp_path):
    corpus = _jsonl(tmp_path, '{"id": 7, "text": "نص"}')
    assert [a.id for a in corpus] == ["ok", "7"]


def test_entries_that_are_not_files_are_listed(tmp_path):
    folder = tmp_path / "corpus"
    outside = tmp_path / "secret.txt"
    outside.write_text("كلمة السر", encoding="utf-8")
    folder.mkdir()
    (folder / "good.txt").write_text("عنوان\nنص", encoding="utf-8")
    (folder / "x.txt").mkdir()
    os.symlink(folder / "gone", folder / "dangling.txt")
    os.symlink(outside, folder / "out.txt")
    os.symlink(folder / "good.txt", folder / "alias.txt")
    os.mkfifo(folder / "pipe.txt")
    for titles in (True, False):
        corpus = open_corpus(folder, titles=titles)
        reasons = _reasons(corpus)
        assert sorted(a.id for a in corpus) == ["alias", "good"]  # a link inside the folder is read
        assert reasons["x.txt"] == "is a folder, not a file"
        assert reasons["dangling.txt"] == "broken symbolic link"
        assert "outside the corpus folder" in reasons["out.txt"]
        assert reasons["pipe.txt"] == "not a regular file"


def test_over_long_line_is_skipped_without_holding_it(tmp_path):
    from annotations.corpus import MAX_ARTICLE_BYTES

    path = tmp_path / "c.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"id": "big", "text": "' + b"x" * (MAX_ARTICLE_BYTES + 10) + b'"}\n')
        handle.write(GOOD.encode("utf-8") + b"\n")
    corpus = open_corpus(path)
    assert [a.id for a in corpus] == ["ok"]
    assert "limit" in _reasons(corpus)["c.jsonl:1"]


def test_render_id_of_an_over_size_record_says_why(tmp_path, capsys):
    from annotations.corpus import MAX_ARTICLE_BYTES

    from .helpers import one_error, run

    path = tmp_path / "c.jsonl"
    with open(path, "wb") as handle:
        handle.write(GOOD.encode("utf-8") + b"\n")
        handle.write(b'{"id": "big", "text": "' + b"x" * (MAX_ARTICLE_BYTES + 10) + b'"}\n')
    code, _, err = run(capsys, "render", path, "--id", "big")
    one_error(code, err, "no article with id 'big'", "c.jsonl:2", "over the 5 MB limit")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    code, _, err = run(capsys, "render", folder, "--id", "empty")
    one_error(code, err, "empty.txt: empty file")


def test_export_of_a_folder_with_an_undecodable_name_lists_it(tmp_path, capsys):
    from annotations.store import Store

    from .helpers import run

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text("عنوان\nنص", encoding="utf-8")
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as handle:
        handle.write("نص".encode("utf-8"))
    with Store(tmp_path / "store", "ali") as store:
        store.add_span("good", "عنوان\nنص", 0, 5, "PER", "entity")
    for fmt in ("native", "doccano", "prodigy", "conll"):
        code, out, err = run(capsys, "export", folder, "--store", tmp_path / "store", "-f", fmt)
        assert code == 0 and ("B-PER" if fmt == "conll" else '"good"') in out
        assert "caf\ufffd.txt: the file name is not valid UTF-8" in err


def test_a_device_as_corpus_is_one_error(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "c.jsonl").symlink_to("/dev/zero")
    exe = Path(sys.executable).parent / "hashiya"
    # in a process of its own: reading /dev/zero as lines would never end
    result = subprocess.run([str(exe), "render", str(tmp_path / "c.jsonl"), "--id", "x"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "is a device" in result.stderr


def test_reading_an_article_refuses_a_link_out_however_it_was_listed(tmp_path):
    from annotations.corpus import ListedArticle, read_head

    folder = tmp_path / "corpus"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("كلمة السر", encoding="utf-8")
    os.symlink(secret, folder / "out.txt")
    os.mkfifo(folder / "pipe.txt")
    with pytest.raises(CorpusError, match="outside the corpus folder"):
        ListedArticle("out", folder / "out.txt").text
    with pytest.raises(CorpusError, match="outside the corpus folder"):
        read_head(str(folder / "out.txt"))
    with pytest.raises(CorpusError, match="not a regular file"):  # and no wait for a writer
        ListedArticle("pipe", folder / "pipe.txt").text
    os.symlink(secret, tmp_path / "named.txt")  # a file named on the command line is read
    assert open_corpus(tmp_path / "named.txt")["named"].text == "كلمة السر"
