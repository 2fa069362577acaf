"""Two real processes on one store."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from annotations.store import Store

TEXT = ("أعلنت وزارة الصحة في الأردن عن برنامج لتدريب الكوادر الطبية بالتعاون مع جامعات أوروبية. " * 20).strip()

ADDER = textwrap.dedent(
    """
    import sys
    from annotations.store import Store
    root, who, text = sys.argv[1], sys.argv[2], sys.argv[3]
    with Store(root, who) as store:
        for n in range(60):
            article = f"art{n % 3}"
            start = (n // 3) * 6
            store.add_span(article, text, start, start + 4, who.upper(), "entity")
            store.span_counts("ali" if who == "sara" else "sara")  # read the other's work meanwhile
    print("done", flush=True)
    """
)

HOLDER = textwrap.dedent(
    """
    import sys
    from annotations.store import Store
    root, text = sys.argv[1], sys.argv[2]
    store = Store(root, "ali")
    store.add_span("art0", text, 0, 4, "PER", "entity")
    print("ready", flush=True)
    sys.stdin.readline()
    """
)

SECOND = textwrap.dedent(
    """
    import sys
    from annotations.errors import StoreLockedError
    from annotations.store import Store
    try:
        store = Store(sys.argv[1], "ali")
    except StoreLockedError as exc:
        print(exc, flush=True)
        sys.exit(3)
    store.add_span("art0", sys.argv[2], 6, 10, "LOC", "entity")
    store.close()
    print("opened", flush=True)
    """
)


def python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_two_annotators_at_once_lose_nothing(tmp_path: Path):
    root = tmp_path / "store"
    procs = [python(ADDER, str(root), who, TEXT) for who in ("ali", "sara")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out == b"done\n", err.decode()
    with Store(root, "reader", readonly=True) as store:
        for who in ("ali", "sara"):
            assert store.span_counts(who) == {"art0": 20, "art1": 20, "art2": 20}
            spans = [s for a in ("art0", "art1", "art2") for s in store.spans(a, who)]
            assert {s.label for s in spans} == {who.upper()} and all(s.text == TEXT[s.start : s.end] for s in spans)
        assert store.annotators() == ["ali", "sara"]


def test_same_annotator_twice_is_told_who_holds_it(tmp_path: Path):
    root = tmp_path / "store"
    holder = python(HOLDER, str(root), TEXT, stdin=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"ready\n", holder.stderr.read().decode()
        second = subprocess.run([sys.executable, "-c", SECOND, str(root), TEXT], capture_output=True, text=True, timeout=60)
        assert second.returncode == 3, second.stderr
        message = second.stdout.strip()
        assert message.startswith(f"store {root} is in use by annotator ali (pid {holder.pid} on host {socket.gethostname()} since ")
        assert message.endswith("close that session or choose another annotator with --annotator")
        # a reader in another process sees the holder's save while it works
        with Store(root, "ali", readonly=True) as reader:
            assert [s.text for s in reader.spans("art0")] == [TEXT[0:4]]
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=30)
    # the holder died without closing: its lock must not block anyone
    third = subprocess.run([sys.executable, "-c", SECOND, str(root), TEXT], capture_output=True, text=True, timeout=60)
    assert third.returncode == 0 and third.stdout.strip() == "opened", third.stdout + third.stderr
    with Store(root, "ali") as store:
        assert [s.label for s in store.spans("art0")] == ["PER", "LOC"]


def test_cli_reports_lock_in_one_line(tmp_path: Path, seeds_dir: Path):
    root = tmp_path / "store"
    holder = python(HOLDER, str(root), TEXT, stdin=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"ready\n"
        exe = Path(sys.executable).with_name("hashiya")
        result = subprocess.run(
            [str(exe), "validate", "--repair", "--store", str(root), str(seeds_dir)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and f"pid {holder.pid}" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.communicate(input=b"\n", timeout=30)
