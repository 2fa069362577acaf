"""The streamed export writes what reading every record first and writing
each file with the format's own writer gives — with several annotators,
--split and --resolve agreed — and warns of a --split part left empty."""

from __future__ import annotations

import io

import pytest

from annotations.formats import module
from annotations.formats.common import ExportOptions, ExportReport
from annotations.formats.output import part_path
from annotations.records import Selection, group_records, open_sources, read_records, split_ids, token_evidence
from tests.unit.test_export_parquet import two_annotators  # noqa: F401  (fixture)
from tui.cli import main


def _collected(corpus, store, fmt, resolve):
    """{group: records} and the options, every record read first."""
    settings, opened, st, names = open_sources(Selection(corpus=str(corpus), store=str(store)), titles=False)
    try:
        options = ExportOptions(evidence=token_evidence(fmt, opened, settings, st))
        records, _ = read_records(st, opened, names, ())
    finally:
        st.close()
    return group_records(records, resolve), options


def _written(fmt, records, options) -> bytes:
    out = io.StringIO()
    module(fmt).write(records, out, ExportReport(), options)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt", ["native", "conll", "prodigy", "doccano", "hf"])
@pytest.mark.parametrize("resolve", ["per-annotator", "agreed"])
def test_streamed_split_is_the_collected_split(capsys, tmp_path, two_annotators, fmt, resolve):  # noqa: F811
    corpus, store = two_annotators
    out = tmp_path / "out.txt"
    code = main(["export", str(corpus), "--store", str(store), "-f", fmt, "-o", str(out),
                 "--resolve", resolve, "--split", "60/20/20", "--seed", "4"])
    err = capsys.readouterr().err
    assert code == 0
    groups, options = _collected(corpus, store, fmt, resolve)
    parts = split_ids({r.id for records in groups.values() for r in records}, (60, 20, 20), 4)
    assert len(groups) == (2 if resolve == "per-annotator" else 1)
    for name, records in groups.items():
        base = part_path(out, name) if len(groups) > 1 else out
        for part, ids in zip(("train", "dev", "test"), parts):
            path = part_path(base, part)
            mine = [r for r in records if r.id in ids]
            assert path.read_bytes() == _written(fmt, mine, options)
            spans = sum(len(r.spans) for r in mine) if fmt in ("native", "doccano") else None
            line = next(line for line in err.splitlines() if line.endswith(f" to {path}"))
            assert line.startswith(f"hashiya: wrote {len(mine)} record(s), ")
            if spans is not None:
                assert f", {spans} span(s) to" in line


def test_agreed_with_one_annotator_says_every_article_was_skipped(capsys, tmp_path, two_annotators):  # noqa: F811
    corpus, store = two_annotators
    out = tmp_path / "agreed.jsonl"
    code = main(["export", str(corpus), "--store", str(store), "--annotator", "bob", "--resolve", "agreed", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0 and out.read_bytes() == b""
    assert "0 shared article(s), 0 disagreement(s) left out, 5 article(s) with one annotator skipped" in err
    assert "wrote 0 record(s), 0 span(s)" in err


def test_an_empty_split_part_is_named(capsys, tmp_path, two_annotators):  # noqa: F811
    corpus, store = two_annotators
    out = tmp_path / "out.jsonl"
    code = main(["export", str(corpus), "--store", str(store), "--annotator", "bob", "-o", str(out), "--split", "100/0/0"])
    err = capsys.readouterr().err
    assert code == 0
    warnings = [line for line in err.splitlines() if "warning: --split" in line]
    assert len(warnings) == 2
    for part in ("dev", "test"):
        assert any(f"the {part} part" in line and str(part_path(out, part)) in line for line in warnings)
        assert part_path(out, part).read_bytes() == b""
    assert part_path(out, "train").read_bytes().count(b"\n") == 5


def test_spacy_export_above_the_shard_size_is_a_folder_spacy_reads_as_one_corpus(capsys, tmp_path, two_annotators):  # noqa: F811
    import spacy
    from spacy.tokens import DocBin
    from spacy.training import Corpus

    corpus, store = two_annotators
    out = tmp_path / "gold.spacy"
    code = main(["export", str(corpus), "--store", str(store), "--annotator", "bob", "-f", "spacy", "-o", str(out),
                 "--shard-rows", "2"])
    err = capsys.readouterr().err
    assert code == 0 and out.is_dir()
    shards = sorted(p.name for p in out.iterdir())
    assert shards == ["gold-00000.spacy", "gold-00001.spacy", "gold-00002.spacy"]
    nlp = spacy.blank("ar")
    sizes = [len(DocBin().from_disk(out / name)) for name in shards]
    assert sizes == [2, 2, 1]
    texts = [example.reference.text for example in Corpus(out)(nlp)]
    groups, _ = _collected(corpus, store, "spacy", "per-annotator")
    assert sorted(texts) == sorted(r.text for r in groups["bob"])
    assert "wrote 5 record(s)" in err and "a folder of 3 files" in err
    # the same export below the shard size: one file, as before
    code = main(["export", str(corpus), "--store", str(store), "--annotator", "bob", "-f", "spacy", "-o", str(tmp_path / "one.spacy")])
    assert code == 0 and len(DocBin().from_disk(tmp_path / "one.spacy")) == 5
