"""reading.py on its own: a pass over a whole store (``records`` for export,
``themes``) gives what the per-article reads give and keeps nothing: no
article file stays open in any annotator's view after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.corpus import Article, Corpus
from annotations.model import Status
from annotations.store import Store
from annotations.store.reading import records, themes

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."
IDS = [f"a{n}" for n in range(8)]


def corpus() -> Corpus:
    return Corpus(source=Path("mem"), articles=[Article(a, a, text=TEXT) for a in IDS])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    with Store(root, "sara") as sara:
        for n, article in enumerate(IDS):
            if n % 2:
                sara.add_span(article, TEXT, 4, 8, "PER", "entity")
    with Store(root, "ali") as ali:
        for n, article in enumerate(IDS[:6]):
            ali.add_span(article, TEXT, 27, 32, "LOC", "entity")
            if n % 3 == 0:
                ali.toggle_theme(article, f"theme{n}")
        ali.set_status("a1", Status.DONE)
        emptied = ali.add_span("a6", TEXT, 0, 3, "X", "entity")
        ali.delete_span(emptied.id)
        ali.set_status("a6", Status.TODO)  # an article that held a span and holds nothing now
        ali.set_status("a7", Status.DONE)  # an article with a status only
    return root


def open_shards(store: Store) -> dict[str, int]:
    return {name: len(view.shards) for name, view in [(store.annotator, store._own), *store._others.items()]}


@pytest.mark.parametrize("readonly", [True, False])
def test_a_pass_over_every_record_keeps_no_article_file(root: Path, readonly: bool):
    with Store(root, "ali", readonly=readonly) as store:
        got = [(r.id, r.annotator, [s.label for s in r.spans], r.themes, r.status) for r in records(store, corpus())]
        assert open_shards(store) == {"ali": 0, "sara": 0}
        assert ("a6", "ali") not in [(i, a) for i, a, *_ in got]  # nothing left in it: not a record
        assert ("a7", "ali", [], [], Status.DONE) in got
        assert ("a1", "ali", ["LOC"], [], Status.DONE) in got and ("a3", "ali", ["LOC"], ["theme3"], Status.IN_PROGRESS) in got
        assert [(i, a) for i, a, *_ in got if a == "sara"] == [(a, "sara") for a in IDS[1::2]]
        # the same as the per-article reads (which do keep their files)
        for article, name, labels, article_themes, status in got:
            assert [s.label for s in store.spans(article, name)] == labels
            assert store.themes(article, name) == article_themes and store.status(article, name) is status
        assert open_shards(store)["ali"] > 0


def test_a_pass_of_one_status_or_one_annotator(root: Path):
    with Store(root, "ali", readonly=True) as store:
        done = [(r.id, r.annotator) for r in records(store, corpus(), statuses=[Status.DONE])]
        assert done == [("a1", "ali"), ("a7", "ali")]
        only = [(r.id, r.annotator) for r in records(store, corpus(), annotators=["sara"])]
        assert only == [(a, "sara") for a in IDS[1::2]]
        assert open_shards(store) == {"ali": 0, "sara": 0}


def test_records_after_per_article_reads_are_the_same(root: Path):
    with Store(root, "ali", readonly=True) as store:
        first = list(records(store, corpus()))
        for article in IDS:
            store.spans(article)  # these stay open in the view
        assert list(records(store, corpus())) == first


def test_themes_of_each_article_keeping_nothing(root: Path):
    with Store(root, "sara", readonly=True) as store:
        got = list(themes(store, "ali", IDS + ["unknown"]))
        assert got == [(a, tuple(store.themes(a, "ali"))) for a in IDS + ["unknown"]]
        assert dict(got)["a0"] == ("theme0",) and dict(got)["a3"] == ("theme3",) and dict(got)["a1"] == ()
        assert open_shards(store)["sara"] == 0
    with Store(root, "ali") as store:  # the writer's own articles
        assert dict(themes(store, "ali", IDS)) == dict(got[:-1])
        assert open_shards(store)["ali"] == 0
