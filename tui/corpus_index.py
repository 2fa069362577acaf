"""A remembered index of a corpus folder, so the app reopens a large corpus
without reading every file again.

``open_corpus`` reads the head of every file for its title. The index keeps,
per file, its size, modification time and what opening found (article id and
title, or the problem); when every file of the folder still has the same
name, size and mtime, the corpus is rebuilt from the index and each text is
still read lazily from its file when asked for. Any difference, or an index
that cannot be read, falls back to ``open_corpus`` and rewrites the index.
JSONL corpora and single files are always opened directly.

The index also remembers the fingerprint of each file whose whole text was
read (for the stale check), with the size and mtime the file had when it was
read: on a reopen of an unchanged folder the stale markers need no file read.

A large folder seen for the first time (``LIST_FIRST_FROM`` files or more)
is listed by file name only: each title is read from its file's head when
its row is first drawn, and the full opening -- every head read, every
problem found, the index written -- is what is left to check once the list
is up.

One module on purpose: the index's format (its title block, offsets and
remembered fingerprints) and the lazy articles made from it read the same
bytes; kept together, a change to the format is made in one place.
"""

from __future__ import annotations

import hashlib
from array import array
import os
import time
from pathlib import Path
from typing import Callable, Collection, Iterator, Sequence

import orjson

from annotations import corpus as corpus_module
from annotations import textnorm
from annotations.corpus import Article, Corpus, CorpusProblem, ListedArticle, open_corpus
from annotations.errors import CorpusError, StoreError
from annotations.jsontext import has_surrogate
from annotations.model import fingerprint
from annotations.textnorm import fold_many
from annotations.settings import config_dir

VERSION = 4
# Titles folded at a time when the index is written (as the list folds them).
FOLD_CHUNK = 512
# A folder seen for the first time with at least this many files is listed
# before its files are read (see the module's docstring).
LIST_FIRST_FROM = 2000


def _module_stamp() -> str:
    # Titles follow corpus.py's rules and are folded by textnorm's: a changed
    # module invalidates every index.
    stamp = [str(VERSION)]
    for module in (corpus_module, textnorm):
        stat = os.stat(module.__file__)
        stamp.append(f"{stat.st_size}:{stat.st_mtime_ns}")
    return ":".join(stamp)


def index_path(folder: Path) -> Path:
    key = hashlib.sha1(str(folder.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return config_dir() / "corpus-index" / f"{key}.json"


def _read_index(folder: Path) -> dict | None:
    """The folder's index when it can be read and was written for this folder
    by these rules; None otherwise. Its remembered fingerprints stay unparsed
    until asked for (``_remembered_entries``): a large folder reopened needs
    none of them to be listed."""
    try:
        with open(index_path(folder), "rb") as handle:
            head, prints = handle.readline(), handle.readline()
            index = orjson.loads(head)
            if not isinstance(index, dict) or not prints.endswith(b"\n"):
                return None
            title_ends, folded_ends = index.pop("title_ends"), index.pop("folded_ends")
            index["fingerprints"] = prints
            index["titles"] = Titles(handle.read(title_ends[-1] if title_ends else 0), title_ends)
            index["folded"] = Titles(handle.read(), folded_ends)
    except (OSError, ValueError, KeyError, TypeError, OverflowError):  # orjson's error is a ValueError
        return None
    if index.get("stamp") != _module_stamp() or index.get("folder") != str(folder.resolve()):
        return None
    return index


def _remembered_entries(index: dict):
    """The index's ``name -> [size, mtime_ns, fingerprint]`` entries, parsed
    on first need (whatever they are: ``_still_valid`` checks them)."""
    entries = index.get("fingerprints")
    if isinstance(entries, bytes):
        try:
            entries = orjson.loads(entries)
        except ValueError:
            entries = {}
        index["fingerprints"] = entries
    return entries


class Titles(Sequence):
    """The titles of an index: one block of UTF-8 and where each title ends
    in it; a title is decoded when asked for, so reading the index of a large
    corpus does not decode every title first."""

    def __init__(self, blob: bytes, ends: list[int]) -> None:
        if not isinstance(ends, (list, array)) or (ends and ends[-1] != len(blob)):
            raise ValueError("titles do not match their ends")
        self.blob = blob
        # a machine integer each, not an int object (TypeError or
        # OverflowError for one that is not)
        self.ends = array("q", ends)

    @classmethod
    def of(cls, titles: list[str]) -> "Titles":
        encoded = [title.encode("utf-8", "surrogatepass") for title in titles]
        ends, total = [], 0
        for part in encoded:
            total += len(part)
            ends.append(total)
        return cls(b"".join(encoded), ends)

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[at] for at in range(*position.indices(len(self.ends)))]
        if position < 0:
            position += len(self.ends)
        start = self.ends[position - 1] if position > 0 else 0
        return self.blob[start:self.ends[position]].decode("utf-8", "surrogatepass")


# The index is columnar (one list per field, files sorted by name): checking
# 10,000 files against it is a few list comparisons done in C, and reading it
# builds a handful of lists rather than 10,000 small dicts.

Files = tuple[list[str], list[int], list[int]]


def _scan(folder: Path, pace: Callable[[], None] | None = None) -> Files | None:
    """Names, sizes and mtimes of the folder's *.txt entries, sorted by name.
    ``pace`` is called after every entry looked at."""
    try:
        with os.scandir(folder) as entries:
            if pace is None:
                found = [(entry.name, entry.stat()) for entry in entries if entry.name.endswith(".txt")]
            else:
                found = []
                for entry in entries:
                    if entry.name.endswith(".txt"):
                        found.append((entry.name, entry.stat()))
                        pace()
    except OSError:
        return None
    found.sort(key=_first)
    return ([name for name, _ in found], [stat.st_size for _, stat in found],
            [stat.st_mtime_ns for _, stat in found])


def _first(pair):
    return pair[0]


def _still_valid(entries, files: Files) -> dict[str, list]:
    """Of ``name -> [size, mtime_ns, fingerprint]`` entries, those of a file
    with that same size and mtime in ``files``."""
    if not isinstance(entries, dict) or not entries:
        return {}
    names, sizes, mtimes = files
    row = {name: position for position, name in enumerate(names)}
    valid = {}
    for name, entry in entries.items():
        position = row.get(name)
        if (position is not None and isinstance(entry, list) and len(entry) == 3
                and entry[0] == sizes[position] and entry[1] == mtimes[position] and isinstance(entry[2], str)):
            valid[name] = entry
    return valid


def _fingerprints(index: dict, files: Files) -> dict[str, str]:
    """name -> fingerprint, for the remembered fingerprints taken from a file
    with the size and mtime it has in ``files``."""
    return {name: entry[2] for name, entry in _still_valid(_remembered_entries(index), files).items()}


class RememberedPrints:
    """The fingerprints an index remembers for files as they are in
    ``files``, worked out when the first one is asked for: a large corpus
    reopened is listed without them, and only the stale check or an
    article's fingerprint needs them."""

    def __init__(self, index: dict, files: Files) -> None:
        # only what is needed of the index: not its own copy of every name
        self._index = {"fingerprints": index.get("fingerprints")}
        self._files = files
        self._known: dict[str, str] | None = None

    def get(self, name: str) -> str | None:
        if self._known is None:
            try:
                self._known = _fingerprints(self._index, self._files)
            except (TypeError, AttributeError, ValueError):
                self._known = {}
            self._index = self._files = None
        return self._known.get(name)


class IndexedArticle(Article):
    """An article listed from the index. Its fingerprint is the remembered one
    until its text is read, and then that of the text read."""

    def __init__(self, id: str, title: str, path: str, remembered: str | RememberedPrints | None) -> None:
        # Article.__init__'s assignments, made here directly: a filter or a
        # walk through the list makes these by the thousand.
        self.id, self.title, self._path, self.metadata = id, title, path, {}
        self._text = self._fingerprint = None
        self._remembered = remembered

    @property
    def remembered(self) -> str | None:
        """The fingerprint the index remembers for this file as it is, if any."""
        remembered = self._remembered
        if isinstance(remembered, RememberedPrints):
            remembered = self._remembered = remembered.get(os.path.basename(self._path))
        return remembered

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            if self._text is None and self.remembered is not None:
                return self.remembered
            self._fingerprint = fingerprint(self.text)
        return self._fingerprint


def _head_title(location: str) -> str:
    """The title in a file's head, or "" when the head cannot be had."""
    try:
        return corpus_module._first_line(corpus_module.read_head(location)[0])
    except (OSError, CorpusError):
        return ""


class HeadArticle(ListedArticle):
    """A file of a large folder listed before it was read. Its title is read
    from the file's head when first asked for; a head that cannot be read
    shows the id, and the full opening that follows says why."""

    @property
    def title(self) -> str:
        if self._title is None:
            self._title = _head_title(os.fspath(self._path)) or self.id
        return self._title

    @title.setter
    def title(self, value: str) -> None:
        self._title = value or None


def _from_index(folder: Path, files: Files, index: dict) -> Corpus | None:
    if index.get("stamp") != _module_stamp() or index.get("folder") != str(folder.resolve()):
        return None
    names, sizes, mtimes = files
    if index.get("names") != names or index.get("sizes") != sizes or index.get("mtimes") != mtimes:
        return None
    ids, titles, problem_map = index.get("ids"), index.get("titles"), index.get("problems")
    folded = index.get("folded")
    if not (isinstance(ids, list) and isinstance(titles, Titles) and isinstance(problem_map, dict)
            and isinstance(folded, Titles) and len(ids) == len(titles) == len(folded)):
        return None
    problems = [CorpusProblem(name, problem_map[name]) for name in names if name in problem_map]
    # a str path: Article makes the Path only when the text is read
    articles = _indexed_articles(ids, titles, os.path.join(str(folder), ""), RememberedPrints(index, files))
    articles.folded = folded
    # directories or unreadable entries named *.txt: open_corpus skipped them too
    return LazyCorpus(source=folder, articles=articles, problems=problems)


class LazyArticles(Sequence):
    """The articles of a folder, each made when first asked for: a list of
    10,000 appears without 10,000 objects being built first."""

    def __init__(self, ids: list[str], make: Callable[[int], Article], titles: Sequence[str] | None = None) -> None:
        self.ids, self._make = ids, make
        #: the titles, in order, when they are known without making the articles
        self.titles = titles
        #: the same folded for the filter (textnorm.fold_many), when known
        self.folded: Sequence[str] | None = None
        self._made: list[Article | None] = [None] * len(ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self.ids)))]
        article = self._made[index]
        if article is None:
            article = self._made[index] = self._make(index if index >= 0 else index + len(self.ids))
        return article

    def __iter__(self) -> Iterator[Article]:
        for position in range(len(self.ids)):
            yield self[position]


def _indexed_articles(ids: list[str], titles: Titles, prefix: str, remembered: RememberedPrints) -> LazyArticles:
    def make(position: int) -> Article:
        article_id = ids[position]
        # the remembered fingerprint is looked up when first needed
        return IndexedArticle(article_id, titles[position], f"{prefix}{article_id}.txt", remembered)

    return LazyArticles(ids, make, titles)


def _listed_articles(names: list[str], prefix: str) -> LazyArticles:
    # a name that is not UTF-8 is never an article (corpus.open_folder lists it as a problem)
    names = [name for name in names if not has_surrogate(name)]

    def make(position: int) -> Article:
        name = names[position]
        return HeadArticle(name[:-4], f"{prefix}{name}")

    return LazyArticles([name[:-4] for name in names], make)


class LazyCorpus(Corpus):
    """A corpus of ``LazyArticles``: finds an article by id through their
    list of ids."""

    def __post_init__(self) -> None:
        self._row = dict(zip(self.articles.ids, range(len(self.articles.ids))))

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._row

    def ids(self) -> Collection[str]:
        return self._row.keys()

    def get(self, article_id: str) -> Article | None:
        position = self._row.get(article_id)
        return None if position is None else self.articles[position]

    def index_of(self, article_id: str) -> int:
        position = self._row.get(article_id)
        if position is None:
            raise CorpusError(f"no article with id {article_id!r} in {self.source}")
        return position


def _write_index(folder: Path, files: Files, corpus: Corpus,
                 fingerprints: dict[str, list] | None = None) -> None:
    names, sizes, mtimes = files
    known = set(names)
    articles = [article for article in corpus.articles if f"{article.id}.txt" in known]
    if len(articles) != len(corpus.articles):
        return  # an article that is not one of the scanned files: nothing to remember
    titles = [article.title for article in articles]
    data = {
        "stamp": _module_stamp(),
        "folder": str(folder.resolve()),
        "names": names,
        "sizes": sizes,
        "mtimes": mtimes,
        # In a folder corpus an article's id is its file name without ".txt".
        "ids": [article.id for article in articles],
        "titles": Titles.of(titles),
        # as the article list's filter folds them (textnorm.fold_many), so a
        # reopen has them at hand; a chunk at a time, as the list folds
        "folded": Titles.of([folded for start in range(0, len(titles), FOLD_CHUNK)
                             for folded in fold_many(titles[start:start + FOLD_CHUNK])]),
        "problems": {problem.name: problem.reason for problem in corpus.problems if problem.name in known},
        # name -> [size, mtime_ns, fingerprint]: the file as it was when read
        "fingerprints": fingerprints or {},
    }
    _save(folder, data)


def _save(folder: Path, data: dict) -> None:
    """Write the index: a line of JSON, a line of the remembered
    fingerprints (JSON), then the block of titles and that of the titles
    folded."""
    target = index_path(folder)
    titles: Titles = data["titles"]
    folded: Titles = data["folded"]
    head = {key: value for key, value in data.items() if key not in ("titles", "folded", "fingerprints")}
    head["title_ends"], head["folded_ends"] = titles.ends.tolist(), folded.ends.tolist()
    try:
        prints = orjson.dumps(_remembered_entries(data))
        target.parent.mkdir(parents=True, exist_ok=True)
        from annotations.store.files import atomic_write  # the store's: no link followed, no temp file left

        data = orjson.dumps(head) + b"\n" + prints + b"\n" + titles.blob + folded.blob
        atomic_write(target, data, durable=False)  # only a cache: no sync
    except (OSError, StoreError, TypeError, ValueError):  # e.g. a file name that is not UTF-8
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
    index = _read_index(path)
    files = None
    if index is not None:
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
        now: Files = (names, [seen[name][0] for name in names], [seen[name][1] for name in names])
        # Fingerprints of files unchanged since they were remembered still hold.
        kept = {}
        if index is not None and files is not None:
            try:
                kept = _still_valid(_remembered_entries(index), now)
            except (TypeError, AttributeError, ValueError):
                kept = {}
        _write_index(path, now, corpus, kept)

    return corpus, remember


def remember_fingerprints(folder: Path, learned: dict[str, list]) -> None:
    """Add ``name -> [size, mtime_ns, fingerprint]`` entries to the folder's
    index, for files the index lists with that same size and mtime."""
    index = _read_index(folder)
    if index is None or not learned:
        return
    try:
        remembered = _remembered_entries(index)
        remembered = dict(remembered) if isinstance(remembered, dict) else {}
        remembered.update(_still_valid(learned, (index["names"], index["sizes"], index["mtimes"])))
    except (KeyError, TypeError, ValueError):
        return
    index["fingerprints"] = remembered
    _save(folder, index)


def stale_among(stored: dict[str, str | None], now: dict[str, str]) -> dict[str, str]:
    """id -> fingerprint now, of each article whose text is not the one it
    was annotated on (``stored``: the fingerprint the store holds)."""
    return {article_id: print_ for article_id, print_ in now.items()
            if stored.get(article_id) is not None and stored[article_id] != print_}


class Pacer:
    """Spreads a long check over time, so the thread drawing the screen gets
    the interpreter most of the time: called once per item, it sleeps after
    every ``every`` items for ``rest`` times as long as they took."""

    def __init__(self, every: int = 100, rest: float = 2.0) -> None:
        self.every, self.rest = every, rest
        self.count = 0
        self.mark = time.perf_counter()

    def __call__(self) -> None:
        self.count += 1
        if self.count % self.every == 0:
            spent = time.perf_counter() - self.mark
            time.sleep(spent * self.rest)
            self.mark = time.perf_counter()


def fingerprints_of(corpus: Corpus, article_ids, pace: Callable[[], None] | None = None) -> dict[str, str]:
    """article id -> fingerprint of its text, for the ids of articles in the
    corpus whose text can be read (the others are left out). A folder
    reopened from its index answers from the fingerprints it remembers;
    those worked out here are remembered for the next time."""
    found: dict[str, str] = {}
    learned: dict[str, list] = {}
    for article_id in article_ids:
        article = corpus.get(article_id)
        if article is None:
            continue
        stat = None
        location = article._path
        # The file's size and mtime before its text is read: a file changed
        # meanwhile will not match them next time, so nothing wrong is kept.
        if location is not None and not article.loaded and not (
                isinstance(article, IndexedArticle) and article.remembered is not None):
            try:
                info = os.stat(location)
                stat = (info.st_size, info.st_mtime_ns)
            except OSError:
                stat = None
        try:
            print_ = article.fingerprint
        except CorpusError:
            continue
        found[article_id] = print_
        if pace is not None:
            pace()
        if stat is not None:
            learned[os.path.basename(os.fspath(location))] = [stat[0], stat[1], print_]
    if learned and corpus.source.is_dir():
        remember_fingerprints(corpus.source, learned)
    return found


class CorpusCheck:
    """What is left to check about a corpus that ``open_corpus_unchecked``
    returned, run off the UI thread: calling it returns None when the corpus
    stands as listed, or the corpus opened again.

    ``kind`` is "scan" (listed from the index: compare every file's size and
    mtime with it and reopen on any difference), "full" (a large folder
    listed by name: open it fully, which also writes the index) or "write"
    (opened fully already: write the index; nothing to return).
    """

    def __init__(self, folder: Path, kind: str, remembered: Files | None = None,
                 write: Callable[[], None] | None = None, size: int = 0) -> None:
        self.folder, self.kind, self.remembered, self._write = folder, kind, remembered, write
        #: files in the folder: a large one is checked by a separate process
        #: (tui.corpus_check)
        self.size = size
        self.cancelled = False
        self._process = None

    def cancel(self) -> None:
        """Stop a check running in a separate process (the app is closing)."""
        self.cancelled = True
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()

    def __call__(self, pace: Callable[[], None] | None = None) -> Corpus | None:
        if self.kind == "scan":
            if _scan(self.folder, pace) == self.remembered:
                return None
            return open_corpus_indexed(self.folder)
        if self.kind == "full":
            return open_corpus_indexed(self.folder)
        if self._write is not None:
            self._write()
        return None

    @property
    def worth_a_process(self) -> bool:
        return self.kind in ("scan", "full") and self.size >= LIST_FIRST_FROM


def open_corpus_unchecked(source: str | Path) -> tuple[Corpus, CorpusCheck | None]:
    """The corpus at once, and what is left to check about it.

    When the folder holds exactly the file names the index remembers, the
    corpus is built from the index without looking at each file (one stat per
    file is most of the cost of a reopen), and the check ("scan") does look:
    it returns None when every file still has the remembered size and mtime,
    or the corpus opened again (as ``open_corpus_indexed``) when any differs.
    The app runs it off the UI thread once the list is up.

    A folder of ``LIST_FIRST_FROM`` files or more that the index does not
    describe is listed by name (``HeadArticle``) and the check ("full") is
    the full opening, which always returns the corpus it opened. In every
    other case the corpus is opened as ``open_corpus_indexed`` opens it, and
    what is left is writing the index ("write"; the check returns None), or
    nothing at all (None).
    """
    path = Path(source)
    try:
        if not path.is_dir():
            raise LookupError
        found = [name for name in os.listdir(path) if name.endswith(".txt")]
    except (LookupError, OSError):
        return _opened_now(path)
    index = _read_index(path)
    known = index.get("names") if index is not None else None
    # the same names as the index's (sorted when written): no sort needed
    if isinstance(known, list) and len(known) == len(found) and set(known).issuperset(found):
        names = known
        try:
            remembered = (names, index["sizes"], index["mtimes"])
            corpus = _from_index(path, remembered, index)
        except (KeyError, TypeError, AttributeError, ValueError):
            corpus = None
        if corpus is not None:
            return corpus, CorpusCheck(path, "scan", remembered, size=len(names))
    names = sorted(found)
    if len(names) >= LIST_FIRST_FROM:
        prefix = os.path.join(str(path), "")
        listed = LazyCorpus(source=path, articles=_listed_articles(names, prefix))
        return listed, CorpusCheck(path, "full", size=len(names))
    return _opened_now(path)


def _opened_now(path: Path) -> tuple[Corpus, CorpusCheck | None]:
    corpus, remember = _open_indexed(path)
    if remember is _nothing:
        return corpus, None
    return corpus, CorpusCheck(path, "write", write=remember, size=len(corpus))
