"""Re-checking a store against its corpus (``hashiya validate``): every
stored span's offsets, text, kind and overlaps, and stale articles."""

from __future__ import annotations

from dataclasses import dataclass


from ..errors import StoreCorruptError
from ..model import ENTITY, KINDS, Span, Status, fingerprint
from .state import _short


@dataclass(frozen=True)
class StoreProblem:
    """One finding of :meth:`Store.check` (``hashiya validate``)."""

    annotator: str
    article_id: str
    reason: str
    span_id: str = ""
    label: str = ""
    start: int | None = None
    end: int | None = None

    def __str__(self) -> str:
        where = f"{self.annotator}: article {self.article_id}"
        if self.span_id:
            where += f" span {self.span_id} {self.label} [{self.start}, {self.end})"
        return f"{where}: {self.reason}"



def check(store, corpus, annotators: list[str] | None = None) -> tuple[list[StoreProblem], int, int]:
    """Re-check every stored span against its article text.
    Returns (problems, articles checked, spans checked)."""
    problems: list[StoreProblem] = []
    n_articles = n_spans = 0
    names = store.annotators() if annotators is None else annotators
    for name in names:
        view = store._view(name)
        for article_id in sorted(view.summary):
            n, status, fp, nthemes = view.summary[article_id]
            if not (n or nthemes or status != Status.TODO.value):
                continue
            n_articles += 1
            try:
                state = view.state(article_id)
            except StoreCorruptError as exc:
                problems.append(StoreProblem(name, article_id, str(exc)))
                continue
            spans = state.span_objects()
            n_spans += len(spans)
            article = corpus.get(article_id) if corpus is not None else None
            if article is None:
                if corpus is not None:
                    problems.append(StoreProblem(name, article_id, f"article not in the corpus {corpus.source}"))
                continue
            try:
                text = article.text
            except Exception as exc:  # CorpusError: unreadable now
                problems.append(StoreProblem(name, article_id, f"article text cannot be read: {exc}"))
                continue
            current = fingerprint(text)
            stale = state.fingerprint is not None and state.fingerprint != current
            if stale and spans:
                problems.append(
                    StoreProblem(name, article_id, f"stale: the article text changed since it was annotated (fingerprint {state.fingerprint}, now {current})")
                )
            entities: list[Span] = []
            for span in spans:
                reason = None
                if not (0 <= span.start < span.end <= len(text)):
                    reason = f"offsets out of range (article length {len(text)})"
                elif text[span.start : span.end] != span.text:
                    reason = f"text mismatch: stored “{_short(span.text)}”, article has “{_short(text[span.start:span.end])}”"
                elif span.kind not in KINDS:
                    reason = f"unknown kind {span.kind!r}"
                if reason is None and span.kind == ENTITY:
                    clash = next((o for o in entities if o.overlaps(span.start, span.end)), None)
                    if clash is not None:
                        reason = f"overlaps entity {clash.id} {clash.label} [{clash.start}, {clash.end})"
                    entities.append(span)
                if reason:
                    problems.append(StoreProblem(name, article_id, reason, span.id, span.label, span.start, span.end))
    return problems, n_articles, n_spans
