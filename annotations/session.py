"""One article being annotated: its text, its spans, which of them are
stale, and the keyboard-first rules that decide what an edit key does.

The reader asks this class and then stores and draws: the rules here never
write to the store, so they are the same for any interface and testable
without one. What they answer is a plan (a dataclass naming the action and
the offsets); the caller carries it out through the store, which checks the
result once more (entities flat, offsets inside the text).

The rules, as an annotator meets them:

- A label key with a selection labels exactly the selection, or relabels
  the span of that kind covering exactly the selection.
- A label key with no selection relabels the span of the label's kind under
  the cursor; else labels the range of any other span under the cursor
  (a theme over an entity, say); else labels the word under the cursor
  (clitic trimming as asked); with no word there it asks for a selection.
- Relabelling to the label a span already has changes nothing.
- Stale spans (the article text changed after they were marked, or they no
  longer match it) are shown but never relabelled, resized or propagated:
  only deleting them is allowed.
- Span edges move by a character (harakat stay with their letter, so an edge
  never falls between a letter and its marks) or by a word; a span keeps at
  least one character.

Offsets are code points into ``text`` exactly as stored, [start, end).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable

from . import words
from .model import ENTITY, Span
from .schema import Label
from .segment import Evidence
from .textnorm import find_all

# What a label key does (LabelPlan.action).
ADD = "add"  # label [start, end) as a new span
RELABEL = "relabel"  # give `span` the label
ALREADY = "already"  # `span` already has the label: nothing to do
STALE = "stale"  # `span` is stale: refused
NO_TARGET = "no target"  # no selection, no span and no word under the cursor

# What a resize key does (ResizePlan.action).
RESIZE = "resize"  # move `span` to [start, end)
NO_SPAN = "no span"  # nothing under the cursor to resize
EMPTY = "empty"  # the span would lose its last character

CHAR, WORD = "char", "word"
START, END = "start", "end"


def is_mark(ch: str) -> bool:
    """A character that belongs to the letter before it: harakat and other
    combining marks, and the zero-width (non-)joiners written inside words."""
    return unicodedata.combining(ch) != 0 or ch in "\u200c\u200d"


@dataclass(frozen=True)
class LabelPlan:
    action: str
    start: int = 0
    end: int = 0
    span: Span | None = None


@dataclass(frozen=True)
class ResizePlan:
    action: str
    span: Span | None = None
    start: int = 0
    end: int = 0


class ArticleSession:
    """An article's text and one annotator's spans on it, and the rules for
    editing them (see the module docstring)."""

    def __init__(
        self, article_id: str, text: str, spans: Iterable[Span] = (), *, article_stale: bool = False
    ) -> None:
        self.article_id = article_id
        self.text = text
        self.spans: list[Span] = []
        self.article_stale = False
        self.stale_ids: set[str] = set()
        self.update(spans, article_stale=article_stale)

    def update(self, spans: Iterable[Span], *, article_stale: bool) -> None:
        """The spans as stored now; `article_stale` when the article's text
        has changed since it was annotated (every span is then stale)."""
        self.spans = list(spans)
        self.article_stale = article_stale
        if article_stale:
            self.stale_ids = {span.id for span in self.spans}
        else:
            self.stale_ids = {span.id for span in self.spans if not span.is_aligned(self.text)}

    def is_stale(self, span: Span) -> bool:
        return span.id in self.stale_ids

    # ------------------------------------------------------------ where

    def spans_at(self, offset: int) -> list[Span]:
        """Spans covering `offset`, entities first, then the narrowest."""
        found = [s for s in self.spans if s.start <= offset < s.end]
        found.sort(key=lambda s: (s.kind != ENTITY, s.end - s.start, s.start))
        return found

    def span_at(self, offset: int, kind: str | None = None) -> Span | None:
        """The first of ``spans_at(offset)`` (of `kind`, if given)."""
        for span in self.spans_at(offset):
            if kind is None or span.kind == kind:
                return span
        return None

    def span_covering(self, start: int, end: int, kind: str | None = None) -> Span | None:
        """The span (of `kind`, if given) whose range is exactly [start, end)."""
        for span in self.spans:
            if (span.start, span.end) == (start, end) and (kind is None or span.kind == kind):
                return span
        return None

    def target_span(self, cursor: int, selection: tuple[int, int] | None = None) -> Span | None:
        """The span an edit key acts on: the one the selection exactly
        covers, else the one under the cursor."""
        if selection is not None:
            covered = self.span_covering(*selection)
            if covered is not None:
                return covered
        return self.span_at(cursor)

    def next_span(self, cursor: int) -> Span | None:
        """The span starting first after `cursor`."""
        later = [s for s in self.spans if s.start > cursor]
        return min(later, key=lambda s: s.start) if later else None

    def previous_span(self, cursor: int) -> Span | None:
        """The span starting last before `cursor`."""
        earlier = [s for s in self.spans if s.start < cursor]
        return max(earlier, key=lambda s: s.start) if earlier else None

    # ------------------------------------------------------------ label keys

    def label_key(
        self,
        label: Label,
        cursor: int,
        selection: tuple[int, int] | None = None,
        *,
        clitics: bool = False,
        evidence: Evidence | None = None,
    ) -> LabelPlan:
        """What pressing `label`'s key does at `cursor` with `selection`
        (with no selection, the word under the cursor, its proclitics decided
        by `evidence` as :func:`annotations.words.snap_to_words` does)."""
        if selection is None:
            here = self.span_at(cursor, label.kind)
            if here is not None:
                return self._relabel(here, label)
            other = self.span_at(cursor)
            if other is not None:
                selection = (other.start, other.end)
            else:
                selection = words.snap_to_words(self.text, cursor, cursor, clitics=clitics, evidence=evidence)
                if selection is None:
                    return LabelPlan(NO_TARGET)
        start, end = selection
        same = self.span_covering(start, end, label.kind)
        if same is not None:
            return self._relabel(same, label)
        return LabelPlan(ADD, start, end)

    def _relabel(self, span: Span, label: Label) -> LabelPlan:
        if span.label == label.name and span.kind == label.kind:
            return LabelPlan(ALREADY, span.start, span.end, span)
        if self.is_stale(span):
            return LabelPlan(STALE, span.start, span.end, span)
        return LabelPlan(RELABEL, span.start, span.end, span)

    # ------------------------------------------------------------ edges

    def moved_edge(self, offset: int, step: int, unit: str, edge: str) -> int:
        """Where a span's `edge` (START or END) at `offset` goes when moved by
        `step` (-1 back, +1 forward) of `unit` (CHAR or WORD)."""
        text = self.text
        if unit == WORD:
            if edge == START:
                return words.previous_word_start(text, offset) if step < 0 else words.next_word_start(text, offset)
            return words.next_word_end(text, offset) if step > 0 else words.previous_word_end(text, offset)
        # One character, keeping harakat with their letter.
        if step < 0:
            offset -= 1
            while offset > 0 and is_mark(text[offset]):
                offset -= 1
        else:
            offset += 1
            while offset < len(text) and is_mark(text[offset]):
                offset += 1
        return max(0, min(offset, len(text)))

    def resize(self, span: Span | None, edge: str, step: int, unit: str) -> ResizePlan:
        """What a resize key does to `span`: grow or shrink one of its edges
        (``[`` is START -1 CHAR, ``}`` END -1 CHAR, ``(`` START -1 WORD, ...)."""
        if span is None:
            return ResizePlan(NO_SPAN)
        if self.is_stale(span):
            return ResizePlan(STALE, span, span.start, span.end)
        start, end = span.start, span.end
        if edge == START:
            start = self.moved_edge(start, step, unit, START)
        else:
            end = self.moved_edge(end, step, unit, END)
        if start >= end:
            return ResizePlan(EMPTY, span, start, end)
        return ResizePlan(RESIZE, span, start, end)

    # ------------------------------------------------------------ find

    def find(self, query: str) -> list[tuple[int, int]]:
        """Folded matches of `query` in the text (annotations.textnorm)."""
        return find_all(self.text, query) if query else []


def match_from(matches: list[tuple[int, int]], offset: int, step: int = 0) -> tuple[int, int] | None:
    """The match to go to from `offset`: with `step` 0 the first starting at
    or after it, with 1 the first after it, with -1 the last before it;
    wrapping round to the first (or last) match. None if there are none."""
    if not matches:
        return None
    if step < 0:
        return next((m for m in reversed(matches) if m[0] < offset), matches[-1])
    if step > 0:
        return next((m for m in matches if m[0] > offset), matches[0])
    return next((m for m in matches if m[0] >= offset), matches[0])
