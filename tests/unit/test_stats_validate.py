"""`hashiya stats` and `hashiya validate`, through cli.main and once as the
installed program."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.corpus import open_corpus
from annotations.model import Status
from annotations.store import Store, article_path
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def corpus_dir(tmp_path: Path, seeds_dir: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(seeds_dir, target)
    return target


@pytest.fixture
def filled(tmp_path: Path, corpus_dir: Path) -> Path:
    """Two annotators on the seeds: ali 3 entities + 1 theme span, sara 1 entity."""
    root = tmp_path / "store"
    corpus = open_corpus(corpus_dir)
    first, second = corpus.articles[0], corpus.articles[1]
    with Store(root, "ali") as ali:
        t = first.text
        ali.add_span(first.id, t, 0, 5, "PER", "entity")
        ali.add_span(first.id, t, 10, 15, "ORG", "entity")
        ali.add_span(first.id, t, 0, 20, "health", "theme")
        ali.toggle_theme(first.id, "cooperation")
        ali.set_status(first.id, Status.DONE)
        ali.add_span(second.id, second.text, 3, 9, "PER", "entity")
    with Store(root, "sara") as sara:
        sara.add_span(first.id, first.text, 0, 5, "LOC", "entity")
    return root


def article_file(root: Path, annotator: str, article_id: str) -> Path:
    return Path(article_path(root / annotator / "articles", article_id))


def edit_span(path: Path, **changes) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    doc = next(iter(data["spans"].values()))
    doc.update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return doc


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- stats -----------------------------------------------------------------------


def test_stats_table(capsys, filled: Path):
    code, out, err = run_cli(capsys, "stats", "--store", str(filled))
    assert code == 0 and err == ""
    # the first article, marked by both, counts once as an article
    assert f"Store {filled}: 2 annotator(s), 2 annotated article(s) (3 annotator records), 5 span(s)" in out
    lines = out.splitlines()
    per = {line.split()[0]: line.split()[1:] for line in lines if line.startswith("  ") and not line.strip().startswith("-")}
    assert per["PER"] == ["2", "0", "2"]
    assert per["LOC"] == ["1", "0", "1"]
    assert per["health"] == ["0", "1", "1"]
    assert per["cooperation"] == ["1"]
    assert per["ali"] == ["2", "3", "1", "1", "0", "1", "1"]
    assert per["sara"] == ["1", "1", "0", "0", "0", "1", "0"]
    assert per["done"] == ["1"] and per["todo"] == ["0"]


def test_stats_json_with_corpus_and_annotator(capsys, filled: Path, corpus_dir: Path):
    code, out, _ = run_cli(capsys, "stats", "--store", str(filled), "--annotator", "ali", "--json", str(corpus_dir))
    assert code == 0
    data = json.loads(out)
    assert list(data["annotators"]) == ["ali"]
    ali = data["annotators"]["ali"]
    assert ali["spans"] == 4 and ali["entities"] == 3 and ali["theme_spans"] == 1
    assert ali["statuses"] == {"todo": 3, "in_progress": 1, "done": 1}  # 5 seeds
    assert ali["labels"] == {"ORG/entity": 1, "PER/entity": 2, "health/theme": 1}
    assert data["document_themes"] == {"cooperation": 1}
    assert data["totals"] == {"annotators": 1, "articles": 2, "annotations": 2, "spans": 4}


def test_stats_reports_unusable_corpus_lines_as_export_does(capsys, filled: Path, tmp_path: Path):
    corpus = open_corpus(ROOT / "seeds")
    lines = [json.dumps({"id": a.id, "text": a.text}, ensure_ascii=False) for a in corpus.articles]
    lines.insert(2, "{ not json")
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "stats", "--store", str(filled), "--json", str(path))
    warnings = [line for line in err.splitlines() if line.startswith("hashiya: warning: corpus:")]
    assert code == 0 and len(warnings) == 1 and "3" in warnings[0]
    assert json.loads(out)["corpus_articles"] == 5
    _, _, export_err = run_cli(capsys, "export", str(path), "--store", str(filled), "-o", str(tmp_path / "x.jsonl"))
    assert warnings[0] in export_err.splitlines()


def test_stats_uses_env_store(capsys, filled: Path, monkeypatch):
    monkeypatch.setenv("HASHIYA_STORE", str(filled))
    code, out, _ = run_cli(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["totals"]["spans"] == 5


def test_stats_errors_are_one_line(capsys, filled: Path, tmp_path: Path):
    code, out, err = run_cli(capsys, "stats", "--store", str(tmp_path / "missing"))
    assert code == 1 and out == ""
    assert err.strip() == f"hashiya: error: no annotation store at {tmp_path / 'missing'} (choose one with --store or HASHIYA_STORE)"
    code, _, err = run_cli(capsys, "stats", "--store", str(filled), "--annotator", "nobody")
    assert code == 1 and "no annotator nobody" in err and err.count("\n") == 1
    (filled / "ali" / "journal.jsonl").write_bytes(b'{"seq": 1,\n{broken}\n')
    (filled / "ali" / "index.json").unlink()
    code, _, err = run_cli(capsys, "stats", "--store", str(filled))
    assert code == 1 and err.count("\n") == 1 and "journal" in err and "damaged" in err
    assert "Traceback" not in err


def test_stats_on_damaged_article_file_is_one_line(capsys, filled: Path, corpus_dir: Path):
    first = open_corpus(corpus_dir).articles[0].id
    article_file(filled, "sara", first).write_text('{"spans": {"1": ')
    code, _, err = run_cli(capsys, "stats", "--store", str(filled))
    assert code == 1 and err.count("\n") == 1
    assert str(article_file(filled, "sara", first)) in err and "not valid JSON" in err


# -- validate ----------------------------------------------------------------------


def test_validate_clean_store(capsys, filled: Path, corpus_dir: Path):
    code, out, err = run_cli(capsys, "validate", "--store", str(filled), str(corpus_dir))
    assert code == 0 and err == ""
    assert out.strip() == f"ok: 5 spans in 3 articles of 2 annotators match their article text ({filled}, {corpus_dir})"


def test_validate_names_each_problem(capsys, filled: Path, corpus_dir: Path):
    corpus = open_corpus(corpus_dir)
    first, second = corpus.articles[0], corpus.articles[1]
    # sara's span: stored text no longer matches
    bad_text = edit_span(article_file(filled, "sara", first.id), text="zzzzz")
    # ali's second article: offsets beyond the text
    out_of_range = edit_span(article_file(filled, "ali", second.id), start=10**6, end=10**6 + 3)
    # an article that is not in the corpus
    with Store(filled, "sara") as sara:
        sara.set_status("gone", Status.DONE)
    code, out, err = run_cli(capsys, "validate", "--store", str(filled), str(corpus_dir))
    assert code == 1
    lines = out.splitlines()
    assert f"sara: article {first.id} span {bad_text['id']} LOC [0, 5): text mismatch: stored “zzzzz”" in out
    assert f"ali: article {second.id} span {out_of_range['id']} PER [{10**6}, {10**6 + 3}): offsets out of range" in out
    assert f"sara: article gone: article not in the corpus {corpus_dir}" in out
    assert len(lines) == 3
    assert err.startswith("hashiya: 3 problem(s)") and err.count("\n") == 1


def test_validate_overlap_and_stale(capsys, filled: Path, corpus_dir: Path):
    corpus = open_corpus(corpus_dir)
    first = corpus.articles[0]
    path = article_file(filled, "ali", first.id)
    data = json.loads(path.read_text(encoding="utf-8"))
    org = next(d for d in data["spans"].values() if d["label"] == "ORG")
    org.update(start=3, text=first.text[3:15])  # now overlaps PER [0, 5)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (corpus_dir / f"{corpus.articles[1].id}.txt").write_text("نص جديد تماما\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "validate", "--store", str(filled), "--annotator", "ali", str(corpus_dir))
    assert code == 1
    assert f"ali: article {first.id} span {org['id']} ORG [3, 15): overlaps entity" in out
    assert f"ali: article {corpus.articles[1].id}: stale: the article text changed" in out
    assert "sara" not in out


def test_validate_repair_rebuilds_damaged_file(capsys, filled: Path, corpus_dir: Path):
    first = open_corpus(corpus_dir).articles[0].id
    path = article_file(filled, "ali", first)
    with Store(filled, "ali", readonly=True) as store:
        before = (store.spans(first), store.themes(first), store.status(first))
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])
    code, out, err = run_cli(capsys, "validate", "--store", str(filled), str(corpus_dir))
    assert code == 1 and "not valid JSON" in out and str(path) in out and "hashiya validate --repair" in out
    assert path.read_bytes() == good[: len(good) // 2]  # never written over
    code, out, err = run_cli(capsys, "validate", "--repair", "--store", str(filled), str(corpus_dir))
    assert code == 0, out + err
    assert "repaired:" in err and str(path) in err
    with Store(filled, "ali") as store:
        assert (store.spans(first), store.themes(first), store.status(first)) == before
        assert len(before[0]) == 3 and before[1] == ["cooperation"]
    assert Path(str(path) + ".damaged").read_bytes() == good[: len(good) // 2]


def test_validate_repair_refused_while_session_open(capsys, filled: Path, corpus_dir: Path):
    with Store(filled, "ali"):
        code, _, err = run_cli(capsys, "validate", "--repair", "--store", str(filled), str(corpus_dir))
    assert code == 1 and err.count("\n") == 1 and "in use by annotator ali" in err


def test_installed_program(filled: Path, corpus_dir: Path):
    exe = ROOT / ".venv" / "bin" / "hashiya"
    if not exe.exists():  # the suite may run from another interpreter's environment
        exe = Path(sys.executable).with_name("hashiya")
    env = dict(os.environ, HASHIYA_STORE=str(filled))
    result = subprocess.run([str(exe), "stats", "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["spans"] == 5
    result = subprocess.run([str(exe), "validate", str(corpus_dir)], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("ok: 5 spans"), result.stderr
    result = subprocess.run(
        [str(exe), "validate", "--store", str(filled / "nope"), str(corpus_dir)], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
