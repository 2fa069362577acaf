"""The app shell driven through Pilot: article list, filter, progress, corpus
problems, first-run check, help, command palette, display toggles and the
run_app error paths. Every test asserts on state and on what was stored."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from textual.geometry import Region

from annotations.corpus import open_corpus
from annotations.model import Status
from annotations.settings import Settings
from annotations.store import Store
from tui.app import HashiyaApp, make_app, run_app
from tui.layout import display_line
from tui.prefs import Prefs

SIZE = (110, 30)


def run(coro):
    return asyncio.run(coro)


def settings_for(corpus: Path, *, mode: str | None = "visual", **extra) -> Settings:
    return Settings.resolve(corpus=str(corpus), mode=mode, **extra)


def widget_text(widget) -> str:
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def palette_choose(pilot, query: str, expected: str) -> None:
    """Open the command palette, type `query`, wait until the first hit is
    `expected` (the palette searches in the background), choose it."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    for _ in range(200):
        await pilot.pause()
        if isinstance(pilot.app.screen, CommandPalette):
            break
    await pilot.press(*query)
    for _ in range(200):
        await pilot.pause()
        hits = pilot.app.screen.query_one(CommandList)
        if hits.option_count and hits.highlighted is not None:
            first = str(hits.get_option_at_index(hits.highlighted).prompt)
            if expected in first:
                break
    else:
        raise AssertionError(f"the palette never offered {expected!r}")
    await pilot.press("enter")
    await pilot.pause()


def seed_store(corpus_dir: Path) -> tuple[str, str]:
    """Two spans on the first article, the second one marked done."""
    corpus = open_corpus(corpus_dir)
    first, second = corpus.articles[0], corpus.articles[1]
    settings = settings_for(corpus_dir)
    with Store(settings.store, settings.annotator) as store:
        text = first.text
        start = text.index("العراق")
        store.add_span(first.id, text, start, start + len("العراق"), "GPE", "entity")
        start = text.index("لندن")
        store.add_span(first.id, text, start, start + len("لندن"), "GPE", "entity")
        store.set_status(second.id, Status.DONE)
    return first.id, second.id


def test_list_shows_every_article_with_status_counts_and_progress(corpus_dir):
    first_id, second_id = seed_store(corpus_dir)
    corpus = open_corpus(corpus_dir)

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            listing = screen.article_list
            assert [row.id for row in listing.rows] == [a.id for a in corpus.articles]
            assert listing.spans.get(first_id) == 2
            assert listing.status_of(first_id) is Status.IN_PROGRESS
            assert listing.status_of(second_id) is Status.DONE and not listing.spans.get(second_id)
            assert all(listing.status_of(a.id) is Status.TODO for a in corpus.articles[2:])
            drawn = widget_text(screen.article_list).splitlines()
            assert "in progress" in drawn[0] and " 2 " in drawn[0]
            assert "done" in drawn[1]
            # Titles are drawn by the layout engine, shaped and in visual order.
            title_width = screen.article_list.scrollable_content_region.width - 27
            for line, article in zip(drawn, corpus.articles):
                shown = display_line(article.title, title_width, mode="visual")
                assert shown.strip() and shown.strip() in line
            assert str(screen.query_one("#progress").render()) == "1/5 done · 1 in progress"
            assert "tester" in app.sub_title and str(app.settings.store) in app.sub_title

    run(scenario())


def test_a_jsonl_corpus_opens_with_its_titles(tmp_path, seeds_dir):
    records = tmp_path / "corpus.jsonl"
    seeds = sorted(seeds_dir.glob("*.txt"))
    with records.open("w", encoding="utf-8") as out:
        for path in seeds[:3]:
            out.write(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8"),
                                  "source": "test"}, ensure_ascii=False) + "\n")
        out.write("{broken\n")

    async def scenario():
        app = make_app(settings_for(records))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            from tui.screens.problems import ProblemsScreen

            assert isinstance(app.screen, ProblemsScreen)  # the broken line
            await pilot.press("escape")
            await pilot.pause()
            listing = app.screen.article_list
            assert [row.id for row in listing.rows] == [p.stem for p in seeds[:3]]
            drawn = widget_text(listing)
            assert display_line(listing.rows[0].title.split()[0], None) in drawn

    run(scenario())


def test_filter_is_insensitive_to_hamza_and_harakat(corpus_dir):
    corpus = open_corpus(corpus_dir)
    expected = [a.id for a in corpus.articles if "الأول" in a.title]
    assert expected

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("slash")
            # typed with a bare alef and a fatha the titles do not have
            await pilot.press(*"الاوَل")
            await pilot.pause()
            shown = [row.id for row in app.screen.article_list.shown]
            assert shown == expected
            assert "of 5 articles shown" in str(app.screen.query_one("#list-status").render())
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen.article_list.shown) == 5
            assert app.focused is app.screen.article_list

    run(scenario())


def test_typing_on_narrows_and_deleting_widens_the_filter(corpus_dir):
    """Each key typed filters only what matched before; a key deleted looks
    at every title again: either way the rows are those a fresh filter shows."""
    from annotations.textnorm import normalize

    titles = [(a.id, normalize(a.title)) for a in open_corpus(corpus_dir).articles]

    def matching(query: str) -> list[str]:
        return [article_id for article_id, title in titles if normalize(query) in title]

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("slash")
            listing = app.screen.article_list
            typed = ""
            for key in "الص":
                await pilot.press(key)
                typed += key
                await pilot.pause()
                assert [row.id for row in listing.shown] == matching(typed)
            assert 0 < len(matching("الص")) < len(matching("ال")) <= 5
            await pilot.press("backspace")
            await pilot.pause()
            assert [row.id for row in listing.shown] == matching("ال")

    run(scenario())


def test_filter_box_shows_arabic_shaped_with_the_cursor_at_its_logical_end(corpus_dir):
    query = "الصحة"

    async def scenario(mode):
        app = make_app(settings_for(corpus_dir, mode=mode))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("slash", *query)
            await pilot.pause()
            box = app.screen.query_one("#filter")
            assert box.value == query and box.cursor_position == len(query)
            box._cursor_visible = True
            strip = box.render_line(0)
            shaped = display_line(query, None, mode=mode)
            assert shaped != query and shaped in strip.text
            cursor_style = box.get_component_rich_style("input--cursor")
            cells = [(seg.text, seg.style) for seg in strip]
            cursor_cells = [i for i, (_, style) in enumerate(cells) if style == box.rich_style + cursor_style]
            assert len(cursor_cells) == 1
            index = cursor_cells[0]
            if mode == "visual":  # typing goes on at the left of right-to-left text
                assert cells[index][0] == " " and "".join(t for t, _ in cells[index + 1:]).startswith(shaped)
            else:
                assert "".join(t for t, _ in cells[:index]).endswith(shaped)

    run(scenario("visual"))
    run(scenario("logical"))


def test_batch_folding_matches_the_search_normaliser():
    from annotations.textnorm import fold_many, normalize

    titles = ["الأوَّل ـــ Hello WORLD", "مستشفى “الناس” إلى المدينة", "", "ﻻ ΣΑΣ", "İstanbul"]
    assert fold_many(titles) == [normalize(t) for t in titles]
    assert fold_many(titles[:4]) == [normalize(t) for t in titles[:4]]
    assert fold_many(["a\nb"]) == [normalize("a\nb")]


def test_typing_in_the_filter_never_triggers_list_keys(corpus_dir):
    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("slash", "q", "n", "p", "question_mark")
            await pilot.pause()
            assert app.is_running
            assert app.screen.query_one("#filter").value == "qnp?"
            assert list(app.screen.article_list.shown) == []
            assert "0 of 5 articles shown" in str(app.screen.query_one("#list-status").render())

    run(scenario())


def test_enter_opens_the_reader_on_the_current_article(corpus_dir):
    from tui.screens.reader import ReaderScreen

    corpus = open_corpus(corpus_dir)

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, ReaderScreen)
            assert app.screen.article_id == corpus.articles[2].id

    run(scenario())


def test_back_from_the_reader_lands_on_the_last_article_read(corpus_dir):
    corpus = open_corpus(corpus_dir)

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("J", "J")  # next article, twice, in place
            await pilot.pause()
            assert app.screen.article_id == corpus.articles[2].id
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is app.articles_screen
            assert app.screen.article_list.current.id == corpus.articles[2].id

    run(scenario())


def test_click_selects_a_row_and_a_second_click_opens_it(corpus_dir):
    from tui.widgets.article_list import ArticleList
    from tui.screens.reader import ReaderScreen

    corpus = open_corpus(corpus_dir)

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert await pilot.click(ArticleList, offset=(40, 3))
            await pilot.pause()
            assert app.screen.article_list.cursor == 3
            assert not isinstance(app.screen, ReaderScreen)
            assert await pilot.click(ArticleList, offset=(40, 3))
            await pilot.pause()
            assert isinstance(app.screen, ReaderScreen)
            assert app.screen.article_id == corpus.articles[3].id

    run(scenario())


def test_command_palette_applies_a_label_in_the_reader(corpus_dir):
    corpus = open_corpus(corpus_dir)
    first = corpus.articles[0]
    word_end = first.text.index(" ")

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            # the first word, برعاية, without its preposition: رعاية is a
            # word of the corpus, so ب is a token of its own
            assert first.text[:word_end] == "برعاية"
            await pilot.press("space")
            await pilot.pause()
            assert app.screen.reader.selection == (1, word_end)
            await palette_choose(pilot, "label org", "Label ORG")
            spans = app.store.spans(first.id)
            assert [(s.start, s.end, s.label, s.text) for s in spans] == [
                (1, word_end, "ORG", first.text[1:word_end])
            ]

    run(scenario())


def test_annotations_changed_refreshes_counts(corpus_dir):
    corpus = open_corpus(corpus_dir)
    article = corpus.articles[3]

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            text = article.text
            start = text.index("الصين")
            app.store.add_span(article.id, text, start, start + 5, "GPE", "entity")
            app.annotations_changed_signal.publish(article.id)
            await pilot.pause()
            listing = app.screen.article_list
            assert listing.spans.get(article.id) == 1
            assert listing.status_of(article.id) is Status.IN_PROGRESS
            assert str(app.screen.query_one("#progress").render()) == "0/5 done · 1 in progress"

    run(scenario())


def test_stale_articles_are_marked_after_their_text_changes(corpus_dir):
    first_id, _ = seed_store(corpus_dir)
    path = corpus_dir / f"{first_id}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("العراق", "العراقية", 1), encoding="utf-8")

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            listing = app.screen.article_list
            assert listing.stale == {first_id}
            drawn = widget_text(listing).splitlines()
            assert "stale" in drawn[0] and "stale" not in drawn[1]
            assert "1 stale" in str(app.screen.query_one("#list-status").render())

    run(scenario())


def test_bad_files_are_listed_and_the_rest_opens(corpus_dir):
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "binary.txt").write_bytes(b"\x00\x01\x02 not text")

    async def scenario():
        from tui.screens.problems import ProblemsScreen

        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ProblemsScreen)
            table = app.screen.query_one("#problems-table")
            # cells are text, never markup: a file name may hold "[/b]"
            cells = [tuple(map(str, table.get_row_at(i))) for i in range(table.row_count)]
            assert sorted(name for name, _ in cells) == ["binary.txt", "empty.txt"]
            assert any("binary" in reason for _, reason in cells)
            assert any("empty" in reason for _, reason in cells)
            assert any("could not be opened" in n.message for n in app._notifications)
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen.article_list.rows) == 5
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ProblemsScreen)

    run(scenario())


def test_first_run_check_remembers_the_choice(corpus_dir):
    from tui.screens.first_run import FirstRunScreen

    async def first():
        app = make_app(settings_for(corpus_dir, mode=None))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, FirstRunScreen)
            await pilot.press("2")
            await pilot.pause()
            assert not isinstance(app.screen, FirstRunScreen)
            assert app.prefs.mode == "logical"
            assert app.screen.article_list.mode == "logical"

    async def second():
        app = make_app(settings_for(corpus_dir, mode=None))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert not isinstance(app.screen, FirstRunScreen)
            assert app.prefs.display_mode == "logical"

    run(first())
    saved = json.loads(Prefs.load().path.read_text())
    assert saved["mode"] == "logical" and saved["first_run_done"] is True
    run(second())


def test_first_run_check_is_skipped_when_mode_is_given(corpus_dir, monkeypatch):
    from tui.screens.first_run import FirstRunScreen

    monkeypatch.setenv("HASHIYA_MODE", "logical")

    async def scenario():
        app = make_app(settings_for(corpus_dir, mode=None))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert not isinstance(app.screen, FirstRunScreen)
            assert app.prefs.display_mode == "logical"

    run(scenario())
    assert not Prefs.load().path.exists()  # a flag is not a remembered choice


def test_mode_and_harakat_toggle_at_runtime_and_are_remembered(corpus_dir):
    async def scenario():
        app = make_app(settings_for(corpus_dir, mode=None))
        app.prefs.first_run_done = True
        app.prefs.mode = "visual"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f2")
            await pilot.pause()
            assert app.prefs.mode == "logical"
            assert app.screen.article_list.mode == "logical"
            await pilot.press("f3")
            await pilot.pause()
            assert app.screen.article_list.harakat is False

    run(scenario())
    prefs = Prefs.load()
    assert prefs.mode == "logical" and prefs.harakat is False


def test_damaged_prefs_file_is_reset_with_a_warning(tmp_path):
    path = tmp_path / "prefs.json"
    path.write_text("{not json", encoding="utf-8")
    prefs = Prefs.load(path)
    assert prefs.mode is None and prefs.harakat is True
    assert prefs.warning and "damaged" in prefs.warning
    assert (tmp_path / "prefs.json.bad").read_text() == "{not json"
    assert prefs.save() is None
    assert json.loads(path.read_text())["harakat"] is True


def test_help_lists_bindings_and_label_keys(corpus_dir):
    async def scenario():
        from tui.screens.help import HelpScreen

        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=(120, 60)) as pilot:
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = "\n".join(widget_text(w) for w in app.screen.query(".help-section"))
            for label in app.schema.labels:
                assert any(label.name in line and f" {label.key} " in f" {line} "
                           for line in text.splitlines()), label
            assert "Next unannotated" in text and "Filter" in text and "Help" in text
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)

    run(scenario())


def test_palette_toggles_reach_the_reader_and_the_list_beneath_it(corpus_dir):
    """Display and clitic-trim switches chosen in the palette over the reader
    reach the reader (its status line, its double click) and the list under it."""
    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            status = screen.query_one("#reader-status")
            assert screen.reader.word_clitics is True
            assert "clitic trim" in status.content
            await palette_choose(pilot, "clitic trimming", "Clitic trimming: off")
            assert app.screen is screen
            assert app.prefs.clitic_trim is False
            assert screen.reader.word_clitics is False
            assert "clitic trim" not in status.content
            await palette_choose(pilot, "display mode", "Display mode: logical")
            assert screen.reader.mode == "logical"
            assert status.content.endswith("logical")
            assert app.screen_stack[0].article_list.mode == "logical"
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.article_list.mode == "logical"

    run(scenario())


def test_the_display_switches_are_system_commands_offered_once(corpus_dir):
    from tui.palette import HashiyaCommands

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            titles = [command.title for command in app.get_system_commands(app.screen)]
            switches = ["Display mode: logical", "Harakat: hide", "Clitic trimming: off"]
            assert [title for title in titles if title in switches] == switches
            assert "Quit" in titles  # Textual's own are kept
            provider = HashiyaCommands(app.screen)
            await provider.startup()
            own = [command.title for command in provider.commands]
            assert not set(own) & set(switches)
            # the keys of the same switches, from their bindings
            assert {"Visual/logical", "Harakat on/off", "Clitic trim"} <= set(own)
            await palette_choose(pilot, "harakat hide", "Harakat: hide")
            assert app.prefs.harakat is False
            assert app.screen.reader.harakat is False

    run(scenario())


def test_command_palette_finds_and_runs_actions(corpus_dir):
    seed_store(corpus_dir)

    async def scenario():
        app = make_app(settings_for(corpus_dir))
        async with app.run_test(size=SIZE) as pilot:
            await palette_choose(pilot, "next unann", "Next unannotated")
            assert app.screen.article_list.cursor == 2  # first todo without spans
            await palette_choose(pilot, "display mode", "Display mode: logical")
            assert app.prefs.mode == "logical"

    run(scenario())


def test_run_app_switches_terminal_bidi_mode_and_restores_it_on_a_crash(corpus_dir, monkeypatch):
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "__stdout__", terminal)
    seen_at_start = []

    def crash(self, *args, **kwargs):
        seen_at_start.append(terminal.getvalue())
        raise RuntimeError("boom")

    monkeypatch.setattr(HashiyaApp, "run", crash)
    with pytest.raises(RuntimeError):
        run_app(settings_for(corpus_dir, mode="visual"))
    assert seen_at_start == ["\x1b[8l"]
    assert terminal.getvalue() == "\x1b[8l\x1b[8h"
    # the store was released even so
    settings = settings_for(corpus_dir)
    with Store(settings.store, settings.annotator):
        pass


def test_run_app_logical_mode_leaves_the_terminal_implicit(corpus_dir, monkeypatch):
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "__stdout__", terminal)
    monkeypatch.setattr(HashiyaApp, "run", lambda self, *a, **k: None)
    assert run_app(settings_for(corpus_dir, mode="logical")) == 0
    assert "\x1b[8l" not in terminal.getvalue()


def test_run_app_missing_corpus_is_one_line(tmp_path, capsys):
    code = run_app(settings_for(tmp_path / "nowhere"))
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "nowhere" in err and "Traceback" not in err


def test_run_app_bad_label_file_is_one_line(corpus_dir, tmp_path, capsys):
    labels = tmp_path / "labels.toml"
    labels.write_text('[[entity]]\nname = "PER"\nkey = "1"\n[[entity]]\nname = "ORG"\nkey = "1"\n')
    code = run_app(settings_for(corpus_dir, labels=str(labels)))
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "labels.toml:6" in err


def test_run_app_locked_store_says_who_holds_it(corpus_dir, capsys):
    settings = settings_for(corpus_dir)
    with Store(settings.store, settings.annotator):
        code = run_app(settings)
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "tester" in err and "Traceback" not in err


def test_app_releases_the_store_on_exit(corpus_dir):
    settings = settings_for(corpus_dir)

    async def scenario():
        app = make_app(settings)
        assert isinstance(app, HashiyaApp)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("q")
        return app

    run(scenario())
    with Store(settings.store, settings.annotator):  # would raise if still locked
        pass


def test_labels_with_colours_too_close_are_a_notification(corpus_dir, tmp_path):
    labels = tmp_path / "close.toml"
    labels.write_text(
        '[[entity]]\nname = "GPE"\nkey = "1"\ncolour = "#2ec27e"\n\n'
        '[[entity]]\nname = "LOC"\nkey = "2"\ncolour = "#26a269"\n',
        encoding="utf-8",
    )

    async def scenario():
        app = make_app(settings_for(corpus_dir, labels=str(labels)))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            messages = [n.message for n in app._notifications if n.title == "Labels"]
            assert len(messages) == 1
            assert "GPE" in messages[0] and "LOC" in messages[0]

    run(scenario())
