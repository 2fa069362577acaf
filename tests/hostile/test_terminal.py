"""Attacks on the terminal: data holding escape sequences (OSC 52 sets the
paste buffer in tmux), C1 controls and bidi overrides, printed by each
command. ``helpers.run`` fails on any raw control byte on stdout or stderr."""

from __future__ import annotations

import json

import pytest

from annotations.store import Store

from .helpers import one_error, run

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
EVIL_ID = f"id{OSC52}\x9b31m\u202e"
EVIL_TEXT = f"نص {OSC52} فيه \x1b[2J خدعة \u202eabc"


def _corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [{"id": EVIL_ID, "text": EVIL_TEXT}, {"id": "plain", "text": "نص عادي"}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _store(tmp_path, text=EVIL_TEXT):
    root = tmp_path / "store"
    for who, label in (("ali", f"PER{OSC52}"), ("sara", "ORG")):
        with Store(root, who) as store:
            store.add_span(EVIL_ID, text, 3, 20, label, "entity")
            store.add_span("gone\x1b[31m", "xyz", 0, 2, label, "entity")
    return root


def test_adjudicate_dry_run_prints_span_text_escaped(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    root = _store(tmp_path)
    code, out, err = run(capsys, "adjudicate", corpus, "--store", root, "--dry-run")
    assert code == 0 and "␛]52" in out  # shown, as a visible symbol
    code, out, err = run(capsys, "adjudicate", corpus, "--store", root, "--dry-run", "--json")
    assert "\\u001b]52" in out
    for line in out.splitlines():
        json.loads(line)  # still JSON, the same values


def test_validate_prints_ids_and_mismatched_text_escaped(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    root = _store(tmp_path, text=EVIL_TEXT.replace("فيه", "XYZ"))  # spans made on another text
    code, out, err = run(capsys, "validate", corpus, "--store", root)
    assert code == 1 and "id␛]52" in out


def test_export_warning_about_articles_not_in_the_corpus_is_escaped(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    root = _store(tmp_path)
    code, out, err = run(capsys, "export", corpus, "--store", root, "--annotator", "ali", "-o", tmp_path / "o.jsonl")
    assert code == 0 and "not in the corpus" in err and "gone␛[31m" in err


def test_export_to_stdout_escapes_as_json(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    root = _store(tmp_path)
    code, out, err = run(capsys, "export", corpus, "--store", root, "--annotator", "ali")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in records] == [EVIL_TEXT]  # the same data
    code, out, err = run(capsys, "export", corpus, "--store", root, "--annotator", "ali", "-f", "conll")
    assert code == 0


def test_render_error_names_the_file_escaped(tmp_path, capsys):
    evil = tmp_path / f"a{OSC52}.txt"
    evil.write_bytes(b"")
    code, out, err = run(capsys, "render", evil)
    one_error(code, err, "empty file", "␛]52")


def test_stats_prints_label_names_escaped(tmp_path, capsys):
    root = _store(tmp_path)
    code, out, err = run(capsys, "stats", "--store", root)
    assert code == 0 and "PER␛]52" in out
    code, out, err = run(capsys, "stats", "--store", root, "--json")
    assert "PER" + OSC52 in json.loads(out)["labels"]


def test_agreement_prints_label_names_escaped(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    root = _store(tmp_path)
    code, out, err = run(capsys, "agreement", corpus, "--store", root)
    assert code == 0
    code, out, err = run(capsys, "agreement", corpus, "--store", root, "--json")
    assert json.loads(out)["annotators"] == ["ali", "sara"]


def test_an_error_quoting_data_is_one_escaped_line(tmp_path, capsys):
    code, out, err = run(capsys, "render", tmp_path / f"missing{OSC52}\n.txt")
    one_error(code, err, "no such file", "␛]52", "⏎")


def test_argument_errors_quote_arguments_escaped(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        run(capsys, "stats", "--store", tmp_path, f"--extra{OSC52}")
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--extra␛]52" in err and "\x1b" not in err
