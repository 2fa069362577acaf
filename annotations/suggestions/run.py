"""Suggesting over a corpus: what ``hashiya suggest`` does, without the
command line.

Every article of the corpus is passed to the source (a model sees them in
batches through ``nlp.pipe``) and what it found is stored with
:meth:`SuggestionStore.save`, replacing the article's earlier suggestions
and keeping its rejections. The report counts, per label, the suggestions
stored and those waiting (not rejected, not overlapping an entity the
annotator already marked).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..errors import StoreCorruptError
from .storage import SuggestionStore

__all__ = ["SuggestReport", "suggest_articles"]

BATCH = 64


@dataclass
class SuggestReport:
    source: str = ""
    articles: int = 0
    with_suggestions: int = 0
    stored: Counter = field(default_factory=Counter)  # label -> suggestions stored
    waiting: Counter = field(default_factory=Counter)  # label -> of those, waiting
    themes: Counter = field(default_factory=Counter)  # theme -> articles where suggested
    unknown: Counter = field(default_factory=Counter)  # model labels the schema lacks
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{self.source}: suggestions stored for {self.with_suggestions} of {self.articles} article(s)"
        ]
        labels = sorted(self.stored, key=lambda label: (-self.stored[label], label))
        if labels:
            width = max(len(label) for label in labels + ["label"])
            out.append(f"  {'label'.ljust(width)}  stored  waiting")
            for label in labels:
                out.append(f"  {label.ljust(width)}  {self.stored[label]:>6}  {self.waiting[label]:>7}")
        for theme in sorted(self.themes):
            out.append(f"  theme {theme}: suggested for {self.themes[theme]} article(s)")
        for label in sorted(self.unknown):
            out.append(f"  {label}: {self.unknown[label]} found, not in the label schema (left out)")
        return out


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def suggest_articles(
    articles: Iterable, box: SuggestionStore, source, *, progress: Callable[[int], None] | None = None
) -> SuggestReport:
    """Suggest for each article (objects with ``id`` and ``text``) and store
    the result in `box`. A damaged suggestion file is reported in
    ``problems`` and left alone; the other articles go on."""
    report = SuggestReport(source=source.name)
    articles = list(articles)
    with box.batch():
        for chunk in _chunks(articles, BATCH):
            texts = [article.text for article in chunk]
            for article, text, found in zip(chunk, texts, source.find_many(texts)):
                report.articles += 1
                report.unknown.update(found.unknown)
                try:
                    item = box.save(article.id, text, found, source.name)
                except StoreCorruptError as exc:
                    report.problems.append(str(exc))
                    continue
                spans = box.store.spans(article.id)
                waiting = item.waiting(spans)
                themes = item.waiting_themes(box.store.themes(article.id))
                if item.entities or themes:
                    report.with_suggestions += 1
                report.stored.update(s.label for s in item.entities)
                report.waiting.update(s.label for s in waiting)
                report.themes.update(themes)
            if progress is not None:
                progress(report.articles)
    return report
