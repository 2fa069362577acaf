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
from annotations.model import ENTITY
from annotations.propagation import ACCEPTED, PENDING, REJECTED, SKIPPED, Outcome, Propagation, Suggestion
from tui.layout import display_line
from tui.screens.pickers import list_text_width
from tui.sanitize import plain
from tui.screens.search import snippet

#: "[accepted] ": the longest state and its brackets
STATE_WIDTH = 11
#: the article column shows ids cut to the shortest prefix that tells them
#: apart, at least this long and at most an eighth of the list
MIN_ID_WIDTH = 3
# state + id + " " + offset (6) + "  "
OFFSET_WIDTH = 1 + 6 + 2

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
        self._notes: dict[int, str] = {}

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

    def _id_width(self, list_width: int) -> int:
        """The article column: the shortest prefix length that tells the ids
        apart (an id wider is cut with "…"), within [MIN_ID_WIDTH, list/8]."""
        ids = sorted({s.article_id for s in self.suggestions})
        longest = max((len(i) for i in ids), default=MIN_ID_WIDTH)
        cap = max(MIN_ID_WIDTH, list_width // 8)
        for width in range(MIN_ID_WIDTH, min(longest, cap) + 1):
            if len({i[:width] for i in ids}) == len(ids):
                return width if width == longest else min(width + 1, cap)
        return min(longest, cap)

    def _overlaps(self) -> dict[int, str]:
        """For each pending entity suggestion (by position) that the store would
        refuse for an overlap, what it overlaps: an entity already stored, or
        another suggestion (only one of two overlapping suggestions can be kept)."""
        if self.propagation.kind != ENTITY:
            return {}
        notes: dict[int, str] = {}
        stored: dict[str, list] = {}
        pending = [(k, s) for k, s in enumerate(self.suggestions) if s.state == PENDING]
        for k, suggestion in pending:
            if suggestion.article_id not in stored:
                try:
                    spans = self.propagation.store.spans(suggestion.article_id)
                except Exception:  # an unreadable store file: accepting will say why
                    spans = []
                stored[suggestion.article_id] = [sp for sp in spans if sp.kind == ENTITY]
            clash = next(
                (sp for sp in stored[suggestion.article_id] if sp.overlaps(suggestion.start, suggestion.end)),
                None,
            )
            if clash is not None:
                notes[k] = f"overlaps {clash.label} at {clash.start}"
                continue
            other = next(
                (o for j, o in pending if j != k and o.article_id == suggestion.article_id
                 and o.start < suggestion.end and suggestion.start < o.end),
                None,
            )
            if other is not None:
                notes[k] = f"overlaps the suggestion at {other.start}"
        return notes

    def _line(self, suggestion: Suggestion, width: int, id_width: int, note: str = "") -> Text:
        article = self.corpus.get(suggestion.article_id)
        text = article.text if article is not None else ""
        state = suggestion.state
        if state == SKIPPED:
            note = note or suggestion.reason
        if note:
            # The reason first (at most half the room, cut at a word), then the text.
            note = display_line(note, max(8, width // 2), mode=self.mode, harakat=self.harakat) + " · "
            width = max(8, width - Text(note).cell_len)
        shown = snippet(text, suggestion.start, suggestion.end, width, mode=self.mode, harakat=self.harakat)
        name = display_line(suggestion.article_id, id_width, mode=self.mode, harakat=self.harakat)
        name += " " * max(0, id_width - Text(name).cell_len)
        line = plain(f"{'[' + state + ']':<{STATE_WIDTH - 1}} {name} {suggestion.start:>6}  ")
        if note:
            line.append(note, style="italic")
        return line + shown

    def _refresh_list(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        list_width = list_text_width(self.app.size.width)
        id_width = self._id_width(list_width)
        width = max(10, list_width - STATE_WIDTH - id_width - OFFSET_WIDTH)
        # what a skipped suggestion overlapped stays its reason (shorter than the store's)
        notes = self._overlaps()
        kept = {k: v for k, v in self._notes.items() if self.suggestions[k].state == SKIPPED}
        self._notes = {**kept, **notes}
        options.clear_options()
        options.add_options(
            [Option(self._line(s, width, id_width, self._notes.get(k, ""))) for k, s in enumerate(self.suggestions)]
        )
        if highlighted is not None and self.suggestions:
            options.highlighted = min(highlighted, len(self.suggestions) - 1)
        counts = self.propagation.counts()
        total = len(self.suggestions)
        overlapping = f" ({len(notes)} overlapping)" if notes else ""
        self.query_one("#suggestions-summary", Static).update(
            f"{total} suggestion{'' if total == 1 else 's'}: {counts[PENDING]} pending{overlapping}, "
            f"{counts[ACCEPTED]} accepted, {counts[REJECTED]} rejected, {counts[SKIPPED]} skipped"
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
