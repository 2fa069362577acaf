"""Space in the reader cuts the proclitics the corpus evidence supports, the
same ones the export's tokens cut."""

from __future__ import annotations

import pytest

from annotations.corpus import open_corpus
from annotations.segment import canonical_offsets, evidence_for, text_evidence
from tui import word_evidence as word_evidence_module
from tui.app import make_app

from .test_shell import SIZE, run, settings_for


def _word(text: str, word: str) -> int:
    at = text.index(word)
    assert text[at - 1].isspace()
    return at


@pytest.mark.parametrize("in_background", [False, True])
def test_space_selects_the_stem_another_article_shows_is_a_word(corpus_dir, monkeypatch, in_background):
    if in_background:  # as for a corpus over AT_ONCE articles
        monkeypatch.setattr(word_evidence_module, "AT_ONCE", 0)
    corpus = open_corpus(corpus_dir)
    index = [a.id for a in corpus.articles].index("002_df69662a62a6096d")
    text = corpus.articles[index].text
    at = _word(text, "لوزير")
    # وزير is not a word of this article alone: its own words would not cut
    assert "وزير" not in text_evidence(text) and "وزير" in evidence_for(corpus)

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(index):
                await pilot.press("down")
            await pilot.press("enter")
            await pilot.pause()
            assert app.word_evidence.evidence is None  # nothing built before a word is selected
            reader = app.screen.reader
            reader.move_cursor_to(at + 2)
            await pilot.press("space")  # starts the build
            await pilot.pause()
            for _ in range(200):  # in the background it is done quickly
                if app.word_evidence.evidence is not None:
                    break
                await pilot.pause(0.02)
            if in_background:  # the first Space may have come before it
                reader.move_cursor_to(at + 2)
                await pilot.press("space")
                await pilot.pause()
            assert reader.selection == (at + 1, at + len("لوزير"))
            # the export's tokens cut the word at the same place
            evidence = evidence_for(corpus, schema=app.schema, stores=[app.store])
            assert (at, at + 1) in canonical_offsets(text, evidence)
            assert (at + 1, at + len("لوزير")) in canonical_offsets(text, evidence)

    run(scenario())


def test_a_corpus_read_again_gets_its_evidence_built_again(tmp_path):
    from annotations.schema import load_schema

    first, second = tmp_path / "first", tmp_path / "second"
    for folder, text in ((first, "عنوان\n\nقال وزير كلمة.\n"), (second, "عنوان\n\nقال سفير كلمة.\n")):
        folder.mkdir()
        (folder / "a.txt").write_text(text, encoding="utf-8")
    from annotations.store import Store

    schema = load_schema(None)
    store = Store(tmp_path / "store", "ali")
    unused = word_evidence_module.WordEvidence(open_corpus(first), schema, store)
    assert not unused.for_corpus(open_corpus(second)).started  # never asked for: left for later
    built = word_evidence_module.WordEvidence(open_corpus(first), schema, store)
    old = built.current()
    assert "وزير" in old and "سفير" not in old
    again = built.for_corpus(open_corpus(second))
    assert again.started and "سفير" in again.current() and "وزير" not in again.current()
    store.close()
