"""Attacks through import files: deep JSON, lone surrogates, entries a
format would silently drop, and the import command's refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.formats import module
from annotations.store import Store

from .helpers import one_error, run, tree

DEEP = "[" * 100_000


@pytest.mark.parametrize("fmt", ["native", "doccano", "prodigy"])
def test_deep_json_is_a_bad_line(fmt):
    result = module(fmt).read([DEEP], schema=None, annotator="a", name="f")
    assert not result.records
    assert [p.line for p in result.problems] == [1]
    assert "nested too deeply" in result.problems[0].message


@pytest.mark.parametrize(
    "fmt, line",
    [
        ("native", '{"id": "x", "text": "ab\\ud800", "spans": [{"start": 2, "end": 3, "label": "PER"}]}'),
        ("native", '{"id": "x\\udce9", "text": "abc", "spans": []}'),
        ("doccano", '{"id": "x", "text": "ab\\ud800", "entities": []}'),
        ("prodigy", '{"text": "ab\\udfff", "spans": []}'),
    ],
)
def test_lone_surrogate_is_a_bad_line(fmt, line):
    result = module(fmt).read([line], schema=None, annotator="a", name="f")
    assert not result.records
    assert "lone surrogate" in result.problems[0].message


def test_prodigy_non_string_accept_is_refused_not_dropped():
    line = json.dumps({"text": "نص", "spans": [], "accept": ["cooperation", 3], "answer": "accept", "meta": {"id": "p"}})
    result = module("prodigy").read([line], schema=None, annotator="a", name="f")
    assert not result.records
    assert "3" in result.problems[0].message and "theme" in result.problems[0].message


@pytest.mark.parametrize("value", [None, True, {}, [], 1.5])
def test_native_ids_that_are_no_ids(value):
    line = json.dumps({"id": value, "text": "نص", "spans": []})
    result = module("native").read([line], schema=None, annotator="a", name="f")
    assert not result.records and result.problems


# -- the import and adjudicate commands ----------------------------------------


def _corpus(tmp_path, ids=("a", "a:x")):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": "نص المقال هنا"}) + "\n" for i in ids), encoding="utf-8")
    return path


def _native(tmp_path, records, name="in.jsonl", newline="\n"):
    path = tmp_path / name
    path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + newline for r in records).encode("utf-8"))
    return path


def _record(article_id, start, end, label="PER"):
    text = "نص المقال هنا"
    return {"id": article_id, "text": text, "spans": [{"start": start, "end": end, "label": label, "text": text[start:end]}]}


def test_import_dry_run_creates_nothing(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    source = _native(tmp_path, [_record("a", 0, 2)])
    store = tmp_path / "store"
    code, out, err = run(capsys, "import", source, corpus, "--store", store, "--dry-run")
    assert code == 0 and "would change a" in out
    assert not store.exists()
    with Store(store, "tester") as own:
        own.set_status("a:x", "done")
    before = tree(store)
    run(capsys, "import", source, corpus, "--store", store, "--dry-run")
    assert tree(store) == before


def test_adjudicate_dry_run_creates_no_target(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    store = tmp_path / "store"
    for who in ("ali", "sara"):
        with Store(store, who) as own:
            own.add_span("a", "نص المقال هنا", 0, 2, "PER", "entity")
    before = tree(store)
    code, _, err = run(capsys, "adjudicate", corpus, "--store", store, "--dry-run")
    assert code == 0, err
    assert tree(store) == before and not (store / "gold").exists()


def test_merge_with_a_refused_record_ends_and_keeps_the_good_ones(tmp_path):
    corpus = _corpus(tmp_path)
    store = tmp_path / "store"
    with Store(store, "tester") as own:
        own.add_span("a:x", "نص المقال هنا", 0, 2, "PER", "entity")
    # a:x overlaps the stored entity (refused by the store); a is fine
    source = _native(tmp_path, [_record("a", 3, 9), _record("a:x", 1, 5)])
    exe = Path(sys.executable).parent / "hashiya"
    result = subprocess.run([str(exe), "import", str(source), str(corpus), "--store", str(store), "--merge"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"{source}:2: article a:x" in result.stderr and "overlaps" in result.stderr
    with Store(store, "tester", readonly=True) as own:
        assert [(s.start, s.end) for s in own.spans("a")] == [(3, 9)]
        assert [(s.start, s.end) for s in own.spans("a:x")] == [(0, 2)]


def test_import_of_a_device_is_refused(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    code, _, err = run(capsys, "import", "/dev/zero", corpus, "--store", tmp_path / "store")
    one_error(code, err, "/dev/zero", "device")
    assert not (tmp_path / "store").exists()


def test_import_of_endless_nul_bytes_through_a_pipe_is_refused(tmp_path):
    corpus = _corpus(tmp_path)
    exe = Path(sys.executable).parent / "hashiya"
    result = subprocess.run(f"'{exe}' import <(head -c 100000000 /dev/zero) '{corpus}' --store '{tmp_path}/s'",
                            shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "binary" in result.stderr and "Traceback" not in result.stderr


def test_cr_only_line_ends_are_line_ends(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    source = _native(tmp_path, [_record("a", 0, 2), _record("a:x", 3, 9)], newline="\r")
    code, _, err = run(capsys, "import", source, corpus, "--store", tmp_path / "store")
    assert code == 0, err
    with Store(tmp_path / "store", "tester", readonly=True) as own:
        assert own.article_ids() == ["a", "a:x"]


@pytest.mark.parametrize("article_id", ["..", ".hidden", "a/b", "x\x1by"])
def test_corpus_out_names_follow_the_one_rule(tmp_path, capsys, article_id):
    corpus = _corpus(tmp_path)
    source = _native(tmp_path, [_record(article_id, 0, 2)])
    out = tmp_path / "area" / "texts"
    code, _, err = run(capsys, "import", source, corpus, "--store", tmp_path / "store", "--corpus-out", out)
    assert code == 1 and "cannot be a file name" in err
    assert tree(tmp_path / "area") == {}


def test_import_of_a_span_over_a_lone_surrogate_is_a_bad_line(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "x\ud800y", "spans": [{"start": 0, "end": 2, "label": "PER"}]}) + "\n"
        + json.dumps(_record("a:x", 0, 2)) + "\n",
        encoding="ascii",
    )
    code, _, err = run(capsys, "import", source, corpus, "--store", tmp_path / "store")
    assert code == 1 and f"{source}:1:" in err and "lone surrogate" in err
    with Store(tmp_path / "store", "tester", readonly=True) as own:
        assert own.article_ids() == ["a:x"]


@pytest.mark.parametrize("content", ["a = " + "[" * 100_000, None])
def test_label_files_deeply_nested_or_endless_are_one_error(tmp_path, capsys, content):
    corpus = _corpus(tmp_path)
    labels = "/dev/zero"
    if content is not None:
        labels = tmp_path / "labels.toml"
        labels.write_text(content, encoding="utf-8")
    source = _native(tmp_path, [_record("a", 0, 2)])
    code, _, err = run(capsys, "import", source, corpus, "--store", tmp_path / "store", "--labels", labels)
    one_error(code, err, str(labels), "nested too deeply" if content else "device")
    assert not (tmp_path / "store").exists()
