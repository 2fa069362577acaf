"""Property tests: whatever an annotator does, offsets stay true, entities
stay flat, undo/redo restore exactly, and reopening changes nothing."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from annotations.corpus import Article, Corpus
from annotations.errors import AnnotationError
from annotations.model import ArticleRecord, Span, Status
from annotations.store import Store

TEXTS = {
    "a": "بِسْمِ اللَّهِ الرَّحْمَٰنِ — قال الأمين العام لـ«الأمم المتحدة» (2025) إن 😀 WHO ستدعم لا لأ",
    "b": "Line one\nسطر ثانٍ مع تطويـــل و\u200dالعراق ٣٤٥ ‏كلمة\n\nآخر؟",
}
ARTICLES = sorted(TEXTS)
LABELS = ["PER", "LOC", "ORG"]

article = st.sampled_from(ARTICLES)
label = st.sampled_from(LABELS)
kind = st.sampled_from(["entity", "entity", "theme"])
offset = st.integers(min_value=-2, max_value=max(map(len, TEXTS.values())) + 2)
length = st.integers(min_value=-1, max_value=12)
pick = st.integers(min_value=0, max_value=50)

ops = st.one_of(
    st.tuples(st.just("add"), article, offset, length, label, kind),
    st.tuples(st.just("add"), article, offset, length, label, kind),
    st.tuples(st.just("add"), article, offset, length, label, kind),
    st.tuples(st.just("delete"), pick),
    st.tuples(st.just("relabel"), pick, label, st.one_of(st.none(), kind)),
    st.tuples(st.just("resize"), pick, st.integers(-3, 3), st.integers(-3, 3)),
    st.tuples(st.just("resize"), pick, offset, length),
    st.tuples(st.just("theme"), article, st.sampled_from(["health", "training"])),
    st.tuples(st.just("status"), article, st.sampled_from(list(Status))),
    st.tuples(st.just("undo")),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
    st.tuples(st.just("reopen")),
)


def snapshot(store: Store) -> dict:
    return {
        a: (
            [s.to_dict() for s in store.spans(a)],
            store.themes(a),
            store.status(a),
            store.fingerprint(a),
        )
        for a in ARTICLES
    }


def full_state(store: Store) -> tuple:
    return (
        snapshot(store),
        store.undo_history(),
        store.span_counts(),
        store.statuses(),
        store.article_ids(),
        store.can_undo(),
        store.can_redo(),
    )


def check_invariants(store: Store) -> None:
    for a in ARTICLES:
        spans = store.spans(a)
        assert spans == sorted(spans, key=lambda s: (s.start, s.end, s.kind, s.label))
        for span in spans:
            assert span.text == TEXTS[a][span.start : span.end] and span.start < span.end
            assert store.span(span.id) == span
        entities = [s for s in spans if s.kind == "entity"]
        for x, y in zip(entities, entities[1:]):
            assert x.end <= y.start, f"overlapping entities {x} {y}"
        assert store.span_counts().get(a, 0) == len(spans)


def all_spans(store: Store) -> list[Span]:
    return [s for a in ARTICLES for s in store.spans(a)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, min_size=4, max_size=40))
def test_any_edit_sequence_keeps_offsets_true_and_survives_reopen(sequence):
    root = Path(tempfile.mkdtemp(prefix="hashiya-prop-"))
    store = Store(root, "ann")
    undo_model: list[dict] = []  # state before each undoable edit
    redo_model: list[dict] = []
    try:
        for op in sequence:
            before = snapshot(store)
            history_before = store.undo_history()
            name = op[0]
            try:
                if name == "add":
                    _, a, start, n, lab, k = op
                    store.add_span(a, TEXTS[a], start, start + n, lab, k)
                elif name in ("delete", "relabel", "resize"):
                    spans = all_spans(store)
                    if not spans:
                        continue
                    target = spans[op[1] % len(spans)]
                    if name == "delete":
                        store.delete_span(target.id)
                    elif name == "relabel":
                        store.relabel_span(target.id, op[2], op[3])
                    elif isinstance(op[2], int) and -3 <= op[2] <= 3 and -3 <= op[3] <= 3:
                        store.resize_span(target.id, target.start + op[2], target.end + op[3], TEXTS[target.article_id])
                    else:
                        store.resize_span(target.id, op[2], op[2] + op[3], TEXTS[target.article_id])
                elif name == "theme":
                    store.toggle_theme(op[1], op[2], TEXTS[op[1]])
                elif name == "status":
                    store.set_status(op[1], op[2])
                elif name == "undo":
                    done = store.undo()
                    if done is None:
                        assert not undo_model and snapshot(store) == before
                    else:
                        assert snapshot(store) == undo_model.pop()
                        redo_model.append(before)
                elif name == "redo":
                    done = store.redo()
                    if done is None:
                        assert not redo_model and snapshot(store) == before
                    else:
                        assert snapshot(store) == redo_model.pop()
                        undo_model.append(before)
                elif name == "reopen":
                    state = full_state(store)
                    store.close()
                    store = Store(root, "ann")
                    assert full_state(store) == state
                    event("reopen done")
            except AnnotationError:
                event(f"{name} rejected")
                assert snapshot(store) == before and store.undo_history() == history_before
            else:
                event(f"{name} done")
                if name not in ("undo", "redo", "reopen") and store.undo_history() != history_before:
                    undo_model.append(before)
                    redo_model.clear()
                elif name not in ("undo", "redo", "reopen"):
                    assert snapshot(store) == before  # an edit that changed nothing
            check_invariants(store)
            assert store.can_undo() == bool(undo_model) and store.can_redo() == bool(redo_model)
        state = full_state(store)
        store.close()
        store = Store(root, "ann")
        assert full_state(store) == state
        store.close()
        (root / "ann" / "index.json").unlink()  # rebuilt from article files and journal
        store = Store(root, "ann", readonly=True)
        assert full_state(store)[:5] == state[:5]
    finally:
        store.close()
        shutil.rmtree(root, ignore_errors=True)


span_plan = st.lists(
    st.tuples(st.sampled_from(ARTICLES), st.integers(0, 80), st.integers(1, 6), label, kind), max_size=15
)


@settings(max_examples=25, deadline=None)
@given(span_plan, st.lists(st.tuples(article, st.sampled_from(list(Status))), max_size=3))
def test_records_import_round_trip(plan, statuses):
    root = Path(tempfile.mkdtemp(prefix="hashiya-prop-"))
    corpus = Corpus(source=Path("mem"), articles=[Article(a, a, text=TEXTS[a]) for a in ARTICLES])
    try:
        with Store(root, "one") as one:
            for a, start, n, lab, k in plan:
                try:
                    one.add_span(a, TEXTS[a], start, start + n, lab, k)
                except AnnotationError:
                    pass
            for a, status in statuses:
                one.set_status(a, status)
            exported = list(one.records(corpus, annotators=["one"]))
        with Store(root, "two") as two:
            summary = two.import_records(exported)
            assert summary.problems == []
            assert summary.spans_added == sum(len(r.spans) for r in exported)
            again = list(two.records(corpus, annotators=["two"]))
        strip = lambda r: (r.id, r.text, [s.to_dict() | {"annotator": ""} for s in r.spans], r.themes, r.status)  # noqa: E731
        assert [strip(r) for r in again] == [strip(r) for r in exported]
        with Store(root, "two") as two:
            assert two.import_records(again).articles == 0
    finally:
        shutil.rmtree(root, ignore_errors=True)
