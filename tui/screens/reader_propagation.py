"""Labelling other occurrences from the reader, mixed into ReaderScreen:
``P`` offers every other occurrence of the span under the cursor in this
article, ``O`` in the whole corpus (read in a thread worker); what is an
occurrence and what accepting does is the core's (annotations.propagation).
"""

from __future__ import annotations

from textual import work

from annotations.model import Span
from annotations.propagation import Outcome, other_occurrences


class PropagationKeys:
    """ReaderScreen's part that labels a span's other occurrences."""

    def action_propagate(self, scope: str) -> None:
        span = self._target_span()
        if span is None:
            self.notify("Put the cursor on a span to label its other occurrences.", severity="warning")
            return
        if self._refuse_stale(span, "propagate"):
            return
        if scope == "corpus":
            # Reading every article can take a while: off the UI thread.
            self.notify(f"Looking for “{span.text}” in {len(self.corpus)} articles…", timeout=2)
            self._suggest_in_corpus(span)
        else:
            self._offer(span, scope, other_occurrences(self.corpus, self.store, span, [self.article_id]))

    @work(thread=True, exclusive=True, group="propagate")
    def _suggest_in_corpus(self, span: Span) -> None:
        found = other_occurrences(self.corpus, self.store, span, [article.id for article in self.corpus])
        self.app.call_from_thread(self._offer, span, "corpus", found)

    def _offer(self, span: Span, scope: str, suggestions) -> None:
        from tui.screens.suggestions import SuggestionsScreen

        if not suggestions:
            where = "in the corpus" if scope == "corpus" else "here"
            self.notify(f"No other occurrences of “{span.text}” {where}.", timeout=3)
            return

        def done(outcome: Outcome | None) -> None:
            if outcome is None:
                return
            self._changed(self.article_id, *sorted(outcome.articles))
            message = f"{len(outcome.accepted)} span(s) added"
            if outcome.skipped:
                first = outcome.skipped[0]
                message += (
                    f"; {len(outcome.skipped)} skipped (e.g. {first.article_id} at {first.start}: "
                    f"{first.reason})"
                )
            self.notify(message, severity="warning" if outcome.skipped else "information", timeout=6)

        prefs = self.app.prefs
        self.app.push_screen(
            SuggestionsScreen(
                suggestions,
                span.label,
                span.kind,
                corpus=self.corpus,
                store=self.store,
                mode=prefs.display_mode,
                harakat=prefs.harakat,
            ),
            done,
        )
