"""The prodigy and spacy exports, loaded by spaCy itself."""

from __future__ import annotations

import io
import json

import spacy
from spacy.tokens import Doc, DocBin

from annotations.formats import module
from annotations.formats.common import OFF_TOKENS, ExportOptions, ExportReport

from .formats_data import off_tokens, on_tokens, seed_records


def test_prodigy_export_loads_into_spacy_with_strict_spans(tmp_path):
    records = seed_records()
    out = io.StringIO()
    module("prodigy").write(records, out, ExportReport(), ExportOptions(split_clitics=True))
    nlp = spacy.blank("ar")
    checked = 0
    for line, record in zip(out.getvalue().splitlines(), records):
        obj = json.loads(line)
        doc = Doc(nlp.vocab, words=[t["text"] for t in obj["tokens"]], spaces=[t["ws"] for t in obj["tokens"]])
        assert doc.text == record.text
        for span in obj["spans"] + obj["theme_spans"]:
            piece = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="strict")
            assert piece is not None, span
            assert piece.text == span["text"]
            assert (piece.start, piece.end - 1) == (span["token_start"], span["token_end"])
            checked += 1
        doc.ents = [
            doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="strict") for s in obj["spans"]
        ]
    assert checked == sum(len(on_tokens(r)) for r in records) > 20


def test_spacy_docbin_round_trips(tmp_path):
    records = seed_records()
    path = tmp_path / "train.spacy"
    report = ExportReport()
    module("spacy").write_path(records, path, report, ExportOptions())
    assert report.records == len(records)
    assert len(report.left_out.pop(OFF_TOKENS)) == sum(len(off_tokens(r)) for r in records)
    assert report.left_out == {}
    nlp = spacy.blank("ar")
    docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    assert len(docs) == len(records)
    for doc, record in zip(docs, records):
        assert doc.text == record.text
        assert doc.user_data["id"] == record.id
        assert doc.user_data["direction"] == "rtl"
        entities = sorted((s.start, s.end, s.label) for s in on_tokens(record) if s.kind == "entity")
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == entities
        themes = sorted((s.start, s.end, s.label) for s in on_tokens(record) if s.kind == "theme")
        assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["themes"]) == themes
        assert doc.cats == {theme: 1.0 for theme in record.themes}
        for ent in doc.ents:
            assert ent.text == record.text[ent.start_char : ent.end_char]
    # the same records write the same bytes
    again = tmp_path / "again.spacy"
    module("spacy").write_path(records, again, ExportReport(), ExportOptions())
    assert again.read_bytes() == path.read_bytes()
