"""A corpus folder opened with titles=False (export): files are listed, read
and checked only when an article's text is asked for."""

from __future__ import annotations

import shutil

import pytest

from annotations.corpus import MAX_ARTICLE_BYTES, CorpusProblem, ListedArticle, open_corpus
from annotations.errors import CorpusError
from annotations.store import Store
from tui.cli import main

from .formats_data import seed_records


def test_same_articles_and_texts_as_a_normal_open(tmp_path, seeds_dir):
    for path in seeds_dir.glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "crlf.txt").write_bytes("\ufeff\r\n  عنوان\r\nسطر\rثالث".encode("utf-8"))
    (tmp_path / "long.txt").write_text("عنوان\n\n" + "نص " * 3000, encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    normal = open_corpus(tmp_path)
    listed = open_corpus(tmp_path, titles=False)
    # a folder named *.txt is listed as a problem, never read, either way
    assert listed.problems == normal.problems == [CorpusProblem("folder.txt", "is a folder, not a file")]
    assert [a.id for a in listed] == [a.id for a in normal]
    assert all(isinstance(a, ListedArticle) and not a.loaded for a in listed)
    for a, b in zip(listed, normal):
        assert a.text == b.text
        assert a.title == b.title
        assert a.fingerprint == b.fingerprint
    assert listed["crlf"].text == "\n  عنوان\nسطر\nثالث"
    assert listed["crlf"].title == "عنوان"


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "bad.txt: empty file"),
        (b" \n\t\r\n", "bad.txt: holds only whitespace"),
        (b"title\n\x00\x01", "bad.txt: looks like a binary file"),
        ("عنوان\n".encode("utf-8") + b"\xff", "bad.txt: not valid UTF-8 (bad byte 0xff at byte 11)"),
        # counted in the file, the BOM's three bytes included
        (b"\xef\xbb\xbf" + "عنوان\n".encode("utf-8") + b"\xfe", "bad.txt: not valid UTF-8 (bad byte 0xfe at byte 14)"),
        (b"x" * (MAX_ARTICLE_BYTES + 1), "bad.txt: larger than the 5 MB limit"),
    ],
)
def test_a_bad_file_is_an_error_when_read(tmp_path, raw, message):
    (tmp_path / "bad.txt").write_bytes(raw)
    (tmp_path / "good.txt").write_text("نص", encoding="utf-8")
    corpus = open_corpus(tmp_path, titles=False)
    assert [a.id for a in corpus] == ["bad", "good"]  # listed, not yet checked
    assert open_corpus(tmp_path).problems  # the normal open reports it at once
    for _ in range(2):  # and again: nothing bad is cached
        with pytest.raises(CorpusError, match=message.replace("(", r"\(").replace(")", r"\)")):
            corpus["bad"].text
    with pytest.raises(CorpusError):
        corpus["bad"].title
    assert corpus["good"].text == "نص"


def test_a_single_file_and_jsonl_open_as_usual(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان\nنص", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"id": "x", "text": "نص", "title": "ت"}\n', encoding="utf-8")
    one = open_corpus(tmp_path / "a.txt", titles=False)
    assert one["a"].title == "عنوان" and one["a"].loaded
    assert open_corpus(tmp_path / "c.jsonl", titles=False)["x"].title == "ت"


def test_export_names_an_annotated_file_that_went_bad(tmp_path, seeds_dir, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    record = seed_records("alice")[0]
    with Store(tmp_path / "store", "alice") as store:
        span = record.spans[0]
        store.add_span(record.id, record.text, span.start, span.end, span.label, span.kind)
    (corpus / f"{record.id}.txt").write_bytes(record.text.encode("utf-8") + b"\xc3(")
    monkeypatch.setenv("HASHIYA_STORE", str(tmp_path / "store"))
    out_file = tmp_path / "out.jsonl"
    code = main(["export", str(corpus), "-f", "native", "-o", str(out_file)])
    err = capsys.readouterr().err
    assert code != 0
    assert f"{record.id}.txt: not valid UTF-8" in err
    assert "Traceback" not in err
    assert not out_file.exists()


def test_a_bad_byte_after_a_bom_is_counted_from_the_start_of_the_file(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\xef\xbb\xbf" + "عنوان\n".encode("utf-8") + b"\xfe")
    (problem,) = open_corpus(tmp_path).problems
    assert problem.reason == "not valid UTF-8 (bad byte 0xfe at byte 14)"


def test_a_large_folder_is_listed_in_name_order_as_one_block(tmp_path, monkeypatch):
    """Past one sorted run of names (2,048), merged in file name order:
    "a-b.txt" sorts before "a.txt" though the id "a" is before "a-b"."""
    from annotations.corpus_listed import ListedCorpus

    ids = [f"x{n:05d}" for n in range(5000)] + ["a", "a-b", "a.b", "ت", "Z"]
    for article_id in ids:
        (tmp_path / f"{article_id}.txt").write_text("نص", encoding="utf-8")
    listed = open_corpus(tmp_path, titles=False)
    assert isinstance(listed, ListedCorpus)
    names = sorted(f"{article_id}.txt" for article_id in ids)
    assert [a.id for a in listed] == [name[:-4] for name in names] == list(listed.articles.ids)
    assert listed.index_of("a") == names.index("a.txt") and "a-b" in listed and "nothing" not in listed
    assert len(listed) == len(ids) and listed.get("nothing") is None and 3 not in listed
    # a pass makes each article anew and keeps none; one asked for by id is kept, and passes give it
    assert next(iter(listed)) is not next(iter(listed))
    opened = listed["x00000"]
    assert opened is listed.get("x00000") and opened.text == "نص"
    assert next(a for a in listed if a.id == "x00000") is opened
    # the texts the evidence keeps for the next pass are handed over once
    article = listed.articles[1]
    listed.hold(article, "محفوظ")
    assert listed.articles[1].text == "محفوظ" and listed.articles[1].text == "نص"
