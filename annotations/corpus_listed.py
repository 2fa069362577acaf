"""A corpus folder listed for a pass over every article (``open_folder``
with ``titles=False``: export, train, stats), holding no object per
article: the ids in one block (``PackedStrings``), an article made as a
pass reaches it and let go after it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from heapq import merge
from pathlib import Path
from typing import Iterator

from .corpus import Article, Corpus, CorpusProblem, ListedArticle, _entry_problem
from .errors import CorpusError
from .packed import PackedStrings


def list_folder(folder: Path) -> "ListedCorpus":
    """``open_folder(titles=False)``: the files' names only, checked as
    entries (links, folders, devices), kept as their ids in one block."""
    problems: list[CorpusProblem] = []
    # the names sorted a few thousand at a time, each run one string (a
    # file name holds no NUL), then merged: no list of every name is made
    runs: list[str] = []
    batch: list[str] = []
    inside: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if not name.endswith(".txt"):
                continue
            try:
                problem = _entry_problem(entry, inside)
            except OSError as exc:
                problem = f"cannot read: {exc.strerror or exc}"
            if problem is not None:
                problems.append(CorpusProblem(name, problem))
                continue
            batch.append(name[:-4])
            if len(batch) == 2048:
                runs.append(_run(batch))
    if batch:
        runs.append(_run(batch))
    problems.sort(key=lambda problem: problem.name)
    # File names in one folder differ, so ids (name less .txt) do too; in
    # the order of their names (".txt" after each: "a-b" before "a").
    ids = PackedStrings(merge(*map(_names_in, runs), key=_as_name))
    del runs
    return ListedCorpus(source=folder, articles=ListedArticles(ids, os.path.join(os.fspath(folder), "")), problems=problems)


def _as_name(article_id: str) -> str:
    return article_id + ".txt"


def _run(batch: list[str]) -> str:
    """The ids of `batch` in file name order as one string (emptied)."""
    batch.sort(key=_as_name)
    run = "\0".join(batch)
    batch.clear()
    return run


def _names_in(run: str) -> Iterator[str]:
    start = 0
    while True:
        end = run.find("\0", start)
        if end < 0:
            yield run[start:]
            return
        yield run[start:end]
        start = end + 1


class ListedArticles(Sequence):
    """The articles of a folder listed by name, in name order. A pass over
    them makes each ``ListedArticle`` as it comes and keeps none, so that a
    pass over a large corpus holds one article at a time and the listing
    stays one block of ids (``ids``, a ``PackedStrings``); an article asked
    for by id (``Corpus.get``: one opened) is kept, and the passes give it."""

    def __init__(self, ids: PackedStrings, prefix: str) -> None:
        self.ids = ids
        self._prefix = prefix
        #: articles asked for by id
        self.kept: dict[str, ListedArticle] = {}
        #: texts already read, handed to the article made next for their id (``ListedCorpus.hold``)
        self.held: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def _make(self, article_id: str) -> ListedArticle:
        if self.kept:
            article = self.kept.get(article_id)
            if article is not None:
                return article
        article = ListedArticle(article_id, f"{self._prefix}{article_id}.txt")
        if self.held:
            article._text = self.held.pop(article_id, None)
        return article

    def keep(self, position: int) -> ListedArticle:
        article = self[position]
        self.kept[article.id] = article
        return article

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._make(article_id) for article_id in self.ids[index]]
        return self._make(self.ids[index])

    def __iter__(self) -> Iterator[Article]:
        return map(self._make, self.ids)


class ListedCorpus(Corpus):
    """A folder opened with ``titles=False`` (``ListedArticles``): an
    article is found by id through the packed ids."""

    articles: ListedArticles

    def __post_init__(self) -> None:
        pass

    def __contains__(self, article_id: object) -> bool:
        return self.articles.ids.find(article_id) >= 0

    def get(self, article_id: str) -> Article | None:
        position = self.articles.ids.find(article_id)
        return None if position < 0 else self.articles.keep(position)

    def index_of(self, article_id: str) -> int:
        position = self.articles.ids.find(article_id)
        if position < 0:
            raise CorpusError(f"no article with id {article_id!r} in {self.source}")
        return position

    def hold(self, article: Article, text: str) -> None:
        """Keep `text`, read for `article`, for the next time that article
        is made (a pass that reads it next: the export after its evidence)."""
        self.articles.held[article.id] = text
