"""The list's summary of a store read from index.json alone."""

from __future__ import annotations

from pathlib import Path

from annotations.model import Status
from annotations.store import Store
from annotations.store.summary import read_summary

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025."
IDS = ("a1", 'odd "id" \\ ]] ,}', "عربي")


def fill(root: Path) -> None:
    with Store(root, "ann") as store:
        for n, article_id in enumerate(IDS):
            for k in range(n):
                start = TEXT.index(" ", 4 * k) + 1
                store.add_span(article_id, TEXT, start, start + 3, "PER", "entity")
        store.set_status("a1", Status.DONE)
        store.set_status("عربي", Status.IN_PROGRESS)
        store.toggle_theme("quiet", "sport", TEXT)  # themes only: no span count
        store.set_status("quiet", Status.TODO)


STATUSES = {"a1": Status.DONE, IDS[1]: Status.IN_PROGRESS, "عربي": Status.IN_PROGRESS}


def test_the_summary_is_what_the_store_says(tmp_path):
    root = tmp_path / "store"
    fill(root)
    summary = read_summary(root, "ann")
    assert summary is not None
    with Store(root, "ann", readonly=True) as store:
        assert summary.counts == store.span_counts() == {IDS[1]: 1, "عربي": 2}
        assert summary.statuses == store.statuses() == STATUSES


def test_no_summary_when_the_journal_is_ahead_of_the_index_or_the_index_is_not_the_stores(tmp_path):
    root = tmp_path / "store"
    fill(root)
    assert read_summary(root, "other") is None
    with Store(root, "ann") as store:
        store.set_status("a1", Status.TODO)  # in the journal, not yet in the index
        assert read_summary(root, "ann") is None
    assert read_summary(root, "ann").statuses == {k: v for k, v in STATUSES.items() if k != "a1"}
    index = root / "ann" / "index.json"
    index.write_bytes(index.read_bytes().replace(b'"articles":{', b'"articles": {'))
    assert read_summary(root, "ann") is None


def test_a_summary_after_flags_and_a_cut_journal(tmp_path, monkeypatch):
    """The index also names flagged articles and the journal's cut point and
    generation: the summary reads past them."""
    import annotations.store.checkpoint as checkpoint

    monkeypatch.setattr(checkpoint, "JOURNAL_LIMIT", 2000)
    root = tmp_path / "store"
    fill(root)
    with Store(root, "ann") as store:
        store.set_note("a1", note="to check", flagged=True)
        for _ in range(30):
            store.toggle_theme("a1", "sport", TEXT)
    index = (root / "ann" / "index.json").read_text(encoding="utf-8")
    assert '"flagged":["a1"]' in index and '"journal_gen":"' in index  # what this test is about
    summary = read_summary(root, "ann")
    assert summary is not None
    with Store(root, "ann", readonly=True) as store:
        assert summary.counts == store.span_counts()
        assert summary.statuses == store.statuses()
