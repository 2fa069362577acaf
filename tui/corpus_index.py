"""A remembered index of a corpus folder, so the app reopens a large corpus
without reading every file again.

``open_corpus`` reads the head of every file for its title. The index keeps,
per file, its size, modification time and what opening found (article id and
title, or the problem); when every file of the folder still has the same
name, size and mtime, the corpus is rebuilt from the index and each text is
still read lazily from its file when asked for. Any difference, or an index
that cannot be read, falls back to ``open_corpus`` and rewrites the index.
JSONL corpora and single files are always opened directly.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from annotations import corpus as corpus_module
from annotations.corpus import Article, Corpus, CorpusProblem, open_corpus
from annotations.settings import config_dir

VERSION = 2


def _module_stamp() -> str:
    # Titles follow corpus.py's rules: a changed module invalidates every index.
    stat = os.stat(corpus_module.__file__)
    return f"{VERSION}:{stat.st_size}:{stat.st_mtime_ns}"


def index_path(folder: Path) -> Path:
    key = hashlib.sha1(str(folder.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return config_dir() / "corpus-index" / f"{key}.json"


# The index is columnar (one list per field, files sorted by name): checking
# 10,000 files against it is a few list comparisons done in C, and reading it
# builds a handful of lists rather than 10,000 small dicts.


def _scan(folder: Path) -> tuple[list[str], list[int], list[int]] | None:
    """Names, sizes and mtimes of the folder's *.txt entries, sorted by name."""
    try:
        with os.scandir(folder) as entries:
            found = [(entry.name, entry.stat()) for entry in entries if entry.name.endswith(".txt")]
    except OSError:
        return None
    found.sort(key=_first)
    return ([name for name, _ in found], [stat.st_size for _, stat in found],
            [stat.st_mtime_ns for _, stat in found])


def _first(pair):
    return pair[0]


def _from_index(folder: Path, files: tuple[list[str], list[int], list[int]], index: dict) -> Corpus | None:
    if index.get("stamp") != _module_stamp() or index.get("folder") != str(folder.resolve()):
        return None
    names, sizes, mtimes = files
    if index.get("names") != names or index.get("sizes") != sizes or index.get("mtimes") != mtimes:
        return None
    ids, titles, problem_map = index.get("ids"), index.get("titles"), index.get("problems")
    if not (isinstance(ids, list) and isinstance(titles, list) and isinstance(problem_map, dict)
            and len(ids) == len(titles)):
        return None
    problems = [CorpusProblem(name, problem_map[name]) for name in names if name in problem_map]
    # a str path: Article makes the Path only when the text is read
    prefix = os.path.join(str(folder), "")
    articles = [Article(article_id, title, path=f"{prefix}{article_id}.txt")
                for article_id, title in zip(ids, titles)]
    # directories or unreadable entries named *.txt: open_corpus skipped them too
    return Corpus(source=folder, articles=articles, problems=problems)


def _write_index(folder: Path, files: tuple[list[str], list[int], list[int]], corpus: Corpus) -> None:
    names, sizes, mtimes = files
    known = set(names)
    articles = [article for article in corpus.articles if f"{article.id}.txt" in known]
    if len(articles) != len(corpus.articles):
        return  # an article that is not one of the scanned files: nothing to remember
    data = {
        "stamp": _module_stamp(),
        "folder": str(folder.resolve()),
        "names": names,
        "sizes": sizes,
        "mtimes": mtimes,
        # In a folder corpus an article's id is its file name without ".txt".
        "ids": [article.id for article in articles],
        "titles": [article.title for article in articles],
        "problems": {problem.name: problem.reason for problem in corpus.problems if problem.name in known},
    }
    target = index_path(folder)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass  # only a cache: the next start reads the folder again


def open_corpus_indexed(source: str | Path) -> Corpus:
    """``open_corpus``, fast on a folder seen before and unchanged since."""
    corpus, remember = _open_indexed(Path(source))
    remember()
    return corpus


def _nothing() -> None:
    return None


def _open_indexed(path: Path) -> tuple[Corpus, Callable[[], None]]:
    """The corpus, and how to update the index after opening it (a no-op when
    the index was used or cannot be written)."""
    if not path.is_dir():
        return open_corpus(path), _nothing
    try:
        index = json.loads(index_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = None
    if isinstance(index, dict) and index.get("stamp") == _module_stamp():
        files = _scan(path)
        if files is None:
            return open_corpus(path), _nothing
        try:
            corpus = _from_index(path, files, index)
            if corpus is not None:
                return corpus, _nothing
        except (TypeError, AttributeError, ValueError):
            pass
    # Opening stats each file before reading it: what the index records, so a
    # file changed meanwhile no longer matches next time and is read again.
    seen: dict[str, list[int] | None] = {}
    corpus = corpus_module.open_folder(path, seen)
    if not all(stat is not None for stat in seen.values()):
        return corpus, _nothing

    def remember() -> None:
        names = sorted(seen)
        _write_index(path, (names, [seen[name][0] for name in names],
                            [seen[name][1] for name in names]), corpus)

    return corpus, remember


def open_corpus_unchecked(source: str | Path) -> tuple[Corpus, Callable[[], Corpus | None] | None]:
    """The corpus at once, and what is left to check about it.

    When the folder holds exactly the file names the index remembers, the
    corpus is built from the index without looking at each file (one stat per
    file is most of the cost of a reopen), and the second value is a check
    that does look: it returns None when every file still has the remembered
    size and mtime, or the corpus opened again (as ``open_corpus_indexed``)
    when any differs. The app runs it off the UI thread once the list is up.
    In every other case the corpus is opened as ``open_corpus_indexed`` opens
    it, and what is left is writing the index (the check then returns None),
    or nothing at all (None).
    """
    path = Path(source)
    try:
        if not path.is_dir():
            raise LookupError
        names = sorted(name for name in os.listdir(path) if name.endswith(".txt"))
        index = json.loads(index_path(path).read_text(encoding="utf-8"))
        if not isinstance(index, dict) or index.get("names") != names:
            raise LookupError
        remembered = (names, index.get("sizes"), index.get("mtimes"))
        corpus = _from_index(path, remembered, index)
        if corpus is None:
            raise LookupError
    except (LookupError, OSError, ValueError, TypeError, AttributeError):
        corpus, remember = _open_indexed(path)
        if remember is _nothing:
            return corpus, None

        def write_index() -> None:
            remember()
            return None

        return corpus, write_index

    def check() -> Corpus | None:
        if _scan(path) == remembered:
            return None
        return open_corpus_indexed(path)

    return corpus, check
