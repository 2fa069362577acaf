"""What the export, import, agreement and adjudicate commands share: choosing
annotators and statuses, reading records from the store with progress, and
writing output files safely."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
from contextlib import contextmanager
from operator import attrgetter, lt
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import FormatError, HashiyaError
from ..model import ArticleRecord, Status

STATUS_CHOICES = [s.value for s in Status]


def add_selection_arguments(parser: argparse.ArgumentParser, *, annotator_help: str) -> None:
    parser.add_argument(
        "corpus",
        nargs="?",
        metavar="CORPUS",
        help="folder of .txt articles or a .jsonl file (env HASHIYA_CORPUS, default the bundled seeds)",
    )
    parser.add_argument(
        "--store", metavar="DIR", help="annotation store folder (env HASHIYA_STORE, default ./hashiya-store)"
    )
    parser.add_argument("--annotator", metavar="NAME", action="append", help=annotator_help)
    parser.add_argument(
        "--labels", metavar="FILE", help="label schema TOML file (env HASHIYA_LABELS, default the built-in schema)"
    )
    parser.add_argument(
        "--status",
        action="append",
        choices=STATUS_CHOICES,
        help="only articles with this status (repeat for several; default all)",
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


def open_sources(args, *, need_annotators: bool = True, titles: bool = True):
    """(settings, corpus, store, annotator names) for a reading command.
    ``titles=False``: a corpus folder's files are listed, not read, until an
    article's text is needed (a bad file is then a CorpusError naming it)."""
    from ..corpus import open_corpus
    from ..settings import Settings
    from ..store import open_for_reading

    settings = Settings.resolve(corpus=args.corpus, store=args.store, labels=args.labels)
    corpus = open_corpus(settings.corpus, titles=titles)
    for problem in corpus.problems:
        print(f"hashiya: warning: corpus: {problem}", file=sys.stderr)
    store = open_for_reading(settings.store)
    known = store.annotators()
    names = known
    if args.annotator:
        names = []
        for name in args.annotator:
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


def token_evidence(fmt: str, corpus, settings, store):
    """For a token format, the evidence its proclitic segmentation decides
    with (annotations.segment.evidence_for): the corpus vocabulary, the
    schema's gazetteer and the span texts of every annotator in the store,
    so an article has the same tokens whichever annotator is exported.
    None for the other formats."""
    if fmt not in TOKEN_FORMATS:
        return None
    from ..schema import load_schema
    from ..segment import evidence_for

    annotated = {article_id for name in store.annotators() for article_id in store.article_ids(name)}
    return evidence_for(corpus, schema=load_schema(settings.labels), stores=[store], keep=annotated)


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


def iter_records(store, corpus, names: list[str], statuses, stale: list[str], *, label: str = "reading") -> Iterator[ArticleRecord]:
    """The records of read_records one at a time, as they are read (for a
    writer that needs no record twice); stale records go to `stale`. The
    warning about annotated articles missing from the corpus is printed
    once the last record has been read."""
    progress = Progress(label, len(corpus))

    def articles() -> Iterator:
        for article in corpus:
            yield article
            progress.step()

    wanted = [Status(s) for s in statuses] if statuses else None
    try:
        for record in store.records(articles(), names, wanted):
            if aligned(record.text, record.spans):
                yield record
            else:
                stale.append(f"{record.id} ({record.annotator})")
    finally:
        progress.close()
    missing = [
        f"{article_id} ({name})"
        for name in names
        for article_id in store.article_ids(name)
        if article_id not in corpus
    ]
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        print(
            f"hashiya: warning: {len(missing)} annotated article(s) are not in the corpus "
            f"{corpus.source} and were left out: {shown}",
            file=sys.stderr,
        )


def part_path(path: str | Path, part: str) -> Path:
    """out.jsonl + train -> out.train.jsonl; out + train -> out.train."""
    path = Path(path)
    if path.suffix:
        return path.with_name(f"{path.stem}.{part}{path.suffix}")
    return path.with_name(f"{path.name}.{part}")


def write_text_file(path: Path, write) -> None:
    """Write through a temp file beside `path` and rename it into place, so a
    failed export never leaves half a file. `write(stream)` fills it."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            write(stream)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


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


def parse_split(text: str) -> tuple[int, int, int]:
    pieces = text.replace(":", "/").replace(",", "/").split("/")
    try:
        numbers = tuple(int(p) for p in pieces)
    except ValueError:
        numbers = ()
    if len(numbers) != 3 or any(n < 0 for n in numbers) or sum(numbers) <= 0:
        raise HashiyaError(f"--split {text!r}: give three whole numbers like 80/10/10 (train/dev/test)")
    return numbers  # type: ignore[return-value]
