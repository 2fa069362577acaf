"""Suggestions kept beside an annotator's store, apart from the annotations.

Layout, inside the annotator's folder of the store (see
:mod:`annotations.store`)::

    <store>/<annotator>/suggestions/articles/<hh>/<name>.json  suggestions for one article
                                                        (the article file's subfolder and name)
    <store>/<annotator>/suggestions/index.json          waiting count and doubt per article

Suggestions are not annotations. Nothing that reads annotations — export,
stats, status, the span counts of the list, ``validate`` — looks in this
folder, so a suggestion is never exported and never counted as work. It
becomes an annotation only when accepted, and then through the store's own
API (:meth:`Store.add_span`, :meth:`Store.toggle_theme`): journaled and
undoable like any edit.

An article file holds the text fingerprint the suggestions were made on,
where they came from, the suggested entities ``[start, end)`` (code
points, as spans are) with label and text, the theme scores of a model,
the model's theme margin, and what the annotator rejected. A rejection is
kept per article as ``(start, end, label)`` (or a theme label): a later
``hashiya suggest`` on the same text leaves it out. If the article's text
changes (another fingerprint), its suggestions and rejections no longer
apply and are not shown.

Waiting. A stored suggestion is *waiting* unless rejected or overlapping
an entity the annotator holds — an accepted one overlaps the span it
became, so undoing the accept brings it back, and a suggestion that
collides with an existing entity is never shown or acceptable.

Doubt (for "next article to do", most doubtful first): an article with
theme scores from a model has ``margin`` = min |score - 0.5| over the
schema's themes, and the smallest margin comes first; articles without
scores (patterns, an ``ner``-only model) follow, the most waiting
suggestions per 1,000 characters first (``density``). ``index.json``
holds ``[waiting, margin, length]`` per article so the list needs no
article file; it can always be rebuilt from the article files.

Writing. Only a writing :class:`Store` (one that holds the annotator's
lock) may write here, so one process writes an annotator's suggestions at a
time, as with the annotations; within the process one lock serialises the
methods. Every file is replaced atomically (temp file, fsync,
``os.replace``). A damaged file is reported by name (StoreCorruptError)
and never written over.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import AnnotationError, StoreCorruptError, StoreError
from ..model import ENTITY, Span, fingerprint, now
from ..store import Store, article_path
from ..store.articles import flat_name
from ..store.files import atomic_write, dump_json, load_json_file
from ..store.layout import subfolder_problem
from .found import THEME_THRESHOLD, Found

__all__ = ["ArticleSuggestions", "Suggestion", "SuggestionStore", "Waiting", "doubt_key"]

FORMAT = 1
FOLDER = "suggestions"
INDEX = "index.json"


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    label: str
    text: str

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Waiting:
    """One article's line of the index."""

    count: int
    margin: float | None
    length: int

    @property
    def density(self) -> float:
        return self.count * 1000 / self.length if self.length else 0.0


def doubt_key(waiting: Waiting | None) -> tuple:
    """Sort key, most doubtful first: smallest theme margin, then (without
    theme scores) most waiting suggestions per 1,000 characters; articles
    without suggestions last."""
    if waiting is None:
        return (2, 0.0)
    if waiting.margin is not None:
        return (0, waiting.margin)
    return (1, -waiting.density)


@dataclass
class ArticleSuggestions:
    article_id: str
    fingerprint: str
    source: str
    length: int
    entities: list[Suggestion] = field(default_factory=list)
    themes: dict[str, float] = field(default_factory=dict)
    margin: float | None = None
    rejected: set[tuple[int, int, str]] = field(default_factory=set)
    rejected_themes: set[str] = field(default_factory=set)
    created: float = field(default_factory=now)

    def waiting(self, spans: list[Span]) -> list[Suggestion]:
        """Suggested entities still to decide, given the annotator's spans."""
        entities = [span for span in spans if span.kind == ENTITY]
        return [
            s for s in self.entities
            if s.key not in self.rejected and not any(e.overlaps(s.start, s.end) for e in entities)
        ]

    def waiting_themes(self, themes: list[str]) -> list[str]:
        """Suggested document themes (scored above 0.5) not yet chosen or rejected."""
        return [
            label for label, score in sorted(self.themes.items())
            if score > THEME_THRESHOLD and label not in themes and label not in self.rejected_themes
        ]

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "article_id": self.article_id,
            "fingerprint": self.fingerprint,
            "source": self.source,
            "length": self.length,
            "created": self.created,
            "entities": [[s.start, s.end, s.label, s.text] for s in self.entities],
            "themes": self.themes,
            "margin": self.margin,
            "rejected": sorted([list(key) for key in self.rejected]),
            "rejected_themes": sorted(self.rejected_themes),
        }

    @classmethod
    def from_dict(cls, data: dict, path: Path) -> "ArticleSuggestions":
        try:
            if data.get("format") != FORMAT:
                raise ValueError(f"unknown format {data.get('format')!r}")
            return cls(
                article_id=str(data["article_id"]),
                fingerprint=str(data["fingerprint"]),
                source=str(data["source"]),
                length=int(data["length"]),
                created=float(data["created"]),
                entities=[Suggestion(int(s), int(e), str(label), str(text)) for s, e, label, text in data["entities"]],
                themes={str(k): float(v) for k, v in data["themes"].items()},
                margin=None if data["margin"] is None else float(data["margin"]),
                rejected={(int(s), int(e), str(label)) for s, e, label in data["rejected"]},
                rejected_themes={str(label) for label in data["rejected_themes"]},
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise StoreCorruptError(f"suggestions {path} are damaged: {exc}") from None


class SuggestionStore:
    """One annotator's suggestions, next to their :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.folder = Path(store.root) / store.annotator / FOLDER
        self.articles = self.folder / "articles"
        self._lock = threading.RLock()
        self._index: dict[str, Waiting] | None = None
        self._deferred = 0

    # -- files ---------------------------------------------------------------
    def path(self, article_id: str) -> Path:
        """Where the article's suggestions are written: beside the article
        files' layout (``article_path``), in ``suggestions/articles``."""
        return Path(article_path(self.articles, article_id))

    def _flat_path(self, article_id: str) -> Path:
        """Where the flat layout kept them: read while no file is at
        ``path``, removed when the article's suggestions are next written."""
        return self.articles / flat_name(article_id)

    def _folder_problem(self) -> str | None:
        """Why ``suggestions`` or its ``articles`` cannot be used: the rule
        for the store's own folders (``subfolder_problem``: a link planted
        there would send the writes, and the reads, elsewhere)."""
        return subfolder_problem(str(self.folder)) or subfolder_problem(str(self.articles))

    def _writable(self) -> None:
        if self.store.readonly:
            raise StoreError(f"store {self.store.root} was opened read-only: suggestions cannot be written")
        problem = self._folder_problem()
        if problem:
            raise StoreError(problem)
        try:
            self.articles.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {self.articles}: {exc.strerror or exc}") from None

    def _read(self, article_id: str) -> ArticleSuggestions | None:
        problem = self._folder_problem()
        if problem:
            raise StoreError(problem)
        path = self.path(article_id)
        data = load_json_file(path, "suggestions")
        if data is None:
            path = self._flat_path(article_id)
            data = load_json_file(path, "suggestions")
        if data is None:
            return None
        if not isinstance(data, dict):
            raise StoreCorruptError(f"suggestions {path} are damaged: not a JSON object")
        return ArticleSuggestions.from_dict(data, path)

    def _write(self, item: ArticleSuggestions) -> None:
        self._writable()
        path = self.path(item.article_id)
        problem = subfolder_problem(str(path.parent))
        if problem:
            raise StoreError(problem)
        try:
            path.parent.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
        atomic_write(path, dump_json(item.to_dict()))
        flat = self._flat_path(item.article_id)
        if flat.is_file() and not flat.is_symlink():
            flat.unlink()  # superseded by the file just written

    # -- reads ---------------------------------------------------------------
    def load(self, article_id: str, text: str) -> ArticleSuggestions | None:
        """The article's suggestions if made on this very text, else None."""
        with self._lock:
            item = self._read(article_id)
        if item is None or item.fingerprint != fingerprint(text):
            return None
        return item

    def has(self, article_id: str, text: str) -> bool:
        return self.load(article_id, text) is not None

    def waiting(self, article_id: str, text: str) -> list[Suggestion]:
        item = self.load(article_id, text)
        return [] if item is None else item.waiting(self.store.spans(article_id))

    # -- writes --------------------------------------------------------------
    def save(self, article_id: str, text: str, found: Found, source: str) -> ArticleSuggestions:
        """Store what a source found for this text, replacing earlier
        suggestions but keeping the rejections made on the same text."""
        with self._lock:
            old = self._read(article_id)
            print_ = fingerprint(text)
            keep = old is not None and old.fingerprint == print_
            item = ArticleSuggestions(
                article_id=article_id,
                fingerprint=print_,
                source=source,
                length=len(text),
                themes=dict(found.themes),
                margin=found.margin,
                rejected=set(old.rejected) if keep else set(),
                rejected_themes=set(old.rejected_themes) if keep else set(),
            )
            for start, end, label in found.entities:
                if not (0 <= start < end <= len(text)):
                    raise AnnotationError(f"suggestion [{start}, {end}) lies outside article {article_id}")
                if (start, end, label) not in item.rejected:
                    item.entities.append(Suggestion(start, end, label, text[start:end]))
            self._write(item)
            self._note(item)
            return item

    def reject(self, article_id: str, text: str, suggestion: Suggestion) -> None:
        with self._lock:
            item = self._require(article_id, text)
            item.rejected.add(suggestion.key)
            item.entities = [s for s in item.entities if s.key != suggestion.key]
            self._write(item)
            self._note(item)

    def unreject(self, article_id: str, text: str, suggestion: Suggestion) -> None:
        """Take a rejection back: the suggestion waits again unless an
        entity now covers it (the reader orders what waits by offset)."""
        with self._lock:
            item = self._require(article_id, text)
            item.rejected.discard(suggestion.key)
            if all(s.key != suggestion.key for s in item.entities):
                item.entities.append(suggestion)
            self._write(item)
            self._note(item)

    def reject_theme(self, article_id: str, text: str, label: str) -> None:
        with self._lock:
            item = self._require(article_id, text)
            item.rejected_themes.add(label)
            self._write(item)
            self._note(item)

    def accept(self, article_id: str, text: str, suggestion: Suggestion) -> Span:
        """The suggestion becomes an ordinary entity span (journaled, undoable)."""
        with self._lock:
            item = self._require(article_id, text)
            if suggestion not in item.waiting(self.store.spans(article_id)):
                raise AnnotationError(f"“{suggestion.text}” is no longer a waiting suggestion")
            span = self.store.add_span(article_id, text, suggestion.start, suggestion.end, suggestion.label, ENTITY)
            self._note(item)
            return span

    def accept_label(self, article_id: str, text: str, label: str) -> list[Span]:
        """Accept every waiting suggestion of `label` in the article."""
        with self._lock:
            item = self._require(article_id, text)
            spans = []
            for suggestion in item.waiting(self.store.spans(article_id)):
                if suggestion.label == label:
                    spans.append(self.store.add_span(
                        article_id, text, suggestion.start, suggestion.end, label, ENTITY
                    ))
            self._note(item)
            return spans

    def accept_theme(self, article_id: str, text: str, label: str) -> None:
        with self._lock:
            self._require(article_id, text)
            if label not in self.store.themes(article_id):
                self.store.toggle_theme(article_id, label, text)

    def recount(self, article_id: str, text: str) -> Waiting | None:
        """Bring the article's line of the index up to date (after edits
        made in the reader, which may hide or uncover suggestions)."""
        with self._lock:
            item = self.load(article_id, text)
            if item is None:
                return None
            self._note(item)
            return self.summary().get(article_id)

    def _require(self, article_id: str, text: str) -> ArticleSuggestions:
        item = self.load(article_id, text)
        if item is None:
            raise AnnotationError(f"article {article_id} has no suggestions for its current text")
        return item

    # -- the index -----------------------------------------------------------
    def summary(self) -> dict[str, Waiting]:
        """Waiting count and doubt per article with suggestions."""
        with self._lock:
            if self._index is None:
                self._index = self._load_index()
            return dict(self._index)

    def _load_index(self) -> dict[str, Waiting]:
        if self._folder_problem():
            return {}  # nothing listed through a link; a read or a write of one says why
        try:
            data = load_json_file(self.folder / INDEX, "suggestion index")
            if data is not None:
                return {
                    str(aid): Waiting(int(n), None if m is None else float(m), int(length))
                    for aid, (n, m, length) in data["articles"].items()
                }
        except (StoreCorruptError, KeyError, TypeError, ValueError, AttributeError):
            pass  # rebuilt from the article files below
        return self._rebuild_index()

    def _rebuild_index(self) -> dict[str, Waiting]:
        index: dict[str, Waiting] = {}
        if not self.articles.is_dir():
            return index
        # the subfolders' files, then the flat layout's (not written since)
        for path in sorted(self.articles.glob("*/*.json")) + sorted(self.articles.glob("*.json")):
            try:
                data = load_json_file(path, "suggestions")
                item = ArticleSuggestions.from_dict(data if isinstance(data, dict) else {}, path)
            except StoreCorruptError:
                continue
            if item.article_id not in index:
                index[item.article_id] = self._line(item)
        return index

    def _line(self, item: ArticleSuggestions) -> Waiting:
        count = len(item.waiting(self.store.spans(item.article_id)))
        count += len(item.waiting_themes(self.store.themes(item.article_id)))
        return Waiting(count, item.margin, item.length)

    def _note(self, item: ArticleSuggestions) -> None:
        index = self.summary()
        index[item.article_id] = self._line(item)
        self._index = index
        if not self._deferred:
            self._write_index()

    def _write_index(self) -> None:
        if self._index is None or self.store.readonly:
            return
        self._writable()
        data = {"format": FORMAT, "articles": {aid: [w.count, w.margin, w.length] for aid, w in self._index.items()}}
        # derivable from the article files: atomic, without waiting for the disk
        atomic_write(self.folder / INDEX, dump_json(data), durable=False)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write the index once at the end of many saves."""
        with self._lock:
            self._deferred += 1
            try:
                yield
            finally:
                self._deferred -= 1
                if not self._deferred:
                    self._write_index()
