"""Which article holds a span id: known lazily (``_Annotator.span_article``).

A store of 100,000 articles holds a million span ids. Keeping them all in
memory from the moment it opens (a set per article and a span -> article
map) was most of the time and memory of opening it, and made every export's
memory grow with the store. Yet the question "which article holds span X"
is rare: the app edits spans of an article it has open, and a new span's
id is a fresh random uuid4.

So the ids are known in two ways:

* hints: span id -> article for the articles this process has open (their
  spans when first read, and what the journal adds to them since). A hint
  is checked against the article before it is trusted, so it needs no
  care when a span goes;
* the whole map, made only when a hint misses (``Store.span`` of any id,
  deleting a span of an article not open, importing records that bring
  their own ids): from ``ids.json`` -- written at checkpoints while the
  map is in memory, as of a journal offset like ``index.json`` -- and the
  journal entries after it, or else from the article files. Once made it
  is kept current by every save.

``ids.json``: ``{"format": 1, "annotator", "seq", "journal_gen",
"journal_pos", "articles": {article id: [span ids]}}``. Derived data like
the index: trusted only for the journal it names and only when the
journal from its offset reads as entries following its ``seq``;
otherwise the article files say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .files import atomic_write, dump_json
from .index import discard, read_stamped, stamp

FORMAT = 1


class SpanIds:
    """Span ids of one annotator's articles: hints, and the whole map once made."""

    def __init__(self) -> None:
        self.home: dict[str, str] | None = None  # span id -> article, once made
        self.by_article: dict[str, set[str]] = {}  # with home: article -> its span ids
        self.hints: dict[str, str] = {}
        self.seen: set[str] = set()  # articles whose spans are in hints
        self.changed = False  # home differs from what ids.json holds

    @property
    def complete(self) -> bool:
        return self.home is not None

    def clear(self) -> None:
        self.__init__()

    def load(self, by_article: dict[str, Iterable[str]], *, changed: bool) -> None:
        """Make the whole map from each article's span ids."""
        home: dict[str, str] = {}
        sets: dict[str, set[str]] = {}
        for article_id, ids in by_article.items():
            ids = set(ids)
            if ids:
                sets[article_id] = ids
                home.update(dict.fromkeys(ids, article_id))
        self.home, self.by_article, self.changed = home, sets, changed
        self.hints.clear()
        self.seen.clear()

    def hint(self, span_id: str) -> str | None:
        return self.hints.get(span_id)

    def saw(self, article_id: str, ids: Iterable[str]) -> None:
        """An article read into memory: hints for its spans (once)."""
        if self.home is None and article_id not in self.seen:
            self.seen.add(article_id)
            self.hints.update(dict.fromkeys(ids, article_id))

    def added(self, article_id: str, span_id: str, *, hint: bool) -> None:
        if self.home is not None:
            self.home[span_id] = article_id
            self.by_article.setdefault(article_id, set()).add(span_id)
            self.changed = True
        elif hint:
            self.hints[span_id] = article_id

    def removed(self, article_id: str, span_id: str) -> None:
        if self.home is not None:
            ids = self.by_article.get(article_id)
            if ids is not None:
                ids.discard(span_id)
                if not ids:
                    del self.by_article[article_id]
            if self.home.get(span_id) == article_id:
                del self.home[span_id]
            self.changed = True

    def replaced(self, article_id: str, ids: Iterable[str], *, hint: bool) -> None:
        """The article now holds exactly ``ids``."""
        if self.home is not None:
            home = self.home
            for span_id in self.by_article.pop(article_id, ()):
                if home.get(span_id) == article_id:
                    del home[span_id]
            ids = set(ids)
            if ids:
                self.by_article[article_id] = ids
                home.update(dict.fromkeys(ids, article_id))
            self.changed = True
        elif hint:
            self.hints.update(dict.fromkeys(ids, article_id))


def ids_path(folder: Path) -> Path:
    return folder / "ids.json"


def read_ids(path: Path) -> dict | None:
    """``ids.json`` as a checked dict, or None when it is missing, damaged or
    not as this store writes it (the article files then say)."""
    data = read_stamped(path, "span id file", FORMAT)
    articles = data.get("articles") if data is not None else None
    if not isinstance(articles, dict) or not all(
        isinstance(ids, list) and all(type(sid) is str for sid in ids) for ids in articles.values()
    ):
        return None
    return data


def write_ids(ann) -> None:
    """The whole map as ``ids.json``, as of the journal offset the index is
    written with (a checkpoint)."""
    spans = ann.span_ids
    data = {
        "format": FORMAT,
        **stamp(ann),
        "articles": {aid: sorted(ids) for aid, ids in spans.by_article.items()},
    }
    atomic_write(ids_path(ann.dir), dump_json(data))
    spans.changed = False


def discard_ids(folder: Path) -> None:
    discard(ids_path(folder))
