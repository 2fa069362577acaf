"""Agreement between annotators and adjudication of their work.

Agreement is computed per pair of annotators on the articles both have
records for. Spans are compared per label (a label with its kind):

* exact match: same start, end, label and kind;
* overlap match: same label and kind and at least one shared character,
  each span matched at most once (greedy, in text order).

With the first annotator of the pair taken as reference, precision =
matches / spans of the second, recall = matches / spans of the first, and
F1 = 2 * matches / (spans of both) — F1 is symmetric. Document themes are
compared with Cohen's kappa over (article, theme label) decisions, pooled
and per theme label; kappa is ``None`` when it is undefined (both annotators
made the same single choice everywhere, expected agreement 1).

Adjudication merges several annotators' records into one:

* ``agreed``: for each article at least two annotators share, the spans and
  themes every one of them has; status ``done`` only when all of them marked
  it done and nothing was disputed, otherwise ``in_progress``;
* ``priority``: for each article, the whole record of the first annotator in
  the priority list who has one (annotators not listed follow, by name).

Either way every span or theme not held by all annotators of an article is
listed as a disagreement for review. ``match_article`` is that one rule
(who holds which key; agreed = held by all): adjudication and the review
screen's comparison (annotations/curation.py) both use it.
"""

from __future__ import annotations

import hashlib

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable

from .model import ArticleRecord, Span, Status

SpanKey = tuple[int, int, str, str]  # start, end, label, kind


def span_key(span: Span) -> SpanKey:
    """What two annotators must share for an exact match."""
    return (span.start, span.end, span.label, span.kind)


_key = span_key


def key_order(key: SpanKey) -> tuple:
    """Text order of span keys: start, end, kind, label."""
    return (key[0], key[1], key[3], key[2])


def overlapping(a: SpanKey, b: SpanKey) -> bool:
    """At least one shared character (the overlap match, label aside)."""
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class ArticleMatch:
    """Who marked what in one article: each span key and document theme
    with the annotators holding it. What every annotator holds is agreed;
    the rest is disputed (adjudication and review use this one rule)."""

    names: list[str]
    holders: dict[SpanKey, list[str]] = field(default_factory=dict)
    sources: dict[SpanKey, list[Span]] = field(default_factory=dict)
    theme_holders: dict[str, list[str]] = field(default_factory=dict)

    def agreed(self) -> set[SpanKey]:
        return {k for k, who in self.holders.items() if len(who) == len(self.names)}

    def agreed_themes(self) -> list[str]:
        return sorted(t for t, who in self.theme_holders.items() if len(who) == len(self.names))

    def lacking(self, who: list[str]) -> tuple[str, ...]:
        return tuple(n for n in self.names if n not in who)


def match_article(recs: dict[str, ArticleRecord], names: list[str] | None = None) -> ArticleMatch:
    """The annotators' spans and themes of one article, key by key.
    ``names``: who is compared (default: every annotator with a record; a
    name without one has marked nothing)."""
    match = ArticleMatch(sorted(recs) if names is None else list(names))
    for name in match.names:
        record = recs.get(name)
        if record is None:
            continue
        for span in record.spans:
            match.holders.setdefault(_key(span), []).append(name)
            match.sources.setdefault(_key(span), []).append(span)
        for theme in record.themes:
            match.theme_holders.setdefault(theme, []).append(name)
    return match


def by_article(records: Iterable[ArticleRecord]) -> dict[str, dict[str, ArticleRecord]]:
    """article id -> annotator -> record, articles in first-seen order."""
    out: dict[str, dict[str, ArticleRecord]] = {}
    for record in records:
        out.setdefault(record.id, {})[record.annotator] = record
    return out


# -- span agreement ---------------------------------------------------------


@dataclass
class Counts:
    reference: int = 0  # spans of the first annotator
    other: int = 0  # spans of the second annotator
    matched: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.other if self.other else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        total = self.reference + self.other
        return 2 * self.matched / total if total else None

    def add(self, other: "Counts") -> None:
        self.reference += other.reference
        self.other += other.other
        self.matched += other.matched

    def to_dict(self) -> dict:
        return {
            "reference": self.reference,
            "other": self.other,
            "matched": self.matched,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _overlap_matches(first: list[Span], second: list[Span]) -> int:
    """One-to-one greedy matching of overlapping spans (same label/kind)."""
    used = [False] * len(second)
    matched = 0
    for span in sorted(first, key=lambda s: (s.start, s.end)):
        for j, other in enumerate(second):
            if not used[j] and overlapping(_key(other), _key(span)):
                used[j] = True
                matched += 1
                break
    return matched


def kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa for two raters' yes/no decisions; None when undefined."""
    n = len(pairs)
    if not n:
        return None
    agree = sum(1 for a, b in pairs if a == b)
    a_yes = sum(1 for a, _ in pairs if a) / n
    b_yes = sum(1 for _, b in pairs if b) / n
    po = agree / n
    pe = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if pe >= 1.0:
        return None
    return (po - pe) / (1 - pe)


@dataclass
class PairAgreement:
    first: str
    second: str
    articles: int = 0
    exact: dict[str, Counts] = field(default_factory=dict)  # "kind:label" -> counts
    overlap: dict[str, Counts] = field(default_factory=dict)
    theme_pairs: dict[str, list[tuple[bool, bool]]] = field(default_factory=dict)

    def total(self, which: str) -> Counts:
        total = Counts()
        for counts in getattr(self, which).values():
            total.add(counts)
        return total

    @property
    def theme_kappa(self) -> float | None:
        pooled = [pair for pairs in self.theme_pairs.values() for pair in pairs]
        return kappa(pooled)

    def to_dict(self) -> dict:
        return {
            "annotators": [self.first, self.second],
            "articles": self.articles,
            "spans": {
                which: {
                    "all": self.total(which).to_dict(),
                    "labels": {k: v.to_dict() for k, v in sorted(getattr(self, which).items())},
                }
                for which in ("exact", "overlap")
            },
            "themes": {
                "kappa": _round(self.theme_kappa),
                "labels": {
                    label: {
                        "kappa": _round(kappa(pairs)),
                        "both": sum(1 for a, b in pairs if a and b),
                        "first_only": sum(1 for a, b in pairs if a and not b),
                        "second_only": sum(1 for a, b in pairs if b and not a),
                        "articles": len(pairs),
                    }
                    for label, pairs in sorted(self.theme_pairs.items())
                },
            },
        }


def _label_key(span: Span) -> str:
    return f"{span.kind}:{span.label}"


def compare_pair(
    first: str, second: str, articles: dict[str, dict[str, ArticleRecord]], theme_labels: Iterable[str] = ()
) -> PairAgreement:
    result = PairAgreement(first, second)
    shared = [recs for recs in articles.values() if first in recs and second in recs]
    result.articles = len(shared)
    labels = set(theme_labels)
    for recs in shared:
        labels.update(recs[first].themes)
        labels.update(recs[second].themes)
    for recs in shared:
        a, b = recs[first], recs[second]
        groups_a: dict[str, list[Span]] = defaultdict(list)
        groups_b: dict[str, list[Span]] = defaultdict(list)
        for span in a.spans:
            groups_a[_label_key(span)].append(span)
        for span in b.spans:
            groups_b[_label_key(span)].append(span)
        for label in set(groups_a) | set(groups_b):
            sa, sb = groups_a.get(label, []), groups_b.get(label, [])
            exact = result.exact.setdefault(label, Counts())
            overlap = result.overlap.setdefault(label, Counts())
            matched = len({_key(s) for s in sa} & {_key(s) for s in sb})
            for counts, m in ((exact, matched), (overlap, _overlap_matches(sa, sb))):
                counts.reference += len(sa)
                counts.other += len(sb)
                counts.matched += m
        themes_a, themes_b = set(a.themes), set(b.themes)
        for label in labels:
            result.theme_pairs.setdefault(label, []).append((label in themes_a, label in themes_b))
    return result


def agreement(records: Iterable[ArticleRecord], theme_labels: Iterable[str] = ()) -> list[PairAgreement]:
    """Agreement for every pair of annotators that share at least one article."""
    articles = by_article(records)
    annotators = sorted({name for recs in articles.values() for name in recs})
    theme_labels = list(theme_labels)
    out = []
    for first, second in combinations(annotators, 2):
        pair = compare_pair(first, second, articles, theme_labels)
        if pair.articles:
            out.append(pair)
    return out


def format_table(pairs: list[PairAgreement]) -> str:
    """Plain-text tables: one block per pair."""
    if not pairs:
        return "no two annotators share an article: nothing to compare"

    def pct(value: float | None) -> str:
        return "   -" if value is None else f"{value:.2f}"

    lines: list[str] = []
    for pair in pairs:
        lines.append(f"{pair.first} vs {pair.second}: {pair.articles} shared article(s)")
        header = f"  {'label':<28} {'n1':>5} {'n2':>5} | {'exact P':>7} {'R':>5} {'F1':>5} | {'overlap P':>9} {'R':>5} {'F1':>5}"
        lines.append(header)
        rows = sorted(pair.exact) + ["(all)"]
        for label in rows:
            e = pair.total("exact") if label == "(all)" else pair.exact[label]
            o = pair.total("overlap") if label == "(all)" else pair.overlap[label]
            lines.append(
                f"  {label:<28} {e.reference:>5} {e.other:>5} | {pct(e.precision):>7} {pct(e.recall):>5} {pct(e.f1):>5}"
                f" | {pct(o.precision):>9} {pct(o.recall):>5} {pct(o.f1):>5}"
            )
        lines.append(f"  document themes: Cohen's kappa {pct(pair.theme_kappa)}")
        for label, pairs_ in sorted(pair.theme_pairs.items()):
            both = sum(1 for a, b in pairs_ if a and b)
            only1 = sum(1 for a, b in pairs_ if a and not b)
            only2 = sum(1 for a, b in pairs_ if b and not a)
            lines.append(f"    {label:<26} kappa {pct(kappa(pairs_))}  both {both}  only {pair.first} {only1}  only {pair.second} {only2}")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


# -- adjudication -----------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    article_id: str
    what: str  # "span" or "theme"
    label: str
    kind: str
    start: int | None
    end: int | None
    text: str
    have: tuple[str, ...]
    lack: tuple[str, ...]
    kept: bool

    def __str__(self) -> str:
        where = f"[{self.start}, {self.end}) “{self.text}”" if self.what == "span" else "document theme"
        verdict = "kept" if self.kept else "left out"
        return (
            f"{self.article_id}: {self.kind} {self.label} {where}: "
            f"marked by {', '.join(self.have)}; not by {', '.join(self.lack)} ({verdict})"
        )

    def to_dict(self) -> dict:
        return {
            "article": self.article_id,
            "what": self.what,
            "label": self.label,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "have": list(self.have),
            "lack": list(self.lack),
            "kept": self.kept,
        }


def parse_rule(rule: str) -> tuple[str, list[str]]:
    """"agreed" or "priority:alice,bob" -> (name, priority list)."""
    from .errors import HashiyaError

    if rule == "agreed":
        return "agreed", []
    if rule.startswith("priority:"):
        names = [n.strip() for n in rule[len("priority:") :].split(",") if n.strip()]
        if names:
            return "priority", names
    raise HashiyaError(f"unknown rule {rule!r}: use 'agreed' or 'priority:NAME,NAME,...'")


def _merged_span(article_id: str, key: SpanKey, text: str, into: str, sources: list[Span]) -> Span:
    """The merged span for ``key``: its id follows from what it is, and its
    times from the spans it was merged from, so the same store always merges
    (and exports) to the same bytes."""
    start, end, label, kind = key
    digest = hashlib.sha1(f"{into}\0{article_id}\0{start}\0{end}\0{label}\0{kind}".encode(
        "utf-8", "surrogatepass")).hexdigest()[:16]
    return Span(article_id, start, end, label, kind, text[start:end], into, id=digest,
                created=min(span.created for span in sources), updated=max(span.updated for span in sources))


def adjudicate(
    records: Iterable[ArticleRecord], rule: str = "agreed", priority: list[str] | None = None, into: str = "gold"
) -> tuple[list[ArticleRecord], list[Disagreement], list[str]]:
    """Merged records (annotator `into`), disagreements, and the ids of
    articles left out (agreed rule: only one annotator)."""
    articles = by_article(records)
    merged: list[ArticleRecord] = []
    disputes: list[Disagreement] = []
    left_out: list[str] = []
    order = list(priority or [])
    for article_id, recs in articles.items():
        match = match_article(recs)
        names, holders, sources, theme_holders = match.names, match.holders, match.sources, match.theme_holders
        text = next(iter(recs.values())).text
        if rule == "agreed":
            if len(names) < 2:
                left_out.append(article_id)
                continue
            keep_keys = match.agreed()
            themes = match.agreed_themes()
            disputed = len(keep_keys) != len(holders) or len(themes) != len(theme_holders)
            all_done = all(recs[n].status == Status.DONE for n in names)
            status = Status.DONE if all_done and not disputed else Status.IN_PROGRESS
            metadata = dict(next(iter(recs.values())).metadata)
        else:
            ranked = [n for n in order if n in recs] + [n for n in names if n not in order]
            chosen = recs[ranked[0]]
            keep_keys = {_key(s) for s in chosen.spans}
            themes = sorted(chosen.themes)
            status = chosen.status
            metadata = dict(chosen.metadata)
        spans = [_merged_span(article_id, k, text, into, sources[k]) for k in sorted(keep_keys, key=key_order)]
        merged.append(ArticleRecord(article_id, text, spans, themes, status, into, metadata))
        if len(names) >= 2:
            for k, who in sorted(holders.items(), key=lambda item: key_order(item[0])):
                if len(who) < len(names):
                    disputes.append(
                        Disagreement(
                            article_id, "span", k[2], k[3], k[0], k[1], sources[k][0].text,
                            tuple(who), match.lacking(who), k in keep_keys,
                        )
                    )
            for theme, who in sorted(theme_holders.items()):
                if len(who) < len(names):
                    disputes.append(
                        Disagreement(
                            article_id, "theme", theme, "theme", None, None, "",
                            tuple(who), match.lacking(who), theme in themes,
                        )
                    )
    return merged, disputes, left_out
