"""texts.json: the span texts a writer knows, written at checkpoints and
read instead of every article file when current; never believed when it
is behind the journal, damaged, a link or stamped for another journal."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

from annotations.model import ArticleRecord, Span, Status
from annotations.store import Store, open_for_reading
from annotations.store.span_texts import texts_path

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."
WORDS = [(TEXT.index(w), TEXT.index(w) + len(w)) for w in ("وزير", "الصحة", "بغداد", "مؤتمرا", "دوليا", "منظمة")]


def fill(root: Path, articles: int = 20, spans: int = 4) -> None:
    records = [
        ArticleRecord(aid, TEXT, [Span(aid, s, e, "PER", "entity", TEXT[s:e], "ann") for s, e in WORDS[:spans]], [], Status.DONE, "ann")
        for aid in (f"a{n:03d}" for n in range(articles))
    ]
    with Store(root, "ann") as store:
        assert not store.import_records(records).problems


def truth(root: Path) -> Counter:
    """Every span's text, from the article files."""
    with open_for_reading(root, "reader") as reader:
        return Counter(span.text for aid in reader.article_ids("ann") for span in reader.spans(aid, "ann"))


def on_disk(root: Path) -> dict | None:
    path = texts_path(root / "ann")
    return json.loads(path.read_bytes())["texts"] if path.exists() else None


def read_texts(root: Path) -> list[str]:
    with open_for_reading(root, "reader") as reader:
        return list(reader.span_texts("ann"))


def plant(root: Path, text: str) -> None:
    """texts.json as it is, but claiming one more text: only a reader that
    uses the file gives it."""
    path = texts_path(root / "ann")
    data = json.loads(path.read_bytes())
    data["texts"][text] = 1
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_an_import_into_a_new_store_writes_the_counts(tmp_path: Path):
    root = tmp_path / "store"
    fill(root)
    assert on_disk(root) == dict(truth(root)) == {TEXT[s:e]: 20 for s, e in WORDS[:4]}


def test_edits_undo_and_redo_keep_the_counts(tmp_path: Path):
    root = tmp_path / "store"
    fill(root, articles=3)
    with Store(root, "ann") as store:
        assert store._own.texts is not None  # current as the index: read on opening
        added = store.add_span("b1", TEXT, *WORDS[4], "ORG", "entity")
        store.delete_span(store.spans("a001")[0].id)
        first = store.spans("a002")[0]
        store.resize_span(first.id, first.start, first.end - 1, TEXT)
        store.undo()
        store.undo()
        store.redo()
        store.toggle_theme("a000", "health", TEXT)
        store.set_status("a000", Status.IN_PROGRESS)
        assert store._own.texts == dict(truth(root)) and added.text in store._own.texts
        assert set(store.span_texts()) == set(truth(root))
    assert on_disk(root) == dict(truth(root))


def test_a_reader_uses_the_file_only_while_it_is_current(tmp_path: Path):
    root = tmp_path / "store"
    fill(root, articles=5)
    good = texts_path(root / "ann").read_bytes()
    plant(root, "مزروع")
    assert "مزروع" in read_texts(root)  # current: the file, not the articles
    texts_path(root / "ann").write_bytes(good)
    with Store(root, "ann") as store:
        store.add_span("b1", TEXT, *WORDS[5], "ORG", "entity")
        plant(root, "مزروع")
        # saved, no checkpoint yet: the file is behind the journal
        texts = read_texts(root)
        assert "مزروع" not in texts and Counter(texts) == truth(root)
    # the checkpoint as the session closed wrote the counts it kept
    assert on_disk(root) == dict(truth(root))
    assert set(read_texts(root)) == set(truth(root))


def test_a_damaged_file_a_link_or_another_journal_is_not_believed(tmp_path: Path):
    root = tmp_path / "store"
    fill(root, articles=4)
    path = texts_path(root / "ann")
    good = path.read_bytes()
    expected = truth(root)
    for damage in (b"{garbage", b"", b'{"format": 1}', good.replace(b'"format":1', b'"format":9')):
        path.write_bytes(damage)
        assert Counter(read_texts(root)) == expected
    data = json.loads(good)
    data["texts"]["مزروع"] = 1
    planted = tmp_path / "planted.json"
    planted.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path.unlink()
    path.symlink_to(planted)
    assert Counter(read_texts(root)) == expected
    path.unlink()
    data["journal_gen"] = "0123456789abcdef"  # a journal cut since
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert Counter(read_texts(root)) == expected


def test_after_a_kill_the_file_is_behind_and_the_next_writer_drops_it(tmp_path: Path):
    root = tmp_path / "store"
    fill(root, articles=6)
    plant(root, "مزروع")
    code = textwrap.dedent(f"""
        import os
        from annotations.store import Store
        store = Store({str(root)!r}, "ann")
        store.add_span("k1", {TEXT!r}, {WORDS[5][0]}, {WORDS[5][1]}, "ORG", "entity")
        os._exit(9)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr.decode()
    texts = read_texts(root)
    assert "مزروع" not in texts and TEXT[slice(*WORDS[5])] in texts
    with Store(root, "ann") as store:
        # the journal had an entry after the index: the counts are not known
        assert store._own.texts is None
    assert on_disk(root) is None
    assert Counter(read_texts(root)) == truth(root)


def test_an_import_over_annotated_articles_forgets_the_counts(tmp_path: Path):
    root = tmp_path / "store"
    fill(root, articles=3)
    with Store(root, "ann") as store:
        record = ArticleRecord("a000", TEXT, [Span("a000", *WORDS[5], "LOC", "entity", TEXT[slice(*WORDS[5])], "ann")], [], Status.DONE, "ann")
        assert not store.import_records([record]).problems
        assert store._own.texts is None  # the spans it replaced are not in the journal
    assert on_disk(root) is None
    assert Counter(read_texts(root)) == truth(root)
    with Store(root, "ann") as store:
        assert Counter(store.span_texts()) == truth(root)  # read from the files: known again
    assert on_disk(root) == dict(truth(root))
    plant(root, "مزروع")
    assert set(read_texts(root)) == set(truth(root)) | {"مزروع"}  # the file it wrote


def test_a_store_rebuilt_from_its_article_files_knows_the_counts(tmp_path: Path):
    root = tmp_path / "store"
    fill(root, articles=5)
    with Store(root, "ann") as store:
        store.add_span("b1", TEXT, *WORDS[5], "ORG", "entity")
        store.delete_span(store.spans("a001")[0].id)
    (root / "ann" / "index.json").unlink()
    texts_path(root / "ann").unlink()
    with Store(root, "ann") as store:
        assert store._own.texts == dict(truth(root))
    assert on_disk(root) == dict(truth(root))


def test_saves_rolled_forward_into_their_files_are_counted(tmp_path: Path):
    """A writer killed after journalling a save whose file it never wrote;
    the index is gone too: the next writer rebuilds it from the files and
    completes the save, and counts what it completed."""
    root = tmp_path / "store"
    fill(root, articles=4)
    code = textwrap.dedent(f"""
        import os
        import annotations.store.articles as articles
        from annotations.store import Store
        store = Store({str(root)!r}, "ann")
        store.delete_span(store.spans("a002")[0].id)
        articles._Shard.apply = lambda self, *args, **kwargs: os._exit(9)  # journalled, file never written
        store.add_span("k2", {TEXT!r}, {WORDS[5][0]}, {WORDS[5][1]}, "ORG", "entity")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr.decode()
    (root / "ann" / "index.json").unlink()
    with Store(root, "ann") as store:
        assert store.recovery and store.spans("k2")
        assert store._own.texts == dict(truth(root))
        assert store._own.texts[TEXT[slice(*WORDS[5])]] == 1 and store._own.texts[TEXT[slice(*WORDS[0])]] == 3
    assert on_disk(root) == dict(truth(root))


def test_a_repair_removes_the_file(tmp_path: Path):
    from annotations.store import repair
    from annotations.store.articles import article_path

    root = tmp_path / "store"
    fill(root, articles=4)
    Path(article_path(root / "ann" / "articles", "a001")).write_bytes(b"{damaged")
    assert repair(root, "ann")
    assert on_disk(root) is None
    assert Counter(read_texts(root)) == truth(root)
