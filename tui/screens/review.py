"""The review screen: one article, every compared annotator's work on it,
and gold built from it with one key per decision.

The comparison and the decisions are the core's (annotations.curation);
this screen draws them and carries the keys out through the gold store
(journaled, undoable with u/U as in the reader). On the text, gold's spans
are drawn as the reader draws spans, the annotators' spans gold does not
hold as another annotator's (italic, overlined, in their label's colour),
disagreements still open in the search-match colour, and the place of the
chosen row as the selection. The list beside (below, on a narrow screen)
holds every agreement, disagreement and document theme of the article.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from annotations import curation
from annotations.curation import DOCUMENT, AGREED, ArticleReview, Item
from annotations.errors import HashiyaError
from annotations.model import Status
from tui.bindings import DISPLAY_MODE, HARAKAT, HELP
from tui.layout import display_line
from tui.node import HashiyaNode
from tui.sanitize import plain
from tui.screens.history import UndoKeys
from tui.widgets.footer import KeysFooter
from tui.widgets.reader import Highlight, Reader
from tui.widgets.row_list import RowList

WIDE = 110  # from this many columns the list sits beside the text
MAX_SIDES = 9

_SORT_NAMES = {
    curation.AGREED: "agreed",
    curation.ONLY: "only",
    curation.LABEL: "label",
    curation.EXTENT: "extent",
    curation.GOLD: "gold",
}


def describe_state(item: Item) -> str:
    if item.state == curation.TAKEN:
        return "in gold" if item.sort == AGREED else "gold: " + ", ".join(item.taken_from)
    if item.state == curation.NONE:
        return "gold: none"
    if item.state == curation.OWN:
        return "gold: own"
    return "not in gold" if item.sort == AGREED else "open"


def describe(item: Item, text: str, names: list[str]) -> str:
    """One row of the list, as plain text in logical order."""
    mark = "✗" if item.disagreement and item.open else ("·" if item.open else "✓")
    head = f"{mark} {_SORT_NAMES[item.sort]:<6} "
    if item.what == DOCUMENT:
        holders = [n for n, keys in item.versions if keys]
        who = ", ".join(holders) if item.sort != AGREED else "all"
        return f"{head}theme {item.label} — {who or 'no one'} — {describe_state(item)}"
    where = f"[{item.start}, {item.end}) “{text[item.start:item.end]}”"
    if item.sort in (AGREED, curation.GOLD):
        return f"{head}{item.label} {where} — {describe_state(item)}"
    sides = []
    for number, (name, keys) in enumerate(item.versions, 1):
        if not keys:
            version = "—"
        else:
            version = " + ".join(
                key[2] if (key[0], key[1]) == (item.start, item.end) else f"{key[2]} “{text[key[0]:key[1]]}”"
                for key in keys
            )
        # the name before its key number: a digit after Arabic text would
        # join the Arabic run and move
        sides.append(f"{name} ({number}): {version}")
    return f"{head}{' · '.join(sides)} — {describe_state(item)} — {where}"


class ReviewText(Reader, inherit_bindings=False):
    """The article under review: drawn by the reader, moved by the list (it
    takes no focus and no keys of its own)."""

    BINDINGS = []


class ReviewScreen(HashiyaNode, UndoKeys, Screen[str]):
    """Review one article of a review (tui.screens.review_list.ReviewSetup);
    moves between its articles in place and closes with the last one's id."""

    HELP_TITLE = "Review"

    BINDINGS = [
        Binding("1", "take(1)", "Take 1st", tooltip="Gold takes the first annotator's version of this row"),
        Binding("2", "take(2)", "Take 2nd", tooltip="Gold takes the second annotator's version"),
        Binding("0,x", "take(0)", "None", tooltip="Gold takes nothing here (and the row counts as decided)"),
        Binding("a", "take_agreements", "All agreed", tooltip="Gold takes every agreement of the article"),
        Binding("u,ctrl+z", "undo", "Undo"),
        replace(HELP, system=True),
        Binding("n", "next_open(1)", "Next open", tooltip="The next disagreement still open"),
        Binding("J,ctrl+pagedown", "switch(1)", "Next article"),
        Binding("escape,q", "back", "Back"),
        Binding("U,ctrl+y", "redo", "Redo"),
        Binding("N", "next_open(-1)", "Previous open", show=False),
        Binding("K,ctrl+pageup", "switch(-1)", "Previous article", show=False),
        Binding("M", "toggle_done", "Gold done", show=False,
                tooltip="Mark gold's article done (again: back to in progress)"),
        *(Binding(str(n), f"take({n})", f"Take annotator {n}", show=False) for n in range(3, MAX_SIDES + 1)),
        DISPLAY_MODE.screen_binding("m"),
        HARAKAT.screen_binding("h"),
    ]

    def __init__(self, setup, article_id: str, article_ids: list[str] | None = None) -> None:
        super().__init__()
        self.setup = setup
        self.article_id = article_id
        #: the articles J/K move through
        self.article_ids = list(article_ids or [article_id])
        self.review: ArticleReview | None = None
        #: the annotators' side of the article, read when it is opened
        self.comparison: curation.Comparison | None = None
        self.text = ""
        self._rows: dict[tuple, str] = {}
        self._drawn: tuple = ()
        self._theirs: frozenset | None = None
        #: the last decision's confirmation and the row it was made on: shown
        #: at the start of the status line until another row is highlighted
        self._said: tuple[str, int | None] | None = None
        self._header_lines = 0

    @property
    def gold(self):
        return self.setup.store

    @property
    def reader(self) -> Reader:
        return self.query_one("#review-reader", Reader)

    @property
    def items_list(self) -> RowList:
        return self.query_one("#review-items", RowList)

    @property
    def current(self) -> Item | None:
        index = self.items_list.highlighted
        if self.review is None or index is None or not 0 <= index < len(self.review.items):
            return None
        return self.review.items[index]

    def compose(self) -> ComposeResult:
        prefs = self.app.prefs
        yield Static("", id="review-header")
        with Horizontal(id="review-body"):
            reader = ReviewText(id="review-reader", mode=prefs.display_mode, harakat=prefs.harakat)
            reader.can_focus = False
            yield reader
            yield RowList(id="review-items", mode=prefs.display_mode, harakat=prefs.harakat,
                          empty="(no annotator marked anything in this article)")
        yield Static("", id="review-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.app.display_changed_signal.subscribe(self, lambda display: self._display_changed(display))
        self.set_class(self.app.size.width < WIDE, "narrow")
        if not self.load_article(self.article_id):
            self.app.call_later(self.app.pop_screen)
            return
        self.items_list.focus()

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < WIDE, "narrow")

    def _display_changed(self, display) -> None:
        self._drawn = ()
        self.reader.set_display(display.mode, display.harakat)
        self.items_list.set_display(display.mode, display.harakat)
        self.refresh_review()

    # ------------------------------------------------------------ article

    def load_article(self, article_id: str) -> bool:
        article = self.app.corpus.get(article_id)
        if article is None:
            self.notify(f"no article {article_id!r} in the corpus", severity="error")
            return False
        try:
            text = article.text
        except HashiyaError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        try:
            self.comparison = curation.load_annotators(self.gold, article_id, text, self.setup.names)
        except HashiyaError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        self.article_id, self.text = article_id, text
        self._rows.clear()
        self._drawn, self._theirs = (), None
        self.reader.set_text(text)
        self.items_list.highlighted = None
        self.refresh_review(first=True)
        return True

    def refresh_review(self, first: bool = False) -> None:
        """Compare again (gold changed) and draw it all."""
        try:
            self.review = curation.load(self.gold, self.article_id, self.text, self.setup.names, self.comparison)
        except HashiyaError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        review = self.review
        self._draw_text(review)
        index = self.items_list.highlighted
        self._redraw_list()
        if review.items:
            if first or index is None:
                index = next((i for i, item in enumerate(review.items) if item.disagreement and item.open), 0)
            self.items_list.highlighted = min(index, len(review.items) - 1)
        self._update_header()
        self._show_current()

    def _draw_text(self, review: ArticleReview) -> None:
        """Gold's spans, the annotators' spans gold lacks, the open places;
        each layer handed to the reader only when it changed."""
        gold = frozenset(review.gold_ids)
        if self._theirs is None:
            self._theirs = self.comparison.span_keys()
        theirs = self._theirs - gold
        open_places = tuple(_merged((i.start, i.end) for i in review.items
                                    if i.what != DOCUMENT and i.disagreement and i.open))
        drawn = self._drawn or (None, None, None)
        colours = {label.name: label.colour for label in self.app.schema.labels}
        if gold != drawn[0]:
            self.reader.set_highlights(Highlight(k[0], k[1], k[2], k[3], colours.get(k[2], "white")) for k in gold)
        if theirs != drawn[1]:
            self.reader.set_others(Highlight(k[0], k[1], k[2], k[3], colours.get(k[2], "white")) for k in theirs)
        if open_places != drawn[2]:
            self.reader.set_matches(list(open_places))
        self._drawn = (gold, theirs, open_places)

    def _redraw_list(self) -> None:
        review = self.review
        if review is None:
            return
        rows = self._rows
        if len(rows) > 4 * len(review.items) + 100:
            rows.clear()
        shown = []
        for item in review.items:
            # the versions are the article's, fixed while it is open: what
            # identifies a row's text is its place and gold's state there
            key = (item.what, item.start, item.end, item.kind, item.label, item.sort, item.state, item.taken_from)
            row = rows.get(key)
            if row is None:
                row = rows[key] = describe(item, self.text, review.names)
            shown.append(row)
        self.items_list.set_rows(shown)

    def _update_header(self) -> None:
        review = self.review
        article = self.app.corpus.get(self.article_id)
        prefs = self.app.prefs
        width = max(10, (self.size.width or 80) - 2)
        title = display_line(article.title if article else self.article_id, width,
                             mode=prefs.display_mode, harakat=prefs.harakat)
        status = self.gold.status(self.article_id).display
        index = self.article_ids.index(self.article_id) + 1 if self.article_id in self.article_ids else 0
        meta = (
            f"review {', '.join(self.setup.names)} → {self.setup.into} · {self.article_id} "
            f"({index}/{len(self.article_ids)}) · {review.remaining if review else 0} open · "
            f"{review.agreements_missing if review else 0} agreed not in gold · gold {status}"
        )
        meta = display_line(meta, width, mode=prefs.display_mode, harakat=prefs.harakat, direction="ltr")
        # shaped lines of data: text, never markup
        shown = Text("\n").join([plain(title), plain(meta)])
        # two lines cut to the width: laid out again only if that changed
        # (a layout pass redraws the whole screen, and again the frame after)
        lines = str(shown).count("\n") + 1
        self.query_one("#review-header", Static).update(shown, layout=lines != self._header_lines)
        self._header_lines = lines

    @on(RowList.Highlighted, "#review-items")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        self._show_current()

    def _show_current(self) -> None:
        item = self.current
        reader = self.reader
        status = self.query_one("#review-status", Static)
        if item is None:
            reader.clear_selection()
            status.update("")
            return
        if item.what == DOCUMENT:
            reader.clear_selection()
        elif reader.selection != (item.start, item.end):
            reader.select(item.start, item.end)
        sides = " · ".join(f"{name} {n}" for n, name in enumerate(self.setup.names[:MAX_SIDES], 1))
        line = (f"row {self.items_list.highlighted + 1}/{len(self.review.items)} · "
                f"take: {sides} · none 0 · all agreed a")
        said = self._said
        if said is not None and said[1] == self.items_list.highlighted:
            line = f"{said[0]} · {line}"
        else:
            self._said = None
        status.update(plain(line, display=self.app.prefs.display), layout=False)

    def say(self, message: str) -> None:
        """Confirm a decision, an undo or redo on the status line, drawn with
        the edit's own frame (a notification would mount a toast: a layout
        pass and more frames); it stays until another row is highlighted."""
        self._said = (message, self.items_list.highlighted)

    # ------------------------------------------------------------ decisions

    def _changed(self, *article_ids: str, said: str | None = None) -> None:
        if said is not None:
            self.say(said)
        self.refresh_review()
        for article_id in dict.fromkeys(article_ids or (self.article_id,)):
            self.app.annotations_changed_signal.publish(article_id)

    def action_take(self, number: int) -> None:
        item = self.current
        review = self.review
        if item is None or review is None:
            return
        names = review.names
        if number > len(names):
            self.notify(f"There are {len(names)} annotators in this review.", severity="warning", timeout=3)
            return
        name = names[number - 1] if number else None
        if item.sort == AGREED and name is not None:
            name = names[0]  # every version is the same
        try:
            edits = curation.take(self.gold, review, item, name)
        except HashiyaError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=6)
            self._changed()
            return
        if edits:
            self._changed(said=f"gold takes {name or 'nothing'} here ({edits} edit{'s' if edits != 1 else ''}; u undoes)")
        else:
            self._changed(said=f"gold already holds {name or 'nothing'} here")

    def action_take_agreements(self) -> None:
        if self.review is None:
            return
        edits, refused = curation.take_agreements(self.gold, self.review)
        message = f"{edits} agreement(s) taken into gold"
        if refused:
            self._changed()
            self.notify(f"{message}; {len(refused)} refused (first: {refused[0]})", severity="warning", timeout=4)
        else:
            self._changed(said=message)

    @property
    def undo_store(self):
        return self.gold

    def action_toggle_done(self) -> None:
        new = Status.IN_PROGRESS if self.gold.status(self.article_id) == Status.DONE else Status.DONE
        try:
            self.gold.set_status(self.article_id, new)
        except HashiyaError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=6)
            return
        self._changed(said=f"Gold's article marked {new.display}")

    # ------------------------------------------------------------ moving

    def action_next_open(self, step: int) -> None:
        review = self.review
        if review is None or not review.items:
            return
        count = len(review.items)
        here = self.items_list.highlighted or 0
        for k in range(1, count + 1):
            index = (here + step * k) % count
            item = review.items[index]
            if item.disagreement and item.open:
                self.items_list.highlighted = index
                return
        self.notify("No open disagreement in this article.", timeout=2)

    def action_switch(self, step: int) -> None:
        ids = self.article_ids
        index = ids.index(self.article_id) if self.article_id in ids else -1
        target = index + step
        while 0 <= target < len(ids):
            if self.load_article(ids[target]):
                return
            target += step
        self.notify("No more articles that way.", timeout=2)

    def action_back(self) -> None:
        self.dismiss(self.article_id)


def _merged(ranges) -> list[tuple[int, int]]:
    """Sorted ranges with overlapping ones joined (the reader's matches)."""
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]
