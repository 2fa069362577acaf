"""The reader's suggestion keys, mixed into ReaderScreen.

What waits and what accepting or rejecting does is decided in the core
(:class:`annotations.suggestions.Review`); this draws the suggestions (their
own style, the span list's "suggested" rows), carries out the keys, and,
with a model, computes suggestions for an article opened without stored
ones in a thread worker, so the screen never waits on the model.

Keys (declared in ReaderScreen.BINDINGS): ``;`` next suggestion, ``y``
accept the one under the cursor, ``r`` reject it (both then go on to the
next waiting suggestion), ``Y`` accept every waiting suggestion of its
label, ``T`` accept the suggested document themes.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from annotations.errors import HashiyaError
from annotations.suggestions import Review, Suggestion
from tui.widgets.reader import Highlight

BINDINGS = [
    Binding("y", "accept_suggestion", "Accept suggestion", show=False,
            tooltip="The suggestion under the cursor becomes a span (u undoes)"),
    Binding("r", "reject_suggestion", "Reject suggestion", show=False,
            tooltip="It does not come back for this article"),
    Binding("Y", "accept_suggested_label", "Accept all of its label", show=False,
            tooltip="Every waiting suggestion of the label under the cursor, in this article"),
    Binding("semicolon", "next_suggestion", "Next suggestion", show=False),
    Binding("T", "accept_suggested_themes", "Accept suggested themes", show=False),
]


class SuggestionKeys:
    """ReaderScreen's part that handles suggestions (see the module docstring)."""

    review: Review | None = None

    @property
    def rejections(self):
        """The app's rejections, undone with u beside the store's edits."""
        return self.app.suggester.rejections

    def start_review(self) -> None:
        """A new article is shown (refresh_annotations reads its suggestions)."""
        suggester = self.app.suggester
        self.review = Review(suggester.box, self.article_id, self.text, suggester.rejections)

    def compute_if_missing(self) -> None:
        """With a model, an article without stored suggestions gets them
        from a worker; they are drawn when ready."""
        if self.review is not None and not self.review.loaded and self.app.suggester.has_model:
            self._compute_suggestions(self.article_id, self.text)

    def _update_review(self, read: bool = True) -> None:
        """What waits, given the spans shown; `read`: the suggestions read
        again (False: as last read)."""
        review = self.review
        if review is None or review.article_id != self.article_id:
            return
        try:
            review.update(self.spans, self.themes, read=read)
        except HashiyaError as exc:
            review.waiting, review.themes = [], []
            self.notify(str(exc), title="Suggestions", severity="warning", timeout=6)
        colours = {label.name: label.colour for label in self.schema.labels}
        self.reader.set_suggestions(
            Highlight(s.start, s.end, s.label, "suggestion", colours.get(s.label, "white"))
            for s in review.waiting
        )

    @work(thread=True, exclusive=True, group="suggest")
    def _compute_suggestions(self, article_id: str, text: str) -> None:
        suggester = self.app.suggester
        try:
            found, source = suggester.compute(text)
        except HashiyaError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Model", severity="error", timeout=8)
            return
        self.app.call_from_thread(self._computed, article_id, text, found, source)

    def _computed(self, article_id: str, text: str, found, source: str) -> None:
        try:
            self.app.suggester.keep(article_id, text, found, source)
        except HashiyaError as exc:
            self.notify(str(exc), title="Suggestions", severity="error", timeout=8)
            return
        if article_id == self.article_id:
            self._changed()
            count = len(self.review or ())
            self.notify(f"{count} suggestion{'s' if count != 1 else ''} from {source}", timeout=3)
        else:
            self._changed(article_id)

    def suggestion_under_cursor(self) -> Suggestion | None:
        return self.review.at(self.reader.cursor) if self.review is not None else None

    def _no_suggestion(self) -> None:
        waiting = len(self.review.waiting) if self.review is not None else 0
        hint = f" ({waiting} wait: ; goes to the next)" if waiting else ""
        self.notify(f"No suggestion under the cursor{hint}.", timeout=3)

    def _suggestions_edited(self, advance: bool = False, said: str | None = None) -> None:
        # the list hears it with the other changes and recounts what waits
        self._changed(said=said)
        if advance and self.review is not None:
            # on to the next decision, as in a review queue
            found = self.review.next_after(self.reader.cursor)
            if found is not None:
                self.reader.move_cursor_to(found.start)

    def action_next_suggestion(self) -> None:
        found = self.review.next_after(self.reader.cursor) if self.review is not None else None
        if found is None:
            self.notify("No suggestions wait in this article.", timeout=3)
            return
        self.reader.move_cursor_to(found.start)

    def _decide(self, decision: str) -> None:
        """Carry out `decision` ("accept", "reject" or "accept_label") on
        the suggestion under the cursor."""
        suggestion = self.suggestion_under_cursor()
        if suggestion is None:
            self._no_suggestion()
            return
        review = self.review
        try:
            if decision == "accept_label":
                spans = review.accept_label(suggestion.label)
            else:
                getattr(review, decision)(suggestion)
        except HashiyaError as exc:
            self._fail(exc)
            return
        if decision == "accept_label":
            self._suggestions_edited(said=f"{len(spans)} {suggestion.label} accepted")
        else:
            self._suggestions_edited(advance=True)

    def action_accept_suggestion(self) -> None:
        self._decide("accept")

    def action_reject_suggestion(self) -> None:
        self._decide("reject")

    def action_accept_suggested_label(self) -> None:
        self._decide("accept_label")

    def action_accept_suggested_themes(self) -> None:
        if self.review is None or not self.review.themes:
            self.notify("No suggested document themes wait.", timeout=3)
            return
        try:
            accepted = self.review.accept_themes()
        except HashiyaError as exc:
            self._fail(exc)
            return
        self._suggestions_edited(said="Themes accepted: " + ", ".join(accepted))
