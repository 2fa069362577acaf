"""Find in the article and across the corpus, insensitive to harakat,
tatweel and the alef/hamza, ى/ي, ة/ه variants (annotations.textnorm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from rich.text import Text
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.corpus import Corpus
from annotations.errors import HashiyaError
from annotations.textnorm import normalize, normalize_with_map
from tui.layout import display_cells, display_line
from tui.node import HashiyaNode
from tui.widgets.reader import MATCH
from tui.widgets.shaped_input import ShapedInput

MAX_RESULTS = 500


@dataclass(frozen=True)
class Hit:
    article_id: str
    start: int
    end: int
    query: str


def search_corpus(corpus: Corpus, query: str, limit: int = MAX_RESULTS) -> tuple[list[Hit], int]:
    """Folded matches of `query` in every article (up to `limit`), and how
    many articles could not be read."""
    hits: list[Hit] = []
    unreadable = 0
    if not normalize(query):
        return hits, unreadable
    for article in corpus:
        try:
            text = article.text
        except HashiyaError:
            unreadable += 1
            continue
        for start, end in normalize_with_map(text).find_all(query):
            hits.append(Hit(article.id, start, end, query))
            if len(hits) >= limit:
                return hits, unreadable
    return hits, unreadable


def around_for(width: int, length: int) -> int:
    """How much context either side of a match of `length` characters keeps
    the match inside a snippet `width` columns wide."""
    return max(4, min(24, (width - length) // 2))


def context_of(text: str, start: int, end: int, around: int = 24) -> str:
    """The match with some words either side, on one line (whole words:
    a word cut by the `around` limit is left out)."""
    return context_with_match(text, start, end, around)[0]


def context_with_match(text: str, start: int, end: int, around: int = 24) -> tuple[str, int, int]:
    """``context_of`` and where the match is in it: (context, start, end)."""
    lo = max(0, start - around)
    hi = min(len(text), end + around)
    if lo > 0 and not text[lo - 1].isspace():
        gap = next((i for i in range(lo, start) if text[i].isspace()), None)
        lo = start if gap is None else gap
    if hi < len(text) and not text[hi].isspace():
        gap = next((i for i in range(hi - 1, end - 1, -1) if text[i].isspace()), None)
        hi = end if gap is None else gap
    # Runs of whitespace (newlines too) become one space, none at either end.
    out: list[str] = []
    at_start = at_end = None
    for i in range(lo, hi):
        if i == start:
            at_start = len(out)
        if i == end:
            at_end = len(out)
        ch = text[i]
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
    at_start = len(out) if at_start is None else at_start
    at_end = len(out) if at_end is None else at_end
    if out and out[-1] == " ":
        out.pop()
    at_start, at_end = min(at_start, len(out)), min(at_end, len(out))
    return "".join(out), at_start, at_end


def snippet(text: str, start: int, end: int, width: int, *, mode: str = "visual",
            harakat: bool = True) -> Text:
    """The context of a match, shaped on one line of at most ``width``
    columns, the match's cells highlighted as in the reader."""
    context, first, last = context_with_match(text, start, end, around_for(width, end - start))
    line = Text()
    for cell in display_cells(context, width, mode=mode, harakat=harakat):
        inside = cell.start < last and cell.end > first
        line.append(cell.text, MATCH if inside else None)
    return line


class FindInArticle(HashiyaNode, ModalScreen[str | None]):
    """Ask for a query; matches are highlighted as it is typed (through
    `preview`, which returns how many there are); Enter keeps them and goes
    to the first one (n / N move)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, initial: str = "", preview: Callable[[str], int] | None = None) -> None:
        super().__init__()
        self.initial = initial
        self.preview = preview

    def compose(self) -> ComposeResult:
        with Vertical(id="find-box", classes="dialog"):
            mode, harakat = self.app.prefs.display
            title = Text("Find in article", style="bold")
            title.append(display_line(
                "  (harakat, tatweel, أ/إ/آ/ا, ى/ي, ة/ه ignored)", None, direction="ltr",
                mode=mode, harakat=harakat))
            yield Static(title, id="find-title")
            yield ShapedInput(value=self.initial, placeholder="text to find", id="find-query")
            yield Static("", id="find-count")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed, "#find-query")
    def _typed(self, event: Input.Changed) -> None:
        if self.preview is None:
            return
        count = self.preview(event.value)
        label = "" if not normalize(event.value) else f"{count} match{'es' if count != 1 else ''}"
        self.query_one("#find-count", Static).update(label)

    @on(Input.Submitted, "#find-query")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value if event.value.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FindInCorpus(ModalScreen[Hit | None]):
    """Type a query, Enter searches every article; choose a result to open it there."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "focus_results", "Results", show=False),
    ]

    def __init__(self, corpus: Corpus, initial: str = "", *, mode: str = "visual", harakat: bool = True) -> None:
        super().__init__()
        self.corpus = corpus
        self.initial = initial
        self.mode = mode
        self.harakat = harakat
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="corpus-find-box", classes="dialog"):
            yield Static("[b]Find in corpus[/b]  (Enter searches; ↓ and Enter open a result)")
            yield ShapedInput(value=self.initial, placeholder="text to find in every article", id="corpus-query")
            yield Static("", id="corpus-summary")
            yield OptionList(id="corpus-results", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#corpus-query")
    def _submit(self, event: Input.Submitted) -> None:
        query = event.value
        if not normalize(query):
            self.query_one("#corpus-summary", Static).update("Type something to find.")
            return
        self.query_one("#corpus-summary", Static).update("Searching…")
        self._search(query)

    @work(thread=True, exclusive=True)
    def _search(self, query: str) -> None:
        hits, unreadable = search_corpus(self.corpus, query)
        self.app.call_from_thread(self._show, query, hits, unreadable)

    def _show(self, query: str, hits: list[Hit], unreadable: int) -> None:
        self.hits = hits
        results = self.query_one(OptionList)
        results.clear_options()
        # The list's border and padding (4), a scrollbar (2), id and offset (27).
        width = max(20, (results.size.width or 80) - 4 - 2 - 27)
        options = []
        for hit in hits:
            article = self.corpus.get(hit.article_id)
            text = article.text if article is not None else ""
            name = display_line(hit.article_id, 18, mode=self.mode, harakat=self.harakat)
            name += " " * max(0, 18 - Text(name).cell_len)
            options.append(Option(Text(f"{name} {hit.start:>6}  ")
                                  + snippet(text, hit.start, hit.end, width, mode=self.mode, harakat=self.harakat)))
        results.add_options(options)
        articles = len({hit.article_id for hit in hits})
        summary = f"{len(hits)} match{'es' if len(hits) != 1 else ''} in {articles} article{'s' if articles != 1 else ''}"
        if len(hits) >= MAX_RESULTS:
            summary += f" (first {MAX_RESULTS} shown)"
        if unreadable:
            summary += f"; {unreadable} article(s) could not be read"
        self.query_one("#corpus-summary", Static).update(summary)
        if hits:
            results.highlighted = 0

    @on(OptionList.OptionSelected, "#corpus-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])

    def action_focus_results(self) -> None:
        if self.hits:
            self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
