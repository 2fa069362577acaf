"""Propagation: other occurrences of a span's text offered as suggestions
that the annotator accepts or rejects one by one or all at once. Accepted
suggestions are stored at once through the store; ones that would overlap an
entity (or break another rule) are skipped and reported."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.corpus import Corpus
from annotations.errors import HashiyaError
from annotations.model import Span
from annotations.words import occurrences
from tui.layout import display_line
from tui.screens.pickers import list_text_width
from tui.screens.search import snippet

ID_WIDTH = 14
# "[state    ] " + id + " " + offset (6) + "  "
PREFIX_WIDTH = 12 + ID_WIDTH + 1 + 6 + 2

PENDING, ACCEPTED, REJECTED, SKIPPED = "pending", "accepted", "rejected", "skipped"


@dataclass
class Suggestion:
    article_id: str
    start: int
    end: int
    state: str = PENDING
    reason: str = ""


@dataclass
class Outcome:
    accepted: list[Span] = field(default_factory=list)
    skipped: list[Suggestion] = field(default_factory=list)

    @property
    def articles(self) -> set[str]:
        return {span.article_id for span in self.accepted}


def find_suggestions(
    corpus: Corpus,
    store,
    query: str,
    label: str,
    kind: str,
    article_ids: list[str],
) -> list[Suggestion]:
    """Whole-word, folded occurrences of `query` in the given articles that
    are not already a span of `label` at the same place."""
    found: list[Suggestion] = []
    for article_id in article_ids:
        article = corpus.get(article_id)
        if article is None:
            continue
        try:
            text = article.text
        except HashiyaError:
            continue
        matches = occurrences(text, query)
        if not matches:
            continue
        have = {(s.start, s.end) for s in store.spans(article_id) if s.label == label and s.kind == kind}
        for start, end in matches:
            if (start, end) not in have:
                found.append(Suggestion(article_id, start, end))
    return found


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
        self.suggestions = suggestions
        self.label = label
        self.kind = kind
        self.corpus = corpus
        self.store = store
        self.mode = mode
        self.harakat = harakat
        self.outcome = Outcome()

    def compose(self) -> ComposeResult:
        with Vertical(id="suggestions-box", classes="dialog"):
            title = Text(f"Label other occurrences as {self.label}", style="bold")
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
        return Text(f"[{state[:9]:<9}] {name} {suggestion.start:>6}  ") + shown

    def _refresh_list(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        width = max(10, list_text_width(self.app.size.width) - PREFIX_WIDTH)
        options.clear_options()
        options.add_options([Option(self._line(s, width)) for s in self.suggestions])
        if highlighted is not None and self.suggestions:
            options.highlighted = min(highlighted, len(self.suggestions) - 1)
        counts = {state: 0 for state in (PENDING, ACCEPTED, REJECTED, SKIPPED)}
        for s in self.suggestions:
            counts[s.state] += 1
        self.query_one("#suggestions-summary", Static).update(
            f"{len(self.suggestions)} suggestions: {counts[PENDING]} pending, {counts[ACCEPTED]} accepted, "
            f"{counts[REJECTED]} rejected, {counts[SKIPPED]} skipped"
        )

    def _accept(self, suggestion: Suggestion) -> None:
        if suggestion.state != PENDING:
            return
        article = self.corpus.get(suggestion.article_id)
        try:
            if article is None:
                raise HashiyaError(f"article {suggestion.article_id} is no longer in the corpus")
            span = self.store.add_span(
                suggestion.article_id, article.text, suggestion.start, suggestion.end, self.label, self.kind
            )
        except HashiyaError as exc:
            suggestion.state = SKIPPED
            suggestion.reason = str(exc)
            self.outcome.skipped.append(suggestion)
            return
        suggestion.state = ACCEPTED
        self.outcome.accepted.append(span)

    def _current(self) -> Suggestion | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.suggestions):
            return None
        return self.suggestions[index]

    def _advance(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted or 0
        for next_index in range(index + 1, len(self.suggestions)):
            if self.suggestions[next_index].state == PENDING:
                options.highlighted = next_index
                return

    def action_accept(self) -> None:
        suggestion = self._current()
        if suggestion is not None:
            self._accept(suggestion)
            self._refresh_list()
            self._advance()

    def action_reject(self) -> None:
        suggestion = self._current()
        if suggestion is not None and suggestion.state == PENDING:
            suggestion.state = REJECTED
            self._refresh_list()
            self._advance()

    def action_accept_all(self) -> None:
        for suggestion in self.suggestions:
            self._accept(suggestion)
        self._refresh_list()

    def action_reject_all(self) -> None:
        for suggestion in self.suggestions:
            if suggestion.state == PENDING:
                suggestion.state = REJECTED
        self._refresh_list()

    @on(OptionList.OptionSelected, "#suggestions-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_accept()

    def action_close(self) -> None:
        self.dismiss(self.outcome)
