"""Notes and review flags: stored, journaled, undone, counted, and carried
through native and doccano export and import."""

from __future__ import annotations

import io
import json

import pytest

from annotations.corpus import Article, Corpus
from annotations.errors import AnnotationError
from annotations.formats import module
from annotations.formats.common import ExportOptions, ExportReport
from annotations.model import ARTICLE, Note, Status
from annotations.store import Store

TEXT = "ذهب الرئيس إلى بكين أمس، وقال إن التعاون مستمر."


def _marked(store: Store):
    city = store.add_span("a1", TEXT, TEXT.index("بكين"), TEXT.index("بكين") + 4, "GPE", "entity")
    title = store.add_span("a1", TEXT, 4, 10, "TITLE", "entity")
    store.set_note("a1", city.id, note="ربما «بكين» القديمة", flagged=True)
    store.set_note("a1", note="check the date → later", article_text=TEXT)
    return city, title


def test_a_note_and_flag_are_stored_undone_and_redone(tmp_path):
    with Store(tmp_path, "alice") as store:
        city, title = _marked(store)
        assert store.notes("a1") == {city.id: Note("ربما «بكين» القديمة", True), ARTICLE: Note("check the date → later")}
        assert store.flagged_articles() == {"a1"}
        assert store.undo() == "note on article"
        assert ARTICLE not in store.notes("a1")
        assert store.undo() == "note on GPE “بكين”"
        assert store.notes("a1") == {} and store.flagged_articles() == set()
        store.redo()
        assert store.notes("a1")[city.id].flagged and store.flagged_articles() == {"a1"}
        store.set_note("a1", city.id, flagged=False)
        assert store.notes("a1")[city.id] == Note("ربما «بكين» القديمة", False)
        assert store.flagged_articles() == set()
        assert store.undo_history()[0][-1] == "unflag GPE “بكين”"


def test_a_deleted_span_takes_its_note_out_and_undo_brings_it_back(tmp_path):
    with Store(tmp_path, "alice") as store:
        city, _ = _marked(store)
        store.delete_span(city.id)
        assert city.id not in store.notes("a1")
        assert store.flagged_articles() == set()
        store.undo()
        assert store.notes("a1")[city.id].flagged
        assert store.flagged_articles() == {"a1"}


def test_notes_survive_a_restart_and_a_lost_index(tmp_path):
    with Store(tmp_path, "alice") as store:
        city, _ = _marked(store)
        expected = store.notes("a1")
    with Store(tmp_path, "alice") as store:
        assert store.notes("a1") == expected and store.flagged_articles() == {"a1"}
    (tmp_path / "alice" / "index.json").unlink()
    with Store(tmp_path, "alice") as store:
        assert store.notes("a1") == expected and store.flagged_articles() == {"a1"}
        store.undo()
        assert ARTICLE not in store.notes("a1")
    with Store(tmp_path, "reader", readonly=True) as reader:
        assert reader.flagged_articles("alice") == {"a1"}


def test_a_note_on_a_new_article_puts_it_in_progress_and_bad_notes_are_refused(tmp_path):
    with Store(tmp_path, "alice") as store:
        store.set_note("a2", flagged=True, article_text=TEXT)
        assert store.status("a2") == Status.IN_PROGRESS
        with pytest.raises(AnnotationError):
            store.set_note("a2", "no-such-span", note="x")
        with pytest.raises(AnnotationError):
            store.set_note("a2", note="\ud800")
        with pytest.raises(AnnotationError):
            store.set_note("a2", flagged="yes")  # type: ignore[arg-type]


def _round_trip(tmp_path, fmt: str):
    corpus = Corpus(tmp_path, [Article("a1", "a1", text=TEXT)])
    with Store(tmp_path / "store", "alice") as store:
        _marked(store)
        exported = list(store.records(corpus, ["alice"]))
    out = io.StringIO()
    module(fmt).write(exported, out, ExportReport(), ExportOptions())
    result = module(fmt).read(io.StringIO(out.getvalue()))
    assert result.problems == []
    with Store(tmp_path / "store", "bob") as copy:
        assert copy.import_records([r for _, r in result.records]).problems == []
        back = list(copy.records(corpus, ["bob"]))
    return exported, out.getvalue(), back


def _keyed(record):
    spans = {s.id: (s.start, s.end, s.label) for s in record.spans}
    return {spans.get(target, ()): note for target, note in record.notes.items()}


def test_native_export_carries_notes_and_flags_and_imports_them_identically(tmp_path):
    exported, text, back = _round_trip(tmp_path, "native")
    line = json.loads(text)
    assert (line["note"], line["flagged"]) == ("check the date → later", False)
    by_text = {s["text"]: (s["note"], s["flagged"]) for s in line["spans"]}
    assert by_text == {"بكين": ("ربما «بكين» القديمة", True), "الرئيس": ("", False)}
    assert _keyed(back[0]) == _keyed(exported[0])
    again = io.StringIO()
    module("native").write(back, again, ExportReport(), ExportOptions())
    same = lambda spans: [{k: v for k, v in s.items() if k not in ("annotator", "id")} for s in spans]  # noqa: E731
    assert same(json.loads(again.getvalue())["spans"]) == same(line["spans"])


def test_doccano_export_carries_the_article_note_in_comments(tmp_path):
    exported, text, back = _round_trip(tmp_path, "doccano")
    assert json.loads(text)["comments"] == ["check the date → later"]
    assert back[0].notes == {ARTICLE: Note("check the date → later")}


def test_native_import_refuses_a_flag_that_is_not_true_or_false():
    line = json.dumps({"id": "a", "text": TEXT, "spans": [], "flagged": "yes"})
    result = module("native").read(io.StringIO(line + "\n"))
    assert result.records == [] and "flagged" in str(result.problems[0])


def test_stats_counts_notes_and_flags(tmp_path):
    from tui.commands.stats import collect, render

    with Store(tmp_path, "alice") as store:
        _marked(store)
        store.set_note("a3", flagged=True, article_text=TEXT)
    with Store(tmp_path, "reader", readonly=True) as reader:
        data = collect(reader, ["alice"])
    alice = data["annotators"]["alice"]
    assert alice["notes"] == {"article_notes": 1, "span_notes": 1, "flagged_articles": 1, "flagged_spans": 1}
    assert alice["articles_for_review"] == 2
    table = render(data)
    assert "Notes and review flags" in table
    assert [line.split() for line in table.splitlines() if line.strip().startswith("alice")][-1] == [
        "alice", "1", "1", "1", "1", "2"
    ]
