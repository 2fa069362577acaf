"""`hashiya train` and the training config beside a spaCy export: a tiny
pipeline trained from a store on the seeds, loaded by spaCy in a fresh
process, with every exported entity aligned to its tokens."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from contextlib import redirect_stderr
from contextlib import redirect_stdout

import pytest
import spacy
from spacy.training import Example

from annotations.model import Span
from annotations.store import Store
from annotations.training import TrainProgress
from tui.cli import main

from .formats_data import SEEDS
from .training_data import fill_store, training_records

ROOT = Path(__file__).resolve().parents[2]


def hashiya(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A store annotated by alice on the seeds, a pipeline trained on it in
    4 steps, and its spaCy export (with the training config)."""
    folder = tmp_path_factory.mktemp("train")
    records = training_records("alice")
    fill_store(folder / "store", records)
    out, err = io.StringIO(), io.StringIO()
    common = [str(SEEDS), "--store", str(folder / "store")]
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["train", *common, "-o", str(folder / "model"), "--max-steps", "4"])
        export = main(["export", *common, "-f", "spacy", "-o", str(folder / "seeds.spacy")])
    assert code == 0 and export == 0, err.getvalue()
    return {"folder": folder, "records": records, "out": out.getvalue(), "err": err.getvalue(), "common": common}


ALIGN_IN_A_FRESH_PROCESS = """
import json, sys
import spacy
from spacy.tokens import DocBin
from spacy.training import Example

nlp = spacy.load(sys.argv[1])
docs = list(DocBin().from_disk(sys.argv[2]).get_docs(nlp.vocab))
out = {"tokenizer": type(nlp.tokenizer).__name__, "pipes": nlp.pipe_names, "entities": 0, "dropped": [], "texts_kept": True}
for doc in docs:
    example = Example(nlp.make_doc(doc.text), doc)
    kept = {(s.start_char, s.end_char, s.label_) for s in example.get_aligned_spans_y2x(doc.ents)}
    for ent in doc.ents:
        out["entities"] += 1
        if (ent.start_char, ent.end_char, ent.label_) not in kept:
            out["dropped"].append([ent.start_char, ent.end_char, ent.text])
    predicted = nlp(doc.text)
    out["texts_kept"] &= predicted.text == doc.text
out["waalsin"] = [t.text for t in nlp.make_doc("والصين")]
print(json.dumps(out))
"""


def test_the_trained_pipeline_loads_elsewhere_and_aligns_every_exported_entity(trained):
    folder = trained["folder"]
    run = subprocess.run(
        [sys.executable, "-c", ALIGN_IN_A_FRESH_PROCESS, str(folder / "model"), str(folder / "seeds.spacy")],
        capture_output=True,
        text=True,
        cwd=folder,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["tokenizer"] == "ArabicTokenizer"
    assert result["pipes"] == ["tok2vec", "ner", "textcat_multilabel"]
    assert result["entities"] == sum(len(r.spans) for r in trained["records"]) > 0
    assert result["dropped"] == []
    assert result["texts_kept"]
    # the evidence came with the pipeline: الصين is cut from its conjunction
    assert result["waalsin"] == ["و", "الصين"]


def test_the_clitic_attached_entity_is_in_the_data_and_spacys_own_tokenizer_loses_it(trained):
    from spacy.tokens import DocBin

    nlp = spacy.blank("ar")
    docs = list(DocBin().from_disk(trained["folder"] / "seeds.spacy").get_docs(nlp.vocab))
    inside = [
        (doc, ent) for doc in docs for ent in doc.ents if ent.text == "الصين" and doc.text[ent.start_char - 1] == "و"
    ]
    assert inside, "the seeds hold والصين and the annotations mark الصين in it"
    doc, ent = inside[0]
    example = Example(nlp.make_doc(doc.text), doc)
    kept = {(s.start_char, s.end_char) for s in example.get_aligned_spans_y2x(doc.ents)}
    assert (ent.start_char, ent.end_char) not in kept


def test_progress_lines_and_the_score_table(trained):
    err, out = trained["err"], trained["out"]
    assert "hashiya: train: step 4/4" in err and "\r" not in err  # not a terminal: plain lines
    assert "left out of training" not in err
    assert "on 1 dev article(s)" in out
    labels = {s.label for r in trained["records"] for s in r.spans}
    rows = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert labels <= rows and {"cooperation", "diaspora"} <= rows
    meta = json.loads((trained["folder"] / "model" / "meta.json").read_text())
    assert set(meta["labels"]["ner"]) == labels
    assert set(meta["performance"]["ents_per_type"]) <= labels and "cats_micro_f" in meta["performance"]


def test_a_terminal_gets_a_bar_redrawn_in_place():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    progress = TrainProgress(stream)
    progress.start(10)
    progress.step(5, 12.5)
    progress.evaluated(5, 12.5, 0.25, True)
    progress.step(10, 3.0)
    progress.close()
    shown = stream.getvalue()
    assert "\rtraining [" + "#" * 15 + "-" * 15 + "] 5/10" in shown
    assert "dev 0.250" in shown and "\n" not in shown
    longest = max(len(part) for part in shown.split("\r"))
    assert shown.endswith("\r" + " " * longest + "\r")  # the bar is wiped whole


def test_an_entity_inside_a_word_is_named_not_dropped_silently(tmp_path, capsys, seeds_dir):
    records = training_records("alice")
    first = records[0]
    at = first.text.index("العراقي")  # العراق marked inside العراقي: no token ends there
    assert not any(s.start < at + 6 and at < s.end for s in first.spans)
    first.spans.append(Span(first.id, at, at + 6, "GPE", "entity", first.text[at : at + 6], "alice"))
    fill_store(tmp_path / "store", records[:2])
    code, out, err = hashiya(
        capsys, "train", seeds_dir, "--store", tmp_path / "store", "-o", tmp_path / "m", "--max-steps", "1"
    )
    assert code == 0, err
    assert "left out of training 1 entity span(s)" in err and f"article {first.id} [{at}, {at + 6}) GPE “العراق”" in err


def test_user_mistakes_are_one_line(tmp_path, capsys, seeds_dir, trained):
    store = trained["common"][2]
    Store(tmp_path / "empty", "alice").close()
    cases = [
        (["--store", tmp_path / "empty"], "nothing to train on"),
        (["--store", tmp_path / "none"], "no annotation store at"),
        (["--store", store, "--annotator", "zed"], "unknown annotator 'zed'"),
        (["--store", store, "--status", "todo"], "no annotated articles matched"),
        (["--store", store, "--dev-fraction", "1"], "--dev-fraction 1.0"),
        (["--store", store, "--max-steps", "0"], "--max-steps 0"),
    ]
    for extra, message in cases:
        code, _, err = hashiya(capsys, "train", seeds_dir, *extra, "-o", tmp_path / "m")
        assert code != 0 and message in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, err
    (tmp_path / "file").write_text("x")
    code, _, err = hashiya(capsys, "train", seeds_dir, "--store", store, "-o", tmp_path / "file" / "m")
    assert code != 0 and "cannot create the folder" in err and "Traceback" not in err
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("x")
    code, _, err = hashiya(capsys, "train", seeds_dir, "--store", store, "-o", tmp_path / "notes")
    assert code != 0 and "holds no spaCy pipeline" in err and (tmp_path / "notes" / "a.txt").exists()


def test_two_annotators_need_one_chosen_or_their_agreement(tmp_path, capsys, seeds_dir):
    fill_store(tmp_path / "store", training_records("alice")[:3] + training_records("bob")[:3])
    code, _, err = hashiya(capsys, "train", seeds_dir, "--store", tmp_path / "store", "-o", tmp_path / "m")
    assert code == 1 and "2 annotators selected (alice, bob)" in err
    out = tmp_path / "new" / "folders" / "m"  # made on the way
    code, _, err = hashiya(
        capsys, "train", seeds_dir, "--store", tmp_path / "store", "--resolve", "agreed", "-o", out, "--max-steps", "1"
    )
    assert code == 0, err
    assert (out / "config.cfg").is_file()
    assert "training on 3 article(s) (agreed)" in err


def test_without_spacy_the_command_says_how_to_install_it(tmp_path, seeds_dir, trained):
    code = (
        "import sys\n"
        "sys.modules['spacy'] = None\n"  # import spacy now fails as if it were not installed
        "from tui.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    for argv in (["train", *trained["common"], "-o", str(tmp_path / "m")], ["export", *trained["common"], "-f", "spacy", "-o", str(tmp_path / "x.spacy")]):
        run = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT)
        assert run.returncode != 0
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
        assert "make spacy" in run.stderr and ".venv/bin/pip install -e '.[spacy]'" in run.stderr


def test_the_exported_config_trains_with_spacy_itself(trained, tmp_path):
    folder = trained["folder"]
    cfg = (folder / "seeds.cfg").read_text(encoding="utf-8")
    assert "both point at seeds.spacy" in cfg
    assert '@tokenizers = "hashiya.ArabicTokenizer.v1"' in cfg and "evidence = ${paths.evidence}" in cfg
    words = json.loads((folder / "seeds.evidence.json").read_text(encoding="utf-8"))
    assert "الصين" in words and "لندن" in words
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(folder / "seeds.cfg"), "--training.max_steps", "2",
         "--training.eval_frequency", "1", "--output", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    nlp = spacy.load(tmp_path / "out" / "model-last")
    assert [t.text for t in nlp.make_doc("والصين")] == ["و", "الصين"]
    assert set(nlp.get_pipe("ner").labels) == {s.label for r in trained["records"] for s in r.spans}


def test_a_split_export_names_its_parts_in_the_config(trained, tmp_path):
    common = trained["common"]
    with redirect_stderr(io.StringIO()):
        code = main(["export", *common, "-f", "spacy", "-o", str(tmp_path / "x.spacy"), "--split", "60/40/0"])
    assert code == 0
    config = spacy.util.load_config(tmp_path / "x.cfg", interpolate=True)
    assert config["paths"]["train"] == str((tmp_path / "x.train.spacy").resolve())
    assert config["paths"]["dev"] == str((tmp_path / "x.dev.spacy").resolve())
    assert config["paths"]["evidence"] == str((tmp_path / "x.evidence.json").resolve())
    assert config["nlp"]["pipeline"] == ["tok2vec", "ner", "textcat_multilabel"]
    # document themes carry their 0.0s, so textcat_multilabel learns negatives
    from spacy.tokens import DocBin

    cats = [doc.cats for doc in DocBin().from_disk(tmp_path / "x.train.spacy").get_docs(spacy.blank("ar").vocab)]
    assert cats and all(set(c) == {"cooperation", "diaspora"} for c in cats) and {0.0, 1.0} <= {v for c in cats for v in c.values()}
