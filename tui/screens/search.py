"""Find in the article and across the corpus, insensitive to harakat,
tatweel and the alef/hamza, ى/ي, ة/ه variants (annotations.textnorm); the
search itself and the context of each match are annotations.search, drawn
here."""

from __future__ import annotations

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
from annotations.search import MAX_RESULTS, Hit, context_for_width, search_corpus
from annotations.textnorm import normalize
from tui.layout import display_cells, display_line
from tui.node import HashiyaNode
from tui.widgets.reader import MATCH
from tui.widgets.shaped_input import ShapedInput


def snippet(text: str, start: int, end: int, width: int, *, mode: str = "visual",
            harakat: bool = True) -> Text:
    """The context of a match, shaped on one line of at most ``width``
    columns, the match's cells highlighted as in the reader."""
    context = context_for_width(text, start, end, width)
    line = Text()
    for cell in display_cells(context.text, width, mode=mode, harakat=harakat):
        inside = cell.start < context.end and cell.end > context.start
        line.append(cell.text, MATCH if inside else None)
    return line


#: What a search ignores. Each group of letters stands between Latin words and "="
#: reads the same both ways, so the groups keep their order in a left-to-right line
#: (with "أ/إ/آ/ا, ى/ي" the letters and commas made one right-to-left run, drawn
#: backwards). It fits one line of the dialog at 80 columns.
FIND_HINT = "  (ignores harakat, tatweel; أ=إ=آ=ا and ى=ي and ة=ه)"


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
                FIND_HINT, None, direction="ltr",
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
    """Type a query, Enter searches every article for it as whole words (as
    propagation counts them); choose a result to open it there. The query
    starts empty: ↑ brings back the article's search (`previous`) when asked."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "focus_results", "Results", show=False),
        Binding("up", "recall", "Article's search", show=False),
    ]

    def __init__(
        self,
        corpus: Corpus,
        initial: str = "",
        *,
        previous: str = "",
        mode: str = "visual",
        harakat: bool = True,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.initial = initial
        self.previous = previous
        self.mode = mode
        self.harakat = harakat
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="corpus-find-box", classes="dialog"):
            yield Static("[b]Find in corpus[/b]  (whole words · Enter searches · ↓ to results)")
            hint = " (↑: the article's search)" if normalize(self.previous) else ""
            yield ShapedInput(value=self.initial, placeholder=f"words to find in every article{hint}",
                              id="corpus-query")
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

    def action_recall(self) -> None:
        query = self.query_one("#corpus-query", Input)
        if normalize(self.previous) and not query.value:
            query.value = self.previous
            query.cursor_position = len(self.previous)

    def action_focus_results(self) -> None:
        if self.hits:
            self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
