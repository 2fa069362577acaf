"""The helper process that writes an import's files behind
(annotations/behind.py): jobs run there, in order; what they return or
raise comes back; a helper that dies is said; the store's lock is never
held by it."""

from __future__ import annotations

import fcntl
import os
import signal
import time

import pytest

from annotations.behind import Behind, Job
from annotations.errors import FormatError, StoreError



def _pid_and(value):
    return os.getpid(), value


def _fails(message):
    raise FormatError(message)


def _descriptor_open(fd):
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def test_jobs_run_in_a_process_of_their_own_in_order_and_answer():
    behind = Behind()
    try:
        jobs = [behind.submit(_pid_and, n) for n in range(200)]
        failing = behind.submit(_fails, "no room")
        after = behind.submit(_pid_and, "after")
        pids = {job.result()[0] for job in jobs}
        assert [job.result()[1] for job in jobs] == list(range(200))
        assert len(pids) == 1 and os.getpid() not in pids
        with pytest.raises(FormatError, match="no room"):
            failing.result()
        assert after.result()[1] == "after"  # a failure is the job's, not the helper's
    finally:
        behind.close()


def test_large_jobs_go_through_both_ways():
    """More than either pipe holds, given before any answer is read."""
    behind = Behind()
    try:
        data = os.urandom(3 << 20)
        jobs = [behind.submit(_pid_and, data) for _ in range(4)]
        assert all(job.result()[1] == data for job in jobs)
    finally:
        behind.close()


def test_the_helper_holds_no_lock_of_this_process(tmp_path):
    fd = os.open(tmp_path / "lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    behind = Behind(close_fds=(fd,))
    try:
        assert behind.submit(_descriptor_open, fd).result() is False
        assert _descriptor_open(fd)
    finally:
        behind.close()
        os.close(fd)


class TooLong(Exception):
    """(Not an OSError, which a read would take for the helper's end.)"""


def _too_long(signum, frame):
    raise TooLong("close did not return")


def test_a_second_helper_does_not_keep_the_first_ones_jobs_open():
    first, second = Behind(), Behind()
    first.submit(_pid_and, 1).result()
    second.submit(_pid_and, 2).result()
    before = signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(10)
    try:
        first.close()  # returns: the first helper saw its jobs end
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
        second.close()


def test_a_helper_that_dies_is_said_with_the_error_asked_for():
    behind = Behind(error=StoreError)
    try:
        behind.submit(_die)
        job = behind.submit(_pid_and, 1)
        with pytest.raises(StoreError, match="ended unexpectedly"):
            job.result()
    finally:
        behind.close()


def test_without_a_process_jobs_run_here_as_given():
    behind = Behind(process=False)
    assert behind.submit(_pid_and, 1).result() == (os.getpid(), 1)
    with pytest.raises(FormatError):
        behind.submit(_fails, "x").result()
    behind.close()


def _niceness():
    return os.nice(0)


def test_a_helper_may_run_at_a_lower_priority():
    behind = Behind(nice=5)
    try:
        assert behind.submit(_niceness).result() == min(os.nice(0) + 5, 19)
    finally:
        behind.close()


def test_close_returns_when_a_job_was_cut_short_while_being_given():
    """(Ctrl-C while a job goes out): the helper does the jobs given whole
    and ends; the one cut short says it was not done."""
    behind = Behind()
    whole = behind.submit(_pid_and, 1)
    behind._given += 1
    cut = Job(behind, behind._given)
    behind._waiting[cut.number] = cut
    os.write(behind._jobs, b"\xff\x00\x00\x00\x00\x00\x00\x00partial")  # a head saying 255 bytes, and 7 of them
    before = signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(10)
    try:
        behind.close()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    assert whole.result()[1] == 1
    with pytest.raises(Exception, match="ended unexpectedly"):
        cut.result()


def test_pending_counts_the_jobs_not_done_without_waiting_for_them():
    behind = Behind()
    try:
        assert behind.pending() == 0
        gate = behind.submit(time.sleep, 0.5)
        quick = [behind.submit(_pid_and, n) for n in range(3)]
        assert behind.pending() == 4  # at once: the first is still asleep
        deadline = time.monotonic() + 10
        while behind.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert behind.pending() == 0 and gate.done and all(job.done for job in quick)
        assert [job.result()[1] for job in quick] == [0, 1, 2]
    finally:
        behind.close()
