"""hashiya export / import / agreement / adjudicate through the command line,
on a store annotated through the store API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from annotations.model import Status
from annotations.store import Store
from tui.cli import main

from annotations.formats.common import OFF_TOKENS
from annotations.model import ArticleRecord

from .formats_data import off_tokens, on_tokens, seed_records, span_keys, store_evidence
from .test_formats import read_conll


def populate(store_dir: Path) -> None:
    """alice annotates all five seeds; bob four of them, missing one span
    and one document theme on each, and marks one article only in progress."""
    for who in ("alice", "bob"):
        records = seed_records(who)
        if who == "bob":
            records = records[:4]
        with Store(store_dir, who) as store:
            for n, record in enumerate(records):
                spans = record.spans if who == "alice" else record.spans[1:]
                for span in spans:
                    store.add_span(record.id, record.text, span.start, span.end, span.label, span.kind)
                for theme in record.themes[: 2 if who == "alice" else 1]:
                    store.toggle_theme(record.id, theme, record.text)
                status = Status.IN_PROGRESS if (who == "bob" and n == 3) else Status.DONE
                store.set_status(record.id, status)


@pytest.fixture
def env(tmp_path, seeds_dir, monkeypatch):
    store = tmp_path / "store"
    monkeypatch.setenv("HASHIYA_STORE", str(store))
    monkeypatch.setenv("HASHIYA_CORPUS", str(seeds_dir))
    populate(store)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def hashiya(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def store_records(store_dir, annotator, corpus_dir):
    from annotations.corpus import open_corpus

    with Store(store_dir, annotator, readonly=True) as store:
        return list(store.records(open_corpus(corpus_dir), [annotator]))


def test_native_export_import_reproduces_the_store(env, capsys, seeds_dir):
    code, out, err = hashiya(capsys, "export", "--annotator", "alice")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 5
    assert all(json.loads(line)["offset_unit"] == "codepoint" for line in lines)
    (env / "alice.jsonl").write_text(out, encoding="utf-8")
    code, _, err = hashiya(capsys, "import", "alice.jsonl", "--annotator", "carol")
    assert code == 0, err
    assert "5 article(s) changed" in err
    original = store_records(env / "store", "alice", seeds_dir)
    copied = store_records(env / "store", "carol", seeds_dir)
    assert [(r.id, span_keys(r), r.themes, r.status) for r in copied] == [
        (r.id, span_keys(r), r.themes, r.status) for r in original
    ]
    # exporting the copy gives the same bytes but for the annotator's name
    code, again, _ = hashiya(capsys, "export", "--annotator", "carol")
    assert again.replace('"carol"', '"alice"') == out
    code, out, _ = hashiya(capsys, "validate")
    assert code == 0 and out.startswith("ok:")


@pytest.mark.parametrize("fmt", ["doccano", "prodigy"])
def test_jsonl_formats_round_trip_through_the_store(env, capsys, seeds_dir, fmt):
    code, _, exported = hashiya(capsys, "export", "--annotator", "alice", "-f", fmt, "-o", f"a.{fmt}.jsonl")
    assert code == 0, exported
    code, _, err = hashiya(capsys, "import", f"a.{fmt}.jsonl", "-f", fmt, "--annotator", "dora")
    assert code == 0, err
    evidence = store_evidence(env / "store", seeds_dir)
    original = store_records(env / "store", "alice", seeds_dir)
    if fmt == "prodigy":  # what lies across token edges is reported, not written
        assert f"left out {sum(len(off_tokens(r, evidence)) for r in original)} {OFF_TOKENS}" in exported
        original = [ArticleRecord(r.id, r.text, on_tokens(r, evidence), r.themes, r.status) for r in original]
    copied = store_records(env / "store", "dora", seeds_dir)
    assert [(r.id, span_keys(r), r.themes) for r in copied] == [(r.id, span_keys(r), r.themes) for r in original]
    expected_status = [r.status for r in original] if fmt == "prodigy" else [Status.IN_PROGRESS] * len(original)
    assert [r.status for r in copied] == expected_status


def test_conll_round_trip_rebuilds_articles_into_corpus_out(env, capsys):
    code, _, err = hashiya(capsys, "export", "--annotator", "alice", "-f", "conll", "-o", "a.conll", "--entities-only")
    evidence = store_evidence(env / "store")
    off = [(s, r.text) for r in seed_records() for s in off_tokens(r, evidence) if s.kind == "entity"]
    # only names inside adjectives (العراق in العراقي, الصين in الصينية);
    # والعراق, والصين... are cut into و + the name
    assert [s.text for s, _ in off] == ["العراق", "المغرب", "الصين"]
    assert all(text[s.end].isalpha() for s, text in off)
    left_out = [line for line in err.splitlines() if "left out" in line]
    assert code == 0 and len(left_out) == 1 and f"left out 3 {OFF_TOKENS}" in left_out[0]
    assert all(f"“{s.text}”" in left_out[0] and " of alice in article " in left_out[0] for s, _ in off)
    # without --corpus-out the new articles have nowhere to go: reported, nothing imported
    code, _, err = hashiya(capsys, "import", "a.conll", "-f", "conll", "--annotator", "erin")
    assert code == 1
    assert "a.conll:1: article 'a-0001' is not in the corpus" in err
    code, _, err = hashiya(capsys, "import", "a.conll", "-f", "conll", "--annotator", "erin", "--corpus-out", "rebuilt")
    assert code == 0, err
    assert sorted(p.name for p in (env / "rebuilt").iterdir()) == [f"a-{i:04d}.txt" for i in range(1, 6)]
    code, _, err = hashiya(capsys, "export", "rebuilt", "--annotator", "erin", "-f", "conll", "-o", "b.conll")
    assert code == 0, err
    a, b = read_conll((env / "a.conll").read_text()), read_conll((env / "b.conll").read_text())
    assert a == b
    assert sum(tag.startswith("B-") for doc in a for sent in doc for _, tag in sent) == sum(
        1 for r in seed_records() for s in on_tokens(r, evidence) if s.kind == "entity"
    )


def test_every_export_is_byte_for_byte_reproducible(env, capsys):
    for fmt, suffix in [("native", "jsonl"), ("doccano", "jsonl"), ("prodigy", "jsonl"), ("conll", "conll"), ("hf", "jsonl"), ("spacy", "spacy")]:
        for run in (1, 2):
            code, _, err = hashiya(capsys, "export", "--annotator", "alice", "-f", fmt, "-o", f"{fmt}{run}.{suffix}")
            assert code == 0, err
        assert (env / f"{fmt}1.{suffix}").read_bytes() == (env / f"{fmt}2.{suffix}").read_bytes(), fmt
    labels = json.loads((env / "hf1.jsonl.labels.json").read_text())
    assert labels[0] == "O" and "B-GPE" in labels and "I-GPE" in labels


def test_the_agreed_export_of_several_annotators_is_reproducible_too(env, capsys):
    for run in (1, 2):
        code, _, err = hashiya(capsys, "export", "--resolve", "agreed", "-f", "native", "-o", f"agreed{run}.jsonl")
        assert code == 0, err
    first = (env / "agreed1.jsonl").read_bytes()
    assert first == (env / "agreed2.jsonl").read_bytes()
    spans = [span for line in first.decode().splitlines()[1:] for span in json.loads(line).get("spans", [])]
    assert spans and len({span["id"] for span in spans}) == len(spans)  # still one id per span


def test_spacy_docbin_from_the_command_loads(env, capsys):
    import spacy
    from spacy.tokens import DocBin

    code, _, err = hashiya(capsys, "export", "--annotator", "alice", "-f", "spacy", "-o", "train.spacy")
    assert code == 0, err
    docs = list(DocBin().from_disk(env / "train.spacy").get_docs(spacy.blank("ar").vocab))
    assert len(docs) == 5
    evidence = store_evidence(env / "store")
    assert sum(len(doc.ents) for doc in docs) == sum(
        1 for r in seed_records() for s in on_tokens(r, evidence) if s.kind == "entity"
    )


def test_several_annotators_one_file_each_or_agreed(env, capsys):
    code, _, err = hashiya(capsys, "export", "-f", "conll")
    assert code == 1 and "2 annotators selected (alice, bob)" in err and "Traceback" not in err
    code, _, err = hashiya(capsys, "export", "-f", "prodigy", "-o", "out.jsonl")
    assert code == 0
    assert len((env / "out.alice.jsonl").read_text().splitlines()) == 5
    assert len((env / "out.bob.jsonl").read_text().splitlines()) == 4
    code, out, err = hashiya(capsys, "export", "--resolve", "agreed")
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 4 and {r["annotator"] for r in records} == {"agreed"}
    alice = {r.id: r for r in seed_records("alice")}
    for record in records:
        # bob lacks the first span of each article: the agreed set is alice's minus it
        expected = sorted((s.start, s.end, s.label) for s in alice[record["id"]].spans[1:])
        assert sorted((s["start"], s["end"], s["label"]) for s in record["spans"]) == expected
        assert record["themes"] == ["cooperation"]
        assert record["status"] in ("in_progress",)
    assert "8 disagreement(s)" in err


def test_status_filter_and_kinds(env, capsys):
    code, out, _ = hashiya(capsys, "export", "--annotator", "bob", "--status", "done")
    assert len(out.splitlines()) == 3
    code, out, _ = hashiya(capsys, "export", "--annotator", "bob", "--status", "in_progress", "--themes-only")
    [record] = [json.loads(line) for line in out.splitlines()]
    assert {s["kind"] for s in record["spans"]} == {"theme"} and record["themes"]


def test_split_is_seeded_disjoint_and_complete(env, capsys):
    def parts(seed):
        code, _, err = hashiya(capsys, "export", "--annotator", "alice", "-o", "s.jsonl", "--split", "60/20/20", "--seed", seed)
        assert code == 0, err
        return [
            [json.loads(line)["id"] for line in (env / f"s.{name}.jsonl").read_text().splitlines()]
            for name in ("train", "dev", "test")
        ]

    first = parts(1)
    assert [len(p) for p in first] == [3, 1, 1]
    assert sorted(sum(first, [])) == sorted(r.id for r in seed_records())
    assert parts(1) == first
    assert any(parts(seed) != first for seed in (2, 3, 4, 5))
    code, _, err = hashiya(capsys, "export", "-o", "s.jsonl", "--split", "80/20")
    assert code == 1 and "80/10/10" in err


def test_import_reports_bad_lines_and_imports_the_good_ones(env, capsys, seeds_dir):
    text = (seeds_dir / "000_5ad771e8ef94613b.txt").read_text(encoding="utf-8")
    i = text.index("لندن")
    good = {"id": "000_5ad771e8ef94613b", "text": text, "spans": [{"start": i, "end": i + 4, "label": "GPE", "kind": "entity"}], "status": "done"}
    bad_text = dict(good, id="001_c67020c14ee59f20")  # text of another article
    lines = [json.dumps(good, ensure_ascii=False), "{oops", json.dumps(bad_text, ensure_ascii=False)]
    (env / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    code, _, err = hashiya(capsys, "import", "mixed.jsonl", "--annotator", "fay", "--all-or-nothing")
    assert code == 1 and "nothing imported" in err
    assert not (env / "store" / "fay").exists() or store_records(env / "store", "fay", seeds_dir) == []

    code, out, err = hashiya(capsys, "import", "mixed.jsonl", "--annotator", "fay", "--dry-run")
    assert code == 1 and "would import" in err
    assert out.splitlines() == ["would change 000_5ad771e8ef94613b: +1 span(s), status todo -> done"]
    assert "mixed.jsonl:2: not valid JSON" in err
    assert "mixed.jsonl:3: article '001_c67020c14ee59f20': text differs from the corpus article" in err
    assert store_records(env / "store", "fay", seeds_dir) == []

    code, _, err = hashiya(capsys, "import", "mixed.jsonl", "--annotator", "fay")
    assert code == 1
    [record] = store_records(env / "store", "fay", seeds_dir)
    assert [(s.start, s.text) for s in record.spans] == [(i, "لندن")] and record.status == Status.DONE


def test_store_refusals_are_reported_by_line(env, capsys, seeds_dir):
    # --merge adds to alice's spans: an entity overlapping one she has is refused by the store
    alice = seed_records("alice")
    first = next(s for s in alice[0].spans if s.kind == "entity")
    clash = {"start": first.start, "end": first.end + 1, "label": "ORG", "kind": "entity"}
    lines = [
        json.dumps({"id": alice[0].id, "text": alice[0].text, "spans": [clash]}, ensure_ascii=False),
        json.dumps({"id": alice[1].id, "text": alice[1].text, "spans": [], "themes": ["training"]}, ensure_ascii=False),
    ]
    (env / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = hashiya(capsys, "import", "more.jsonl", "--annotator", "alice", "--merge")
    assert code == 1 and "Traceback" not in err
    assert f"more.jsonl:1: article {alice[0].id} span ORG" in err and "overlaps the stored" in err
    records = {r.id: r for r in store_records(env / "store", "alice", seeds_dir)}
    assert "training" in records[alice[1].id].themes  # the good line went in
    assert span_keys(records[alice[0].id]) == span_keys(alice[0])  # the refused one changed nothing


@pytest.mark.parametrize(
    "argv, message",
    [
        (["import", "missing.jsonl"], "missing.jsonl: no such file"),
        (["import", "binary.jsonl"], "looks like a binary file"),
        (["import", "latin1.jsonl"], "not valid UTF-8"),
        (["export", "--annotator", "zed"], "unknown annotator 'zed'"),
        (["export", "--store", "nowhere"], "no annotation store at nowhere"),
        (["export", "-f", "hf"], "give -o FILE"),
        (["adjudicate", "--rule", "majority"], "unknown rule 'majority'"),
    ],
)
def test_errors_are_one_line(env, capsys, argv, message):
    (env / "binary.jsonl").write_bytes(b"\x00\x01\x02")
    (env / "latin1.jsonl").write_bytes('{"text": "caf\xe9"}'.encode("latin-1"))
    code, out, err = hashiya(capsys, *argv)
    assert code != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("hashiya: error:")


def test_unknown_format_is_refused(env, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", "-f", "brat"])
    assert exc.value.code == 2
    assert "invalid choice: 'brat'" in capsys.readouterr().err


def test_missing_spacy_is_a_clear_error(env, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now fails
    code, _, err = hashiya(capsys, "export", "--annotator", "alice", "-f", "spacy", "-o", "x.spacy")
    assert code == 1
    assert err.strip() == (
        "hashiya: error: spaCy is not installed: install it with `make spacy` in the hashiya folder "
        "(or: .venv/bin/pip install -e '.[spacy]')"
    )
    assert not (env / "x.spacy").exists()


def test_locked_store_is_a_clear_error(env, capsys):
    (env / "x.jsonl").write_text(hashiya(capsys, "export", "--annotator", "alice")[1], encoding="utf-8")
    with Store(env / "store", "alice"):
        code, _, err = hashiya(capsys, "import", "x.jsonl", "--annotator", "alice")
    assert code == 1 and err.startswith("hashiya: error:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_corrupt_store_is_a_clear_error(env, capsys):
    files = sorted((env / "store" / "alice" / "articles").glob("*/*.json"), key=lambda p: p.name)
    files[0].write_text("{ this is not json", encoding="utf-8")
    code, _, err = hashiya(capsys, "export", "--annotator", "alice")
    assert code == 1 and err.startswith("hashiya: error:") and files[0].name in err
    assert len(err.strip().splitlines()) == 1


def test_no_progress_bar_when_piped(env, capsys):
    code, _, err = hashiya(capsys, "export", "--annotator", "alice", "-o", "p.jsonl")
    assert "\r" not in err


def test_progress_bar_on_a_terminal():
    import io

    from annotations.records import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    progress = Progress("export", 4, stream)
    for _ in range(4):
        progress.step()
    progress.close()
    assert "\rexport [" in stream.getvalue() and "4/4" in stream.getvalue()
    piped = io.StringIO()
    quiet = Progress("export", 4, piped)
    quiet.step()
    quiet.close()
    assert piped.getvalue() == ""


def test_txt_folder_import_adds_articles(env, capsys, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "new1.txt").write_text("خبر جديد عن الصحة\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    code, _, err = hashiya(capsys, "import", folder, "-f", "txt", "--corpus-out", "grown")
    assert code == 1  # the empty file is reported
    assert "empty.txt: empty file" in err
    assert (env / "grown" / "new1.txt").read_text(encoding="utf-8") == "خبر جديد عن الصحة\n"


def test_agreement_table_and_json(env, capsys):
    code, out, _ = hashiya(capsys, "agreement")
    assert code == 0
    assert "alice vs bob: 4 shared article(s)" in out and "Cohen's kappa" in out
    code, out, _ = hashiya(capsys, "agreement", "--json")
    data = json.loads(out)
    [pair] = data["pairs"]
    assert pair["annotators"] == ["alice", "bob"] and pair["articles"] == 4
    exact = pair["spans"]["exact"]["all"]
    alice_spans = sum(len(r.spans) for r in seed_records("alice")[:4])
    assert exact["reference"] == alice_spans and exact["other"] == alice_spans - 4
    assert exact["matched"] == alice_spans - 4 and exact["precision"] == 1.0
    # cooperation: both on all 4; diaspora: alice only -> pooled kappa is defined and < 1
    themes = pair["themes"]["labels"]
    assert themes["cooperation"]["both"] == 4 and themes["diaspora"]["first_only"] == 4
    assert 0 < pair["themes"]["kappa"] < 1


def test_adjudicate_into_gold(env, capsys, seeds_dir):
    code, out, err = hashiya(capsys, "adjudicate", "--into", "gold", "--rule", "agreed", "--dry-run")
    assert code == 0 and "would write 4 article(s)" in err
    assert not (env / "store" / "gold" / "articles").exists() or store_records(env / "store", "gold", seeds_dir) == []
    code, out, err = hashiya(capsys, "adjudicate", "--into", "gold", "--rule", "agreed")
    assert code == 0
    disagreements = out.splitlines()
    assert len(disagreements) == 8 and all("marked by alice; not by bob" in line for line in disagreements)
    gold = store_records(env / "store", "gold", seeds_dir)
    alice = {r.id: r for r in seed_records("alice")}
    assert len(gold) == 4
    for record in gold:
        assert [k[:4] for k in span_keys(record)] == sorted((s.start, s.end, s.label, s.kind) for s in alice[record.id].spans[1:])
    code, out, err = hashiya(capsys, "adjudicate", "--into", "gold2", "--rule", "priority:alice", "--annotator", "alice", "--annotator", "bob", "--json")
    assert code == 0
    assert all(json.loads(line)["kept"] for line in out.splitlines())
    gold2 = store_records(env / "store", "gold2", seeds_dir)
    assert [(r.id, span_keys(r)) for r in gold2] == [(r.id, span_keys(r)) for r in seed_records("alice")]


def test_articles_missing_from_the_corpus_are_named(env, capsys, tmp_path, seeds_dir):
    small = tmp_path / "small"
    small.mkdir()
    one = sorted(seeds_dir.glob("*.txt"))[0]
    (small / one.name).write_bytes(one.read_bytes())
    code, out, err = hashiya(capsys, "export", small, "--annotator", "alice")
    assert code == 0 and len(out.splitlines()) == 1
    assert "4 annotated article(s) are not in the corpus" in err


def test_import_takes_the_corpus_after_options(env, capsys, seeds_dir):
    (env / "x.jsonl").write_text(hashiya(capsys, "export", "--annotator", "alice")[1], encoding="utf-8")
    code, _, err = hashiya(capsys, "import", "x.jsonl", "--annotator", "hal", seeds_dir, "--dry-run")
    assert code == 0 and "would import" in err
    code, _, err = hashiya(capsys, "import", "x.jsonl", "--annotator", "hal", "no-such-corpus")
    assert code == 1 and err.strip() == "hashiya: error: no-such-corpus: no such file or folder"


def test_import_refuses_labels_the_schema_does_not_define(env, capsys, seeds_dir, tmp_path):
    text = (seeds_dir / "000_5ad771e8ef94613b.txt").read_text(encoding="utf-8")
    i = text.index("لندن")
    known = {"id": "000_5ad771e8ef94613b", "text": text, "spans": [{"start": i, "end": i + 4, "label": "GPE", "kind": "entity"}]}
    other = (seeds_dir / "001_c67020c14ee59f20.txt").read_text(encoding="utf-8")
    j = other.index("سوريا") if "سوريا" in other else 0
    unknown = {"id": "001_c67020c14ee59f20", "text": other, "spans": [{"start": j, "end": j + 3, "label": "MISC", "kind": "entity"}], "themes": ["sports"]}
    lines = [json.dumps(known, ensure_ascii=False), json.dumps(unknown, ensure_ascii=False)]
    (env / "labels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    code, _, err = hashiya(capsys, "import", "labels.jsonl", "--annotator", "gil")
    assert code == 1
    assert "labels.jsonl:2: article '001_c67020c14ee59f20': label(s) 'MISC', 'sports' not in the label schema" in err
    [record] = store_records(env / "store", "gil", seeds_dir)
    assert record.id == "000_5ad771e8ef94613b" and [s.label for s in record.spans] == ["GPE"]

    # with a schema that defines them, the same line goes in
    schema = tmp_path / "more.toml"
    schema.write_text(
        '[[entity]]\nname = "GPE"\nkey = "g"\n\n[[entity]]\nname = "MISC"\nkey = "m"\n\n'
        '[[theme]]\nname = "sports"\nkey = "s"\n',
        encoding="utf-8",
    )
    code, _, err = hashiya(capsys, "import", "labels.jsonl", "--annotator", "hal", "--labels", str(schema))
    assert code == 0, err
    labels = {s.label for r in store_records(env / "store", "hal", seeds_dir) for s in r.spans}
    assert labels == {"GPE", "MISC"}


def test_agreement_warns_on_stderr_of_entity_colours_too_close(env, capsys, tmp_path):
    labels = tmp_path / "close.toml"
    source = Path(__file__).parents[2] / "annotations" / "default_labels.toml"
    # LOC one step from GPE's #5fffaf
    text = source.read_text(encoding="utf-8").replace('colour = "#00875f"', 'colour = "#5fffa7"')
    labels.write_text(text, encoding="utf-8")
    code, out, err = hashiya(capsys, "agreement", "--labels", labels)
    assert code == 0 and "Cohen's kappa" in out
    [line] = [line for line in err.splitlines() if "warning" in line]
    assert "GPE" in line and "LOC" in line
