"""The article corpus: a folder of ``.txt`` files or a JSONL file of records.

Opening a corpus lists ids and titles only; an article's full text is read
the first time it is asked for. Files that cannot be used (undecodable or
binary, empty, too large, duplicate ids) are listed in ``Corpus.problems``
by name with the reason, and the rest of the corpus still opens.

The stored text is the file decoded as UTF-8 with a leading BOM removed and
CRLF / lone CR line ends turned into LF: exactly what the annotator sees.
Every offset refers to that text.

Corpora made by others. Also listed as problems, never read or opened:

- a ``*.txt`` entry that is a folder, a broken symbolic link, a FIFO or a
  device, and a symbolic link to a file outside the corpus folder (links
  inside the folder are followed; a link out could make the app show, and
  an export carry, any file the annotator can read);
  reading an article's text or title checks the same again, however the
  folder was listed (the app lists a large folder by name first);
- a file name that is not valid UTF-8 (its id could not be written out);
- in JSONL: a record holding a lone surrogate (``"\ud800"``: valid JSON, but
  text no UTF-8 file can hold), JSON nested too deeply to parse, and an id
  that is not a non-empty string or a whole number (``null``, ``true``,
  ``{}``; see ``model.id_problem``). A line over the size limit is skipped
  without being held in memory.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import unicodedata
from stat import S_ISCHR, S_ISDIR, S_ISREG
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterator, Sequence

from .errors import CorpusError
from .jsontext import RECORD_DEPTH, has_surrogate, lone_surrogate_in, loads as json_loads
from .model import fingerprint, id_problem

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
# Enough for a title; the rest of an article (and any bad byte in it) is
# read when the article is opened.
HEAD_BYTES = 1024
# A title is its first line up to this many characters: a list row shows
# fewer, and the article list keeps (and folds, for its filter) the title of
# every article, which for a corpus of one-line articles is the whole text.
TITLE_CHARS = 160
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True)
class CorpusProblem:
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def normalise_text(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def title_of(text: str) -> str:
    """The title of an article's (normalised) text: its first non-empty
    line, cut to ``TITLE_CHARS`` (see ``cut_title``)."""
    return _first_line(text)


def _holds_on(line: str, cut: int) -> bool:
    """Whether the character at `cut` belongs with the one before it: a
    combining mark (harakat among them), a variation selector, a zero-width
    (non-)joiner, or anything after a zero-width joiner."""
    ch = line[cut]
    return (unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\u200c\u200d"
            or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"
            or line[cut - 1] == "\u200d")


def cut_title(line: str) -> str:
    """`line` cut to at most ``TITLE_CHARS`` characters, never between a
    letter and its marks or inside a joined sequence, without trailing
    spaces."""
    if len(line) <= TITLE_CHARS:
        return line
    cut = TITLE_CHARS
    while cut > 0 and _holds_on(line, cut):
        cut -= 1
    return (line[:cut] or line[:TITLE_CHARS]).rstrip()


def _decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw:
        raise CorpusError(f"{name}: looks like a binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The codec counts from after a BOM it skipped; the file counts from 0.
        at = exc.start + len(raw) - len(exc.object)
        raise CorpusError(f"{name}: not valid UTF-8 (bad byte 0x{raw[at]:02x} at byte {at})") from None


def _open_article(location: str) -> tuple[int, os.stat_result]:
    """(fd, its stat) of the article file at ``location``, however it was
    listed: never a FIFO or device (they would block or never end), and a
    symbolic link only to a file inside its own folder. OSError (a folder:
    EISDIR), or CorpusError giving the reason without the file's name."""
    try:
        fd = os.open(location, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        target = os.path.realpath(location)
        if not target.startswith(os.path.join(os.path.realpath(os.path.dirname(location)), "")):
            raise CorpusError(f"symbolic link to {target}, outside the corpus folder; not read") from None
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    info = os.fstat(fd)
    if not S_ISREG(info.st_mode):
        os.close(fd)
        if S_ISDIR(info.st_mode):  # what opening it as a file says
            raise OSError(errno.EISDIR, os.strerror(errno.EISDIR))
        raise CorpusError("not a regular file")
    return fd, info


def _read_article(location: str) -> str:
    """The stored text of the article file at `location` (see the module
    docstring), or CorpusError naming the file. Plain os calls and one
    decode: an export reads every article of the corpus."""
    try:
        fd, info = _open_article(location)
    except CorpusError as exc:
        raise CorpusError(f"{os.path.basename(location)}: {exc}") from None
    except OSError as exc:
        raise CorpusError(f"{os.path.basename(location)}: cannot read: {exc.strerror or exc}") from None
    try:
        size = info.st_size
        if size > MAX_ARTICLE_BYTES:
            raise CorpusError(f"{os.path.basename(location)}: larger than the {_mb(MAX_ARTICLE_BYTES)} limit")
        raw = os.read(fd, size + 1)
        if len(raw) > size:
            # The file grew since fstat: read to its end (and no further
            # than just past the limit).
            pieces = [raw]
            total = len(raw)
            while total <= MAX_ARTICLE_BYTES:
                piece = os.read(fd, max(size + 1, 1 << 16))
                if not piece:
                    break
                pieces.append(piece)
                total += len(piece)
            if len(pieces) > 1:
                raw = b"".join(pieces)
    except OSError as exc:
        raise CorpusError(f"{os.path.basename(location)}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_ARTICLE_BYTES:  # grew while being read
        raise CorpusError(f"{os.path.basename(location)}: larger than the {_mb(MAX_ARTICLE_BYTES)} limit")
    if b"\x00" not in raw:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass  # _decode says where, as it always has
        else:
            # what decoding as utf-8-sig gives: one leading BOM dropped
            return normalise_text(text[1:] if text[:1] == "\ufeff" else text)
    return normalise_text(_decode(raw, os.path.basename(location)))


class Article:
    """One article. ``text`` is loaded lazily and cached."""

    def __init__(
        self,
        id: str,
        title: str,
        *,
        path: str | Path | None = None,
        text: str | None = None,
        metadata: dict | None = None,
    ) -> None:
        self.id = id
        self.title = title
        self._path = path
        self.metadata = metadata or {}
        self._text = text
        self._fingerprint: str | None = None

    def __repr__(self) -> str:
        return f"Article({self.id!r}, {self.title[:30]!r})"

    @property
    def path(self) -> Path | None:
        if self._path is not None and not isinstance(self._path, Path):
            self._path = Path(self._path)
        return self._path

    @property
    def loaded(self) -> bool:
        return self._text is not None

    @property
    def text(self) -> str:
        if self._text is None:
            assert self._path is not None
            self._text = _read_article(os.fspath(self._path))
        return self._text

    def peek_text(self) -> str:
        """The text, read without being kept when it was not loaded yet: for
        a pass over a whole corpus that must not hold every article (and may
        run beside the app's own reads: nothing here is changed)."""
        if self._text is not None:
            return self._text
        assert self._path is not None
        return _read_article(os.fspath(self._path))

    def release_text(self) -> None:
        """Forget the text of an article read from its own file (it is read
        again when next asked for), so a pass over a whole corpus holds no
        more than one article's text. Text given inline is kept."""
        if self._path is not None:
            self._text = None

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.text)
        return self._fingerprint


class ListedArticle(Article):
    """An article of a folder opened with ``titles=False``: only its file
    name was listed. The file is read, and checked as opening the folder
    would have checked it (too large, binary, not UTF-8, empty or only
    whitespace: CorpusError naming the file), when its text or title is
    first asked for."""

    def __init__(self, id: str, path: str | Path) -> None:
        self._title: str | None = None
        super().__init__(id, "", path=path)

    @property
    def title(self) -> str:
        if self._title is None:
            self._title = title_of(self.text) or self.id
        return self._title

    @title.setter
    def title(self, value: str) -> None:
        self._title = value or None

    @property
    def text(self) -> str:
        if self._text is None:
            text = Article.text.fget(self)
            if not text or text.isspace():  # not text.strip(), without a copy
                self._text = None
                name = os.path.basename(os.fspath(self._path))
                raise CorpusError(f"{name}: empty file" if not text else f"{name}: holds only whitespace")
        return self._text


def _entry_problem(entry: os.DirEntry, inside: list) -> str | None:
    """Why a ``*.txt`` folder entry is not read as an article (see the
    module docstring), or None. ``inside``: [the folder's real path], filled
    the first time a link needs it."""
    if has_surrogate(entry.name):
        return "the file name is not valid UTF-8; rename the file"
    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        if not os.path.exists(target):
            return "broken symbolic link"
        if not inside:
            inside.append(os.path.join(os.path.realpath(os.path.dirname(entry.path)), ""))
        if not target.startswith(inside[0]):
            return f"symbolic link to {target}, outside the corpus folder; not read"
    if entry.is_file():
        return None
    if entry.is_dir():
        return "is a folder, not a file"
    return "not a regular file"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def ids_of(articles: Sequence[Article]) -> Sequence[str]:
    """The ids of `articles` in order, without making every article of a
    lazy list (one that keeps its ``ids``, as a corpus listed from its index does)."""
    ids = getattr(articles, "ids", None)
    return ids if ids is not None else [article.id for article in articles]


@dataclass
class Corpus:
    source: Path
    articles: list[Article] = field(default_factory=list)
    problems: list[CorpusProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {article.id: article for article in self.articles}

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._by_id

    def ids(self) -> Collection[str]:
        """The articles' ids, for membership tests in bulk (no call per id)."""
        return self._by_id.keys()

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def __getitem__(self, article_id: str) -> Article:
        article = self.get(article_id)  # a subclass's own lookup serves both
        if article is None:
            raise CorpusError(f"no article with id {article_id!r} in {self.source}")
        return article

    def index_of(self, article_id: str) -> int:
        for index, article in enumerate(self.articles):
            if article.id == article_id:
                return index
        raise CorpusError(f"no article with id {article_id!r} in {self.source}")


def _decode_head(raw: bytes, complete: bool, skipped: int = 0) -> str:
    """Decode the start of a file (``skipped``: the bytes of a BOM already
    taken off); a multi-byte character cut by the read is not an error unless
    the file really ends there."""
    if b"\x00" in raw:
        raise CorpusError("looks like a binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not complete and exc.reason == "unexpected end of data" and exc.start >= len(raw) - 3:
            return raw[: exc.start].decode("utf-8")
        raise CorpusError(
            f"not valid UTF-8 (bad byte 0x{raw[exc.start]:02x} at byte {exc.start + skipped})"
        ) from None


def read_head(location: str, size: int | None = None) -> tuple[str, bool]:
    """The start of a file, enough for its title: (its text, whether that is
    the whole file). ``size``: the file's size when already known. OSError,
    or CorpusError giving the reason (without the file's name)."""
    fd, info = _open_article(location)
    with open(fd, "rb", buffering=0) as handle:
        if size is None:
            size = info.st_size
        raw = handle.read(HEAD_BYTES)
    complete = len(raw) >= size
    if not complete:
        # Cut at the last line end so no character is split.
        cut = raw.rfind(b"\n")
        raw = raw[: cut + 1] if cut > 0 else raw
    skipped = 0
    if raw.startswith(codecs.BOM_UTF8):
        raw, skipped = raw[3:], 3
    return _decode_head(raw, complete, skipped), complete


def open_folder(
    folder: Path, stats: dict[str, list[int] | None] | None = None, *, titles: bool = True
) -> Corpus:
    """Open a folder of .txt articles. With ``stats``, also record for every
    *.txt entry its ``[size, mtime_ns]`` as seen before the file was read
    (None where it could not be had), so a caller that remembers the folder
    needs no second stat of each file.

    ``titles=False`` (for commands that go through the articles in bulk and
    show no list): the files are only listed, not read; each is read and
    checked when its text is first asked for (``ListedArticle``), so a bad
    file is a CorpusError then, and not in ``problems``."""
    if not titles and stats is None:
        from .corpus_listed import list_folder

        return list_folder(folder)
    articles: list[Article] = []
    problems: list[CorpusProblem] = []
    seen: set[str] = set()
    # Plain strings and os calls: this loop runs once per file of a corpus
    # that may hold tens of thousands of articles.
    entries = sorted(
        (entry.name, entry) for entry in os.scandir(folder) if entry.name.endswith(".txt")
    )
    inside: list[str] = []
    for name, entry in entries:
        try:
            problem = _entry_problem(entry, inside)
            if problem is not None:
                problems.append(CorpusProblem(name, problem))
                if stats is not None:
                    try:
                        stat = entry.stat()
                        stats[name] = [stat.st_size, stat.st_mtime_ns]
                    except OSError:
                        stats[name] = None
                continue
            stat = entry.stat()
            size = stat.st_size
            if stats is not None:
                stats[name] = [size, stat.st_mtime_ns]
        except OSError as exc:
            if stats is not None:
                stats[name] = None
            problems.append(CorpusProblem(name, f"cannot read: {exc.strerror or exc}"))
            continue
        if size == 0:
            problems.append(CorpusProblem(name, "empty file"))
            continue
        if size > MAX_ARTICLE_BYTES:
            problems.append(
                CorpusProblem(name, f"{size:,} bytes, over the {_mb(MAX_ARTICLE_BYTES)} limit")
            )
            continue
        try:
            head, complete = read_head(entry.path, size)
        except CorpusError as exc:
            problems.append(CorpusProblem(name, str(exc)))
            continue
        except OSError as exc:
            problems.append(CorpusProblem(name, f"cannot read: {exc.strerror or exc}"))
            continue
        title = _first_line(head)
        if not title and complete:
            problems.append(CorpusProblem(name, "holds only whitespace"))
            continue
        article_id = name[:-4]
        if article_id in seen:
            problems.append(CorpusProblem(name, f"duplicate article id {article_id!r}"))
            continue
        seen.add(article_id)
        articles.append(
            Article(
                article_id,
                title or article_id,
                path=entry.path,
                text=normalise_text(head) if complete else None,
            )
        )
    return Corpus(source=folder, articles=articles, problems=problems)


def _first_line(head: str) -> str:
    """The title: the first non-empty line (CR and LF both end a line), cut
    to ``TITLE_CHARS``."""
    position = 0
    length = len(head)
    while position < length:
        cut = head.find("\n", position)
        if cut < 0:
            cut = length
        first = _NON_SPACE.search(head, position, cut)
        if first is not None:
            # no more of a long line than a title can hold
            start = first.start()
            return cut_title(head[start:min(cut, start + TITLE_CHARS + 1)].rstrip())
        position = cut + 1
    return ""


def _lines(handle, limit: int) -> Iterator[bytes | None]:
    """The lines of a binary file; None for a line longer than ``limit``
    bytes, which is skipped without being held in memory."""
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(1 << 20)
            yield None
            continue
        yield raw


def _open_jsonl(path: Path) -> Corpus:
    articles: list[Article] = []
    problems: list[CorpusProblem] = []
    seen: set[str] = set()
    try:
        handle = path.open("rb")
        if S_ISCHR(os.fstat(handle.fileno()).st_mode):
            handle.close()
            raise CorpusError(f"{path}: is a device, not a corpus file")  # /dev/zero would never end
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        for number, raw in enumerate(_lines(handle, MAX_ARTICLE_BYTES), start=1):
            where = f"{path.name}:{number}"
            if raw is not None and not raw.strip():
                continue
            if raw is None or len(raw) > MAX_ARTICLE_BYTES:
                problems.append(CorpusProblem(where, f"record over the {_mb(MAX_ARTICLE_BYTES)} limit"))
                continue
            try:
                record = json_loads(_decode(raw, where), RECORD_DEPTH)
            except CorpusError as exc:
                problems.append(CorpusProblem(where, str(exc).split(": ", 1)[1]))
                continue
            except json.JSONDecodeError as exc:
                problems.append(CorpusProblem(where, f"not valid JSON ({exc.msg})"))
                continue
            if not isinstance(record, dict):
                problems.append(CorpusProblem(where, "record is not a JSON object"))
                continue
            text = record.get("text")
            if not isinstance(text, str):
                problems.append(CorpusProblem(where, "record has no \"text\" string"))
                continue
            if "id" not in record:
                problems.append(CorpusProblem(where, "record has no \"id\""))
                continue
            bad_id = id_problem(record["id"])
            if bad_id is not None:
                problems.append(CorpusProblem(where, bad_id))
                continue
            if lone_surrogate_in(raw, record):
                problems.append(
                    CorpusProblem(where, "holds a lone surrogate (a \\ud800-\\udfff escape): text no UTF-8 file can hold")
                )
                continue
            article_id = str(record["id"])
            text = normalise_text(text)
            if not text.strip():
                problems.append(CorpusProblem(where, f"article {article_id!r} has empty text"))
                continue
            if article_id in seen:
                problems.append(CorpusProblem(where, f"duplicate article id {article_id!r}"))
                continue
            seen.add(article_id)
            metadata = {k: v for k, v in record.items() if k not in ("id", "text")}
            title = cut_title(str(record.get("title") or "").strip()) or title_of(text)
            articles.append(Article(article_id, title, text=text, metadata=metadata))
    return Corpus(source=path, articles=articles, problems=problems)


def open_corpus(source: str | Path, *, titles: bool = True) -> Corpus:
    """Open a folder of .txt articles, a single .txt file or a .jsonl file.
    ``titles=False``: a folder's files are listed, not read (see open_folder)."""
    path = Path(source)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if path.is_dir():
        return open_folder(path, titles=titles)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return _open_jsonl(path)
    if path.suffix.lower() == ".txt" or path.is_file():
        corpus = _open_folder_of_one(path)
        return corpus
    raise CorpusError(f"{path}: not a folder, .txt or .jsonl file")


def _open_folder_of_one(path: Path) -> Corpus:
    if has_surrogate(path.name):
        raise CorpusError(f"{path.name}: the file name is not valid UTF-8; rename the file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if size == 0:
        raise CorpusError(f"{path.name}: empty file")
    if size > MAX_ARTICLE_BYTES:
        raise CorpusError(f"{path.name}: {size:,} bytes, over the {_mb(MAX_ARTICLE_BYTES)} limit")
    # a file named on the command line is read wherever a link to it points
    article = Article(path.stem, "", path=os.path.realpath(path))
    text = article.text
    if not text.strip():
        raise CorpusError(f"{path.name}: holds only whitespace")
    article.title = title_of(text)
    return Corpus(source=path, articles=[article])
