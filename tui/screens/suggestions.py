"""The suggestions of a propagation (annotations.propagation) in a list:
the annotator accepts or rejects them one by one or all at once; accepted
ones are stored at once, ones the store refuses are shown skipped with the
reason."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.corpus import Corpus
from annotations.propagation import ACCEPTED, PENDING, REJECTED, SKIPPED, Outcome, Propagation, Suggestion
from tui.layout import display_line
from tui.screens.pickers import list_text_width
from tui.sanitize import plain
from tui.screens.search import snippet

ID_WIDTH = 14
# "[state    ] " + id + " " + offset (6) + "  "
PREFIX_WIDTH = 12 + ID_WIDTH + 1 + 6 + 2

class SuggestionsScreen(ModalScreen[Outcome]):
    """a accepts, r rejects the highlighted suggestion; A accepts all pending."""

    BINDINGS = [
        Binding("a,enter", "accept", "Accept"),
        Binding("r,delete", "reject", "Reject"),
        Binding("A", "accept_all", "Accept all"),
        Binding("R", "reject_all", "Reject all"),
        Binding("escape", "close", "Done"),
    ]

    def __init__(
        self,
        suggestions: list[Suggestion],
        label: str,
        kind: str,
        *,
        corpus: Corpus,
        store,
        mode: str = "visual",
        harakat: bool = True,
    ) -> None:
        super().__init__()
        self.propagation = Propagation(suggestions, label, kind, corpus=corpus, store=store)
        self.suggestions = suggestions
        self.label = label
        self.corpus = corpus
        self.mode = mode
        self.harakat = harakat

    def compose(self) -> ComposeResult:
        with Vertical(id="suggestions-box", classes="dialog"):
            title = plain(f"Label other occurrences as {self.label}", "bold")
            title.append("  (a accept · r reject · A accept all · R reject all · Esc done)", style="not bold")
            yield Static(title)
            yield Static("", id="suggestions-summary")
            yield OptionList(id="suggestions-list", markup=False)

    def on_mount(self) -> None:
        self._refresh_list()
        options = self.query_one(OptionList)
        if self.suggestions:
            options.highlighted = 0
        options.focus()

    def on_resize(self) -> None:
        self._refresh_list()

    def _line(self, suggestion: Suggestion, width: int) -> Text:
        article = self.corpus.get(suggestion.article_id)
        text = article.text if article is not None else ""
        shown = snippet(text, suggestion.start, suggestion.end, width, mode=self.mode, harakat=self.harakat)
        state = suggestion.state
        if state == SKIPPED:
            state = f"skipped: {suggestion.reason}"
        name = display_line(suggestion.article_id, ID_WIDTH, mode=self.mode, harakat=self.harakat)
        name += " " * max(0, ID_WIDTH - Text(name).cell_len)
        return plain(f"[{state[:9]:<9}] {name} {suggestion.start:>6}  ") + shown

    def _refresh_list(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        width = max(10, list_text_width(self.app.size.width) - PREFIX_WIDTH)
        options.clear_options()
        options.add_options([Option(self._line(s, width)) for s in self.suggestions])
        if highlighted is not None and self.suggestions:
            options.highlighted = min(highlighted, len(self.suggestions) - 1)
        counts = self.propagation.counts()
        self.query_one("#suggestions-summary", Static).update(
            f"{len(self.suggestions)} suggestions: {counts[PENDING]} pending, {counts[ACCEPTED]} accepted, "
            f"{counts[REJECTED]} rejected, {counts[SKIPPED]} skipped"
        )

    def _current(self) -> Suggestion | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.suggestions):
            return None
        return self.suggestions[index]

    def _advance(self) -> None:
        options = self.query_one(OptionList)
        next_index = self.propagation.next_pending(options.highlighted or 0)
        if next_index is not None:
            options.highlighted = next_index

    def action_accept(self) -> None:
        suggestion = self._current()
        if suggestion is not None:
            self.propagation.accept(suggestion)
            self._refresh_list()
            self._advance()

    def action_reject(self) -> None:
        suggestion = self._current()
        if suggestion is not None and suggestion.state == PENDING:
            self.propagation.reject(suggestion)
            self._refresh_list()
            self._advance()

    def action_accept_all(self) -> None:
        self.propagation.accept_all()
        self._refresh_list()

    def action_reject_all(self) -> None:
        self.propagation.reject_all()
        self._refresh_list()

    @on(OptionList.OptionSelected, "#suggestions-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_accept()

    def action_close(self) -> None:
        self.dismiss(self.propagation.outcome)
