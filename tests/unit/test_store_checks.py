"""checks.py on its own: ``check`` re-checks every stored span against its
article's text and names each problem as a ``StoreProblem`` (offsets out of
range, text mismatch, unknown kind, overlapping entities, stale articles,
damaged files, missing or unreadable articles), with what it counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.corpus import Article, Corpus
from annotations.model import fingerprint
from annotations.store import Store, StoreProblem
from annotations.store.articles import article_path
from annotations.store.checks import check

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."


def find(word: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def corpus(**texts: str) -> Corpus:
    return Corpus(source=Path("/corpus"), articles=[Article(a, a, text=t) for a, t in texts.items()])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "store"


def edit_file(root: Path, article_id: str, change) -> None:
    """Change the span documents of an article file by hand (what the store
    itself would never write), keeping the file well formed."""
    path = Path(article_path(root / "ali" / "articles", article_id))
    data = json.loads(path.read_text(encoding="utf-8"))
    for doc in data["spans"].values():
        change(doc)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_clean_store_has_no_problems_and_says_what_it_checked(root: Path):
    with Store(root, "ali") as store:
        store.add_span("a1", TEXT, *find("بغداد"), "LOC", "entity")
        store.add_span("a1", TEXT, *find("وزير الصحة"), "PER", "entity")
        store.add_span("a1", TEXT, *find("الصحة العراقي"), "health", "theme")  # themes may overlap entities
        store.toggle_theme("a2", "health", TEXT)
        store.set_status("a3", "done")
        gone = store.add_span("a4", TEXT, 0, 3, "X", "entity")
        store.delete_span(gone.id)
        store.set_status("a4", "todo")  # holds nothing: not checked
        problems, articles, spans = check(store, corpus(a1=TEXT, a2=TEXT, a3=TEXT, a4=TEXT))
    assert (problems, articles, spans) == ([], 3, 3)


def test_each_kind_of_span_problem_is_named_with_the_span(root: Path):
    short = TEXT[:20]
    with Store(root, "ali") as store:
        far = store.add_span("far", TEXT, *find("العالمية"), "ORG", "entity")
        wrong = store.add_span("wrong", TEXT, *find("بغداد"), "LOC", "entity")
        odd = store.add_span("odd", TEXT, *find("2025"), "DATE", "entity")
        first = store.add_span("clash", TEXT, *find("وزير الصحة"), "PER", "entity")
        second = store.add_span("clash", TEXT, *find("العراقي"), "GPE", "entity")
    edit_file(root, "odd", lambda doc: doc.update(kind="blob"))
    edit_file(root, "clash", lambda doc: doc.update(start=first.start, end=second.end, text=TEXT[first.start : second.end]) if doc["id"] == second.id else None)
    changed = TEXT.replace("بغداد", "دمشقي")
    with Store(root, "ali", readonly=True) as store:
        problems, articles, spans = check(store, corpus(far=short, wrong=changed, odd=TEXT, clash=TEXT))
    assert (articles, spans) == (4, 5)
    by_article = {p.article_id: p for p in problems if p.span_id}
    assert by_article["far"] == StoreProblem("ali", "far", f"offsets out of range (article length {len(short)})", far.id, "ORG", far.start, far.end)
    mismatch = by_article["wrong"]
    assert (mismatch.span_id, mismatch.label, mismatch.start, mismatch.end) == (wrong.id, "LOC", wrong.start, wrong.end)
    assert mismatch.reason == "text mismatch: stored “بغداد”, article has “دمشقي”"
    assert by_article["odd"].reason == "unknown kind 'blob'" and by_article["odd"].span_id == odd.id
    assert by_article["clash"].reason == f"overlaps entity {first.id} PER [{first.start}, {first.end})"
    assert by_article["clash"].span_id == second.id and by_article["clash"].start == first.start
    assert str(by_article["far"]) == f"ali: article far span {far.id} ORG [{far.start}, {far.end}): offsets out of range (article length {len(short)})"
    # the articles whose text changed are stale too (one problem each, no span named)
    stale = sorted((p.article_id, p.reason) for p in problems if not p.span_id)
    assert stale == [
        ("far", f"stale: the article text changed since it was annotated (fingerprint {fingerprint(TEXT)}, now {fingerprint(short)})"),
        ("wrong", f"stale: the article text changed since it was annotated (fingerprint {fingerprint(TEXT)}, now {fingerprint(changed)})"),
    ]
    assert len(problems) == 6


def test_a_stale_article_without_spans_is_no_problem(root: Path):
    with Store(root, "ali") as store:
        store.toggle_theme("a1", "health", TEXT)
        assert check(store, corpus(a1="نص آخر"))[0] == []


def test_articles_missing_from_the_corpus_or_unreadable(root: Path, tmp_path: Path):
    with Store(root, "ali") as store:
        store.add_span("a1", TEXT, 0, 3, "X", "entity")
        store.add_span("a2", TEXT, 0, 3, "X", "entity")
        store.add_span("a3", TEXT, 0, 3, "X", "entity")
        unreadable = Article("a2", "a2", path=tmp_path / "gone.txt")
        source = Corpus(source=Path("/corpus"), articles=[Article("a1", "a1", text=TEXT), unreadable])
        problems, articles, spans = check(store, source)
        assert (articles, spans) == (3, 3)
        assert [str(p) for p in problems][0].startswith("ali: article a2: article text cannot be read: ")
        assert str(problems[1]) == "ali: article a3: article not in the corpus /corpus"
        assert len(problems) == 2
        # without a corpus only the store itself is checked
        assert check(store, None) == ([], 3, 3)


def test_a_damaged_file_is_a_problem_and_the_rest_is_checked(root: Path):
    with Store(root, "ali") as store:
        store.add_span("a1", TEXT, 0, 3, "X", "entity")
        store.add_span("a2", TEXT, 0, 3, "X", "entity")
    path = Path(article_path(root / "ali" / "articles", "a1"))
    path.write_bytes(b"{broken")
    with Store(root, "ali", readonly=True) as store:
        problems, articles, spans = check(store, corpus(a1=TEXT, a2=TEXT[:2]))
    assert (articles, spans) == (2, 1)
    assert problems[0].article_id == "a1" and not problems[0].span_id
    assert str(path) in problems[0].reason and "damaged" in problems[0].reason
    assert [p.article_id for p in problems[1:]] == ["a2", "a2"]  # stale, out of range


def test_only_the_annotators_asked_for(root: Path):
    for name in ("ali", "sara"):
        with Store(root, name) as store:
            store.add_span("a1", TEXT, 0, 3, name, "entity")
    with Store(root, "ali", readonly=True) as store:
        problems, articles, _ = check(store, corpus(a1="x"), ["sara"])
        assert articles == 1 and {p.annotator for p in problems} == {"sara"}
        problems, articles, _ = check(store, corpus(a1="x"))
        assert articles == 2 and {p.annotator for p in problems} == {"ali", "sara"}
