"""Two annotators, different span edges on one article: the token formats
give both the same tokens, and a span across a token edge is named."""

from __future__ import annotations

import json

from tui.cli import main
from annotations.store import Store

TEXT = (
    "زار وفد من والصين بدمشق اليوم، والتقى Dr. Smith في U.S. ثم كتب إلى info@who.int عبر https://who.int/ar/news.\n"
    "وقالت بكين إن الوفد سيعود في 14/5/2025 الساعة 09:15.\n"
)


SPANS = {
    # alice marks words whole with their clitics, and one span inside a word
    "alice": [("والصين", "GPE"), ("بدمشق", "GPE"), ("Dr. Smith", "PER"), ("الوف", "ORG")],
    # bob marks the names without them
    "bob": [("الصين", "GPE"), ("دمشق", "GPE"), ("Smith", "PER"), ("بكين", "GPE")],
}


def test_token_formats_give_every_annotator_the_same_tokens(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(TEXT, encoding="utf-8")
    store_dir = tmp_path / "store"
    ids = {}
    for who in ("alice", "bob"):
        with Store(store_dir, who) as store:
            for surface, label in SPANS[who]:
                start = TEXT.index(surface)
                span = store.add_span("a", TEXT, start, start + len(surface), label, "entity")
                ids[(who, surface)] = span.id
    monkeypatch.chdir(tmp_path)
    for fmt in ("hf", "conll"):
        capsys.readouterr()
        code = main(["export", str(corpus), "--store", str(store_dir), "-f", fmt, "-o", f"out.{fmt}"])
        err = capsys.readouterr().err
        assert code == 0, err
        if fmt == "hf":
            rows = {who: json.loads((tmp_path / f"out.{who}.hf").read_text(encoding="utf-8")) for who in ("alice", "bob")}
            tokens = {who: row["tokens"] for who, row in rows.items()}
            tags = {who: row["ner_tags"] for who, row in rows.items()}
        else:
            lines = {who: (tmp_path / f"out.{who}.conll").read_text(encoding="utf-8").splitlines() for who in ("alice", "bob")}
            tokens = {who: [line.split(" ")[0] for line in ls if line and not line.startswith("-DOCSTART-")] for who, ls in lines.items()}
            tags = {who: [line.split(" ")[1] for line in ls if line and not line.startswith("-DOCSTART-")] for who, ls in lines.items()}
            # sentences end after the URL's full stop and after 09:15, not at Dr. or U.S.
            blocks = [b for b in (tmp_path / "out.alice.conll").read_text(encoding="utf-8").split("\n\n") if b and not b.startswith("-DOCSTART-")]
            assert len(blocks) == 2
        assert tokens["alice"] == tokens["bob"]
        toks = tokens["alice"]
        for whole in ("Dr.", "U.S.", "info@who.int", "https://who.int/ar/news", "14/5/2025", "09:15", "بكين"):
            assert whole in toks
        at = toks.index("الصين")
        assert toks[at - 1] == "و" and toks[toks.index("دمشق") - 1] == "ب"
        # alice's entities keep their clitics, bob's do not: the same tokens, other tags
        assert tags["alice"][at - 1 : at + 1] == ["B-GPE", "I-GPE"]
        assert tags["bob"][at - 1 : at + 1] == ["O", "B-GPE"]
        # the span inside الوفد is named with its id, article and annotator
        assert f"span {ids[('alice', 'الوف')]} of alice in article a" in err
        assert "of bob" not in err
