"""The article list: every article of the corpus with this annotator's
status, span count, stale marker and review flag (⚑: the article or one of
its spans is flagged; ! shows only those), a filter box and the corpus
progress.

The list itself (tui.widgets.article_list) is drawn with the line API:
only the rows on screen are shaped, so a corpus of 100,000 articles appears
at once. Its counts and statuses come from the store's summary while the
store is not open (tui.deferred_store). Staleness needs every annotated
article's text, so it is worked out after the list is up, in a thread or,
for a large folder, in the process that checks the folder.
"""

from __future__ import annotations

import time

from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from annotations.corpus import Corpus, ids_of
from annotations.errors import HashiyaError
from annotations.model import Status
from annotations.progress import to_do_after

from ..corpus_check import CheckFailed, check_in_process, check_reading_store
from ..corpus_index import Pacer, fingerprints_of, stale_among
from ..deferred_store import is_open, stored_marks
from ..node import HashiyaNode
from ..prefs import Display
from ..widgets.article_list import FOLD_CHUNK, ArticleList, titles_at_hand
from ..widgets.footer import KeysFooter
from ..widgets.shaped_input import ShapedInput


FILTER_PLACEHOLDER = "filter titles  ( / )"


class FilterHint(Static):
    """Where the filter box will be: its placeholder, until / or a click."""

    async def on_click(self) -> None:
        await self.run_action("screen.focus_filter")


class ArticlesScreen(HashiyaNode, Screen[None]):
    """The corpus: pick an article to read and annotate."""

    # Focus the list straight away: every focus change rebuilds the footer.
    AUTO_FOCUS = "ArticleList"

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("n", "next_todo", "Next unannotated"),
        Binding("o", "reopen", "Reopen the last article", show=False,
                tooltip="The article that was open when hashiya last closed, where you left it"),
        # shown on the status line, once an article is flagged
        Binding("exclamation_mark", "toggle_flagged", "Flagged only", show=False,
                tooltip="Show only the articles flagged for review (⚑), or all again"),
        Binding("p", "problems", "Problems", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stale_checked = False
        #: whether the list's flags were read (from the store, or with the
        #: stale check while the store is not open)
        self.flags_known = False
        #: the corpus check running in a separate process, if any
        self.running_check = None
        self._just_mounted = False
        #: articles whose annotations changed while another screen was on top
        self._changed_away: set[str] = set()
        #: the statuses and corpus the progress was counted from, and it
        self._progress_counted: tuple | None = None

    def compose(self) -> ComposeResult:
        app = self.app
        rows = app.corpus.articles
        yield Header(icon="ح")
        with Horizontal(id="list-bar"):
            # The filter box itself is made when first asked for (/ or a
            # click): a text box is one of the costlier widgets to start.
            yield FilterHint(FILTER_PLACEHOLDER, id="filter-hint")
            yield Static("", id="progress")
        self.article_list = ArticleList(rows, mode=app.prefs.display_mode, harakat=app.prefs.harakat,
                                id="articles")
        yield self.article_list
        yield Static("", id="list-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        app = self.app
        # Told at once (not as a callback queued for this screen's next
        # turn): under the reader, all it does is note the article, and a
        # label key's frame would otherwise wait for that turn.
        app.annotations_changed_signal.subscribe(self, self._annotations_changed, immediate=True)
        app.display_changed_signal.subscribe(self, self._display_changed)
        app.corpus_changed_signal.subscribe(self, self._corpus_changed)
        self.refresh_from_store()
        self._resume_where_left()
        self._just_mounted = True
        # Once the list is drawn, off the UI thread: what opening the corpus
        # left to check (every file of a corpus listed from its index, or the
        # full opening of a large folder listed by name), then which annotated
        # articles changed since they were annotated.
        self.call_after_refresh(self.check_corpus)
        self.call_after_refresh(self.fold_titles)

    def on_unmount(self) -> None:
        # The app is closing: a check still running in its own process stops
        # (the worker's thread would otherwise hold up the exit).
        if self.running_check is not None:
            self.running_check.cancel()

    def on_screen_resume(self) -> None:
        if self._just_mounted:  # on_mount has just read the store
            self._just_mounted = False
            return
        changed, self._changed_away = self._changed_away, set()
        for article_id in changed:
            self._recheck_stale(article_id)
        self.refresh_from_store()

    def _annotations_changed(self, article_id: str) -> None:
        if self.app.screen is self:
            self.call_next(self.refresh_from_store, article_id)
        else:
            # Under the reader: read when the list is shown again, not on the
            # way to the frame of the key that changed the store.
            self._changed_away.add(article_id)

    # store -------------------------------------------------------------

    def refresh_from_store(self, article_id: str | None = None) -> None:
        """Counts, statuses and flags from the store. While the app's store is
        not open (tui.deferred_store) the counts and statuses come from its
        summary, and the flags with the stale check (see _apply_stale)."""
        store = self.app.store
        try:
            counts = store.span_counts()
            statuses = store.statuses()
            flagged = store.flagged_articles() if is_open(store) else None
        except HashiyaError as exc:
            self.notify(str(exc), title="Store", severity="error")
            return
        listing = self.article_list
        listing.spans = counts
        listing.suggested = self.app.suggester.waiting_counts()
        if flagged is not None:
            self._set_flagged(flagged)
        listing.statuses = statuses  # a dict of its own, of Status values (Store.statuses)
        if article_id is not None:
            self._recheck_stale(article_id)
        self.article_list.refresh()
        self.update_progress()

    def _progress(self) -> tuple[int, int]:
        """(done, in progress) among the corpus's articles, counted again only
        when the statuses or the corpus were replaced (not on a filter key)."""
        listing, in_corpus = self.article_list, self.app.corpus
        counted = self._progress_counted
        if counted is None or counted[0] is not listing.statuses or counted[1] is not in_corpus:
            members = in_corpus.ids()
            known = [status for article_id, status in listing.statuses.items() if article_id in members]
            figures = (sum(1 for status in known if status is Status.DONE),
                       sum(1 for status in known if status is Status.IN_PROGRESS))
            counted = self._progress_counted = (listing.statuses, in_corpus, figures)
        return counted[2]

    def update_progress(self) -> None:
        listing = self.article_list
        rows = listing.rows
        done, going = self._progress()
        text = f"{done}/{len(rows)} done"
        if going:
            text += f" · {going} in progress"
        self.query_one("#progress", Static).update(text)
        shown = len(self.article_list.shown)
        stale = len(listing.stale)
        parts = [f"{shown} of {len(rows)} articles shown" if shown != len(rows) else f"{len(rows)} articles"]
        if listing.filter_waits:
            parts.append("the filter applies once the folder's titles are read")
        if stale:
            parts.append(f"{stale} stale (text changed after annotation)")
        if listing.flagged:
            parts.append(f"{len(listing.flagged)} ⚑ for review"
                         + (" (showing only these: ! shows all)" if listing.flagged_only else " (! shows only these)"))
        problems = len(self.app.corpus.problems)
        if problems:
            parts.append(f"{problems} file{'s' if problems != 1 else ''} skipped (p)")
        self.query_one("#list-status", Static).update(" · ".join(parts))

    def _recheck_stale(self, article_id: str) -> None:
        article = self.app.corpus.get(article_id)
        if article is None:
            return
        self._set_stale(article_id, article.fingerprint)

    def _set_stale(self, article_id: str, print_: str) -> None:
        try:
            stale = self.app.store.is_stale(article_id, print_)
        except HashiyaError:
            stale = False
        if stale:
            self.article_list.stale.add(article_id)
        else:
            self.article_list.stale.discard(article_id)

    def _set_flagged(self, flagged: set[str]) -> None:
        listing = self.article_list
        self.flags_known = True
        if flagged != listing.flagged:
            listing.flagged = flagged
            if listing.flagged_only:
                listing.set_filter(self.filter_value)

    def _stale_in_thread(self, corpus: Corpus) -> None:
        """Fingerprint every annotated article off the UI thread (a folder
        reopened from its index remembers them; the others read the file)."""
        app = self.app
        try:
            if is_open(app.store):
                stored, flagged = app.call_from_thread(self._stored_fingerprints), None
            else:  # read here, leaving the app's store closed
                stored, flagged = stored_marks(app.store.root, app.store.annotator)
        except HashiyaError:
            return
        stale = stale_among(stored, fingerprints_of(corpus, list(stored), Pacer()))
        app.call_from_thread(self._apply_stale, stale, flagged)

    @work(thread=True, exclusive=True, group="checks")
    def check_corpus(self) -> None:
        """What opening left for after the first frame, off the UI thread:
        compare every file of a corpus listed from its index with what the
        index remembers (a stat each) and reopen on any change, open fully a
        large folder that was only listed, or write the index of a folder
        opened for the first time; then the stale check (all there is to do
        when opening left nothing)."""
        app = self.app
        check = app.start_corpus_check()
        corpus = app.corpus
        if check is None:
            self._stale_in_thread(corpus)
            return
        try:
            if check.worth_a_process:
                self.running_check = check
                try:
                    store, flagged = app.store, None
                    if is_open(store):
                        try:
                            stored = app.call_from_thread(self._stored_fingerprints)
                        except HashiyaError:
                            stored = {}
                        fresh, stale = check_in_process(check, stored)
                    else:  # the process reads the store, leaving the app's closed
                        fresh, stale, flagged = check_reading_store(check, store.root, store.annotator)
                except CheckFailed:
                    if check.cancelled:
                        return
                    # checked here instead
                else:
                    if fresh is not None:
                        app.call_from_thread(app.replace_corpus, fresh)
                    app.call_from_thread(self._apply_stale, stale, flagged)
                    return
            fresh = check(Pacer())
        except HashiyaError as exc:
            app.call_from_thread(self.notify, str(exc), title="Corpus", severity="error")
            return
        except OSError as exc:  # the folder went away or became unreadable meanwhile
            app.call_from_thread(self.notify, f"{app.corpus.source}: cannot read: {exc.strerror or exc}",
                                 title="Corpus", severity="error")
            return
        if fresh is not None:
            app.call_from_thread(app.replace_corpus, fresh)
            corpus = fresh
        self._stale_in_thread(corpus)

    def _corpus_changed(self, fresh: Corpus) -> None:
        self.article_list.set_rows(fresh.articles, self.filter_value)
        self.update_progress()
        self.fold_titles()

    @work(thread=True, exclusive=True, group="fold")
    def fold_titles(self) -> None:
        """Fold the titles for the filter while nobody types, so the first
        keystroke finds them folded; not for a folder listed by name only,
        whose titles are each a file read (its full opening replaces the
        rows soon after)."""
        listing = self.article_list
        rows = listing.rows
        if not len(rows) or not titles_at_hand(rows):
            return
        worker = get_current_worker()
        upto = 0
        while not worker.is_cancelled and upto < len(rows) and rows is listing.rows:
            upto += FOLD_CHUNK
            listing.fold_titles(upto)
            time.sleep(0.001)  # let the UI thread have the interpreter

    def _stored_fingerprints(self) -> dict[str, str | None]:
        store = self.app.store
        return {article_id: store.fingerprint(article_id) for article_id in store.article_ids()}

    def _apply_stale(self, stale: dict[str, str], flagged: set[str] | None = None) -> None:
        """The articles found stale elsewhere (id -> fingerprint of the text
        now), each checked against the store as it is now, and the flagged
        articles when they were read there. Found while the app's store was
        not open, both stand as found: nothing can have written the store
        since (the app holds its lock), and once it is open it says itself."""
        store = self.app.store
        if not is_open(store):
            now = set(stale)
            if flagged is not None:
                self._set_flagged(flagged)
                self.update_progress()
        else:
            now = set()
            for article_id, print_ in stale.items():
                try:
                    if store.is_stale(article_id, print_):
                        now.add(article_id)
                except HashiyaError:
                    pass
        self.stale_checked = True
        if now != self.article_list.stale:
            self.article_list.stale = now
            self.article_list.refresh()
            self.update_progress()

    # events ------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.article_list.set_filter(event.value)
        self.update_progress()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.article_list.focus()

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is not None and self.focused.id == "filter":
            self.article_list.focus()
            event.stop()

    @on(ArticleList.Opened)
    def open_article(self, event: ArticleList.Opened) -> None:
        self.app.open_article(event.article_id, self._reader_closed)

    def _reader_closed(self, article_id: str | None) -> None:
        # The reader moves between articles in place: come back to the last one read.
        if article_id is not None:
            self.article_list.select(article_id)

    def _display_changed(self, display: Display) -> None:
        self.article_list.set_display(display.mode, display.harakat)

    # actions -----------------------------------------------------------

    @property
    def filter_box(self) -> Input | None:
        """The filter box, once it has been made."""
        boxes = self.query("#filter").results(Input)
        return next(boxes, None)

    @property
    def filter_value(self) -> str:
        box = self.filter_box
        return box.value if box is not None else ""

    async def action_focus_filter(self) -> None:
        box = self.filter_box
        if box is None:
            box = ShapedInput(placeholder=FILTER_PLACEHOLDER, id="filter")
            box.cursor_blink = self.app.cursor_blink
            bar = self.query_one("#list-bar")
            await bar.mount(box, before="#progress")
            await self.query_one("#filter-hint").remove()
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.filter_box
        if box is not None and box.value:
            box.value = ""
        self.article_list.focus()

    def action_next_todo(self) -> None:
        listing = self.article_list
        ids = ids_of(listing.shown)
        first = self.app.suggester.first()
        index = next(to_do_after(ids, listing.cursor, listing.statuses, listing.spans, first), None)
        if index is not None:
            listing.cursor = index
            return
        self.notify("Every article shown has annotations.", title="Next unannotated")

    def _resume_where_left(self) -> None:
        """Back on the article the list was on last time; offer the one open then."""
        resume = self.app.resume
        if resume.list_article and self.article_list.select(resume.list_article):
            self.article_list.scroll_to_region_of(self.article_list.cursor)
        self.watch(self.article_list, "cursor", self._list_moved, init=False)
        last = resume.open_article
        if last and self.app.corpus.get(last) is not None:
            self.notify(f"{last} was open when hashiya closed: o reopens it where you left it.",
                        title="Resume", timeout=8)

    def _list_moved(self, _cursor: int) -> None:
        current = self.article_list.current
        if current is not None:
            self.app.resume.list_article = current.id

    def action_reopen(self) -> None:
        last = self.app.resume.open_article or self.app.resume.list_article
        if last and self.app.corpus.get(last) is not None:
            self.app.open_article(last, self._reader_closed)
        else:
            self.notify("No article to reopen.", timeout=2)

    def action_toggle_flagged(self) -> None:
        listing = self.article_list
        if not self.flags_known:  # not read yet: the store says which they are
            try:
                self._set_flagged(self.app.store.flagged_articles())
            except HashiyaError as exc:
                self.notify(str(exc), title="Store", severity="error")
                return
        listing.flagged_only = not listing.flagged_only
        listing.set_filter(self.filter_value)
        self.update_progress()
        if listing.flagged_only and not listing.flagged:
            self.notify("No article is flagged for review (! in the reader flags one).", timeout=3)

    def action_problems(self) -> None:
        self.app.show_problems()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "problems":
            return bool(self.app.corpus.problems)
        return True
