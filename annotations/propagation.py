"""Propagation: the other occurrences of a span's text, offered as
suggestions that the annotator accepts or rejects one by one or all at once.

An occurrence is a whole-word, folded match (annotations.words.occurrences:
harakat, tatweel and letter variants ignored, a leading clitic allowed, so
العراق is found in والعراق but not in العراقية). Places already holding a
span of the same label and kind, and the span itself, are not suggested.

Accepting stores the span at once through the store, which checks it like
any other edit; one it refuses (an entity overlapping another, an article
gone from the corpus) is marked skipped with the store's reason, and the
rest go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .corpus import Corpus
from .errors import HashiyaError
from .model import Span
from .words import occurrences

PENDING, ACCEPTED, REJECTED, SKIPPED = "pending", "accepted", "rejected", "skipped"
STATES = (PENDING, ACCEPTED, REJECTED, SKIPPED)


@dataclass
class Suggestion:
    article_id: str
    start: int
    end: int
    state: str = PENDING
    reason: str = ""


@dataclass
class Outcome:
    """What a round of suggestions stored and what the store refused."""

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
    article_ids: Iterable[str],
) -> list[Suggestion]:
    """Whole-word, folded occurrences of `query` in the given articles that
    are not already a span of `label` at the same place. Articles missing
    from the corpus, or whose text or store file cannot be read, are passed
    over."""
    found: list[Suggestion] = []
    for article_id in article_ids:
        article = corpus.get(article_id)
        if article is None:
            continue
        try:
            text = article.peek_text()  # read, not kept: most articles hold no match
        except HashiyaError:
            continue
        matches = occurrences(text, query)
        if not matches:
            continue
        try:
            stored = store.spans(article_id)
        except HashiyaError:  # a damaged store file: nothing is added there
            continue
        have = {(s.start, s.end) for s in stored if s.label == label and s.kind == kind}
        for start, end in matches:
            if (start, end) not in have:
                found.append(Suggestion(article_id, start, end))
    return found


def other_occurrences(corpus: Corpus, store, span: Span, article_ids: Iterable[str]) -> list[Suggestion]:
    """Suggestions to label the other occurrences of `span`'s text like it."""
    found = find_suggestions(corpus, store, span.text, span.label, span.kind, article_ids)
    return [
        s for s in found
        if not (s.article_id == span.article_id and (s.start, s.end) == (span.start, span.end))
    ]


class Propagation:
    """One round of suggestions for one label, and what came of it."""

    def __init__(self, suggestions: list[Suggestion], label: str, kind: str, *, corpus: Corpus, store) -> None:
        self.suggestions = suggestions
        self.label = label
        self.kind = kind
        self.corpus = corpus
        self.store = store
        self.outcome = Outcome()

    def accept(self, suggestion: Suggestion) -> None:
        """Store a pending suggestion, or mark it skipped with the reason."""
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

    def reject(self, suggestion: Suggestion) -> None:
        if suggestion.state == PENDING:
            suggestion.state = REJECTED

    def accept_all(self) -> None:
        for suggestion in self.suggestions:
            self.accept(suggestion)

    def reject_all(self) -> None:
        for suggestion in self.suggestions:
            self.reject(suggestion)

    def next_pending(self, index: int) -> int | None:
        """The first pending suggestion after position `index`, if any."""
        for next_index in range(index + 1, len(self.suggestions)):
            if self.suggestions[next_index].state == PENDING:
                return next_index
        return None

    def counts(self) -> dict[str, int]:
        """How many suggestions are in each state."""
        counts = {state: 0 for state in STATES}
        for suggestion in self.suggestions:
            counts[suggestion.state] += 1
        return counts
