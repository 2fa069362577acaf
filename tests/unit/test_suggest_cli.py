"""hashiya suggest through the command line: what it stores and prints, bad
pattern lines, rejections that stay rejected, and the proof that
suggestions reach no export format and no count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.corpus import open_corpus
from annotations.store import Store
from annotations.suggestions import SuggestionStore
from tests.models import make_model
from .formats_data import seed_records
from .test_export_cli import hashiya

FORMATS = [("native", "jsonl"), ("doccano", "jsonl"), ("prodigy", "jsonl"), ("conll", "conll"), ("hf", "jsonl"), ("spacy", "spacy")]
PATTERNS = [
    {"label": "GPE", "pattern": "الصين"},
    {"label": "GPE", "pattern": "المغرب"},
    {"label": "GPE", "pattern": "بغداد"},
    {"label": "GPE", "pattern": "لندن"},
    {"label": "ORG", "pattern": "منظمة الصحة العالمية"},
    {"label": "PER", "pattern": [{"LOWER": "السيد"}, {"TEXT": "التهراوي"}]},
]


def write_patterns(path: Path, lines) -> Path:
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path, seeds_dir, monkeypatch):
    """alice has annotated three seeds (entities, theme spans, themes); two are untouched."""
    monkeypatch.setenv("HASHIYA_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("HASHIYA_CORPUS", str(seeds_dir))
    monkeypatch.setenv("HASHIYA_ANNOTATOR", "alice")
    monkeypatch.chdir(tmp_path)
    with Store(tmp_path / "store", "alice") as store:
        for record in seed_records("alice")[:3]:
            for span in record.spans:
                store.add_span(record.id, record.text, span.start, span.end, span.label, span.kind)
            store.toggle_theme(record.id, record.themes[0], record.text)
    write_patterns(tmp_path / "p.jsonl", PATTERNS)
    return tmp_path


def exports(env: Path, capsys, tag: str) -> dict[str, bytes]:
    out = {}
    for fmt, suffix in FORMATS:
        target = env / f"{tag}.{fmt}.{suffix}"
        code, _, err = hashiya(capsys, "export", "-f", fmt, "-o", target)
        assert code == 0, err
        out[fmt] = target.read_bytes()
    code, stats, err = hashiya(capsys, "stats", "--json")
    assert code == 0, err
    out["stats"] = stats.encode()
    return out


def test_suggest_prints_per_label_and_stores_apart(env, capsys, seeds_dir):
    code, out, err = hashiya(capsys, "suggest", "--patterns", env / "p.jsonl")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"alice in {env / 'store'}:"
    assert "patterns:p.jsonl: suggestions stored for" in lines[1]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:] if line.startswith("  ") and line.split()[1].isdigit()}
    corpus = open_corpus(seeds_dir)
    with Store(env / "store", "alice", readonly=True) as store:
        box = SuggestionStore(store)
        stored = {}
        for article in corpus:
            item = box.load(article.id, article.text)
            for s in item.entities if item else []:
                assert article.text[s.start:s.end] == s.text
                stored[s.label] = stored.get(s.label, 0) + 1
    assert {label: int(n) for label, (n, _waiting) in rows.items()} == stored
    assert stored["GPE"] > 0 and stored["PER"] == 1
    # an entity alice marked hides the suggestion on it: fewer wait than are stored
    assert int(rows["GPE"][1]) < int(rows["GPE"][0])
    assert (env / "store" / "alice" / "suggestions" / "index.json").is_file()


def test_suggestions_reach_no_export_and_no_count(env, capsys, seeds_dir):
    before = exports(env, capsys, "before")
    code, _, err = hashiya(capsys, "suggest", "--patterns", env / "p.jsonl")
    assert code == 0, err
    model = make_model(env / "model", PATTERNS[:3] + [{"label": "ORG", "pattern": "وزارة الصحة"}], themes=("training", "diaspora"))
    code, _, err = hashiya(capsys, "suggest", "--model", model)
    assert code == 0, err
    assert exports(env, capsys, "after") == before
    # the comparison can fail: one accepted suggestion is an annotation and shows
    corpus = open_corpus(seeds_dir)
    with Store(env / "store", "alice") as store:
        box = SuggestionStore(store)
        article = next(a for a in corpus if box.waiting(a.id, a.text))
        box.accept(article.id, article.text, box.waiting(article.id, article.text)[0])
    accepted = exports(env, capsys, "accepted")
    assert all(accepted[fmt] != before[fmt] for fmt in ("native", "doccano", "prodigy", "stats"))


def test_rejected_does_not_come_back_on_a_later_run(env, capsys, seeds_dir):
    code, _, _ = hashiya(capsys, "suggest", "--patterns", env / "p.jsonl")
    corpus = open_corpus(seeds_dir)
    with Store(env / "store", "alice") as store:
        box = SuggestionStore(store)
        article = next(a for a in corpus if box.waiting(a.id, a.text))
        rejected = box.waiting(article.id, article.text)[0]
        box.reject(article.id, article.text, rejected)
        count = len(box.waiting(article.id, article.text))
    code, _, err = hashiya(capsys, "suggest", "--patterns", env / "p.jsonl")
    assert code == 0, err
    with Store(env / "store", "alice") as store:
        waiting = SuggestionStore(store).waiting(article.id, article.text)
        assert rejected not in waiting and len(waiting) == count


def test_bad_pattern_lines_are_named_and_nothing_is_stored(env, capsys):
    bad = write_patterns(env / "bad.jsonl", [PATTERNS[0], {"label": "cooperation", "pattern": "تعاون"}])
    with bad.open("a", encoding="utf-8") as f:
        f.write('{"label": "GPE", "pattern": [{"SHAPE": "xx"}]}\n{oops\n')
    code, out, err = hashiya(capsys, "suggest", "--patterns", bad)
    assert code == 1 and out == ""
    assert [line.split(": ")[0] for line in err.splitlines()[:3]] == [f"{bad}:2", f"{bad}:3", f"{bad}:4"]
    assert "Traceback" not in err
    assert not (env / "store" / "alice" / "suggestions").exists()


def test_labels_follow_the_schema_given(env, capsys):
    schema = env / "labels.toml"
    schema.write_text('[[entity]]\nname = "PLACE"\nkey = "1"\n', encoding="utf-8")
    code, _, err = hashiya(capsys, "suggest", "--labels", schema, "--patterns", env / "p.jsonl")
    assert code == 1 and "label 'GPE' is not an entity label of the schema" in err
    write_patterns(env / "place.jsonl", [{"label": "PLACE", "pattern": "الصين"}])
    code, out, err = hashiya(capsys, "suggest", "--labels", schema, "--patterns", env / "place.jsonl", "--annotator", "carol")
    assert code == 0, err
    assert any(line.split()[:1] == ["PLACE"] for line in out.splitlines())


def test_a_source_is_required_and_a_bad_model_is_one_line(env, capsys):
    code, _, err = hashiya(capsys, "suggest")
    assert code == 1 and "--patterns" in err and len(err.splitlines()) == 1
    code, _, err = hashiya(capsys, "suggest", "--model", env / "nowhere")
    assert code == 1 and "not a folder" in err and len(err.splitlines()) == 1


def test_suggest_waits_for_no_one_but_refuses_a_held_store(env, capsys):
    with Store(env / "store", "alice"):
        code, _, err = hashiya(capsys, "suggest", "--patterns", env / "p.jsonl")
    assert code != 0 and "alice" in err and "Traceback" not in err


def test_what_suggest_prints_passes_the_escaping_path(env, capsys):
    # a pattern file name and a model label are data: no escape sequence reaches the terminal
    bad = write_patterns(env / "p\x1b[31m.jsonl", [{"label": "GPE\x1b]0;x\x07", "pattern": "x"}])
    code, out, err = hashiya(capsys, "suggest", "--patterns", bad)
    assert code == 1 and "\x1b" not in err and "\x07" not in err and "␛" in err
    model = make_model(env / "model", [{"label": "EVIL\x1b[2J", "pattern": "الصين"}])
    code, out, err = hashiya(capsys, "suggest", "--model", model)
    assert code == 0, err
    assert "\x1b" not in out and "EVIL␛[2J" in out
