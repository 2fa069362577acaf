"""Export/import formats on lists of records: round trips, shapes, reports."""

from __future__ import annotations

import io
import json

import pytest

from annotations.formats import module
from annotations.formats.common import OFF_TOKENS, ExportOptions, ExportReport, direction_of, spacy_tokens
from annotations.model import ArticleRecord, Span, Status
from annotations.schema import load_schema
from annotations.segment import Evidence, canonical_offsets

from .formats_data import off_tokens, on_tokens, seed_records, span_keys


def export(fmt: str, records, **options) -> tuple[str, ExportReport]:
    out = io.StringIO()
    report = ExportReport()
    module(fmt).write(records, out, report, ExportOptions(**options))
    return out.getvalue(), report


def read(fmt: str, data: str, **kw):
    return module(fmt).read(io.StringIO(data), **kw)


@pytest.fixture(scope="module")
def records():
    recs = seed_records()
    assert sum(len(r.spans) for r in recs) > 30  # the data really is annotated
    return recs


@pytest.mark.parametrize("fmt", ["native", "doccano", "prodigy"])
def test_jsonl_round_trip_on_the_seeds(fmt, records):
    data, report = export(fmt, records)
    off = [s for r in records for s in off_tokens(r)] if fmt == "prodigy" else []
    # prodigy holds what lies on tokens; the rest is named, with its annotator
    assert report.left_out == ({OFF_TOKENS: [f"span {s.id} of alice in article {s.article_id} "
                                             f"[{s.start}, {s.end}) {s.label} “{s.text}”" for s in off]} if off else {})
    if fmt == "prodigy":
        assert any(s.text == "العراق" for s in off)  # inside العراقي: not widened, reported
    result = read(fmt, data, schema=load_schema())
    assert result.problems == []
    back = [record for _, record in result.records]
    assert [r.id for r in back] == [r.id for r in records]
    for original, imported in zip(records, back):
        assert imported.text == original.text
        kept = ArticleRecord(original.id, original.text, on_tokens(original)) if fmt == "prodigy" else original
        assert span_keys(imported) == span_keys(kept)
        assert imported.themes == original.themes
        for span in imported.spans:
            assert imported.text[span.start : span.end] == span.text
        if fmt in ("native", "prodigy"):
            assert imported.status == original.status


def test_native_keeps_span_ids_annotator_and_states_unit_and_direction(records):
    data, _ = export("native", records)
    lines = data.splitlines()
    assert len(lines) == len(records)
    first = json.loads(lines[0])
    assert first["offset_unit"] == "codepoint"
    assert first["direction"] == "rtl"
    assert first["annotator"] == "alice"
    assert [s["id"] for s in first["spans"]] == [s.id for s in records[0].spans]
    assert set(first) == {
        "annotator", "direction", "fingerprint", "id", "metadata", "offset_unit",
        "spans", "status", "text", "themes",
    }
    for span in first["spans"]:
        assert first["text"][span["start"] : span["end"]] == span["text"]


@pytest.mark.parametrize("fmt", ["native", "doccano", "prodigy", "conll", "hf"])
def test_exports_are_byte_for_byte_reproducible(fmt, records):
    import copy
    import random

    again = copy.deepcopy(records)
    for record in again:
        random.Random(7).shuffle(record.spans)  # order of the input does not matter
    if fmt != "native":  # only native carries the (random) span ids
        again = [copy.deepcopy(r) for r in seed_records()]
    assert export(fmt, records)[0] == export(fmt, again)[0]


def test_doccano_shape(records):
    obj = json.loads(export("doccano", records)[0].splitlines()[0])
    assert obj["cats"] == ["cooperation", "diaspora"]
    assert all(isinstance(e, list) and len(e) == 3 for e in obj["entities"])
    assert obj["theme_labels"] == ["cooperation", "infrastructure"]
    for start, end, label in obj["entities"]:
        assert obj["text"][start:end]


def test_doccano_reads_other_doccano_shapes():
    lines = [
        {"id": 1, "text": "وزير الصحة في بغداد", "label": [[0, 4, "PER"], [14, 19, "GPE"]]},
        {"text": "خبر عن التعاون", "label": ["cooperation"]},
        {"text": "زيارة إلى لندن", "entities": [{"id": 9, "label": "GPE", "start_offset": 10, "end_offset": 14}]},
    ]
    result = read("doccano", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines), schema=load_schema(), name="f")
    assert result.problems == []
    recs = [r for _, r in result.records]
    assert [s.text for s in recs[0].spans] == ["وزير", "بغداد"]
    assert recs[1].themes == ["cooperation"] and recs[1].id == "f-00002"
    assert recs[2].spans[0].text == "لندن"


def test_prodigy_tokens_follow_spacy_layout_and_spans_are_on_tokens(records):
    for line, record in zip(export("prodigy", records)[0].splitlines(), records):
        obj = json.loads(line)
        assert obj["answer"] == "accept"
        tokens = obj["tokens"]
        rebuilt = "".join(t["text"] + (" " if t["ws"] else "") for t in tokens)
        assert rebuilt == obj["text"] == record.text
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        for span in obj["spans"] + obj["theme_spans"]:
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]
            assert obj["text"][span["start"] : span["end"]] == span["text"]
        assert len(obj["spans"]) == sum(1 for s in on_tokens(record) if s.kind == "entity")
        assert len(obj["theme_spans"]) == sum(1 for s in on_tokens(record) if s.kind == "theme")


def read_conll(data: str) -> list[list[list[tuple[str, str]]]]:
    """A plain CoNLL reader: documents -> sentences -> (token, tag)."""
    docs, sentence = [], []
    for line in data.split("\n"):
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif not line.strip():
            if sentence:
                docs[-1].append(sentence)
                sentence = []
        else:
            token, tag = line.split(" ")
            sentence.append((token, tag))
    return docs


def expected_entities(record: ArticleRecord) -> list[tuple[str, str]]:
    """(label, its canonical tokens joined by single spaces) in text order,
    for the entities that lie on token edges."""
    out = []
    offsets = canonical_offsets(record.text)
    for span in sorted(on_tokens(record), key=lambda s: s.start):
        if span.kind != "entity":
            continue
        words = [record.text[a:b] for a, b in offsets if span.start <= a and b <= span.end]
        out.append((span.label, " ".join(words)))
    return out


def test_conll_export_read_by_seqeval_gives_the_same_entities(records):
    from seqeval.metrics.sequence_labeling import get_entities

    data, report = export("conll", records)
    docs = read_conll(data)
    assert len(docs) == len(records)
    for doc, record in zip(docs, records):
        found = []
        for sentence in doc:
            tokens = [t for t, _ in sentence]
            for label, first, last in get_entities([tag for _, tag in sentence]):
                found.append((label, " ".join(tokens[first : last + 1])))
        assert found == expected_entities(record)
        # IOB2: every entity starts with B-
        for sentence in doc:
            previous = "O"
            for _, tag in sentence:
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:]
                previous = tag
    # themes and theme spans cannot be held: reported with ids, not dropped silently
    reasons = report.left_out
    assert len(reasons["theme spans (conll holds entities only)"]) == sum(
        1 for r in records for s in r.spans if s.kind == "theme"
    )
    assert len(reasons["document themes (conll has no place for them)"]) == 2 * len(records)
    for reason in ("theme spans (conll holds entities only)", "document themes (conll has no place for them)"):
        assert reasons[reason] and all(what.endswith(f" ({records[0].annotator})") for what in reasons[reason])
    assert len(reasons[OFF_TOKENS]) == sum(1 for r in records for s in off_tokens(r) if s.kind == "entity")


def test_conll_sentences_split_at_arabic_question_mark_and_newlines():
    text = "هل زار الوزير لندن؟ نعم.\nثم عاد"
    record = ArticleRecord("a", text, [Span("a", 14, 18, "GPE", "entity", "لندن", "x")])
    data, _ = export("conll", [record])
    assert data == (
        "-DOCSTART- -X- O\n\n"
        "هل O\nزار O\nالوزير O\nلندن B-GPE\n؟ O\n\n"
        "نعم O\n. O\n\n"
        "ثم O\nعاد O\n\n"
    )


def test_conll_never_splits_a_sentence_inside_an_entity():
    text = "قال د. أحمد كلاما"
    record = ArticleRecord("a", text, [Span("a", 4, 11, "PER", "entity", "د. أحمد", "x")])
    data, _ = export("conll", [record])
    assert "د B-PER\n. I-PER\nأحمد I-PER\n" in data


def test_conll_round_trip_rebuilds_text_and_offsets(records):
    data, _ = export("conll", records)
    result = read("conll", data, name="seeds")
    assert result.problems == []
    back = [r for _, r in result.records]
    assert [r.id for r in back] == [f"seeds-{i:04d}" for i in range(1, len(records) + 1)]
    for original, imported in zip(records, back):
        assert [(s.label, s.text) for s in imported.spans] == expected_entities(original)
        for span in imported.spans:
            assert imported.text[span.start : span.end] == span.text
    # exporting the imported records gives the same entities again (the
    # rebuilt text puts a space after each cut proclitic, so its tokens
    # may be cut further: ل لتعاون)
    again = read("conll", export("conll", back, themes=False)[0], name="seeds")
    assert [[(s.label, s.text) for s in r.spans] for _, r in again.records] == [
        [(s.label, s.text) for s in r.spans] for r in back
    ]


def test_conll_reports_bad_lines_and_keeps_good_documents():
    data = (
        "-DOCSTART- -X- O\n\nوزير B-PER\nالصحة I-PER\n\n"
        "-DOCSTART- -X- O\n\nفي O\nلندن X-GPE\n\n"
        "-DOCSTART- -X- O\n\nفي O\nلندن I-GPE\n\n"
        "-DOCSTART- -X- O\n\nكلمة\n\n"
    )
    result = read("conll", data, name="f")
    assert [r.text for _, r in result.records] == ["وزير الصحة"]
    assert [(p.line, p.message[:18]) for p in result.problems] == [
        (9, "tag 'X-GPE' is not"),
        (14, "I-GPE does not con"),
        (18, "expected 'TOKEN TA"),
    ]


def test_hf_shape_and_labels(records):
    data, report = export("hf", records)
    objs = [json.loads(line) for line in data.splitlines()]
    assert [o["id"] for o in objs] == [r.id for r in records]
    for obj, record in zip(objs, records):
        assert len(obj["tokens"]) == len(obj["ner_tags"])
        assert obj["direction"] == "rtl"
        assert all(t == "O" or t[:2] in ("B-", "I-") for t in obj["ner_tags"])
        from seqeval.metrics.sequence_labeling import get_entities

        found = [(label, " ".join(obj["tokens"][a : b + 1])) for label, a, b in get_entities(obj["ner_tags"])]
        assert found == expected_entities(record)
    labels = module("hf").label_list({"GPE", "DATE"})
    assert labels == ["O", "B-DATE", "I-DATE", "B-GPE", "I-GPE"]


def test_utf16_offsets_for_astral_characters():
    text = "😀 وزير الصحة في لندن"
    record = ArticleRecord("a", text, [Span("a", 16, 20, "GPE", "entity", "لندن", "x")])
    native = json.loads(export("native", [record], utf16=True)[0])
    span = native["spans"][0]
    assert (span["start"], span["end"], span["start_utf16"], span["end_utf16"]) == (16, 20, 17, 21)
    assert text.encode("utf-16-le")[2 * 17 : 2 * 21].decode("utf-16-le") == "لندن"
    doccano = json.loads(export("doccano", [record], utf16=True)[0])
    assert doccano["entities_utf16"] == [[17, 21, "GPE"]]
    prodigy = json.loads(export("prodigy", [record], utf16=True)[0])
    assert prodigy["spans"][0]["start_utf16"] == 17
    assert "start_utf16" not in json.loads(export("native", [record])[0])["spans"][0]


def test_direction_from_first_strong_character():
    assert direction_of("2025 وزير") == "rtl"
    assert direction_of("«Reuters» قال") == "ltr"
    assert direction_of("123 ...") == "ltr"
    assert direction_of("ܐܒ") == "rtl"  # Syriac is AL


def test_entities_only_and_themes_only(records):
    ents = json.loads(export("native", records, kinds=("entity",), themes=False)[0].splitlines()[0])
    assert {s["kind"] for s in ents["spans"]} == {"entity"} and ents["themes"] == []
    themes = json.loads(export("native", records, kinds=("theme",))[0].splitlines()[0])
    assert {s["kind"] for s in themes["spans"]} == {"theme"} and themes["themes"]
    _, report = export("conll", records, kinds=("entity",), themes=False)
    assert list(report.left_out) == [OFF_TOKENS]  # only what lies across token edges


def test_proclitics_are_tokens_where_the_evidence_knows_the_rest():
    text = "وصل الوفد والصين بالعاصمة"
    record = ArticleRecord("a", text, [Span("a", 11, 16, "GPE", "entity", "الصين", "x")])
    evidence = Evidence(["الصين", "العاصمة"])
    for split_clitics in (False, True):  # the flag changes nothing
        obj = json.loads(export("prodigy", [record], split_clitics=split_clitics, evidence=evidence)[0])
        assert [t["text"] for t in obj["tokens"]] == ["وصل", "الوفد", "و", "الصين", "ب", "العاصمة"]
        span = obj["spans"][0]
        assert (span["token_start"], span["token_end"]) == (3, 3)
    # without that evidence the word stays whole and the span is reported
    data, report = export("prodigy", [record])
    assert json.loads(data)["spans"] == []
    assert report.lines() == [
        f"left out 1 {OFF_TOKENS}: span {record.spans[0].id} of x in article a [11, 16) GPE “الصين”"
    ]


def test_spacy_tokens_give_whitespace_its_own_tokens():
    text = "  أ  ب\n\nج د "
    tokens = spacy_tokens(text, canonical_offsets(text))
    assert [(t.text, t.ws) for t in tokens] == [
        ("  ", False), ("أ", True), (" ", False), ("ب", False), ("\n\n", False),
        ("ج", True), ("د", True),
    ]
    assert "".join(t.text + " " * t.ws for t in tokens) == text


BAD_NATIVE = [
    '{"id": "a", "text": "وزير الصحة", "spans": [{"start": 0, "end": 4, "label": "PER", "kind": "entity", "text": "وزير"}]}',
    "{not json",
    '{"id": "b", "text": "في لندن", "spans": [{"start": 3, "end": 9, "label": "GPE"}]}',
    '{"id": "c", "text": "في لندن", "spans": [{"start": 3, "end": 7, "label": "GPE", "text": "باريس"}]}',
    "",
    '{"id": "d", "text": "في لندن", "spans": [{"start": 0, "end": 7, "label": "A", "kind": "entity"}, {"start": 3, "end": 7, "label": "B", "kind": "entity"}]}',
    '{"id": "e", "text": "في لندن", "offset_unit": "utf16", "spans": []}',
    '{"id": "f", "text": "في لندن", "status": "finished", "spans": []}',
    '["a list"]',
    '{"id": "g", "text": "بغداد", "spans": [], "themes": ["cooperation"], "status": "done"}',
]


def test_native_import_reports_bad_lines_by_number_and_keeps_good_ones():
    result = read("native", "\n".join(BAD_NATIVE) + "\n")
    assert [r.id for _, r in result.records] == ["a", "g"]
    assert [n for n, _ in result.records] == [1, 10]
    messages = {p.line: p.message for p in result.problems}
    assert sorted(messages) == [2, 3, 4, 6, 7, 8, 9]
    assert "not valid JSON" in messages[2]
    assert "outside the article" in messages[3]
    assert "“باريس”" in messages[4]
    assert "may not overlap" in messages[6]
    assert "utf16" in messages[7]
    assert "finished" in messages[8]
    assert "not a JSON object" in messages[9]


def test_prodigy_import_skips_rejected_answers():
    lines = [
        json.dumps({"text": "في لندن", "spans": [{"start": 3, "end": 7, "label": "GPE"}], "answer": "reject"}),
        json.dumps({"text": "في لندن", "spans": [{"start": 3, "end": 7, "label": "GPE"}], "meta": {"id": "x"}}),
    ]
    result = read("prodigy", "\n".join(lines))
    assert [r.id for _, r in result.records] == ["x"]
    assert [p.line for p in result.skipped] == [1]
    assert result.problems == []


def test_conll_a_run_of_full_stops_ends_one_sentence():
    record = ArticleRecord("a", "انتهى... ثم عاد!! وبعد", [])
    data, _ = export("conll", [record])
    assert data == "-DOCSTART- -X- O\n\nانتهى O\n. O\n. O\n. O\n\nثم O\nعاد O\n! O\n! O\n\nوبعد O\n\n"
