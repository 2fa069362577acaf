"""A new file that appears whole at once, without a temporary name: written
into an unnamed file of its folder (Linux's ``O_TMPFILE``), then linked to
its name (``linkat`` of ``/proc/self/fd/N``). Made in one change to the
folder, where a temporary name and a rename make three; a kill before the
link leaves nothing behind; and a file of that name made meanwhile is
refused (``FileExistsError``), never replaced, as linking never replaces.

An import makes two new files an article (its text for ``--corpus-out``,
its store file): on ext4 the temporary names cost as much system time as
the files. Where the system or file system has no such file (another OS,
an old kernel, no ``/proc``), ``create_new`` says so (None) and the caller
makes the file its own way."""

from __future__ import annotations

import errno
import os

_AT_FDCWD = -100
_AT_SYMLINK_FOLLOW = 0x400
_TMPFILE = getattr(os, "O_TMPFILE", 0)
_linkat: list = []  # the C library's linkat, once looked up (None: not there)
#: what says the file system or system cannot make an unnamed file, or link
#: one (then the caller's way, for this file; for good when it is the system)
_NOT_HERE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EPERM, errno.ENOENT}


def _function():
    if not _linkat:
        function = None
        if _TMPFILE and os.path.isdir("/proc/self/fd"):
            try:
                import ctypes

                function = ctypes.CDLL(None, use_errno=True).linkat
                function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
                function.restype = ctypes.c_int
            except (OSError, AttributeError, ImportError):
                function = None
        _linkat.append(function)
    return _linkat[0]


def create_new(path: str, data: bytes, mode: int = 0o666) -> os.stat_result | None:
    """``path`` made with ``data`` (``mode`` less the umask), appearing whole:
    the file's status as written; FileExistsError when ``path`` is there
    (a file, a link, anything); None where it cannot be made this way,
    nothing made (the caller makes it another way). Other OSErrors (a full
    disk) are raised, nothing made."""
    linkat = _function()
    if linkat is None:
        return None
    try:
        fd = os.open(os.path.dirname(path) or ".", _TMPFILE | os.O_WRONLY | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in _NOT_HERE:  # (ENOENT: no folder yet, the caller makes it)
            return None
        raise
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        written = os.fstat(fd)
        if linkat(_AT_FDCWD, b"/proc/self/fd/%d" % fd, _AT_FDCWD, os.fsencode(path), _AT_SYMLINK_FOLLOW) != 0:
            import ctypes

            code = ctypes.get_errno()
            if code == errno.EEXIST:
                raise FileExistsError(code, os.strerror(code), path)
            if code in _NOT_HERE:
                return None
            raise OSError(code, os.strerror(code), path)
        return written
    finally:
        os.close(fd)
