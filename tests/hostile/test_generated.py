"""Generated hostile strings (controls, bidi overrides, lone surrogates,
Rich markup, combining floods, terminal escapes) pushed through corpus ->
store -> every export format and every command's output: no traceback,
exact offsets, no raw control byte on stdout or stderr."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.corpus import open_corpus
from annotations.jsontext import has_surrogate
from annotations.store import Store

from .helpers import run

PIECES = [
    "\x1b]52;c;aGk=\x07", "\x1b[31m", "\x1b[2J", "\x9b1m", "\x07", "\x00", "\x7f", "\r", "\n", "\t",
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u061c", "\u2028",
    "\ud800", "\udfff", "\udce9",
    "[bold red]", "[/]", "[link=file:///etc/passwd]x[/link]", "[@click=app.quit]",
    "ب" + "\u0651" * 40, "\u0301" * 30, "ﻻ", "الصين", "مصر ", " ", "a", "7",
]
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.characters(codec=None)), min_size=1, max_size=8).map("".join)


def _build(tmp: Path, ids: list[str], texts: list[str], label: str):
    corpus_path = tmp / "c.jsonl"
    with open(corpus_path, "w", encoding="ascii") as handle:
        handle.write(json.dumps({"id": "plain", "text": "مقالة عادية هنا"}) + "\n")
        for article_id, text in zip(ids, texts):
            # ensure_ascii: every string, lone surrogates too, is escaped
            handle.write(json.dumps({"id": article_id, "text": "عنوان " + text, "title": text}) + "\n")
    corpus = open_corpus(corpus_path)
    for article in corpus:
        assert not has_surrogate(article.id) and not has_surrogate(article.text)
    store = tmp / "store"
    made = {}
    for who in ("ali", "sara"):
        with Store(store, who) as own:
            for article in corpus:
                text = article.text
                spans = [own.add_span(article.id, text, 0, 5, "PER", "entity")]
                spans.append(own.add_span(article.id, text, 2, len(text), label, "theme"))
                if who == "ali":
                    own.toggle_theme(article.id, label)
                made[(who, article.id)] = {(s.start, s.end, s.label, s.text) for s in spans}
    return corpus_path, store, made


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ids=st.lists(hostile, min_size=1, max_size=3, unique=True), texts=st.lists(hostile, min_size=3, max_size=3), label=hostile)
def test_hostile_strings_through_every_command(capsys, ids, texts, label):
    if has_surrogate(label) or not label.strip():
        label = "theme" + label.encode("utf-8", "replace").decode("utf-8") + "x"
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        corpus, store, made = _build(tmp, ids, texts, label)
        base = [corpus, "--store", store]
        for fmt in ("native", "doccano", "prodigy", "conll", "hf"):
            code, _, _ = run(capsys, "export", *base, "-f", fmt, "-o", tmp / f"out.{fmt}")
            assert code == 0
        for who in ("ali", "sara"):
            lines = (tmp / f"out.{who}.native").read_text(encoding="utf-8").split("\n")[:-1]
            for line in lines:
                record = json.loads(line)
                got = {(s["start"], s["end"], s["label"], s["text"]) for s in record["spans"]}
                assert got == made[(who, record["id"])]
                for s in record["spans"]:
                    assert record["text"][s["start"]:s["end"]] == s["text"]
            for line in (tmp / f"out.{who}.doccano").read_text(encoding="utf-8").split("\n")[:-1]:
                record = json.loads(line)
                wanted = {(a, b, lab) for a, b, lab, _ in made[(who, record["id"])] if lab == "PER"}
                assert {tuple(e) for e in record["entities"]} >= wanted
        run(capsys, "export", *base, "--annotator", "ali")  # to stdout
        run(capsys, "stats", *base)
        run(capsys, "stats", *base, "--json")
        run(capsys, "validate", *base)
        run(capsys, "agreement", *base)
        run(capsys, "adjudicate", *base, "--dry-run")
        run(capsys, "adjudicate", *base, "--dry-run", "--json")
        for article_id in ids:
            run(capsys, "render", corpus, f"--id={article_id}")  # an id may begin with "-"
        run(capsys, "export", *base, "--annotator", "ali", "--entities-only", "-o", tmp / "ents.jsonl")
        code, _, _ = run(capsys, "import", tmp / "ents.jsonl", corpus, "--store", store, "--annotator", "back")
        assert code == 0
        with Store(store, "back", readonly=True) as back:
            for (who, article_id), spans in made.items():
                if who == "ali":
                    got = {(s.start, s.end, s.label, s.text) for s in back.spans(article_id)}
                    assert got == {span for span in spans if span[2] == "PER"}


def test_hostile_strings_through_the_spacy_docbin(capsys):
    import spacy
    from spacy.tokens import DocBin

    texts = ["\x1b]52;c;aGk=\x07 ب" + "\u0651" * 40, "\u202eabc\u2066 مصر\x9b1m", "[bold red]الصين[/]\x00\x7f"]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        corpus, store, made = _build(tmp, ["x\x1b[2J", "\u202eid", "plain2"], texts, "theme")
        code, _, _ = run(capsys, "export", corpus, "--store", store, "--annotator", "ali", "-f", "spacy",
                         "-o", tmp / "out.spacy")
        assert code == 0
        docs = list(DocBin().from_disk(tmp / "out.spacy").get_docs(spacy.blank("ar").vocab))
        assert len(docs) == len(open_corpus(corpus).articles)
        for doc in docs:
            got = {(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents}
            assert got == {span for span in made[("ali", doc.user_data["id"])] if span[2] == "PER"}
