"""The canonical tokenizer as a spaCy tokenizer: the text kept exactly, the
canonical token edges, the evidence serialised and given through config."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.util import registry

from annotations.spacy_config import training_config
from annotations.spacy_tokenizer import REGISTERED_NAME, ArabicTokenizer, create_tokenizer, write_evidence
from annotations.tokenize import Evidence, canonical_offsets

HOSTILE = [
    "",
    " ",
    "\n",
    "  والصين  ",
    "\tقال\t\tالوزير\n\n\nفي  لندن \u00a0 اليوم",
    "وَالصِّينُ، وبالعاصمة؛ وللهجرة!",
    "https://example.org/a?b=1&c=ب، 09:15 14/5/2025 3.5% ١٤٫٥",
    "\u200fالنص\u200e \u0640\u0640 ﷲ \U0001f600 x",
    "a\r\nb",  # a CR that is not in stored text still round-trips
    "ال و ب ل",
    " \n \t ",
]


def nlp_with(evidence=None):
    nlp = spacy.blank("ar")
    nlp.tokenizer = ArabicTokenizer(nlp.vocab, evidence)
    return nlp


def test_hostile_texts_round_trip_and_cut_where_canonical_offsets_cut():
    nlp = nlp_with()
    for text in HOSTILE:
        doc = nlp(text)
        assert doc.text == text
        words = [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]
        assert words == canonical_offsets(text), text
        assert all(t.text for t in doc)


TOKENIZER = ArabicTokenizer(spacy.blank("ar").vocab)  # one vocab for all the generated texts
arabic_ish = st.text(
    alphabet=st.sampled_from(list("والصينبلكفمدرس ،.؛\n\t\u064e\u0651\u0640") + [" ", "x", "1", "\u200c"]),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(arabic_ish, st.text(max_size=40)))
def test_any_text_round_trips(text):
    doc = TOKENIZER(text)
    assert doc.text == text
    assert [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space] == canonical_offsets(text)
    for token in doc:  # whitespace is either one trailing space or a token of its own
        assert token.is_space or not token.text.isspace()


def test_evidence_decides_the_cut_and_travels_with_the_tokenizer(tmp_path):
    text = "وبكين ووزارة بلندن"
    plain = [t.text for t in nlp_with(Evidence())(text)]
    assert plain == ["وبكين", "ووزارة", "بلندن"]
    evidence = Evidence(["بكين", "وزارة", "لندن"])
    nlp = nlp_with(evidence)
    assert [t.text for t in nlp(text)] == ["و", "بكين", "و", "وزارة", "ب", "لندن"]
    # bytes and disk, alone and inside a saved pipeline
    copy = ArabicTokenizer(nlp.vocab).from_bytes(nlp.tokenizer.to_bytes())
    assert copy.evidence.words() == evidence.words()
    nlp.tokenizer.to_disk(tmp_path / "tok")
    assert ArabicTokenizer(nlp.vocab).from_disk(tmp_path / "tok").evidence.words() == evidence.words()
    # no evidence stays "the text's own words", not "nothing known"
    none = ArabicTokenizer(nlp.vocab).from_bytes(ArabicTokenizer(nlp.vocab).to_bytes())
    assert none.evidence is None


def test_registered_through_the_entry_point_and_given_evidence_by_config(tmp_path):
    assert registry.tokenizers.get(REGISTERED_NAME) is create_tokenizer
    words = tmp_path / "words.json"
    write_evidence(Evidence(["بكين"]), words)
    config = training_config(["ner"], evidence=words)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    assert isinstance(nlp.tokenizer, ArabicTokenizer)
    assert nlp.tokenizer.evidence is None and [t.text for t in nlp.make_doc("وبكين")] == ["وبكين"]
    nlp.initialize()
    assert nlp.tokenizer.evidence.words() == ["بكين"]
    assert [t.text for t in nlp.make_doc("وبكين")] == ["و", "بكين"]
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert isinstance(loaded.tokenizer, ArabicTokenizer)
    assert [t.text for t in loaded("وبكين")] == ["و", "بكين"]
