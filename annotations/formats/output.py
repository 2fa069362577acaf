"""Where an export's output goes, and how every output file is written
(export ``-o``, the label list of ``hf``, the spaCy DocBin, ``import
--corpus-out`` texts), made safe for shared servers.

- ``-`` is standard output (``is_stdout``); an empty name is refused.
- A file is written whole or not at all: a temp file beside it, renamed
  into place.
- A new file gets mode 0666 less the umask, as any file a program makes
  (teammates read the training data when the umask lets them); a file that
  is replaced keeps its mode.
- A device or FIFO (``/dev/null``, a pipe) is written into, never replaced
  by a regular file. A symbolic link to one (``/dev/stdout``) too; a
  symbolic link to a regular file, or a broken one, is refused (a link
  planted under an output name would otherwise decide what gets replaced).
- An input is never an output (``refuse_inputs``): the corpus file, an
  article file of a corpus folder (or a new ``.txt`` in it, which would
  become one), the label schema or the import file, and anything inside
  the store folder.
- A file that must be new (``create_file``: an article text of ``import
  --corpus-out``) is linked into place from its temp file, so that one made
  meanwhile by someone else is refused, never replaced.
- Parts: per annotator and train/dev/test (``part_path``).
"""


from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TextIO

from ..errors import FormatError
from ..newfile import AT_FDCWD, c_function, create_new

STDOUT = "-"


def part_path(path: str | Path, part: str) -> Path:
    """out.jsonl + train -> out.train.jsonl; out + train -> out.train."""
    path = Path(path)
    if path.suffix:
        return path.with_name(f"{path.stem}.{part}{path.suffix}")
    return path.with_name(f"{path.name}.{part}")


def is_stdout(path: str | Path | None) -> bool:
    return path is not None and str(path) == STDOUT


def check_name(path: str | Path | None, flag: str = "-o") -> None:
    """An output name that can be used at all (not empty)."""
    if path is not None and not str(path):
        raise FormatError(f"{flag} '': an empty file name; give a file name, or - for standard output")


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(os.path.join(folder, ""))


def refuse_inputs(path: str | Path, *, files: Iterable[str | Path | None] = (),
                  corpus: str | Path | None = None, store: str | Path | None = None) -> None:
    """FormatError when writing ``path`` would overwrite an input: one of
    ``files`` (same file, through any link), the corpus (its file; in a
    corpus folder any ``.txt``), or anything inside the ``store`` folder."""
    real = os.path.realpath(path)
    try:
        here = os.stat(real)
    except OSError:
        here = None
    if corpus is not None and os.path.isdir(corpus):
        if _inside(real, os.path.realpath(corpus)) and real.endswith(".txt"):
            raise FormatError(f"{path}: inside the corpus folder {corpus}, it would be read as an article; not written")
    elif corpus is not None:
        files = [*files, corpus]
    if store is not None and _inside(real, os.path.realpath(store)):
        raise FormatError(f"{path}: inside the store folder {store}; not written")
    for source in files:
        if source is None:
            continue
        try:
            same = here is not None and os.path.samestat(here, os.stat(source))
        except OSError:
            same = False
        if same or real == os.path.realpath(source):
            raise FormatError(f"{path}: is an input of this command ({source}); not overwritten")


def write_file(path: str | Path, write: Callable[[TextIO], object], *, binary: bool = False) -> None:
    """Fill ``path`` with ``write(stream)`` as the module docstring says. A
    text stream is UTF-8 with LF line ends."""
    with opened(path, binary=binary) as stream:
        write(stream)


@contextmanager
def opened(path: str | Path, *, binary: bool = False) -> Iterator:
    """The stream of ``write_file`` as a context, for a writer that fills
    several files at once as records stream by: the file is in place when
    the block ends, and not written at all when it raises."""
    check_name(str(path))
    path = Path(path)
    try:
        info = os.stat(path)  # through a link: what it points to
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise FormatError(f"{path}: is a folder; give a file name")
        with _into(path, binary) as stream:  # a device or FIFO: never replaced
            yield stream
        return
    if path.is_symlink():
        target = os.readlink(path)
        raise FormatError(f"{path}: is a symbolic link (to {target}); not replaced: give the file itself")
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~current_umask()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, mode)
        with _stream(fd, binary) as stream:
            yield stream
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except UnicodeEncodeError:
        _remove(tmp)
        raise FormatError(f"{path}: not written: the data holds text no UTF-8 file can hold (a lone surrogate)") from None
    except BaseException:
        _remove(tmp)
        raise


def create_file(path: str | Path, text: str) -> None:
    """``path`` made with ``text`` (UTF-8, as given), refused with a
    FormatError when a file of that name is there by then: written whole
    into an unnamed file of the folder and linked to the name
    (``annotations.newfile``), or, where the system has no unnamed files,
    under a temporary name beside it and moved into place only if the name
    is free (``_move_new``). What a kill leaves is nothing, or at most the
    temporary file (its name starts with a dot and ends in ``.tmp``: no
    article of a corpus folder). For many small files (an import adds
    thousands): four system calls a file, where ``opened``, which also
    replaces files and writes into devices, makes fifteen."""
    path = os.fspath(path)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(f"{path}: not written: the text holds what no UTF-8 file can hold (a lone surrogate)") from None
    try:
        if create_new(path, data) is not None:  # (no temporary name: see annotations/newfile.py)
            return
    except FileExistsError:
        raise FormatError(_MADE_MEANWHILE.format(path=path)) from None
    except OSError as exc:
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    try:
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask applies, as to any new file
        except FileExistsError:  # left by a run of the same pid that was cut off
            os.unlink(tmp)
            fd = os.open(tmp, flags, 0o666)
        except FileNotFoundError:  # the folder's first file
            os.makedirs(folder or ".", exist_ok=True)
            fd = os.open(tmp, flags, 0o666)
    except OSError as exc:
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        _move_new(tmp, path)
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, FileExistsError):
            raise FormatError(_MADE_MEANWHILE.format(path=path)) from None
        if isinstance(exc, OSError):
            raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise


_MADE_MEANWHILE = (
    "{path}: exists (made while this command ran, or, where the file system ignores case, the file of a name "
    "differing only in case); not overwritten"
)
_RENAME_NOREPLACE = 1
_no_renameat2: list = []  # not empty once a file system said it has no renameat2


def _move_new(tmp: str, path: str) -> None:
    """``tmp`` renamed to ``path``, which must not exist (FileExistsError):
    Linux's renameat2 with RENAME_NOREPLACE, one change to the folder;
    where the system or file system has none, a hard link and an unlink."""
    function = None if _no_renameat2 else c_function("renameat2", "int", "char_p", "int", "char_p", "uint")
    if function is not None:
        import ctypes

        if function(AT_FDCWD, os.fsencode(tmp), AT_FDCWD, os.fsencode(path), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), path)
        _no_renameat2.append(True)  # not on this file system: as below from now on
    os.link(tmp, path)
    os.unlink(tmp)


def write_text_file(path: str | Path, write: Callable[[TextIO], object]) -> None:
    """``write_file`` of text: UTF-8, LF line ends."""
    write_file(path, write)


def _stream(fd: int, binary: bool):
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n")


@contextmanager
def _into(path: Path, binary: bool) -> Iterator:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
        with _stream(fd, binary) as stream:
            yield stream
    except OSError as exc:
        raise FormatError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
