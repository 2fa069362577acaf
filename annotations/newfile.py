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
import functools
import os

AT_FDCWD = -100  # "relative to the working folder", for the C library's *at calls
_AT_SYMLINK_FOLLOW = 0x400
_TMPFILE = getattr(os, "O_TMPFILE", 0)
#: what says the file system or system cannot make an unnamed file, or link
#: one (then the caller's way, for this file; for good when it is the system)
_NOT_HERE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EPERM, errno.ENOENT}


@functools.cache
def c_function(name: str, *argtypes: str):
    """The C library's function `name` taking `argtypes` (ctypes names
    without ``c_``: "int", "uint", "char_p") and returning an int, errno
    kept for ``ctypes.get_errno``; None where the system has none. Looked
    up once."""
    try:
        import ctypes

        function = getattr(ctypes.CDLL(None, use_errno=True), name)
        function.argtypes = [getattr(ctypes, f"c_{kind}") for kind in argtypes]
        function.restype = ctypes.c_int
    except (OSError, AttributeError, ImportError):
        return None
    return function


@functools.cache
def _function():
    """linkat, where unnamed files can be linked by their /proc name."""
    if not _TMPFILE or not os.path.isdir("/proc/self/fd"):
        return None
    return c_function("linkat", "int", "char_p", "int", "char_p", "int")


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
        if linkat(AT_FDCWD, b"/proc/self/fd/%d" % fd, AT_FDCWD, os.fsencode(path), _AT_SYMLINK_FOLLOW) != 0:
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
