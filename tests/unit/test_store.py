"""The store's API: reads, edits, rules, undo/redo, bulk records, reopening."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotations.corpus import Article, Corpus
from annotations.errors import AnnotationError, StoreError, StoreLockedError
from annotations.model import ArticleRecord, Span, Status, fingerprint
from annotations.store import ImportSummary, Store, article_path, shard_name

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."
OTHER = "أعلنت وزارة الصحة في الأردن عن برنامج لتدريب الكوادر الطبية."


def find(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(root: Path):
    with Store(root, "ali") as s:
        yield s


def state_of(s: Store, article_ids=("a1", "a2")) -> dict:
    return {
        aid: (
            [sp.to_dict() for sp in s.spans(aid)],
            s.themes(aid),
            s.status(aid),
            s.fingerprint(aid),
        )
        for aid in article_ids
    } | {"_history": s.undo_history(), "_counts": s.span_counts(), "_statuses": s.statuses()}


# -- opening -------------------------------------------------------------------


def test_open_creates_folder_and_names(root: Path):
    with Store(root, "ali") as s:
        assert s.root == root and s.annotator == "ali" and not s.readonly
        assert (root / "ali" / "articles").is_dir()
        assert s.annotators() == ["ali"]
        assert s.article_ids() == [] and s.span_counts() == {} and s.statuses() == {}


def test_readonly_on_missing_store_is_empty_and_creates_nothing(tmp_path: Path):
    missing = tmp_path / "nowhere"
    with Store(missing, "ali", readonly=True) as s:
        assert s.spans("a1") == [] and s.annotators() == [] and s.status("a1") is Status.TODO
    assert not missing.exists()


def test_bad_annotator_name_rejected(root: Path):
    with pytest.raises(Exception, match="annotator name"):
        Store(root, "../etc")


def test_closed_store_refuses(root: Path):
    s = Store(root, "ali")
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        s.spans("a1")


# -- add -------------------------------------------------------------------------


def test_add_span_stores_exact_text_and_sets_status(store: Store):
    start, end = find(TEXT, "بغداد")
    span = store.add_span("a1", TEXT, start, end, "LOC", "entity")
    assert span.text == "بغداد" == TEXT[span.start : span.end]
    assert span.annotator == "ali" and span.article_id == "a1"
    assert store.spans("a1") == [span]
    assert store.span(span.id) == span
    assert store.status("a1") is Status.IN_PROGRESS
    assert store.fingerprint("a1") == fingerprint(TEXT)
    assert store.span_counts() == {"a1": 1}
    assert store.article_ids() == ["a1"]
    assert store.statuses() == {"a1": Status.IN_PROGRESS}


def test_spans_sorted_and_themes_may_overlap(store: Store):
    s1 = store.add_span("a1", TEXT, *find(TEXT, "منظمة الصحة العالمية"), "ORG", "entity")
    s2 = store.add_span("a1", TEXT, *find(TEXT, "وزير الصحة"), "PER", "entity")
    t1 = store.add_span("a1", TEXT, 0, len(TEXT) - 1, "cooperation", "theme")
    t2 = store.add_span("a1", TEXT, 4, 30, "health", "theme")
    got = store.spans("a1")
    assert got == sorted([s1, s2, t1, t2], key=lambda s: (s.start, s.end, s.kind, s.label))
    assert [s.start for s in got] == sorted(s.start for s in got)


@pytest.mark.parametrize(
    "start,end,kind,label,message",
    [
        (5, 3, "entity", "PER", "at least one character"),
        (-1, 3, "entity", "PER", "outside"),
        (0, 10_000, "entity", "PER", "outside"),
        (3, 4, "entity", "PER", "whitespace"),
        (0, 3, "person", "PER", "unknown span kind"),
        (0, 3, "entity", "  ", "label"),
    ],
)
def test_add_span_rejections_write_nothing(store: Store, root: Path, start, end, kind, label, message):
    journal = root / "ali" / "journal.jsonl"
    size = journal.stat().st_size
    with pytest.raises(AnnotationError, match=message):
        store.add_span("a1", TEXT, start, end, label, kind)
    assert store.spans("a1") == []
    assert journal.stat().st_size == size
    assert not os.path.lexists(article_path(root / "ali" / "articles", "a1"))


def test_entities_may_not_overlap_or_nest(store: Store):
    start, end = find(TEXT, "وزير الصحة العراقي")
    store.add_span("a1", TEXT, start, end, "PER", "entity")
    with pytest.raises(AnnotationError, match="overlap"):
        store.add_span("a1", TEXT, *find(TEXT, "الصحة"), "ORG", "entity")  # nested
    with pytest.raises(AnnotationError, match="overlap"):
        store.add_span("a1", TEXT, end - 3, end + 3, "ORG", "entity")  # crossing
    assert len(store.spans("a1")) == 1
    # adjacent is fine
    store.add_span("a1", TEXT, end + 1, end + 3, "ORG", "entity")


def test_articles_are_independent(store: Store):
    store.add_span("a1", TEXT, 0, 3, "PER", "entity")
    store.add_span("a2", OTHER, 0, 5, "PER", "entity")
    assert store.span_counts() == {"a1": 1, "a2": 1}
    assert [s.text for s in store.spans("a2")] == ["أعلنت"]


# -- delete / relabel / resize -------------------------------------------------------


def test_delete_span(store: Store):
    span = store.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
    assert store.delete_span(span.id) == span
    assert store.spans("a1") == [] and store.span(span.id) is None
    assert store.span_counts() == {}
    with pytest.raises(AnnotationError, match="no span"):
        store.delete_span(span.id)


def test_relabel_span(store: Store):
    span = store.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
    new = store.relabel_span(span.id, "GPE")
    assert new.label == "GPE" and new.id == span.id and new.created == span.created
    assert store.spans("a1") == [new]
    assert store.relabel_span(span.id, "GPE") == new  # no change, no edit
    theme = store.relabel_span(span.id, "health", kind="theme")
    assert theme.kind == "theme"
    with pytest.raises(AnnotationError, match="unknown span kind"):
        store.relabel_span(span.id, "X", kind="blob")


def test_relabel_theme_to_entity_checks_overlap(store: Store):
    store.add_span("a1", TEXT, *find(TEXT, "وزير الصحة"), "PER", "entity")
    theme = store.add_span("a1", TEXT, *find(TEXT, "الصحة العراقي"), "health", "theme")
    with pytest.raises(AnnotationError, match="overlap"):
        store.relabel_span(theme.id, "ORG", kind="entity")
    assert store.span(theme.id).kind == "theme"


def test_resize_span(store: Store):
    span = store.add_span("a1", TEXT, *find(TEXT, "وزير"), "PER", "entity")
    start, end = find(TEXT, "وزير الصحة")
    new = store.resize_span(span.id, start, end, TEXT)
    assert new.text == "وزير الصحة" == TEXT[new.start : new.end]
    other = store.add_span("a1", TEXT, *find(TEXT, "العراقي"), "LOC", "entity")
    with pytest.raises(AnnotationError, match="overlap"):
        store.resize_span(span.id, start, other.end, TEXT)
    with pytest.raises(AnnotationError, match="outside"):
        store.resize_span(span.id, start, len(TEXT) + 1, TEXT)
    assert store.span(span.id) == new


# -- themes and status -------------------------------------------------------------


def test_toggle_theme(store: Store):
    assert store.toggle_theme("a1", "health", TEXT) is True
    assert store.toggle_theme("a1", "cooperation") is True
    assert store.themes("a1") == ["cooperation", "health"]
    assert store.status("a1") is Status.IN_PROGRESS
    assert store.fingerprint("a1") == fingerprint(TEXT)
    assert store.toggle_theme("a1", "health") is False
    assert store.themes("a1") == ["cooperation"]
    assert store.article_ids() == ["a1"] and store.span_counts() == {}


def test_set_status(store: Store):
    store.set_status("a1", Status.DONE)
    assert store.status("a1") is Status.DONE
    store.set_status("a2", "in_progress")
    assert store.statuses() == {"a1": Status.DONE, "a2": Status.IN_PROGRESS}
    store.set_status("a1", Status.TODO)
    assert store.statuses() == {"a2": Status.IN_PROGRESS}
    assert store.status("zzz") is Status.TODO
    with pytest.raises(AnnotationError, match="unknown status"):
        store.set_status("a1", "finished")


# -- undo / redo ---------------------------------------------------------------------


def test_undo_redo_every_kind_of_edit(store: Store):
    assert store.undo() is None and store.redo() is None
    assert not store.can_undo() and not store.can_redo()
    span = store.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
    store.relabel_span(span.id, "GPE")
    store.resize_span(span.id, *find(TEXT, "إن بغداد"), TEXT)
    store.toggle_theme("a1", "health")
    store.set_status("a1", Status.DONE)
    store.delete_span(span.id)
    assert store.spans("a1") == []
    assert store.undo() == "delete GPE “إن بغداد”"
    assert store.spans("a1")[0].text == "إن بغداد"
    assert store.undo() == "status done"
    assert store.status("a1") is Status.IN_PROGRESS
    assert store.undo() == "theme health on"
    assert store.themes("a1") == []
    assert store.undo() == "resize GPE “بغداد” → “إن بغداد”"
    assert store.spans("a1")[0].text == "بغداد"
    assert store.undo() == "relabel LOC → GPE “بغداد”"
    assert store.spans("a1")[0].label == "LOC"
    assert store.undo() == "add LOC “بغداد”"
    assert store.spans("a1") == [] and store.status("a1") is Status.TODO
    assert store.fingerprint("a1") is None
    assert store.undo() is None and store.can_redo()
    assert store.redo() == "add LOC “بغداد”"
    assert store.redo() == "relabel LOC → GPE “بغداد”"
    assert [s.label for s in store.spans("a1")] == ["GPE"]
    assert store.span(span.id).label == "GPE"
    store.add_span("a1", TEXT, *find(TEXT, "قال"), "X", "entity")
    assert not store.can_redo()  # a new edit drops the redo branch


def test_undo_target_names_the_article_the_next_undo_or_redo_changes(store: Store):
    assert store.undo_target() is None and store.undo_target(redo=True) is None
    store.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
    store.toggle_theme("a2", "health")
    assert store.undo_target() == "a2" and store.undo_target(redo=True) is None
    store.undo()
    assert store.undo_target() == "a1" and store.undo_target(redo=True) == "a2"
    store.undo()
    assert store.undo_target() is None and store.undo_target(redo=True) == "a1"


def test_undo_history_survives_restart(root: Path):
    with Store(root, "ali") as s:
        span = s.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
        s.relabel_span(span.id, "GPE")
        s.undo()
    with Store(root, "ali") as s:
        assert s.undo_history() == (["add LOC “بغداد”"], ["relabel LOC → GPE “بغداد”"])
        assert s.redo() == "relabel LOC → GPE “بغداد”"
        assert s.spans("a1")[0].label == "GPE"
        assert s.undo() and s.undo()
        assert s.spans("a1") == []


def test_reopen_gives_same_state(root: Path):
    with Store(root, "ali") as s:
        a = s.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
        s.add_span("a2", OTHER, *find(OTHER, "الأردن"), "LOC", "entity")
        s.resize_span(a.id, *find(TEXT, "إن بغداد"), TEXT)
        s.toggle_theme("a2", "training")
        s.set_status("a2", Status.DONE)
        s.undo()
        before = state_of(s)
    with Store(root, "ali") as s:
        assert state_of(s) == before
        assert s.recovery == []  # a clean close leaves nothing to recover
    # the index is a cache: without it the same state comes back from the article files
    (root / "ali" / "index.json").unlink()
    with Store(root, "ali") as s:
        assert state_of(s) == before
    (root / "ali" / "index.json").write_text("{garbage")
    with Store(root, "ali", readonly=True) as s:
        assert state_of(s) == before
    with Store(root, "ali") as s:
        assert state_of(s) == before


# -- stale articles -------------------------------------------------------------------


def test_stale_article_spans_never_shift(store: Store):
    span = store.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
    changed = "عاجل: " + TEXT
    assert not store.is_stale("a1", fingerprint(TEXT))
    assert store.is_stale("a1", fingerprint(changed))
    assert not store.is_stale("unknown", fingerprint(changed))
    with pytest.raises(AnnotationError, match="changed since it was annotated"):
        store.add_span("a1", changed, 0, 4, "X", "entity")
    with pytest.raises(AnnotationError, match="changed since it was annotated"):
        store.resize_span(span.id, span.start, span.end + 1, changed)
    assert store.spans("a1") == [span]  # kept exactly
    store.delete_span(span.id)
    fresh = store.add_span("a1", changed, 0, 4, "X", "entity")
    assert fresh.text == "عاجل" and store.fingerprint("a1") == fingerprint(changed)


# -- several annotators ---------------------------------------------------------------


def test_other_annotators_are_readable_and_separate(root: Path):
    with Store(root, "ali") as ali, Store(root, "sara") as sara:
        ali.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
        sara.add_span("a1", TEXT, *find(TEXT, "بغداد"), "GPE", "entity")
        sara.set_status("a1", Status.DONE)
        assert [s.label for s in ali.spans("a1", annotator="sara")] == ["GPE"]
        assert ali.status("a1", annotator="sara") is Status.DONE
        assert ali.span_counts("sara") == {"a1": 1}
        # a later save by sara is seen by ali's view
        sara.add_span("a1", TEXT, *find(TEXT, "قال"), "X", "theme")
        assert ali.span_counts("sara") == {"a1": 2}
        assert ali.annotators() == ["ali", "sara"]
        assert [s.label for s in ali.spans("a1")] == ["LOC"]


def test_readonly_store_refuses_edits(root: Path):
    with Store(root, "ali") as s:
        s.add_span("a1", TEXT, 0, 3, "PER", "entity")
    with Store(root, "ali", readonly=True) as r:
        assert len(r.spans("a1")) == 1
        assert not r.can_undo()
        with pytest.raises(StoreError, match="read-only"):
            r.add_span("a1", TEXT, 5, 8, "PER", "entity")
        with pytest.raises(StoreError, match="read-only"):
            r.undo()


def test_second_writer_same_annotator_is_refused(root: Path):
    first = Store(root, "ali")
    try:
        with pytest.raises(StoreLockedError) as info:
            Store(root, "ali")
        message = str(info.value)
        assert "in use by annotator ali" in message and "pid" in message and str(root) in message
        Store(root, "sara").close()  # others are not blocked
        Store(root, "ali", readonly=True).close()  # readers are not blocked
    finally:
        first.close()
    Store(root, "ali").close()  # released on close


# -- file names ----------------------------------------------------------------------


@pytest.mark.parametrize("article_id", ["a1", "مقال-1", "x/y", ".hidden", "a" * 300, "a.bak", "~a", "a b"])
def test_any_article_id_gets_its_own_file(root: Path, article_id: str):
    name = shard_name(article_id)
    assert "/" not in name and not name.startswith(".") and len(name.encode()) < 200
    with Store(root, "ali") as s:
        s.add_span(article_id, TEXT, 0, 3, "PER", "entity")
        s.add_span("plain", TEXT, 0, 3, "PER", "entity")
    (root / "ali" / "index.json").unlink()  # rebuilt from the files: ids must come back
    with Store(root, "ali") as s:
        assert s.article_ids() == sorted([article_id, "plain"])
        assert s.spans(article_id)[0].text == TEXT[0:3]


# -- bulk -----------------------------------------------------------------------------


def corpus_of(**texts: str) -> Corpus:
    return Corpus(source=Path("mem"), articles=[Article(k, v.split("\n")[0], text=v) for k, v in texts.items()])


def test_records_in_corpus_order_per_annotator(root: Path):
    corpus = corpus_of(b=OTHER, a=TEXT, c="نص ثالث")
    with Store(root, "sara") as sara:
        sara.add_span("a", TEXT, *find(TEXT, "بغداد"), "GPE", "entity")
        sara.set_status("a", Status.DONE)
    with Store(root, "ali") as ali:
        ali.add_span("a", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
        ali.toggle_theme("b", "training")
        ali.set_status("zz-not-in-corpus", Status.DONE)
        recs = list(ali.records(corpus))
        assert [(r.id, r.annotator) for r in recs] == [("b", "ali"), ("a", "ali"), ("a", "sara")]
        assert recs[0].themes == ["training"] and recs[0].spans == [] and recs[0].text == OTHER
        assert recs[2].status is Status.DONE and recs[2].spans[0].label == "GPE"
        assert [r.id for r in ali.records(corpus, annotators=["sara"])] == ["a"]
        done = list(ali.records(corpus, statuses=[Status.DONE]))
        assert [(r.id, r.annotator) for r in done] == [("a", "sara")]


def test_import_records_round_trip(root: Path, tmp_path: Path):
    corpus = corpus_of(a1=TEXT, a2=OTHER)
    with Store(root, "ali") as ali:
        ali.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
        ali.add_span("a1", TEXT, *find(TEXT, "منظمة الصحة العالمية"), "ORG", "entity")
        ali.toggle_theme("a2", "training")
        ali.set_status("a2", Status.DONE)
        exported = list(ali.records(corpus))
    with Store(tmp_path / "other", "bob") as bob:
        dry = bob.import_records(exported, dry_run=True)
        assert dry == ImportSummary(articles=2, spans_added=2, spans_removed=0, themes=1, problems=[])
        assert bob.article_ids() == []
        summary = bob.import_records(exported)
        assert summary == dry
        again = list(bob.records(corpus))
        assert [(r.id, r.status, r.themes) for r in again] == [(r.id, r.status, r.themes) for r in exported]
        for mine, theirs in zip(again, exported):
            assert [s.to_dict() | {"annotator": "x"} for s in mine.spans] == [s.to_dict() | {"annotator": "x"} for s in theirs.spans]
            assert all(s.annotator == "bob" for s in mine.spans)
        assert bob.import_records(exported) == ImportSummary()  # nothing changes twice
        assert not bob.can_undo()
    with Store(tmp_path / "other", "bob") as bob:
        assert [(r.id, len(r.spans)) for r in bob.records(corpus)] == [("a1", 2), ("a2", 0)]


def test_import_with_problems_writes_nothing(store: Store):
    good = ArticleRecord("a1", TEXT, spans=[Span("a1", 0, 3, "PER", "entity", TEXT[0:3], "x")])
    bad = ArticleRecord(
        "a2",
        OTHER,
        spans=[
            Span("a2", 0, 5, "PER", "entity", "wrong", "x"),
            Span("a2", 0, 500, "PER", "entity", "x", "x"),
            Span("a2", 6, 11, "ORG", "entity", OTHER[6:11], "x"),
            Span("a2", 6, 14, "ORG", "entity", OTHER[6:14], "x"),
        ],
    )
    summary = store.import_records([good, bad])
    assert len(summary.problems) == 3
    assert "a2" in summary.problems[0] and "does not match" in summary.problems[0]
    assert "outside" in summary.problems[1]
    assert "overlap" in summary.problems[2]
    assert store.article_ids() == []


def test_import_merge_keeps_existing(store: Store):
    mine = store.add_span("a1", TEXT, *find(TEXT, "بغداد"), "LOC", "entity")
    store.toggle_theme("a1", "health")
    start, end = find(TEXT, "قال")
    incoming = ArticleRecord(
        "a1",
        TEXT,
        spans=[Span("a1", start, end, "X", "theme", "قال", "x"), Span("a1", mine.start, mine.end, "LOC", "entity", "بغداد", "x")],
        themes=["cooperation"],
    )
    summary = store.import_records([incoming], replace=False)
    assert summary.spans_added == 1 and summary.spans_removed == 0 and summary.themes == 1
    assert {s.label for s in store.spans("a1")} == {"LOC", "X"}
    assert store.themes("a1") == ["cooperation", "health"]
    assert store.status("a1") is Status.IN_PROGRESS
    clash = ArticleRecord("a1", TEXT, spans=[Span("a1", mine.start - 3, mine.end, "ORG", "entity", TEXT[mine.start - 3 : mine.end], "x")])
    assert "overlaps the stored LOC" in store.import_records([clash], replace=False).problems[0]
    replaced = store.import_records([ArticleRecord("a1", TEXT)])
    assert replaced.spans_removed == 2 and store.spans("a1") == [] and store.themes("a1") == []


def test_journal_is_json_lines(store: Store, root: Path):
    store.add_span("a1", TEXT, 0, 3, "PER", "entity")
    lines = (root / "ali" / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    assert entry["act"] == "do" and entry["a"] == "a1" and entry["op"]["kind"] == "add"


def test_identical_span_twice_is_refused(store: Store):
    start, end = find(TEXT, "بغداد")
    store.add_span("a1", TEXT, start, end, "health", "theme")
    training = store.add_span("a1", TEXT, start, end, "training", "theme")  # another label is fine
    with pytest.raises(AnnotationError, match="already marked"):
        store.add_span("a1", TEXT, start, end, "health", "theme")
    other = store.add_span("a1", TEXT, start - 3, end, "health", "theme")
    with pytest.raises(AnnotationError, match="already marked"):
        store.resize_span(other.id, start, end, TEXT)
    with pytest.raises(AnnotationError, match="already marked"):
        store.relabel_span(training.id, "health")
    assert len(store.spans("a1")) == 3


def test_view_of_annotator_who_starts_later(root: Path):
    with Store(root, "ali") as ali:
        assert ali.span_counts("sara") == {} and ali.spans("a1", "sara") == []
        with Store(root, "sara") as sara:
            sara.add_span("a1", TEXT, 0, 3, "PER", "entity")
        assert ali.span_counts("sara") == {"a1": 1}
        assert ali.annotators() == ["ali", "sara"]


def test_store_can_be_used_from_threads(store: Store):
    import threading

    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", TEXT)]
    errors: list[BaseException] = []

    def work(article: str) -> None:
        try:
            for start, end in words:
                store.add_span(article, TEXT, start, end, "X", "entity")
                store.span_counts()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.span_counts() == {f"t{n}": len(words) for n in range(3)}
    assert len(store.undo_history()[0]) == 3 * len(words)


def test_an_article_text_is_hashed_once_for_many_edits_and_again_when_it_is_another(tmp_path, monkeypatch):
    import annotations.store.store as store_module

    hashed: list[int] = []
    real = store_module.fingerprint
    monkeypatch.setattr(store_module, "fingerprint", lambda text: hashed.append(len(text)) or real(text))
    text = "في القاهرة ولندن وبغداد " * 10
    with Store(tmp_path / "s", "ali") as store:
        store.add_span("a1", text, 3, 10, "GPE", "entity")
        store.add_span("a1", text, 11, 15, "GPE", "entity")
        store.add_span("a1", text, 16, 21, "GPE", "entity")
        assert len(hashed) == 1  # the same text object: its fingerprint worked out once
        changed = "X" + text[1:]  # another text, as after the file changed on disk
        with pytest.raises(AnnotationError, match="has changed since it was annotated"):
            store.add_span("a1", changed, 3, 10, "GPE", "entity")
        assert len(hashed) == 2
        same_again = (text + " ")[:-1]  # equal content, another object: worked out again, and accepted
        assert same_again == text and same_again is not text
        assert store.add_span("a1", same_again, 22, 23, "GPE", "entity").text == text[22:23]
        assert len(hashed) == 3
        surrogate = text[:-1] + "\ud800"
        with pytest.raises(AnnotationError, match="lone surrogate"):
            store.add_span("a1", surrogate, 3, 10, "GPE", "entity")
