"""Suggestions core: pattern matching on word edges, the pattern file's bad
lines, model sources, and suggestion storage beside the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.errors import AnnotationError, StoreCorruptError, StoreError
from annotations.model import fingerprint
from annotations.schema import load_schema
from annotations.store import Store
from annotations.store.articles import article_folder
from annotations.suggestions import (
    Found,
    ModelSource,
    PatternError,
    PatternMatcher,
    PatternSource,
    Rejections,
    SuggestionStore,
    Waiting,
    doubt_key,
    load_patterns,
    parse_patterns,
    theme_margin,
)
from tests.models import make_model

ENTITIES = {"PER", "ORG", "GPE", "LOC", "DATE", "EVENT", "FAC", "TITLE"}
TEXT = "زار الوزير والصّين ثم الصينية وبكين، وقالت الأمم المتحدة إن مصر ومصر تدعمان."


def matches(lines: list[dict], text: str) -> list[tuple[str, str]]:
    patterns = parse_patterns("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), "p.jsonl", ENTITIES)
    found = PatternMatcher(patterns).matches(text)
    for start, end, _ in found:
        assert text[start:end].strip() == text[start:end]
    return [(text[start:end], label) for start, end, label in found]


def test_phrase_matches_after_clitic_and_ignores_harakat_but_not_inside_words():
    found = matches([{"label": "GPE", "pattern": "الصين"}], TEXT)
    # والصّين: after the conjunction, harakat ignored; الصينية is another word
    assert found == [("الصّين", "GPE")]


def test_phrase_folds_alef_forms_and_spans_two_words():
    found = matches([{"label": "ORG", "pattern": "الامم المتحده"}], TEXT)
    assert found == [("الأمم المتحدة", "ORG")]


def test_name_without_article_after_conjunction():
    found = matches([{"label": "GPE", "pattern": "مصر"}, {"label": "GPE", "pattern": "بكين"}], TEXT)
    assert found == [("بكين", "GPE"), ("مصر", "GPE"), ("مصر", "GPE")]
    starts = [s for s, _, _ in PatternMatcher(parse_patterns('{"label": "GPE", "pattern": "مصر"}', "p", ENTITIES)).matches(TEXT)]
    assert TEXT[starts[1] - 1] == "و"


def test_phrase_does_not_match_a_longer_or_shorter_word():
    assert matches([{"label": "GPE", "pattern": "صين"}], "الصينية") == []
    assert matches([{"label": "GPE", "pattern": "الصين"}], "الصينيون والصينية") == []


def test_phrase_does_not_cross_a_line_break():
    assert matches([{"label": "ORG", "pattern": "الأمم المتحدة"}], "الأمم\nالمتحدة") == []
    assert matches([{"label": "ORG", "pattern": "الأمم المتحدة"}], "الأمم   المتحدة") == [("الأمم   المتحدة", "ORG")]


def test_token_patterns_text_orth_lower_and_in():
    text = "قال WHO و who ثم World Health Organization في جنيف"
    assert matches([{"label": "ORG", "pattern": [{"TEXT": "WHO"}]}], text) == [("WHO", "ORG")]
    assert matches([{"label": "ORG", "pattern": [{"ORTH": "who"}]}], text) == [("who", "ORG")]
    assert matches([{"label": "ORG", "pattern": [{"LOWER": "who"}]}], text) == [("WHO", "ORG"), ("who", "ORG")]
    assert matches(
        [{"label": "ORG", "pattern": [{"LOWER": "world"}, {"LOWER": {"IN": ["health", "trade"]}}, {"TEXT": "Organization"}]}],
        text,
    ) == [("World Health Organization", "ORG")]
    assert matches([{"label": "GPE", "pattern": [{"LOWER": "جنيف"}]}], "في جِنيف") == [("جِنيف", "GPE")]


def test_longest_match_wins_and_matches_are_flat():
    text = "مؤتمر منظمة الصحة العالمية في الصحة"
    found = matches(
        [
            {"label": "ORG", "pattern": "الصحة"},
            {"label": "ORG", "pattern": "منظمة الصحة العالمية"},
            {"label": "EVENT", "pattern": "مؤتمر منظمة"},
        ],
        text,
    )
    assert found == [("منظمة الصحة العالمية", "ORG"), ("الصحة", "ORG")]


def test_bad_lines_are_reported_with_file_and_line(tmp_path: Path):
    path = tmp_path / "p.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"label": "GPE", "pattern": "الصين"}',
                "not json",
                '{"label": "NOPE", "pattern": "x"}',
                '{"label": "cooperation", "pattern": "تعاون"}',
                '{"label": "GPE", "pattern": [{"POS": "NOUN"}]}',
                '{"label": "GPE", "pattern": []}',
                "",
                '{"label": "GPE", "pattern": "x", "extra": 1}',
                '["GPE", "x"]',
                '{"label": "GPE", "pattern": [{"TEXT": 3}]}',
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(PatternError) as info:
        load_patterns(path, ENTITIES)
    problems = info.value.problems
    assert [p.split(":")[1] for p in problems] == ["2", "3", "4", "5", "6", "8", "9", "10"]
    assert all(p.startswith(f"{path}:") for p in problems)
    assert "NOPE" in problems[1] and "POS" in problems[3]


def test_pattern_file_not_utf8_and_empty(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"label": "GPE", "pattern": "x"}\n\xff\xfe\n')
    with pytest.raises(PatternError, match=r"bad.jsonl:2: not UTF-8"):
        load_patterns(bad, ENTITIES)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(PatternError, match="no patterns"):
        load_patterns(empty, ENTITIES)


def test_pattern_source_finds_schema_labels(tmp_path: Path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "GPE", "pattern": "الصين"}\n', encoding="utf-8")
    found = PatternSource(path, load_schema()).find(TEXT)
    assert [(TEXT[s:e], label) for s, e, label in found.entities] == [("الصّين", "GPE")]
    assert found.margin is None and found.themes == {}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("model") / "m"
    return make_model(
        folder,
        [{"label": "GPE", "pattern": "مصر"}, {"label": "MISC", "pattern": "الوزير"}],
        themes=("cooperation", "training", "not_in_schema"),
    )


def test_model_source_entities_themes_and_margin(model_dir: Path):
    import spacy

    source = ModelSource(model_dir, load_schema())
    found = source.find(TEXT)
    # spaCy's blank Arabic tokenizer keeps ومصر one token: only the bare مصر
    assert [(TEXT[s:e], label) for s, e, label in found.entities] == [("مصر", "GPE")]
    assert found.unknown == {"MISC": 1}
    cats = spacy.load(model_dir)(TEXT).cats
    assert set(found.themes) == {"cooperation", "training"}
    for label in found.themes:
        assert found.themes[label] == pytest.approx(cats[label])
    assert found.margin == pytest.approx(min(abs(cats[label] - 0.5) for label in ("cooperation", "training")), abs=1e-6)
    assert [f.entities for f in source.find_many([TEXT, "لا شيء"])] == [found.entities, []]


def test_model_source_errors_are_one_line(tmp_path: Path):
    from annotations.errors import HashiyaError

    with pytest.raises(HashiyaError, match="not a folder"):
        ModelSource(tmp_path / "missing", load_schema())
    (tmp_path / "empty").mkdir()
    with pytest.raises(HashiyaError, match="cannot load model"):
        ModelSource(tmp_path / "empty", load_schema())


def test_every_name_of_the_package_is_its_modules_own():
    import importlib

    import annotations.suggestions as package

    assert sorted(package.__all__) == sorted(package._HOMES)
    for name in package.__all__:
        home = importlib.import_module(f"annotations.suggestions.{package._HOMES[name]}")
        assert getattr(package, name) is getattr(home, name)
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError):
        package.NoSuchName  # noqa: B018


def test_theme_margin():
    assert theme_margin({}) is None
    assert theme_margin({"a": 0.9, "b": 0.45}) == pytest.approx(0.05)


# -- storage ------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "store", "ali") as s:
        yield s


def span_of(word: str, text: str = TEXT, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def found_egypt() -> Found:
    first, second = span_of("مصر"), span_of("مصر", nth=1)
    return Found(entities=[(*first, "GPE"), (*second, "GPE"), (*span_of("الأمم المتحدة"), "ORG")])


def test_saved_apart_from_annotations_and_never_counted(store: Store, tmp_path: Path):
    box = SuggestionStore(store)
    item = box.save("a1", TEXT, found_egypt(), "patterns:p.jsonl")
    assert [TEXT[s.start:s.end] for s in item.entities] == ["مصر", "مصر", "الأمم المتحدة"]
    assert box.path("a1").is_file()
    assert box.path("a1").parent.parent == tmp_path / "store" / "ali" / "suggestions" / "articles"
    assert box.path("a1").parent.name == article_folder("a1") and box.path("a1").name == "a1.json"
    assert store.spans("a1") == [] and store.span_counts() == {} and store.article_ids() == []
    assert box.summary()["a1"] == Waiting(3, None, len(TEXT))


def test_suggestions_of_the_flat_layout_are_read_then_moved(store: Store):
    # Saved by the flat layout under their names of then ("Ab.json" beside
    # "ab.json"): read as they are, and moved when next written.
    box = SuggestionStore(store)
    for article_id in ("Ab", "ab"):
        box.save(article_id, TEXT, found_egypt(), "patterns")
    box.reject("Ab", TEXT, box.load("Ab", TEXT).entities[0])
    for article_id, old_name in (("Ab", "Ab.json"), ("ab", "ab.json")):
        box.path(article_id).rename(box.articles / old_name)
    (box.folder / "index.json").unlink()
    box = SuggestionStore(store)
    assert box.summary() == {"Ab": Waiting(2, None, len(TEXT)), "ab": Waiting(3, None, len(TEXT))}
    assert len(box.waiting("Ab", TEXT)) == 2 and len(box.waiting("ab", TEXT)) == 3
    box.reject("Ab", TEXT, box.load("Ab", TEXT).entities[0])
    assert not (box.articles / "Ab.json").exists() and box.path("Ab").is_file()
    assert (box.articles / "ab.json").is_file() and len(box.waiting("Ab", TEXT)) == 1
    # two ids apart only in case never share a file
    assert box.path("Ab").name.casefold() != box.path("ab").name.casefold()


def test_accept_becomes_an_ordinary_span_and_undo_brings_it_back(store: Store):
    box = SuggestionStore(store)
    box.save("a1", TEXT, found_egypt(), "patterns")
    first = box.waiting("a1", TEXT)[0]
    span = box.accept("a1", TEXT, first)
    assert (span.start, span.end, span.label, span.kind) == (first.start, first.end, "GPE", "entity")
    assert TEXT[span.start:span.end] == span.text == "مصر"
    assert store.spans("a1") == [span]
    assert first not in box.waiting("a1", TEXT)
    assert box.summary()["a1"].count == 2
    store.undo()
    assert store.spans("a1") == []
    assert first in box.waiting("a1", TEXT)
    assert box.recount("a1", TEXT).count == 3


def test_accept_label_and_overlap_hides(store: Store):
    box = SuggestionStore(store)
    start, end = span_of("الأمم")
    store.add_span("a1", TEXT, start, end, "ORG", "entity")
    box.save("a1", TEXT, found_egypt(), "patterns")
    # الأمم المتحدة overlaps the annotated الأمم: not waiting, not acceptable
    assert [s.label for s in box.waiting("a1", TEXT)] == ["GPE", "GPE"]
    hidden = [s for s in box.load("a1", TEXT).entities if s.label == "ORG"][0]
    with pytest.raises(AnnotationError):
        box.accept("a1", TEXT, hidden)
    spans = box.accept_label("a1", TEXT, "GPE")
    assert [sp.text for sp in spans] == ["مصر", "مصر"]
    assert box.waiting("a1", TEXT) == []
    assert box.summary()["a1"].count == 0


def test_rejected_stays_rejected_across_saves_and_reopening(store: Store, tmp_path: Path):
    box = SuggestionStore(store)
    box.save("a1", TEXT, found_egypt(), "patterns")
    rejected = box.waiting("a1", TEXT)[1]
    box.reject("a1", TEXT, rejected)
    assert rejected not in box.waiting("a1", TEXT)
    box.save("a1", TEXT, found_egypt(), "patterns")  # a later run finds it again
    assert rejected not in box.waiting("a1", TEXT)
    store.close()
    with Store(tmp_path / "store", "ali") as again:
        box2 = SuggestionStore(again)
        assert rejected not in box2.waiting("a1", TEXT)
        assert len(box2.waiting("a1", TEXT)) == 2
        box2.save("a1", TEXT, found_egypt(), "patterns")
        assert len(box2.waiting("a1", TEXT)) == 2


def test_a_rejection_takes_its_turn_in_undo_and_redo_among_the_stores_edits(store: Store):
    box = SuggestionStore(store)
    box.save("a1", TEXT, found_egypt(), "patterns")
    rejections = Rejections(box)
    store.add_span("a1", TEXT, *span_of("الوزير"), "TITLE", "entity")  # an edit before
    first = box.waiting("a1", TEXT)[0]
    rejections.reject("a1", TEXT, first)
    assert first not in box.waiting("a1", TEXT)
    # undo: the rejection (the latest), then the span; neither twice
    assert rejections.undo().suggestion == first
    assert first in box.waiting("a1", TEXT) and box.summary()["a1"].count == 3
    assert rejections.undo() is None
    assert store.undo() is not None and store.spans("a1") == []
    # redo the other way round: the span, then the rejection
    assert rejections.redo() is None
    assert store.redo() is not None
    assert rejections.redo().suggestion == first
    assert first not in box.waiting("a1", TEXT)
    # an edit after an undone rejection: it is not redone
    assert rejections.undo() is not None
    store.add_span("a1", TEXT, *span_of("وبكين"), "GPE", "entity")
    assert rejections.redo() is None and first in box.waiting("a1", TEXT)
    # an edit after a rejection comes back first
    rejections.reject("a1", TEXT, first)
    store.add_span("a1", TEXT, *span_of("الصينية"), "GPE", "entity")
    assert rejections.undo() is None
    store.undo()
    assert rejections.undo().suggestion == first


def test_a_rejection_that_cannot_be_taken_back_is_said_and_forgotten(store: Store):
    box = SuggestionStore(store)
    box.save("a1", TEXT, found_egypt(), "patterns")
    rejections = Rejections(box)
    store.add_span("a1", TEXT, *span_of("الوزير"), "TITLE", "entity")
    rejections.reject("a1", TEXT, box.waiting("a1", TEXT)[0])
    box.save("a1", TEXT + " ", found_egypt(), "patterns")  # the article's text changed since
    with pytest.raises(AnnotationError):
        rejections.undo()
    assert rejections.undo() is None  # the store's undo is next
    assert store.undo() is not None and store.spans("a1") == []


def test_changed_text_hides_suggestions(store: Store):
    box = SuggestionStore(store)
    box.save("a1", TEXT, found_egypt(), "patterns")
    assert box.load("a1", TEXT + " ") is None and box.waiting("a1", TEXT + " ") == []
    assert box.load("a1", TEXT).fingerprint == fingerprint(TEXT)


def test_themes_suggested_above_half_and_accepted_through_the_store(store: Store):
    box = SuggestionStore(store)
    found = Found(themes={"cooperation": 0.8, "training": 0.3, "diaspora": 0.55}, margin=0.05)
    item = box.save("a1", TEXT, found, "model:m")
    assert item.waiting_themes([]) == ["cooperation", "diaspora"]
    box.accept_theme("a1", TEXT, "cooperation")
    assert store.themes("a1") == ["cooperation"]
    box.reject_theme("a1", TEXT, "diaspora")
    assert box.load("a1", TEXT).waiting_themes(store.themes("a1")) == []
    assert box.summary()["a1"] == Waiting(0, 0.05, len(TEXT))


def test_read_only_store_cannot_write_suggestions(store: Store, tmp_path: Path):
    SuggestionStore(store).save("a1", TEXT, found_egypt(), "patterns")
    with Store(tmp_path / "store", "ali", readonly=True) as reader:
        box = SuggestionStore(reader)
        assert len(box.waiting("a1", TEXT)) == 3
        with pytest.raises(StoreError):
            box.save("a1", TEXT, found_egypt(), "patterns")


def test_damaged_file_is_reported_and_not_overwritten(store: Store):
    box = SuggestionStore(store)
    box.save("a1", TEXT, found_egypt(), "patterns")
    box.path("a1").write_text("{broken", encoding="utf-8")
    with pytest.raises(StoreCorruptError, match="a1.json"):
        box.load("a1", TEXT)
    with pytest.raises(StoreCorruptError):
        box.save("a1", TEXT, found_egypt(), "patterns")
    assert box.path("a1").read_text(encoding="utf-8") == "{broken"


def test_index_is_rebuilt_when_missing(store: Store):
    box = SuggestionStore(store)
    with box.batch():
        box.save("a1", TEXT, found_egypt(), "patterns")
        box.save("a2", TEXT, Found(themes={"training": 0.6}, margin=0.1), "model:m")
        assert not (box.folder / "index.json").exists()
    assert (box.folder / "index.json").exists()
    (box.folder / "index.json").unlink()
    assert SuggestionStore(store).summary() == {
        "a1": Waiting(3, None, len(TEXT)),
        "a2": Waiting(1, 0.1, len(TEXT)),
    }


def test_doubt_key_orders_margin_then_density_then_none():
    rows = {
        "sure": Waiting(1, 0.45, 1000),
        "coin": Waiting(1, 0.01, 1000),
        "dense": Waiting(9, None, 1000),
        "sparse": Waiting(1, None, 1000),
        "nothing": None,
    }
    assert sorted(rows, key=lambda k: doubt_key(rows[k])) == ["coin", "sure", "dense", "sparse", "nothing"]


def test_suggest_articles_over_the_seeds_reports_per_label(store: Store, tmp_path: Path, seeds_dir: Path):
    from annotations.corpus import open_corpus
    from annotations.suggestions import suggest_articles

    corpus = open_corpus(seeds_dir)
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "GPE", "pattern": "الصين"}\n{"label": "GPE", "pattern": "مصر"}\n', encoding="utf-8")
    box = SuggestionStore(store)
    china = next(a for a in corpus if "الصين" in a.text)
    start = china.text.index("الصين")
    store.add_span(china.id, china.text, start, start + 5, "GPE", "entity")
    report = suggest_articles(corpus, box, PatternSource(path, load_schema()))
    expected = sum(len(PatternSource(path, load_schema()).find(a.text).entities) for a in corpus)
    assert report.articles == len(corpus)
    assert sum(report.stored.values()) == expected > 0
    assert report.waiting["GPE"] == report.stored["GPE"] - 1  # the one already marked
    assert report.lines()[0].startswith("patterns:p.jsonl: suggestions stored for")
    for article in corpus:
        for s in box.waiting(article.id, article.text):
            assert article.text[s.start:s.end] == s.text
    assert store.span_counts() == {china.id: 1}


def test_review_answers_the_reader_and_edits_through_the_store(store: Store):
    from annotations.suggestions import Review

    box = SuggestionStore(store)
    box.save("a1", TEXT, Found(entities=found_egypt().entities, themes={"training": 0.9}), "model:m")
    review = Review(box, "a1", TEXT)
    review.update(store.spans("a1"), store.themes("a1"))
    assert review.loaded and len(review) == 4 and review.themes == ["training"]
    first, second, org = review.waiting
    assert review.at(first.start + 1) == first and review.at(first.end) == first
    assert review.at(0) is None
    assert review.next_after(0) == first and review.next_after(first.start) == second
    assert review.next_after(org.start) == first  # wraps round
    span = review.accept(second)
    review.update(store.spans("a1"), store.themes("a1"))
    assert span.text == "مصر" and second not in review.waiting and len(review.of_label("GPE")) == 1
    review.reject(org)
    review.update(store.spans("a1"), store.themes("a1"))
    assert review.waiting == [first]
    assert review.accept_themes() == ["training"] and store.themes("a1") == ["training"]
    review.update(store.spans("a1"), store.themes("a1"))
    assert review.themes == [] and len(review) == 1
    other = Review(box, "a2", TEXT)
    other.update([], [])
    assert not other.loaded and other.next_after(0) is None and len(other) == 0


def test_review_keeps_the_list_count_in_step_after_undo(store: Store):
    from annotations.suggestions import Review

    box = SuggestionStore(store)
    box.save("a1", TEXT, found_egypt(), "patterns")
    review = Review(box, "a1", TEXT)
    review.update(store.spans("a1"), [])
    review.accept(review.waiting[0])
    assert box.summary()["a1"].count == 2
    store.undo()
    review.update(store.spans("a1"), [])
    assert len(review) == 3
    assert SuggestionStore(store).summary()["a1"].count == 3  # written, not only in memory
