from __future__ import annotations

import json

import pytest

from annotations.corpus import MAX_ARTICLE_BYTES, open_corpus
from annotations.errors import CorpusError
from annotations.model import fingerprint


def test_seeds_open_with_ids_and_titles(seeds_dir):
    corpus = open_corpus(seeds_dir)
    assert corpus.problems == []
    assert [a.id for a in corpus] == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    first = corpus["000_5ad771e8ef94613b"]
    assert first.title.startswith("برعاية سفارة جمهورية العراق")
    raw = (seeds_dir / "000_5ad771e8ef94613b.txt").read_text(encoding="utf-8")
    assert first.text == raw
    assert first.fingerprint == fingerprint(raw)


def test_text_is_read_lazily(tmp_path):
    body = "عنوان\n\n" + "نص " * 3000
    (tmp_path / "a.txt").write_text(body, encoding="utf-8")
    corpus = open_corpus(tmp_path)
    article = corpus["a"]
    assert not article.loaded
    assert article.title == "عنوان"
    assert article.text == body
    assert article.loaded


def test_bom_and_crlf_are_tolerated(tmp_path):
    (tmp_path / "b.txt").write_bytes("\ufeffسطر أول\r\nسطر ثان\rثالث".encode("utf-8"))
    article = open_corpus(tmp_path)["b"]
    assert article.text == "سطر أول\nسطر ثان\nثالث"
    assert article.title == "سطر أول"


def test_bad_files_are_reported_by_name_and_the_rest_opens(tmp_path):
    (tmp_path / "good.txt").write_text("خبر جيد", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("café au lait".encode("latin-1"))
    (tmp_path / "huge.txt").write_bytes(b"a" * (MAX_ARTICLE_BYTES + 1))
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    corpus = open_corpus(tmp_path)
    assert [a.id for a in corpus] == ["good"]
    reasons = {p.name: p.reason for p in corpus.problems}
    assert set(reasons) == {"empty.txt", "blank.txt", "binary.txt", "latin1.txt", "huge.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"] and "0xe9" in reasons["latin1.txt"]
    assert "limit" in reasons["huge.txt"]


def test_undecodable_byte_after_the_head_is_reported_when_read(tmp_path):
    (tmp_path / "late.txt").write_bytes("عنوان\n".encode() + b"x" * 5000 + b"\xff")
    corpus = open_corpus(tmp_path)
    article = corpus["late"]
    with pytest.raises(CorpusError, match=r"late.txt: not valid UTF-8 .*0xff"):
        article.text


def test_multibyte_character_cut_by_the_head_is_not_an_error(tmp_path):
    # 4096 is not a multiple of 2-byte Arabic letters after a 1-byte prefix.
    body = "x" + "ع" * 3000
    (tmp_path / "cut.txt").write_text(body, encoding="utf-8")
    corpus = open_corpus(tmp_path)
    assert corpus.problems == []
    assert corpus["cut"].text == body


def test_jsonl_corpus_keeps_metadata_and_reports_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": 7, "text": "عنوان الخبر\nنص", "source": "wire", "date": "2025-06-14"}),
        "{not json",
        json.dumps({"id": "x"}),
        json.dumps({"text": "بلا معرف"}),
        json.dumps({"id": 7, "text": "مكرر"}),
        json.dumps({"id": "e", "text": "   "}),
        "",
        json.dumps(["list"]),
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = open_corpus(path)
    assert [a.id for a in corpus] == ["7"]
    article = corpus["7"]
    assert article.title == "عنوان الخبر"
    assert article.metadata == {"source": "wire", "date": "2025-06-14"}
    where = [p.name for p in corpus.problems]
    assert where == ["c.jsonl:2", "c.jsonl:3", "c.jsonl:4", "c.jsonl:5", "c.jsonl:6", "c.jsonl:8"]
    assert "duplicate" in corpus.problems[3].reason


def test_duplicate_ids_in_folder_cannot_happen_but_single_file_opens(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("عنوان\nنص", encoding="utf-8")
    corpus = open_corpus(path)
    assert [a.id for a in corpus] == ["one"]
    assert corpus["one"].title == "عنوان"


def test_missing_and_empty_single_file(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        open_corpus(tmp_path / "nope")
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    with pytest.raises(CorpusError, match="empty"):
        open_corpus(empty)


def test_unknown_article_id_is_a_clear_error(seeds_dir):
    corpus = open_corpus(seeds_dir)
    with pytest.raises(CorpusError, match="no article with id 'zzz'"):
        corpus["zzz"]
    assert corpus.get("zzz") is None


def test_hostile_text_is_kept_exactly(tmp_path):
    body = "عنوان\x1b[31m أحمر \u202eكلمة\u202c"
    (tmp_path / "h.txt").write_text(body, encoding="utf-8")
    assert open_corpus(tmp_path)["h"].text == body


def test_article_grown_past_the_limit_after_listing_is_refused_on_open(tmp_path):
    path = tmp_path / "grows.txt"
    path.write_text("عنوان\n" + "x" * 5000, encoding="utf-8")
    corpus = open_corpus(tmp_path)
    path.write_bytes(b"a" * (MAX_ARTICLE_BYTES + 1))
    with pytest.raises(CorpusError, match="grows.txt: larger than the 5 MB limit"):
        corpus["grows"].text
