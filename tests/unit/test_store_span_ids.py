"""Which article holds a span id: opening a store reads no span ids, and the
answer is right whichever way it is found (spans of articles open, the
whole map from ids.json and the journal, or from the article files)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from annotations.model import ArticleRecord, Span, Status
from annotations.store import Store, open_for_reading
from annotations.store.span_ids import ids_path
from annotations.store.summary import read_summary

TEXT = "قال وزير الصحة العراقي إن بغداد ستستضيف مؤتمرا دوليا في 2025 بالتعاون مع منظمة الصحة العالمية."
WORDS = [(TEXT.index(w), TEXT.index(w) + len(w)) for w in ("وزير", "الصحة", "بغداد", "مؤتمرا", "دوليا", "منظمة")]


def fill(root: Path, articles: int = 300, spans: int = 6) -> dict[str, str]:
    """A store of `articles` articles with `spans` spans each, by import;
    span id -> article."""
    records = []
    for n in range(articles):
        aid = f"a{n:04d}"
        records.append(ArticleRecord(
            aid, TEXT, [Span(aid, s, e, "PER", "entity", TEXT[s:e], "ann") for s, e in WORDS[:spans]], [], Status.DONE, "ann"
        ))
    with Store(root, "ann") as store:
        assert not store.import_records(records).problems
        return truth(store, [r.id for r in records])


def truth(store: Store, article_ids) -> dict[str, str]:
    return {span.id: aid for aid in article_ids for span in store.spans(aid)}


def cold(store: Store):
    return store._own.span_ids


def test_opening_reads_no_span_ids(tmp_path: Path):
    root = tmp_path / "store"
    homes = fill(root)
    index = json.loads((root / "ann" / "index.json").read_bytes())
    assert index["format"] == 2
    assert not any(sid in (root / "ann" / "index.json").read_text(encoding="utf-8") for sid in homes)
    for store in (Store(root, "ann"), open_for_reading(root, "ann")):
        with store:
            ids = cold(store)
            assert ids.home is None and not ids.hints  # nothing about span ids in memory
            assert store.span_counts() == {aid: 6 for aid in set(homes.values())}
            # an article opened: its spans are known from it, still no map
            span = store.spans("a0007")[2]
            assert store.span(span.id) == span
            assert ids.home is None and set(ids.hints.values()) == {"a0007"}


def test_a_new_span_asks_nothing_of_the_store(tmp_path: Path):
    root = tmp_path / "store"
    fill(root, articles=50)
    with Store(root, "ann") as store:
        span = store.add_span("new", TEXT, *WORDS[0], "ORG", "entity")
        store.delete_span(span.id)  # an article open here: answered from it
        assert cold(store).home is None


def test_span_of_a_cold_store_and_of_articles_not_open(tmp_path: Path):
    root = tmp_path / "store"
    homes = fill(root, articles=40)
    with Store(root, "ann") as store:
        some = random.Random(1).sample(sorted(homes), 25)
        for sid in some:
            assert store.span(sid).article_id == homes[sid]
        assert store.span("no-such-id") is None
        assert cold(store).complete  # made once, for ids of articles not open
        gone = some[0]
        assert store.delete_span(gone).id == gone
        assert store.span(gone) is None
    # the map was written at closing: the next session reads it, not 40 files
    assert ids_path(root / "ann").exists()
    with Store(root, "ann") as store:
        assert store.span(gone) is None and store.span(some[1]).article_id == homes[some[1]]


def check_every_id(store: Store, expected: dict[str, str]) -> None:
    own = store._own
    for sid, aid in expected.items():
        assert own.span_article(sid) == aid, sid
    for aid in set(expected.values()):
        for span in store.spans(aid):
            assert span.id in expected


def test_right_after_edits_undo_imports_and_reopening(tmp_path: Path, monkeypatch):
    root = tmp_path / "store"
    expected = fill(root, articles=30)
    rng = random.Random(7)
    with Store(root, "ann") as store:
        store.span(next(iter(expected)))  # the whole map, kept current from here on
        for step in range(60):
            aid = f"a{rng.randrange(30):04d}"
            spans = store.spans(aid)
            if spans and rng.random() < 0.5:
                gone = rng.choice(spans)
                store.delete_span(gone.id)
                del expected[gone.id]
            else:
                free = [w for w in WORDS if all(s.start != w[0] for s in spans)]
                if free:
                    span = store.add_span(aid, TEXT, *rng.choice(free), "LOC", "entity")
                    expected[span.id] = aid
            if step % 10 == 9:
                store.undo()
                expected = truth(store, {f"a{n:04d}" for n in range(30)})
        check_every_id(store, expected)
        # an import bringing ids of its own: one already held elsewhere gets a new one
        taken = next(sid for sid, aid in expected.items() if aid == "a0001")
        spans = [Span("b1", *WORDS[0], "PER", "entity", TEXT[slice(*WORDS[0])], "ann", id=taken),
                 Span("b1", *WORDS[1], "PER", "entity", TEXT[slice(*WORDS[1])], "ann", id="own-id")]
        assert not store.import_records([ArticleRecord("b1", TEXT, spans, [], Status.DONE, "ann")]).problems
        b1 = {span.id for span in store.spans("b1")}
        assert "own-id" in b1 and taken not in b1
        expected.update(dict.fromkeys(b1, "b1"))
        check_every_id(store, expected)
    for reopen in ("ids.json", "journal after ids.json", "article files"):
        with Store(root, "ann") as store:
            if reopen == "journal after ids.json":
                span = store.add_span("c1", TEXT, *WORDS[2], "PER", "entity")
                expected[span.id] = "c1"
                gone = store.spans("a0002")[0].id
                store.delete_span(gone)  # a0002 open: the map is not made
                del expected[gone]
                assert cold(store).home is None
        if reopen == "article files":
            ids_path(root / "ann").write_text("{damaged", encoding="utf-8")
        for store in (Store(root, "ann"), open_for_reading(root, "ann")):
            with store:
                read = []
                real = type(store._own).read_state
                monkeypatch.setattr(type(store._own), "read_state", lambda own, aid: read.append(aid) or real(own, aid))
                assert store._own.span_article(next(iter(expected))) == expected[next(iter(expected))]
                monkeypatch.undo()
                # ids.json is read, and only the articles the journal edited
                # since; the writer brought it up to date as it closed
                assert sorted(read) == ([] if store.readonly else {
                    "ids.json": [], "journal after ids.json": ["a0002", "c1"],
                    "article files": sorted(set(expected.values())),
                }[reopen]), (reopen, read)
                check_every_id(store, expected)


def test_a_reader_finds_what_a_writer_saved_since(tmp_path: Path):
    root = tmp_path / "store"
    homes = fill(root, articles=10)
    with open_for_reading(root, "ann") as reader, Store(root, "ann") as writer:
        assert reader.span(next(iter(homes))) is not None  # the reader's whole map
        span = writer.add_span("later", TEXT, *WORDS[3], "GPE", "entity")
        assert reader.span(span.id) == span
        writer.delete_span(span.id)
        assert reader.span(span.id) is None


def test_an_index_of_format_1_is_read_and_rewritten(tmp_path: Path):
    root = tmp_path / "store"
    expected = fill(root, articles=20)
    folder = root / "ann"
    index = json.loads((folder / "index.json").read_bytes())
    by_article: dict[str, list[str]] = {}
    for sid, aid in expected.items():
        by_article.setdefault(aid, []).append(sid)
    index["format"] = 1
    index["articles"] = {aid: [*entry, sorted(by_article.get(aid, []))] for aid, entry in index["articles"].items()}
    old = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    (folder / "index.json").write_bytes(old)
    # a store as an older version left it: the ids live in the index only,
    # and the article files must not be needed to find them
    ids_path(folder).unlink(missing_ok=True)
    assert read_summary(root, "ann").counts == {aid: 6 for aid in by_article}
    with open_for_reading(root, "ann") as reader:
        assert reader.span_counts() == {aid: 6 for aid in by_article}
        assert (folder / "index.json").read_bytes() == old  # readers write nothing
    with Store(root, "ann") as store:
        assert store.recovery == [] and cold(store).home is None
    assert json.loads((folder / "index.json").read_bytes())["format"] == 2
    saved = json.loads(ids_path(folder).read_bytes())
    assert {aid: sorted(ids) for aid, ids in saved["articles"].items()} == {
        aid: sorted(ids) for aid, ids in by_article.items()
    }
    with Store(root, "ann") as store:
        check_every_id(store, expected)
    assert read_summary(root, "ann").counts == {aid: 6 for aid in by_article}


def test_after_a_kill_the_journal_says_what_ids_json_does_not(tmp_path: Path):
    """A writer with the whole map in memory is killed after its saves: its
    ids.json is as of the last checkpoint, and the journal after it (with a
    save whose article file was never written) brings it up to date."""
    import subprocess
    import sys
    import textwrap

    root = tmp_path / "store"
    expected = fill(root, articles=12)
    with Store(root, "ann") as store:
        store.span(next(iter(expected)))  # ids.json written as this session closes
    gone = next(sid for sid, aid in expected.items() if aid == "a0003")
    code = textwrap.dedent(f"""
        import os
        import annotations.store.articles as articles
        from annotations.store import Store
        store = Store({str(root)!r}, "ann")
        store.span({gone!r})  # the whole map, from ids.json
        print(store.add_span("k1", {TEXT!r}, {WORDS[0][0]}, {WORDS[0][1]}, "PER", "entity").id)
        store.delete_span({gone!r})
        articles._Shard.apply = lambda self, *args, **kwargs: os._exit(9)  # journalled, file never written
        store.add_span("k2", {TEXT!r}, {WORDS[1][0]}, {WORDS[1][1]}, "ORG", "entity")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr.decode()
    expected[result.stdout.decode().split()[0]] = "k1"
    del expected[gone]
    with open_for_reading(root, "ann") as reader:  # before any writer completes the save
        [late] = reader.spans("k2")
        expected[late.id] = "k2"
        check_every_id(reader, expected)
        assert reader.span(gone) is None
    with Store(root, "ann") as store:
        assert store.recovery
        check_every_id(store, expected)
        assert store.span(gone) is None and store.span(late.id) == late


def test_an_index_rebuilt_from_the_article_files_brings_the_map(tmp_path: Path):
    root = tmp_path / "store"
    expected = fill(root, articles=15)
    (root / "ann" / "index.json").unlink()
    ids_path(root / "ann").unlink(missing_ok=True)
    with Store(root, "ann") as store:
        # every file was read to rebuild the index: the map was written, not kept
        assert cold(store).home is None and ids_path(root / "ann").exists()
        check_every_id(store, expected)


def test_an_ids_json_that_is_a_link_or_of_another_annotator_is_not_trusted(tmp_path: Path):
    root = tmp_path / "store"
    expected = fill(root, articles=8)
    folder = root / "ann"
    with Store(root, "ann") as store:
        store.span(next(iter(expected)))
    planted = tmp_path / "planted.json"
    saved = json.loads(ids_path(folder).read_bytes())
    # every id claimed by one article: wrong, and must not be believed
    saved["articles"] = {"a0000": sorted(expected)}
    planted.write_text(json.dumps(saved), encoding="utf-8")
    ids_path(folder).unlink()
    ids_path(folder).symlink_to(planted)
    with open_for_reading(root, "ann") as reader:
        check_every_id(reader, expected)
    ids_path(folder).unlink()
    saved["annotator"] = "someone-else"
    ids_path(folder).write_text(json.dumps(saved), encoding="utf-8")
    with Store(root, "ann") as store:
        check_every_id(store, expected)
