"""bulk_import.py on its own: ``import_records`` names every problem and
then writes nothing; a dry run writes nothing and says what a real import
would do; replace makes each article exactly its record, merge adds to
what is stored; no two stored spans share an id."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotations.model import ARTICLE, ArticleRecord, Note, Span, Status, fingerprint
from annotations.store import Store
from annotations.store.bulk_import import ImportSummary, import_records

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."
OTHER = "أعلنت وزارة الصحة في الأردن عن برنامج لتدريب الكوادر الطبية."


def at(text: str, word: str, label: str, kind: str = "entity", article: str = "a1", sid: str | None = None) -> Span:
    start = text.index(word)
    extra = {"id": sid} if sid else {}
    return Span(article, start, start + len(word), label, kind, word, "someone", **extra)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "store", "ali") as store:
        yield store


def files(store: Store) -> dict[str, bytes]:
    """Every file of the annotator's folder and its bytes (the lock aside)."""
    out = {}
    for folder, _, names in os.walk(store.root / "ali"):
        for name in names:
            if name != "lock":
                path = Path(folder, name)
                out[str(path)] = path.read_bytes()
    return out


def snapshot(store: Store) -> tuple:
    ids = store.article_ids()
    return (
        ids,
        {a: ([s.to_dict() for s in store.spans(a)], store.themes(a), store.status(a), store.notes(a)) for a in ids},
        store.undo_history(),
    )


def stored(store: Store) -> None:
    store.add_span("a1", TEXT, *span_range(TEXT, "بغداد"), "LOC", "entity")
    store.toggle_theme("a1", "health")
    store.set_status("a1", Status.DONE)
    store.set_note("a1", note="seen", article_text=TEXT)


def span_range(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


PROBLEMS = [
    (ArticleRecord("a1", TEXT, status="finished"), "article a1: unknown status 'finished'"),
    (ArticleRecord("a\ud800", TEXT), "article 'a\\ud800': holds a lone surrogate (text that no UTF-8 file can hold); refused"),
    (ArticleRecord("a1", TEXT + "\udc80"), "article 'a1': holds a lone surrogate"),
    (ArticleRecord("a1", TEXT, spans=[Span("a1", 0, 3, "  ", "entity", TEXT[0:3], "x")]), "article a1 span    [0, 3): a label must be a non-empty name"),
    (ArticleRecord("a1", TEXT, spans=[Span("a1", 0, 3, "PER\ud800", "entity", TEXT[0:3], "x")]), "article a1 span PER\ud800 [0, 3): label 'PER\\ud800' holds a lone surrogate"),
    (ArticleRecord("a1", TEXT, spans=[Span("a1", 0, 3, "PER", "person", TEXT[0:3], "x")]), "article a1 span PER [0, 3): unknown span kind 'person'"),
    (ArticleRecord("a1", TEXT, spans=[Span("a1", 3, 4, "PER", "entity", " ", "x")]), "article a1 span PER [3, 4): a span must cover more than whitespace"),
    (ArticleRecord("a1", TEXT, themes=[""]), "article a1: theme: a label must be a non-empty name"),
    (ArticleRecord("a1", TEXT, notes={ARTICLE: Note("x\ud800")}), "article 'a1': a note holds a lone surrogate"),
]


@pytest.mark.parametrize("record, problem", PROBLEMS, ids=[p.split(":")[-1].strip()[:40] for _, p in PROBLEMS])
def test_each_problem_is_named_and_nothing_is_written(store: Store, record: ArticleRecord, problem: str):
    stored(store)
    good = ArticleRecord("a2", OTHER, spans=[at(OTHER, "الأردن", "LOC", article="a2")])
    before, on_disk = snapshot(store), files(store)
    summary = import_records(store, [good, record])
    assert len(summary.problems) == 1 and summary.problems[0].startswith(problem)
    assert summary.refused == {record.id: summary.problems}
    assert snapshot(store) == before and files(store) == on_disk  # not even the good record


def test_every_problem_of_an_import_is_named_at_once(store: Store):
    records = [ArticleRecord("a1", TEXT, themes=["x"]), ArticleRecord("a1", TEXT, themes=["y"]), ArticleRecord("a2", OTHER, status="x"), ArticleRecord("a3", TEXT, themes=[" "])]
    summary = import_records(store, records)
    assert summary.problems == [
        "article a1: appears twice in the import",
        "article a2: unknown status 'x'",
        "article a3: theme: a label must be a non-empty name",
    ]
    assert set(summary.refused) == {"a1", "a2", "a3"}
    assert store.article_ids() == []


def test_a_dry_run_writes_nothing_and_says_what_the_import_would_do(store: Store):
    stored(store)
    records = [
        ArticleRecord("a1", TEXT, spans=[at(TEXT, "منظمة الصحة العالمية", "ORG")], themes=["cooperation"]),
        ArticleRecord("a2", OTHER, spans=[at(OTHER, "الأردن", "LOC", article="a2")], status=Status.DONE),
    ]
    before, on_disk = snapshot(store), files(store)
    for replace in (True, False):
        dry = import_records(store, records, dry_run=True, replace=replace)
        assert snapshot(store) == before and files(store) == on_disk
        assert dry.problems == [] and dry.articles == 2
    dry = import_records(store, records, dry_run=True)
    assert dry == ImportSummary(articles=2, spans_added=2, spans_removed=1, themes=1)
    assert import_records(store, records) == dry


def test_a_dry_run_on_a_read_only_store_creates_nothing(tmp_path: Path):
    root = tmp_path / "none"
    with Store(root, "ali", readonly=True) as store:
        summary = import_records(store, [ArticleRecord("a1", TEXT, spans=[at(TEXT, "بغداد", "LOC")])], dry_run=True)
    assert summary.articles == 1 and summary.spans_added == 1
    assert not root.exists()


def test_replace_makes_each_article_exactly_its_record(store: Store):
    stored(store)
    baghdad = at(TEXT, "بغداد", "LOC")
    record = ArticleRecord("a1", TEXT, spans=[baghdad, at(TEXT, "2025", "DATE")], themes=["cooperation"], notes={baghdad.id: Note("city", True)})
    summary = import_records(store, [record])
    assert summary == ImportSummary(articles=1, spans_added=1, spans_removed=0, themes=1)
    got = store.spans("a1")
    assert [(s.label, s.text, s.annotator) for s in got] == [("LOC", "بغداد", "ali"), ("DATE", "2025", "ali")]
    assert store.themes("a1") == ["cooperation"]  # health is gone
    assert store.status("a1") is Status.TODO  # the record's status
    notes = store.notes("a1")
    assert notes == {got[0].id: Note("city", True)}  # the article's own note is gone
    assert store.fingerprint("a1") == fingerprint(TEXT)
    assert not store.can_undo()  # an import clears the undo history
    # the same again changes nothing and writes nothing
    on_disk = files(store)
    assert import_records(store, [record]) == ImportSummary()
    assert files(store) == on_disk


def test_merge_adds_to_what_is_stored(store: Store):
    stored(store)
    record = ArticleRecord(
        "a1", TEXT, spans=[at(TEXT, "بغداد", "LOC"), at(TEXT, "2025", "DATE")], themes=["cooperation"], status=Status.TODO
    )
    summary = import_records(store, [record], replace=False)
    assert summary == ImportSummary(articles=1, spans_added=1, spans_removed=0, themes=1)
    assert [s.label for s in store.spans("a1")] == ["LOC", "DATE"]  # the identical LOC once
    assert store.themes("a1") == ["cooperation", "health"]
    assert store.status("a1") is Status.DONE  # a todo record keeps the stored status
    assert store.notes("a1")[ARTICLE] == Note("seen")  # the stored note stays
    import_records(store, [ArticleRecord("a1", TEXT, status=Status.IN_PROGRESS)], replace=False)
    assert store.status("a1") is Status.IN_PROGRESS  # any other status wins


def test_merge_onto_spans_made_on_another_text_is_refused(store: Store):
    stored(store)
    before = snapshot(store)
    changed = "عاجل: " + TEXT
    summary = import_records(store, [ArticleRecord("a1", changed, spans=[at(changed, "عاجل", "X")])], replace=False)
    assert summary.problems == ["article a1: the stored spans were made on a different text; import with replace"]
    assert snapshot(store) == before
    summary = import_records(store, [ArticleRecord("a1", changed, spans=[at(changed, "عاجل", "X")])])
    assert summary.problems == [] and [s.text for s in store.spans("a1")] == ["عاجل"]


def test_no_two_stored_spans_share_an_id(store: Store):
    taken = store.add_span("a0", OTHER, *span_range(OTHER, "الأردن"), "LOC", "entity")
    records = [
        ArticleRecord("a1", TEXT, spans=[at(TEXT, "بغداد", "LOC", sid="dup"), at(TEXT, "2025", "DATE", sid=taken.id)]),
        ArticleRecord("a2", OTHER, spans=[at(OTHER, "وزارة الصحة", "ORG", article="a2", sid="dup")]),
    ]
    assert import_records(store, records).problems == []
    ids = [s.id for a in ("a0", "a1", "a2") for s in store.spans(a)]
    assert len(ids) == len(set(ids)) == 4
    assert store.span(taken.id).article_id == "a0"  # the stored span keeps its id
    assert "dup" in ids  # the first one keeps it
    for span_id in ids:
        assert store.span(span_id) is not None
    # importing an article again keeps its own spans' ids
    again = [ArticleRecord("a1", TEXT, spans=store.spans("a1") + [at(TEXT, "قال", "X", "theme")])]
    kept = {s.id for s in store.spans("a1")}
    import_records(store, again)
    assert kept < {s.id for s in store.spans("a1")}


def _records(n: int, first: int = 0) -> list[ArticleRecord]:
    return [
        ArticleRecord(f"w{i}", TEXT, [at(TEXT, "بغداد", "LOC", article=f"w{i}")], [], "todo")
        for i in range(first, first + n)
    ]


def test_a_checkpoint_after_an_import_of_new_articles_syncs_once(tmp_path: Path, monkeypatch):
    """Their files are their own .bak: the cut has no copies to sync after
    the files themselves were."""
    from annotations.store import checkpoint
    from annotations.store.bulk_import import Importer

    syncs = []
    real = os.sync
    monkeypatch.setattr(checkpoint.os, "sync", lambda: syncs.append(1) or real())
    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", 1000)  # the journal is cut at this checkpoint
    with Store(tmp_path / "store", "ali") as st:
        importer = Importer(st)
        importer.add(_records(300))
        syncs.clear()
        size = st._writer().journal.size
        importer.finish()
        assert syncs == [1]
        assert st._writer().journal.size < size  # it was cut
    with Store(tmp_path / "store", "ali") as st:
        assert len(st.article_ids()) == 300 and [s.text for s in st.spans("w299")] == ["بغداد"]
