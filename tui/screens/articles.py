"""The article list: every article of the corpus with this annotator's
status, span count, stale marker and review flag (⚑: the article or one of
its spans is flagged; ! shows only those), a filter box and the corpus
progress.

The list is drawn with the line API: only the rows on screen are shaped,
so a corpus of 10,000 articles appears at once. Staleness needs every
annotated article's text, so it is worked out in a thread after the list
is up.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Horizontal
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Header, Input, Static

from annotations.corpus import Article, Corpus, ListedArticle, ids_of
from annotations.errors import HashiyaError
from annotations.model import Status
from annotations.progress import to_do_after
from annotations.textnorm import fold_many, is_rtl, normalize

from ..corpus_index import CheckFailed, Pacer, check_in_process, check_reading_store, fingerprints_of, stale_among
from ..deferred_store import is_open, stored_marks
from ..layout import display_line
from ..node import HashiyaNode
from ..prefs import Display
from ..sanitize import visible
from ..widgets.footer import KeysFooter
from ..widgets.shaped_input import ShapedInput

STATUS_WIDTH = 14
COUNT_WIDTH = 6
STALE_WIDTH = 6
FIXED_WIDTH = STATUS_WIDTH + COUNT_WIDTH + STALE_WIDTH + 1
# "✱ 12": suggestions waiting; the column is there only while some wait
SUGGESTED_WIDTH = 6
# Titles folded at a time for the filter (ArticleList.fold_titles): a few
# milliseconds of long titles, so folding off the UI thread, which holds
# the interpreter while it folds a chunk, never holds up a key for long.
FOLD_CHUNK = 512


class Subset(Sequence):
    """Some of the rows, in order; an article is only looked up when its row
    is drawn (a filter matching 10,000 titles makes no 10,000 objects)."""

    def __init__(self, rows: Sequence[Article], positions: list[int]) -> None:
        self._rows, self._positions = rows, positions
        all_ids = ids_of(rows)
        self.ids = [all_ids[position] for position in positions]

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._rows[position] for position in self._positions[index]]
        return self._rows[self._positions[index]]


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """One line per article; Enter (or a click on the current row) opens it."""

    BINDINGS = [
        Binding("enter", "open", "Open", priority=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First article", show=False),
        Binding("end", "edge(1)", "Last article", show=False),
    ]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--todo",
        "article-list--in-progress",
        "article-list--done",
        "article-list--stale",
        "article-list--count",
    }

    DEFAULT_CSS = """
    ArticleList { height: 1fr; }
    ArticleList > .article-list--cursor { background: $accent 40%; text-style: bold; }
    ArticleList:focus > .article-list--cursor { background: $accent; color: $text; }
    ArticleList > .article-list--todo { color: $text-muted; }
    ArticleList > .article-list--in-progress { color: $warning; }
    ArticleList > .article-list--done { color: $success; }
    ArticleList > .article-list--stale { color: $error; text-style: bold; }
    ArticleList > .article-list--count { color: $text; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class Opened(Message):
        article_id: str

    def __init__(self, rows: Sequence[Article], *, mode: str = "visual", harakat: bool = True,
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # The corpus's own Article objects (id, title): nothing is copied per
        # article, and what the store says lives in dicts keyed by id, so a
        # refresh costs the number of annotated articles, not the corpus size.
        self.rows = rows
        self.shown: Sequence[Article] = rows
        self.spans: dict[str, int] = {}
        self.statuses: dict[str, Status] = {}
        self.stale: set[str] = set()
        #: waiting suggestions per article (never counted as spans)
        self.suggested: dict[str, int] = {}
        self.flagged: set[str] = set()
        self.flagged_only = False
        #: the filter's folded title of each row, by position (see fold_titles)
        self._folded: list[str] = []
        self._fold_lock = threading.Lock()
        self._needle = ""  # what the rows shown were filtered by
        self.mode = mode
        self.harakat = harakat
        # Titles as drawn, per article and width.
        self._titles: LRUCache[tuple[str, int], str] = LRUCache(4096)
        self._directions: dict[str, bool] = {}
        self._style_cache: dict[str, Style] | None = None
        self.virtual_size = Size(0, len(self.shown))

    # state -------------------------------------------------------------

    @property
    def current(self) -> Article | None:
        if 0 <= self.cursor < len(self.shown):
            return self.shown[self.cursor]
        return None

    def fold_titles(self, upto: int | None = None) -> bool:
        """Fold the titles of the rows up to `upto` (all by default), a chunk
        at a time: the filter's copy of each title lives in a list beside
        the rows, and folding 100,000 long titles in one pass would hold
        several copies of all of them at once. True when every title is
        folded. Safe to call from a thread: each chunk is folded and added
        under a lock, and a chunk folded for rows that were replaced
        meanwhile is dropped."""
        rows = self.rows
        end = len(rows) if upto is None else min(upto, len(rows))
        # A corpus listed from its index has its titles at hand, folded too:
        # no article object is made for a title that does not match, and
        # nothing is folded again.
        titles = getattr(rows, "titles", None)
        remembered = getattr(rows, "folded", None)
        while True:
            with self._fold_lock:
                folded = self._folded
                start = len(folded)
                if rows is not self.rows or start >= end:
                    return start >= len(rows) and rows is self.rows
                stop = min(start + FOLD_CHUNK, end)
                if remembered is not None:
                    folded.extend(remembered[start:stop])
                    if stop == len(rows):  # all taken: the block is not needed twice
                        rows.folded = None
                    continue
                chunk = (titles[position] for position in range(start, stop)) if titles is not None \
                    else (rows[position].title for position in range(start, stop))
                folded.extend(fold_many(list(chunk)))

    def set_filter(self, query: str) -> None:
        current = self.current
        needle = normalize(query.strip())
        rows = self.rows
        if self.flagged_only:
            ids = ids_of(rows)
            positions = [position for position, article_id in enumerate(ids) if article_id in self.flagged]
            if needle:
                titles = fold_many([rows[position].title for position in positions])
                positions = [position for position, title in zip(positions, titles) if needle in title]
            self.shown = Subset(rows, positions)
        elif not needle:
            self.shown = rows
        else:
            self.fold_titles()
            folded = self._folded
            shown = self.shown
            if self._needle and needle.startswith(self._needle) and isinstance(shown, Subset) and shown._rows is rows:
                # typed on: only what matched before can match now
                positions = [position for position in shown._positions if needle in folded[position]]
            else:
                positions = [position for position, title in enumerate(folded) if needle in title]
            self.shown = Subset(rows, positions)
        self._needle = needle
        # Rows are cut to the width, never scrolled sideways: the virtual
        # width stays 0, so a resize changes nothing here.
        self.virtual_size = Size(0, len(self.shown))
        index = self._index_of(current.id) if current is not None else None
        index = 0 if index is None else index
        self.cursor = index
        self.refresh()

    def set_rows(self, rows: Sequence[Article], query: str = "") -> None:
        """A new corpus (the same one, checked again): keep the filter and the
        current article if it is still there."""
        with self._fold_lock:
            self.rows = rows
            self._folded = []
        self._titles.clear()
        self._directions.clear()
        self.set_filter(query)

    def set_display(self, mode: str, harakat: bool) -> None:
        self.mode, self.harakat = mode, harakat
        self._titles.clear()
        self.refresh()

    def _index_of(self, article_id: str) -> int | None:
        ids = getattr(self.shown, "ids", None)
        if ids is not None:
            try:
                return ids.index(article_id)
            except ValueError:
                return None
        for index, row in enumerate(self.shown):
            if row.id == article_id:
                return index
        return None

    def status_of(self, article_id: str) -> Status:
        return self.statuses.get(article_id, Status.TODO)

    def select(self, article_id: str) -> bool:
        index = self._index_of(article_id)
        if index is None:
            return False
        self.cursor = index
        return True

    def watch_cursor(self, old: int, new: int) -> None:
        clamped = max(0, min(new, len(self.shown) - 1)) if self.shown else 0
        if clamped != new:
            self.cursor = clamped
            return
        top = int(self.scroll_y)
        self.scroll_to_region_of(new)
        if int(self.scroll_y) != top:
            self.refresh()
        else:  # only the rows the cursor left and reached change
            self.refresh_line(old)
            self.refresh_line(new)

    def scroll_to_region_of(self, index: int) -> None:
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)

    # actions -----------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.cursor = self.cursor + delta

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        self.cursor = self.cursor + direction * height

    def action_edge(self, end: int) -> None:
        self.cursor = len(self.shown) - 1 if end else 0

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row.id))

    def on_click(self, event: Click) -> None:
        index = event.y + int(self.scroll_y)
        if 0 <= index < len(self.shown):
            if index == self.cursor and event.chain >= 1 and self.has_focus:
                self.cursor = index
                self.action_open()
            else:
                self.cursor = index
        self.focus()

    # drawing -----------------------------------------------------------

    def _title(self, row: Article, width: int) -> str:
        key = (row.id, width)
        shown = self._titles.get(key)
        if shown is None:
            try:
                shown = display_line(row.title, width, mode=self.mode, harakat=self.harakat)
            except Exception:  # a title the engine cannot draw must not hide the list
                shown = visible(row.id)[:width]
            self._titles[key] = shown
        return shown

    def _styles(self) -> dict[str, Style]:
        """The row styles, worked out again after each change of the CSS,
        the theme or the focus (each one a style update)."""
        if self._style_cache is None:
            base = self.rich_style
            get = self.get_component_rich_style
            self._style_cache = {
                "base": base,
                "cursor": base + get("article-list--cursor"),
                **{component: base + get(component, partial=True) for component in (
                    "article-list--todo", "article-list--in-progress", "article-list--done",
                    "article-list--count", "article-list--stale")},
            }
        return self._style_cache

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_y)
        styles = self._styles()
        base = styles["base"]
        if index >= len(self.shown) or width <= 0:
            return Strip.blank(width, base)
        row = self.shown[index]
        article_id = row.id
        status = self.statuses.get(article_id, Status.TODO)
        spans = self.spans.get(article_id, 0)
        on_cursor = index == self.cursor
        # On the cursor row the cursor colours win, so nothing vanishes into
        # a background of the same hue.
        row_style = styles["cursor"] if on_cursor else base
        status_style, status_text = _STATUS_LOOK[status]
        suggested_width = SUGGESTED_WIDTH if self.suggested else 0
        title_width = max(0, width - FIXED_WIDTH - suggested_width)
        title = self._title(row, title_width) if title_width else ""
        pad = max(0, title_width - cell_len(title))
        segments = [
            Segment(f" {status_text:<{STATUS_WIDTH - 1}}", row_style if on_cursor else styles[status_style]),
            Segment(f"{spans:>{COUNT_WIDTH - 2}}  " if spans else " " * COUNT_WIDTH,
                    row_style if on_cursor else styles["article-list--count"]),
            Segment(("stale" if article_id in self.stale else " " * (STALE_WIDTH - 1))
                    + ("⚑" if article_id in self.flagged else " "),
                    row_style if on_cursor else styles["article-list--stale"]),
        ]
        if suggested_width:
            waiting = self.suggested.get(article_id, 0)
            segments.append(Segment(f"✱{waiting:>3}  " if waiting else " " * suggested_width,
                                    row_style if on_cursor else styles["article-list--count"]))
        if self._rtl(row):
            segments += [Segment(" " * pad, row_style), Segment(title, row_style)]
        else:
            segments += [Segment(title, row_style), Segment(" " * pad, row_style)]
        segments.append(Segment(" ", row_style))
        return Strip(segments).adjust_cell_length(width, row_style)

    def _rtl(self, row: Article) -> bool:
        rtl = self._directions.get(row.id)
        if rtl is None:
            rtl = self._directions[row.id] = is_rtl(row.title)
        return rtl


_STATUS_LOOK = {
    Status.TODO: ("article-list--todo", "  todo"),
    Status.IN_PROGRESS: ("article-list--in-progress", "▸ in progress"),
    Status.DONE: ("article-list--done", "✓ done"),
}


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
        app.annotations_changed_signal.subscribe(self, self._annotations_changed)
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
            self.refresh_from_store(article_id)
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
        listing.statuses = {article_id: Status(status) for article_id, status in statuses.items()}
        if article_id is not None:
            self._recheck_stale(article_id)
        self.article_list.refresh()
        self.update_progress()

    def update_progress(self) -> None:
        listing = self.article_list
        rows = listing.rows
        in_corpus = self.app.corpus
        known = [status for article_id, status in listing.statuses.items() if article_id in in_corpus]
        done = sum(1 for status in known if status is Status.DONE)
        going = sum(1 for status in known if status is Status.IN_PROGRESS)
        text = f"{done}/{len(rows)} done"
        if going:
            text += f" · {going} in progress"
        self.query_one("#progress", Static).update(text)
        shown = len(self.article_list.shown)
        stale = len(listing.stale)
        parts = [f"{shown} of {len(rows)} articles shown" if shown != len(rows) else f"{len(rows)} articles"]
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
        if not len(rows) or (getattr(rows, "titles", None) is None and isinstance(rows[0], ListedArticle)):
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
