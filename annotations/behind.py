"""Files written behind by a process of their own.

A large import spends about as much time in the system creating files (an
article text and an article file a record, each through a temporary name)
as in Python reading and checking records. A thread of the same process
cannot take that work over: every system call gives the interpreter's lock
away and waits to get it back, and a thread running Python holds it for
milliseconds at a time, so a writing thread beside a busy reader makes a
few hundred calls a second. ``Behind`` runs the writes in a helper process
instead, forked (so that it has the same code and state as the importing
process), one job at a time in the order given; ``submit(fn, *args)``
returns a ``Job`` whose ``result()`` is what ``fn(*args)`` returned there,
or raises what it raised. Jobs and results go through two pipes, written
and read by the importing process itself: no thread of it takes part.

The helper:

- holds no lock of the store: the descriptors given as ``close_fds`` (the
  annotator's lock) are closed in it, so that the lock is the importing
  process's alone, released when that one ends, even by kill -9;
- is killed when the importing process dies (Linux), so that nothing is
  written after it (a kill leaves what was written before it, as a kill of
  one process does);
- ignores Ctrl-C: the importing process decides what happens then, and
  ``close`` waits for the jobs given;
- runs at the lower priority ``nice`` asks for, if any (of two helpers,
  the one whose work is waited for sooner gets the processor first).

Where there is no ``fork`` (or outside Linux), the jobs run at once in this
process, as they are given."""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys

from .errors import HashiyaError

_PR_SET_PDEATHSIG = 1
_HEAD = struct.Struct("<Q")
_PIPE_SIZE = 1 << 20

#: this process's ends of the pipes of the helpers it runs: a helper forked
#: later closes them, or a helper would never see its jobs end
_OPEN: set[int] = set()


def forkable() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux")


class Job:
    """A job given to a ``Behind``: ``result()`` waits for it."""

    __slots__ = ("behind", "number", "done", "value", "error")

    def __init__(self, behind: "Behind | None", number: int) -> None:
        self.behind = behind
        self.number = number
        self.done = False
        self.value = None
        self.error: BaseException | None = None

    def result(self):
        if not self.done:
            self.behind._wait(self)
        if self.error is not None:
            raise self.error
        return self.value


class Behind:
    """One helper process (started at the first ``submit``) running jobs in
    order. ``error`` is the exception class that says the helper is gone."""

    def __init__(self, *, close_fds: tuple[int, ...] = (), process: bool | None = None,
                 error: type[HashiyaError] = HashiyaError, nice: int = 0) -> None:
        self._close_fds = tuple(close_fds)
        self._nice = nice
        self._process = forkable() if process is None else process
        self._error = error
        self._pid = 0
        self._jobs = -1  # the pipe jobs go out through
        self._results = -1  # the pipe results come back through
        self._given = 0
        self._waiting: dict[int, Job] = {}
        self._unread = b""

    def submit(self, fn, *args) -> Job:
        self._given += 1
        job = Job(self, self._given)
        if not self._process:
            try:
                job.value = fn(*args)
            except Exception as exc:
                job.error = exc
            job.done = True
            return job
        if not self._pid:
            self._start()
        data = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        self._waiting[job.number] = job
        self._send(_HEAD.pack(len(data)) + data)
        return job

    def pending(self) -> int:
        """How many jobs given are not done yet (the results that have come
        are read first, without waiting for more)."""
        while self._waiting and select.select([self._results], [], [], 0)[0]:
            self._read_some()
        return len(self._waiting)

    # -- this side ------------------------------------------------------------
    def _start(self) -> None:
        jobs_in, jobs_out = os.pipe()
        results_in, results_out = os.pipe()
        for fd in (jobs_out, results_out):
            try:
                import fcntl

                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
            except (OSError, AttributeError, ImportError):
                pass
        # what this process has buffered is written once, by this process
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the helper
            code = 1
            try:
                os.close(jobs_out)
                os.close(results_in)
                _helper_starts(parent, self._close_fds + tuple(_OPEN), self._nice)
                _serve(jobs_in, results_out)
                code = 0
            finally:
                os._exit(code)
        os.close(jobs_in)
        os.close(results_out)
        os.set_blocking(jobs_out, False)
        self._pid, self._jobs, self._results = pid, jobs_out, results_in
        _OPEN.update((jobs_out, results_in))

    def _send(self, data: bytes) -> None:
        """Write ``data`` to the jobs pipe, reading results meanwhile (a
        helper blocked on a full results pipe never reads its jobs)."""
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self._jobs, view):]
                continue
            except BlockingIOError:
                pass
            except OSError:  # the helper is gone
                self._gone()
            readable, _, _ = select.select([self._results], [self._jobs], [])
            if readable:
                self._read_some()

    def _read_some(self, *, ending: bool = False) -> bool:
        """Read what results have come; False at their end (the helper
        gone: every job not done then says so, raised unless ``ending``)."""
        try:
            piece = os.read(self._results, _PIPE_SIZE)
        except OSError:
            piece = b""
        if not piece:
            if ending:
                self._unanswered()
                return False
            self._gone()
        self._unread += piece
        while len(self._unread) >= _HEAD.size:
            (size,) = _HEAD.unpack_from(self._unread)
            if len(self._unread) < _HEAD.size + size:
                break
            number, ok, value = pickle.loads(self._unread[_HEAD.size : _HEAD.size + size])
            self._unread = self._unread[_HEAD.size + size :]
            job = self._waiting.pop(number)
            if ok:
                job.value = value
            else:
                job.error = value
            job.done = True
        return True

    def _wait(self, job: Job) -> None:
        while not job.done:
            self._read_some()

    def _unanswered(self) -> HashiyaError:
        """Every job not done says the helper ended before it."""
        error = self._error("the process writing files behind ended unexpectedly; nothing after it was written")
        for job in self._waiting.values():
            job.error = error
            job.done = True
        self._waiting.clear()
        return error

    def _gone(self):
        raise self._unanswered()

    def close(self) -> None:
        """Wait for every job given, then end the helper. Its jobs end
        first: it does the ones given whole and stops (one cut short by an
        interruption here is not done), and its results are read to their
        end."""
        if not self._pid:
            return
        _OPEN.difference_update((self._jobs, self._results))
        try:
            os.close(self._jobs)
            while self._read_some(ending=True):
                pass
        finally:
            os.close(self._results)
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:
                pass
            self._pid = 0


# -- the helper ---------------------------------------------------------------
def _helper_starts(parent: int, close_fds: tuple[int, ...], nice: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    for fd in close_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError, ImportError):
        pass
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _read_exactly(fd: int, size: int) -> bytes | None:
    pieces = []
    while size:
        piece = os.read(fd, min(size, _PIPE_SIZE))
        if not piece:
            return None
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)


def _serve(jobs: int, results: int) -> None:
    number = 0
    while True:
        head = _read_exactly(jobs, _HEAD.size)
        if head is None:  # no more jobs
            return
        body = _read_exactly(jobs, _HEAD.unpack(head)[0])
        if body is None:
            return
        number += 1
        try:
            fn, args = pickle.loads(body)
            reply = (number, True, fn(*args))
        except Exception as exc:
            reply = (number, False, exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception that does not pickle: its words
            data = pickle.dumps((number, False, HashiyaError(str(exc) or type(exc).__name__)))
        data = _HEAD.pack(len(data)) + data
        view = memoryview(data)
        while view:
            view = view[os.write(results, view):]
