"""The article list widget: one line per article (status, span count,
stale marker, review flag, waiting suggestions, title), drawn with the line
API so only the rows on screen are shaped, and its filter over the titles
folded a chunk at a time. The screen around it is tui.screens.articles."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.corpus import Article, ListedArticle, ids_of
from annotations.model import Status
from annotations.textnorm import fold_many, is_rtl, normalize

from ..layout import display_line
from ..sanitize import visible


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


def titles_at_hand(rows: Sequence[Article]) -> bool:
    """Whether the titles of `rows` are known without reading a file each:
    not for a large folder listed by name only (corpus_index.HeadArticle),
    whose full opening replaces the rows soon after."""
    return not len(rows) or getattr(rows, "titles", None) is not None or not isinstance(rows[0], ListedArticle)


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
        self.filter_waits = False
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
        elif not titles_at_hand(rows):
            # A large folder listed by name: reading every file's head here
            # would hold the screen for seconds. Its full opening brings the
            # titles (set_rows), and the filter applies then.
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
        #: a filter typed before the titles are known, applied once they are
        self.filter_waits = bool(needle) and self.shown is rows
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
