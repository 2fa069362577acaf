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

from annotations import corpus as corpus_module
from annotations.corpus import Article, Corpus, CorpusProblem, open_corpus
from annotations.settings import config_dir

VERSION = 1


def _module_stamp() -> str:
    # Titles follow corpus.py's rules: a changed module invalidates every index.
    stat = os.stat(corpus_module.__file__)
    return f"{VERSION}:{stat.st_size}:{stat.st_mtime_ns}"


def index_path(folder: Path) -> Path:
    key = hashlib.sha1(str(folder.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return config_dir() / "corpus-index" / f"{key}.json"


def _scan(folder: Path) -> dict[str, list[int]] | None:
    files: dict[str, list[int]] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".txt"):
                    continue
                stat = entry.stat()
                files[entry.name] = [stat.st_size, stat.st_mtime_ns]
    except OSError:
        return None
    return files


def _from_index(folder: Path, files: dict[str, list[int]], index: dict) -> Corpus | None:
    if index.get("stamp") != _module_stamp() or index.get("folder") != str(folder.resolve()):
        return None
    known = index.get("files")
    if not isinstance(known, dict) or set(known) != set(files):
        return None
    articles: list[Article] = []
    problems: list[CorpusProblem] = []
    prefix = os.path.join(str(folder), "")
    for name in sorted(files):
        entry = known[name]
        if entry.get("stat") != files[name]:
            return None
        if "problem" in entry:
            problems.append(CorpusProblem(name, entry["problem"]))
        elif "id" in entry and "title" in entry:
            # a str path: Article makes the Path only when the text is read
            articles.append(Article(entry["id"], entry["title"], path=prefix + name))
        # directories or unreadable entries named *.txt: open_corpus skipped them too
    return Corpus(source=folder, articles=articles, problems=problems)


def _write_index(folder: Path, files: dict[str, list[int]], corpus: Corpus) -> None:
    entries: dict[str, dict] = {name: {"stat": stat} for name, stat in files.items()}
    for article in corpus.articles:
        # In a folder corpus an article's id is its file name without ".txt".
        name = f"{article.id}.txt"
        if name in entries:
            entries[name].update(id=article.id, title=article.title)
    for problem in corpus.problems:
        if problem.name in entries:
            entries[problem.name]["problem"] = problem.reason
    data = {"stamp": _module_stamp(), "folder": str(folder.resolve()), "files": entries}
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
    path = Path(source)
    if not path.is_dir():
        return open_corpus(path)
    files = _scan(path)
    if files is None:
        return open_corpus(path)
    try:
        index = json.loads(index_path(path).read_text(encoding="utf-8"))
        if isinstance(index, dict):
            corpus = _from_index(path, files, index)
            if corpus is not None:
                return corpus
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    corpus = open_corpus(path)
    # The index records each file's stat from before it was read: a file
    # changed meanwhile no longer matches next time and is read again.
    _write_index(path, files, corpus)
    return corpus
