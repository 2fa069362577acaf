"""The review's article list: every article some compared annotator (or
gold) has work on, with how many disagreements remain open and how many
agreements gold does not hold yet; Enter reviews one (tui.screens.review).

``hashiya review --from alice,bob --into gold`` opens the app on this
screen with gold as the app's annotator. From the command palette ("Review
annotators into gold") it opens over the article list with every other
annotator of the store compared, gold's store opened (and locked) beside
the app's own until the review is left.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from annotations import curation
from annotations.errors import HashiyaError
from tui.bindings import HELP
from tui.layout import display_line
from tui.node import HashiyaNode
from tui.sanitize import plain
from tui.widgets.footer import KeysFooter
from tui.widgets.row_list import RowList

GOLD = "gold"


@dataclass
class ReviewSetup:
    names: list[str]  # the annotators compared, in key order (1, 2, ...)
    into: str  # gold's annotator name
    store: object  # a Store writing as `into`
    owned: bool = False  # opened for this review: closed when it is left


@dataclass
class Row:
    article_id: str
    title: str
    remaining: int = -1  # -1: not counted yet
    missing: int = 0
    status: str = ""


class ReviewListScreen(HashiyaNode, Screen[None]):
    HELP_TITLE = "Review list"

    BINDINGS = [
        Binding("enter", "open", "Review", show=False),
        Binding("n", "next_open", "Next open", tooltip="The next article with an open disagreement"),
        HELP,
        Binding("escape,q", "leave", "Back/quit"),
    ]

    def __init__(self, setup: ReviewSetup) -> None:
        super().__init__()
        self.setup = setup
        self.rows: list[Row] = []
        #: articles changed while the review was on top: recounted when shown
        self._changed_away: set[str] = set()

    @property
    def listing(self) -> RowList:
        return self.query_one("#review-articles", RowList)

    def compose(self) -> ComposeResult:
        yield Static("", id="review-list-header")
        prefs = self.app.prefs
        yield RowList(id="review-articles", mode=prefs.display_mode, harakat=prefs.harakat,
                      empty="(none of these annotators has work in this corpus)")
        yield KeysFooter()

    def on_mount(self) -> None:
        app = self.app
        store = self.setup.store
        wanted = set(store.article_ids())
        for name in self.setup.names:
            wanted.update(store.article_ids(name))
        self.rows = [Row(a.id, a.title) for a in app.corpus.articles if a.id in wanted]
        # Told at once: under the review, all it does is note the article
        # (its recount waits until the list is shown again), so a decision's
        # frame does not wait for this screen's turn or for the recount.
        app.annotations_changed_signal.subscribe(self, self._changed, immediate=True)
        app.display_changed_signal.subscribe(self, self._display_changed)
        self._redraw()
        self.listing.focus()
        self._count_all()

    def _display_changed(self, display) -> None:
        self.listing.set_display(display.mode, display.harakat)
        self._redraw()

    @work(thread=True, exclusive=True, group="review-count")
    def _count_all(self) -> None:
        for row in list(self.rows):
            self._count(row)
        self.app.call_from_thread(self._redraw)

    def _count(self, row: Row) -> None:
        article = self.app.corpus.get(row.article_id)
        try:
            review = curation.load(self.setup.store, row.article_id, article.text, self.setup.names)
            row.remaining, row.missing = review.remaining, review.agreements_missing
            row.status = self.setup.store.status(row.article_id).display
        except (HashiyaError, AttributeError):
            row.remaining, row.status = -1, "unreadable"

    def _changed(self, article_id: str) -> None:
        self._changed_away.add(article_id)
        if self.app.screen is self:
            self.call_next(self._recount_changed)

    def on_screen_resume(self) -> None:
        self._recount_changed()

    def _recount_changed(self) -> None:
        changed, self._changed_away = self._changed_away, set()
        if not changed:
            return
        for row in self.rows:
            if row.article_id in changed:
                self._count(row)
        self._redraw()

    def _redraw(self) -> None:
        prefs = self.app.prefs
        listing = self.listing
        lines = []
        for row in self.rows:
            counts = "    …" if row.remaining < 0 else f"{row.remaining:>3} open {row.missing:>3} to take"
            # the title last, set off from the id: the row is drawn left to right
            lines.append(f"{counts}  {row.status or '':<11} {row.article_id}  {row.title}")
        listing.set_rows(lines)
        if lines and listing.highlighted is None:
            listing.highlighted = 0
        left = sum(max(0, row.remaining) for row in self.rows)
        header = (f"Review {', '.join(self.setup.names)} → {self.setup.into}: {len(self.rows)} article(s), "
                  f"{left} open disagreement(s); \"to take\": agreements not in gold yet")
        header = display_line(header, max(10, (self.size.width or 80) - 2), mode=prefs.display_mode,
                              harakat=prefs.harakat, direction="ltr")
        self.query_one("#review-list-header", Static).update(plain(header))


    def action_open(self) -> None:
        from .review import ReviewScreen

        index = self.listing.highlighted
        if index is None or not 0 <= index < len(self.rows):
            return
        ids = [row.article_id for row in self.rows]

        def closed(article_id: str | None) -> None:
            if article_id in ids:
                self.listing.highlighted = ids.index(article_id)

        self.app.push_screen(ReviewScreen(self.setup, ids[index], ids), closed)

    def action_next_open(self) -> None:
        start = self.listing.highlighted or 0
        count = len(self.rows)
        for k in range(1, count + 1):
            index = (start + k) % count
            if self.rows[index].remaining > 0:
                self.listing.highlighted = index
                return
        self.notify("No article with an open disagreement.", timeout=3)

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)
        else:
            self.app.exit()

    def on_unmount(self) -> None:
        if self.setup.owned:
            try:
                self.setup.store.close()
            except HashiyaError:
                pass


def start_review(app, into: str = GOLD) -> None:
    """The palette's review: every annotator of the store with work in it
    but `into`, compared into `into`."""
    from annotations.store import Store

    store = app.store
    names = [name for name in store.annotators() if name != into and store.article_ids(name)]
    if not names:
        app.notify(f"No annotators to review besides {into!r}.", severity="warning", timeout=4)
        return
    if store.annotator == into:
        setup = ReviewSetup(names, into, store)
    else:
        try:
            setup = ReviewSetup(names, into, Store(app.settings.store, into), owned=True)
        except HashiyaError as exc:
            app.notify(str(exc), title="Cannot review", severity="error", timeout=8)
            return
    app.push_screen(ReviewListScreen(setup))
