"""Review (curation): several annotators' work on one article side by
side, and a gold annotator built from it one decision at a time.

The comparison uses the matching rules of ``annotations.agreement``
(``match_article``): a span key (start, end, label, kind) or a document
theme that every compared annotator holds is an **agreement**; everything
else is disputed. Disputed spans are gathered into **places**: spans of
one kind (entity or theme span) that overlap, directly or through each
other, are one place. A place is a disagreement of one of three sorts:

* ``only``: some annotators marked nothing there (present for some only);
* ``label``: everyone marked something, with different labels;
* ``extent``: everyone marked the same label, over different characters
  (an overlap match that is no exact match).

A document theme that not everyone chose is an ``only`` disagreement.
An annotator without a record of the article counts as having marked
nothing; spans that no longer match the article text (stale) are left out.

Each place has one **version** per annotator: the keys that annotator
holds there (for a document theme: the theme or nothing). Gold is an
ordinary annotator of the store. Taking a version makes gold hold exactly
that version at the place (deleting gold's other spans there, adding the
missing ones), each step an ordinary journaled, undoable edit. Taking
nothing deletes gold's spans there and puts a review mark on the place
(``Store.set_settled``), so that a place settled as empty is told apart
from one not looked at yet. A place is then:

* ``open``: gold holds nothing there and no mark says it was settled;
* ``taken``: gold holds exactly the version of one or more annotators;
* ``none``: gold holds nothing, by decision (the mark);
* ``own``: gold holds something no annotator has (edited by hand).

Agreements are ``taken`` when gold holds them and ``open`` otherwise; gold
spans that belong to no place and no agreement are listed as ``gold``.

The annotators' side (``compare_annotators``: a ``Comparison``) is worked
out once per article; gold's state is laid over it (``with_gold``) after
every decision, which costs one pass over the rows.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Iterable

from .agreement import SpanKey, key_order, match_article, overlapping
from .errors import AnnotationError, HashiyaError
from .model import ArticleRecord, Span

AGREED, ONLY, LABEL, EXTENT, GOLD = "agreed", "only", "label", "extent", "gold"
OPEN, TAKEN, NONE, OWN = "open", "taken", "none", "own"
SPAN, DOCUMENT = "span", "document"

Key = SpanKey | str  # a span key, or a document theme's label


@dataclass(frozen=True)
class Item:
    """One row of a review: an agreement, a disagreement, or a gold span."""

    what: str  # SPAN or DOCUMENT
    sort: str  # AGREED, ONLY, LABEL, EXTENT or GOLD
    start: int  # the place's extent (0, 0 for a document theme)
    end: int
    kind: str  # entity or theme (spans), "document" (document themes)
    label: str  # the document theme, or the labels of the place joined by "/"
    versions: tuple[tuple[str, tuple[Key, ...]], ...]
    gold: tuple[Key, ...]
    state: str  # OPEN, TAKEN, NONE or OWN
    taken_from: tuple[str, ...] = ()

    @property
    def disagreement(self) -> bool:
        return self.sort in (ONLY, LABEL, EXTENT)

    @property
    def open(self) -> bool:
        return self.state == OPEN

    @property
    def mark(self) -> str:
        """The review mark that settles this place as empty."""
        if self.what == DOCUMENT:
            return f"document:{self.label}"
        return f"span:{self.kind}:{self.start}:{self.end}"

    def version(self, name: str) -> tuple[Key, ...]:
        for who, keys in self.versions:
            if who == name:
                return keys
        raise KeyError(name)


@dataclass
class ArticleReview:
    article_id: str
    text: str
    names: list[str]
    items: list[Item] = field(default_factory=list)
    gold_ids: dict[SpanKey, str] = field(default_factory=dict)

    @property
    def disagreements(self) -> list[Item]:
        return [item for item in self.items if item.disagreement]

    @property
    def remaining(self) -> int:
        """Disagreements not decided yet."""
        return sum(1 for item in self.items if item.disagreement and item.open)

    @property
    def agreements_missing(self) -> int:
        """Agreements gold does not hold yet."""
        return sum(1 for item in self.items if item.sort == AGREED and item.open)


def places(keys: Iterable[SpanKey]) -> list[list[SpanKey]]:
    """Keys of one kind gathered into places: overlapping keys, directly or
    through each other, in text order."""
    out: list[list[SpanKey]] = []
    end = -1
    for key in sorted(keys, key=key_order):
        if out and key[0] < end:
            out[-1].append(key)
            end = max(end, key[1])
        else:
            out.append([key])
            end = key[1]
    return out


def _state(versions, gold: tuple, settled) -> tuple[str, tuple[str, ...]]:
    """`settled`: whether the place bears its review mark (asked only when
    gold holds nothing there)."""
    held = set(gold)
    same = tuple(name for name, keys in versions if set(keys) == held)
    if held:
        return (TAKEN, same) if same else (OWN, ())
    return (NONE, same) if settled() else (OPEN, ())


@dataclass
class Comparison:
    """The annotators' side of a review (no gold): the agreements and the
    places of disagreement, each with every annotator's version, spans in
    text order and then the document themes. It changes only when an
    annotator's work does, so a review screen keeps it while gold changes."""

    article_id: str
    text: str
    names: list[str]
    items: list[Item] = field(default_factory=list)

    def span_keys(self) -> frozenset[SpanKey]:
        """Every span key any compared annotator holds."""
        return frozenset(k for item in self.items if item.what == SPAN for _, keys in item.versions for k in keys)


def compare_annotators(article_id: str, text: str, records: dict[str, ArticleRecord], names: list[str]) -> Comparison:
    """`records` by annotator (missing: nothing marked), compared as `names`
    (in that order)."""
    recs = {
        name: ArticleRecord(r.id, r.text, [s for s in r.spans if s.is_aligned(text)], list(r.themes), r.status, name)
        for name, r in records.items()
        if name in names
    }
    match = match_article(recs, names)
    agreed = match.agreed()
    items: list[Item] = []
    for key in agreed:
        items.append(Item(SPAN, AGREED, key[0], key[1], key[3], key[2], tuple((n, (key,)) for n in names), (), OPEN))
    disputed = [k for k in match.holders if k not in agreed]
    for kind in sorted({k[3] for k in disputed}):
        for group in places(k for k in disputed if k[3] == kind):
            lo, hi = group[0][0], max(k[1] for k in group)
            versions = tuple((n, tuple(k for k in group if n in match.holders[k])) for n in names)
            if any(not keys for _, keys in versions):
                sort = ONLY
            else:
                sort = LABEL if len({k[2] for k in group}) > 1 else EXTENT
            items.append(Item(SPAN, sort, lo, hi, kind, "/".join(sorted({k[2] for k in group})), versions, (), OPEN))
    items.sort(key=lambda item: (item.start, item.end, item.kind, item.label))
    for theme in sorted(match.theme_holders):
        who = match.theme_holders[theme]
        versions = tuple((n, (theme,) if n in who else ()) for n in names)
        items.append(Item(DOCUMENT, AGREED if len(who) == len(names) else ONLY, 0, 0, DOCUMENT, theme, versions, (), OPEN))
    return Comparison(article_id, text, list(names), items)


class _GoldIndex:
    """Gold's span keys of one kind, found by overlap with a range."""

    def __init__(self, keys: list[SpanKey]) -> None:
        self.keys = sorted(keys)
        self.starts = [k[0] for k in self.keys]
        self.longest = max((k[1] - k[0] for k in self.keys), default=0)

    def overlapping(self, lo: int, hi: int) -> list[SpanKey]:
        first = bisect_left(self.starts, lo - self.longest)
        last = bisect_left(self.starts, hi)
        return [k for k in self.keys[first:last] if overlapping(k, (lo, hi, "", ""))]


def with_gold(
    comparison: Comparison, gold_spans: Iterable[Span] = (), gold_themes: Iterable[str] = (), settled: Iterable[str] = ()
) -> ArticleReview:
    """The review: `comparison` against gold's spans, themes and review marks."""
    text, names = comparison.text, comparison.names
    marks = set(settled)
    review = ArticleReview(comparison.article_id, text, list(names))
    review.gold_ids = {(s.start, s.end, s.label, s.kind): s.id for s in gold_spans if s.is_aligned(text)}
    gold_keys = set(review.gold_ids)
    index = {kind: _GoldIndex([k for k in gold_keys if k[3] == kind]) for kind in {k[3] for k in gold_keys}}
    agreed = {item.version(names[0])[0] for item in comparison.items if item.sort == AGREED and item.what == SPAN}
    gold_themes = set(gold_themes)
    placed: set[SpanKey] = set()
    items: list[Item] = []
    for item in comparison.items:
        if item.what == DOCUMENT:
            gold = (item.label,) if item.label in gold_themes else ()
        elif item.sort == AGREED:
            key = item.versions[0][1][0]
            if key in gold_keys:
                placed.add(key)
                items.append(Item(SPAN, AGREED, item.start, item.end, item.kind, item.label, item.versions, (key,),
                                  TAKEN, tuple(names)))
            else:
                items.append(item)  # as compared: open, gold holds nothing
            continue
        else:
            found = index[item.kind].overlapping(item.start, item.end) if item.kind in index else []
            gold = tuple(sorted((k for k in found if k not in agreed), key=key_order))
        placed.update(gold)
        state, taken = _state(item.versions, gold, lambda: item.mark in marks)
        items.append(Item(item.what, item.sort, item.start, item.end, item.kind, item.label, item.versions, gold,
                          state, taken))
    empty = tuple((n, ()) for n in names)
    extra = [Item(SPAN, GOLD, k[0], k[1], k[3], k[2], empty, (k,), OWN) for k in gold_keys - placed]
    extra += [Item(DOCUMENT, GOLD, 0, 0, DOCUMENT, t, empty, (t,), OWN) for t in sorted(gold_themes - placed)]
    if extra:
        spans = [i for i in items + extra if i.what == SPAN]
        spans.sort(key=lambda item: (item.start, item.end, item.kind, item.label))
        items = spans + sorted((i for i in items + extra if i.what == DOCUMENT), key=lambda item: item.label)
    review.items = items
    return review


def compare(
    article_id: str,
    text: str,
    records: dict[str, ArticleRecord],
    names: list[str],
    gold_spans: Iterable[Span] = (),
    gold_themes: Iterable[str] = (),
    settled: Iterable[str] = (),
) -> ArticleReview:
    """The review of one article: `records` by annotator (missing: nothing
    marked), compared as `names` (in that order), against gold's spans,
    themes and review marks."""
    return with_gold(compare_annotators(article_id, text, records, names), gold_spans, gold_themes, settled)


def load_annotators(store, article_id: str, text: str, names: list[str]) -> Comparison:
    """The annotators' side of one article's review, read from `store`."""
    records = {
        name: ArticleRecord(article_id, text, store.spans(article_id, name), store.themes(article_id, name), annotator=name)
        for name in names
    }
    return compare_annotators(article_id, text, records, names)


def load(store, article_id: str, text: str, names: list[str], comparison: Comparison | None = None) -> ArticleReview:
    """The review of one article from a store opened as gold (its own
    annotator) that can read the compared annotators; `comparison`: the
    annotators' side, if already read."""
    if comparison is None:
        comparison = load_annotators(store, article_id, text, names)
    return with_gold(comparison, store.spans(article_id), store.themes(article_id), store.settled(article_id))


def take(store, review: ArticleReview, item: Item, name: str | None) -> int:
    """Make gold hold `name`'s version of `item` (None: nothing, and mark the
    place settled). Returns the number of edits; a refused edit raises
    HashiyaError after the edits before it (each undoable) were saved."""
    want: tuple[Key, ...] = () if name is None else item.version(name)
    article_id, text = review.article_id, review.text
    edits = 0
    if item.what == DOCUMENT:
        on = bool(want)
        if (item.label in item.gold) != on:
            store.toggle_theme(article_id, item.label, text)
            edits += 1
    else:
        for key in item.gold:
            if key not in want:
                store.delete_span(review.gold_ids[key])
                edits += 1
        for key in want:
            if key not in item.gold:
                store.add_span(article_id, text, key[0], key[1], key[2], key[3])
                edits += 1
    if store.set_settled(article_id, item.mark, not want, text):
        edits += 1
    return edits


def take_agreements(store, review: ArticleReview) -> tuple[int, list[str]]:
    """Add every agreement of the article gold lacks: (edits, reasons for
    those the store refused, e.g. an entity gold holds otherwise)."""
    edits, refused = 0, []
    for item in review.items:
        if item.sort != AGREED or not item.open:
            continue
        try:
            if item.what == DOCUMENT:
                store.toggle_theme(review.article_id, item.label, review.text)
            else:
                start, end, label, kind = item.version(review.names[0])[0]
                store.add_span(review.article_id, review.text, start, end, label, kind)
            edits += 1
        except (AnnotationError, HashiyaError) as exc:
            refused.append(str(exc))
    return edits, refused
