"""The annotated records a command reads from the store: which corpus,
store, annotators and statuses (a ``Selection``), opening those sources,
reading the records with progress (leaving out any whose article text
changed) and splitting them by article into train/dev/test.

Export, train, agreement and adjudicate share this; the command line turns its
options into a ``Selection`` (tui/commands/common.py), a notebook builds
one directly."""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter, lt
from typing import AbstractSet as Set, Container, Iterable, Iterator

from .errors import HashiyaError
from .model import ArticleRecord, Status
from .packed import PackedSet
from .sanitize import say


@dataclass(frozen=True)
class Selection:
    """What to read. ``None`` for corpus, store or labels: the environment
    or the default (see Settings.resolve). No annotators: every annotator
    in the store. No statuses: articles of any status."""

    corpus: str | None = None
    store: str | None = None
    labels: str | None = None
    annotators: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()


def group_records(records: list[ArticleRecord], resolve: str) -> dict[str, list[ArticleRecord]]:
    """annotator -> records; with ``resolve == "agreed"`` one group,
    "agreed", of the articles at least two annotators share, holding only
    the spans and themes all of them marked (what was left out is said on
    stderr)."""
    if resolve == "agreed":
        from .agreement import adjudicate

        merged, disputes, single = adjudicate(records, "agreed", into="agreed")
        Agreed(len(merged), len(disputes), len(single)).say()
        return {"agreed": merged} if merged else {}
    groups: dict[str, list[ArticleRecord]] = {}
    for record in records:
        groups.setdefault(record.annotator, []).append(record)
    return groups


@dataclass
class Agreed:
    """What ``--resolve agreed`` made of the records: shared articles
    merged, disagreements left out, articles with one annotator skipped."""

    shared: int = 0
    disagreements: int = 0
    single: int = 0

    def say(self) -> None:
        say(
            f"hashiya: agreed spans only: {self.shared} shared article(s), {self.disagreements} disagreement(s) "
            f"left out, {self.single} article(s) with one annotator skipped"
        )


def agreed_records(records: Iterable[ArticleRecord], tally: Agreed) -> Iterator[ArticleRecord]:
    """``group_records(records, "agreed")`` one article at a time, for
    records that come article by article (as ``Store.records`` reads them):
    each article's records are merged as soon as the next article starts,
    and none is kept longer. The counts go to `tally`."""
    from .agreement import adjudicate

    def merge(group: list[ArticleRecord]) -> list[ArticleRecord]:
        merged, disputes, single = adjudicate(group, "agreed", into="agreed")
        tally.shared += len(merged)
        tally.disagreements += len(disputes)
        tally.single += len(single)
        return merged

    group: list[ArticleRecord] = []
    for record in records:
        if group and record.id != group[0].id:
            yield from merge(group)
            group = []
        group.append(record)
    if group:
        yield from merge(group)


def exported_ids(store, corpus, names: list[str], statuses) -> dict[str, Set[str]]:
    """annotator -> the ids of the records ``iter_records`` would give
    (annotated, in the corpus, of a wanted status), known from the store's
    index without reading an article: what output names and a split are
    decided on before the records stream by. A record whose article text
    changed is counted here and left out when it is read. Each a
    ``PackedSet`` (a large store's ids are not held a string each)."""
    wanted = {Status(s) for s in statuses} if statuses else None
    out: dict[str, Set[str]] = {}
    for name in names:
        annotated = store.annotated(name)
        if wanted is None and annotated.within(corpus):
            out[name] = annotated  # (the usual case: made once)
            continue
        status_of = store.statuses(name) if wanted is not None else {}
        out[name] = PackedSet(
            article_id
            for article_id in annotated
            if article_id in corpus and (wanted is None or status_of.get(article_id, Status.TODO) in wanted)
        )
    return out


def warn_stale(stale: list[str]) -> None:
    """Say which records were left out because their article changed."""
    if stale:
        say(
            f"hashiya: left out {len(stale)} record(s) whose article text changed since it was annotated "
            f"(run hashiya validate): {', '.join(stale[:8])}{' …' if len(stale) > 8 else ''}"
        )


class Progress:
    """A one-line progress counter on stderr, only when stderr is a terminal."""

    def __init__(self, label: str, total: int, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self._shown = -1

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        percent = self.done * 100 // self.total
        if percent != self._shown:
            self._shown = percent
            width = 30
            filled = width * self.done // self.total
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._shown >= 0:
            self.stream.write("\r" + " " * (len(self.label) + 50) + "\r")
            self.stream.flush()


def open_sources(selection: Selection, *, need_annotators: bool = True, titles: bool = True):
    """(settings, corpus, store, annotator names) for a reading command.
    ``titles=False``: a corpus folder's files are listed, not read, until an
    article's text is needed (a bad file is then a CorpusError naming it)."""
    from .corpus import open_corpus
    from .settings import Settings
    from .store import open_for_reading

    settings = Settings.resolve(corpus=selection.corpus, store=selection.store, labels=selection.labels)
    corpus = open_corpus(settings.corpus, titles=titles)
    for problem in corpus.problems:
        say(f"hashiya: warning: corpus: {problem}")
    store = open_for_reading(settings.store)
    known = store.annotators()
    names = known
    if selection.annotators:
        names = []
        for name in selection.annotators:
            if name not in known:
                store.close()
                have = ", ".join(known) or "none"
                raise HashiyaError(f"unknown annotator {name!r} in store {settings.store} (it has: {have})")
            if name not in names:
                names.append(name)
    if need_annotators and not names:
        store.close()
        raise HashiyaError(f"the store {settings.store} holds no annotations yet")
    return settings, corpus, store, names


#: Formats written as tokens: they share one tokenization per article.
TOKEN_FORMATS = ("conll", "hf", "prodigy", "spacy")


def token_evidence(fmt: str, corpus, settings, store, read_next: Container[str] | None = None):
    """For a token format, the evidence its proclitic segmentation decides
    with (annotations.segment.evidence_for): the corpus vocabulary, the
    schema's gazetteer and the span texts of every annotator in the store,
    so an article has the same tokens whichever annotator is exported.
    None for the other formats. `read_next`: the ids of the articles read
    next, whose texts it may keep loaded (default: every annotated one)."""
    if fmt not in TOKEN_FORMATS:
        return None
    from .schema import load_schema
    from .segment import evidence_for

    annotated = read_next
    if annotated is None:
        names = store.annotators()
        annotated = (
            store.annotated(names[0])
            if len(names) == 1
            else PackedSet(chain.from_iterable(store.annotated(name) for name in names))
        )
    return evidence_for(
        corpus, schema=load_schema(settings.labels), stores=[store], keep=annotated, keep_chars=KEEP_CHARS
    )


#: Texts of annotated articles that gathering the evidence keeps loaded for
#: the export's own pass (characters, ~2 bytes each for Arabic): past this
#: they are read again, so that an export's memory does not grow with the
#: corpus (~5,000 articles of ~400 characters stay within it: 4 MB).
KEEP_CHARS = 2_000_000


def read_records(store, corpus, names: list[str], statuses, *, label: str = "reading") -> tuple[list[ArticleRecord], list[str]]:
    """Records from the store, with a progress bar; records whose spans no
    longer match the article text (the article changed) are left out and
    named in the second list."""
    stale: list[str] = []
    # The records kept here are ~100k long-lived objects for a big store:
    # the cyclic GC would scan them (and the store's index) again and again
    # while they pile up, for nothing (they hold no cycles).
    with gc_paused():
        records = list(iter_records(store, corpus, names, statuses, stale, label=label))
    return records, stale


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (restored as it was after)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


_span_start = attrgetter("start")
_span_end = attrgetter("end")
_span_text = attrgetter("text")


def aligned(text: str, spans: list) -> bool:
    """Every span lies in the text (0 <= start < end <= len(text)) and
    text[start:end] is its stored text (Span.is_aligned of each, checked
    in bulk: this runs for every record an export reads)."""
    if not spans:
        return True
    starts = list(map(_span_start, spans))
    ends = list(map(_span_end, spans))
    return (
        min(starts) >= 0
        and max(ends) <= len(text)
        and all(map(lt, starts, ends))
        and list(map(text.__getitem__, map(slice, starts, ends))) == list(map(_span_text, spans))
    )


def iter_records(
    store, corpus, names: list[str], statuses, stale: list[str], *, label: str = "reading", warn_missing: bool = True
) -> Iterator[ArticleRecord]:
    """The records of read_records one at a time, as they are read (for a
    writer that needs no record twice); stale records go to `stale`. The
    warning about annotated articles missing from the corpus is printed
    once the last record has been read (``warn_missing``; else the caller
    prints it with ``warn_missing_articles``)."""
    progress = Progress(label, len(corpus))

    def articles() -> Iterator:
        for article in corpus:
            loaded = article.loaded
            yield article
            progress.step()
            if not loaded:  # read for this pass: not kept after it
                article.release_text()

    wanted = [Status(s) for s in statuses] if statuses else None
    try:
        for record in store.records(articles(), names, wanted):
            if aligned(record.text, record.spans):
                yield record
            else:
                stale.append(f"{record.id} ({record.annotator})")
    finally:
        progress.close()
    if warn_missing:
        warn_missing_articles(store, corpus, names)


def warn_missing_articles(store, corpus, names: list[str]) -> None:
    """Say which annotated articles are not in the corpus (and so were left out)."""
    missing = []
    for name in names:
        annotated = store.annotated(name)
        if annotated.found_in is not corpus:  # (else known to be all there: exported_ids)
            missing.extend(f"{article_id} ({name})" for article_id in annotated if article_id not in corpus)
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        say(
            f"hashiya: warning: {len(missing)} annotated article(s) are not in the corpus "
            f"{corpus.source} and were left out: {shown}",
        )


def split_ids(ids: Iterable[str], ratios: tuple[int, ...], seed: int) -> list[set[str]]:
    """Article ids shuffled with `seed` and cut by `ratios` (e.g. 80/10/10):
    the same ids, ratios and seed always give the same split."""
    import random

    ordered = sorted(set(ids))
    random.Random(seed).shuffle(ordered)
    total = sum(ratios)
    parts: list[set[str]] = []
    start = 0
    acc = 0
    for i, ratio in enumerate(ratios):
        acc += ratio
        end = len(ordered) if i == len(ratios) - 1 else round(len(ordered) * acc / total)
        parts.append(set(ordered[start:end]))
        start = end
    return parts
