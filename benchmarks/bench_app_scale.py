"""The app on a large corpus: a folder of generated articles (60 words, 10
entity spans each, every article done) and a store filled through
``Store.import_records`` -- the generators of ``bench_scale``.

    python -m benchmarks.bench_app_scale           10,000 articles (100,000 spans)
    python -m benchmarks.bench_app_scale --large   100,000 articles (1,000,000 spans)
    ... --keep DIR                                  build the corpus and store in DIR once
                                                    and reuse them on later runs


Measured as whole processes, each start twice: first open (no corpus index:
the folder is listed by file name and checked by a separate process once the
list is up; no copy of the store's summary: the store's index is read) and
reopen (the corpus index and the summary's copy the first open wrote):

* the real ``hashiya`` in tmux at 80x24: seconds from spawning it to the
  list usable (the pane polled until it shows the rows and the progress
  line ``N/N done``) and the CPU time the app had used by then (its own
  and that of the children it waited for, /proc/PID/stat), the peak RSS
  of the app process (``VmHWM`` of /proc/PID/status) once the list is up
  and again after ``/`` and one
  letter typed into the filter (the pane polled until the list is
  filtered);
* in a fresh ``python`` through Textual's Pilot (headless, 100x30), as
  ``bench_app`` measures start-up: spawn to the list drawn with its titles
  and Down handled, then the first filter keystroke (``/`` then one letter:
  it waits for any title not folded yet) and the median of the next four, from posting the
  key to the list drawn again.

Targets: list usable within 1 s of process start, peak RSS under 250 MB,
first filter keystroke under 100 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_scale import SPANS, build_store, write_inputs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT, LARGE = 10_000, 100_000
TMUX_SIZE = (80, 24)
TIMEOUT = 120.0
# typed into the filter: a letter some titles lack, so the list is filtered
LETTER = "ظ"
HASHIYA = Path(sys.executable).with_name("hashiya")
TARGETS = {"usable": 1.0, "rss_mb": 250.0, "first_key": 0.100}


def _env(home: Path) -> dict[str, str]:
    return {"HASHIYA_CONFIG_DIR": str(home / "config"), "HASHIYA_STORE": str(home / "store"),
            "HASHIYA_ANNOTATOR": "bench"}


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the process and of its children it has
    waited for (the store summary's), from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # after the name: state is field 3; utime, stime, cutime, cstime are 14-17
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


class Pane:
    """One hashiya in its own tmux server."""

    def __init__(self, home: Path) -> None:
        self.socket = f"hashiya-scale-{os.getpid()}"
        self.home = home

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=False).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def until(self, value, what: str):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            got = value()
            if got:
                return got
            time.sleep(0.01)
        raise RuntimeError(f"timed out waiting for {what}:\n{self.screen()}")

    def wait_for(self, test, what: str) -> float:
        """The wall clock when the pane's screen passes `test`."""
        return self.until(lambda: test(self.screen()) and time.time(), what)

    def run(self, corpus: Path, n: int) -> dict:
        env = {**_env(self.home), "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
               "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home)}
        command = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), str(HASHIYA), "--mode", "visual",
                   str(corpus)]
        t0, pid = time.time(), None
        self.tmux("new-session", "-d", "-x", str(TMUX_SIZE[0]), "-y", str(TMUX_SIZE[1]), " ".join(command))
        try:
            pid = int(self.until(lambda: self.tmux("list-panes", "-F", "#{pane_pid}").strip(), "the pane"))
            usable = self.wait_for(lambda s: f"{n}/{n} done" in s and f"{n} articles" in s, "the list") - t0
            cpu = _cpu_seconds(pid)
            rss_list = _peak_rss_mb(pid)
            before = self.screen()
            self.tmux("send-keys", "/")
            self.wait_for(lambda s: s != before, "the filter box focused")
            self.tmux("send-keys", "-l", LETTER)
            self.wait_for(lambda s: "articles shown" in s, "the filtered list")
            rss_filter = _peak_rss_mb(pid)
            # the corpus check of a first open writes the index the reopen reads
            from tui.corpus_index import index_path
            os.environ.update(_env(self.home))
            deadline = time.monotonic() + TIMEOUT
            while not index_path(corpus).exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            self.tmux("kill-server")
            # the app lets go of the store's lock only once it has closed the store
            if pid is not None:
                self.until(lambda: not Path(f"/proc/{pid}").exists(), "the app to end")
        return {"usable": usable, "cpu": cpu, "rss_list": rss_list, "rss_filter": rss_filter}


def _child(corpus: str, n: int) -> None:
    """In a fresh process: start-up to usable through Pilot, then the filter."""
    from benchmarks.bench_app import _filter_times, _start_hashiya

    ready: list[float] = []
    asyncio.run(_start_hashiya(Path(corpus), lambda: ready.append(time.time()), count=n))
    filtering = asyncio.run(_filter_times(Path(corpus)))
    print(json.dumps({"ready": ready[0], "filter": filtering}), flush=True)


def _pilot(home: Path, corpus: Path, n: int) -> dict:
    t0 = time.time()
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_app_scale", "--child", str(corpus), str(n)],
                         cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ, **_env(home)}).stdout
    result = json.loads(out.strip().splitlines()[-1])
    first, *rest = result["filter"]
    return {"usable": result["ready"] - t0, "first_key": first, "next_keys": statistics.median(rest)}


def _forget_index(home: Path) -> None:
    """A first open: neither the corpus index nor the app's copy of the
    store's summary (tui.deferred_store) from an earlier run."""
    shutil.rmtree(home / "config" / "corpus-index", ignore_errors=True)
    shutil.rmtree(home / "config" / "store-summary", ignore_errors=True)


def _build(home: Path, n: int) -> float:
    """The corpus folder and the store of `n` articles in `home`; seconds
    taken (0 when a finished build of the same size is there already)."""
    done = home / "built.json"
    try:
        if json.loads(done.read_text()) == {"articles": n}:
            return 0.0
    except (OSError, ValueError):
        pass
    for part in ("corpus", "store", "config"):
        shutil.rmtree(home / part, ignore_errors=True)
    t0 = time.perf_counter()
    doccano = write_inputs(n, home)
    build_store(doccano, home / "corpus", home / "store")
    doccano.unlink()
    done.write_text(json.dumps({"articles": n}))
    return time.perf_counter() - t0


def run(n: int, keep: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="hashiya-app-scale-") as tmp:
        home = Path(tmp) if keep is None else keep
        home.mkdir(parents=True, exist_ok=True)
        setup = _build(home, n)
        corpus = home / "corpus"
        results = {}
        pane = Pane(home)
        _forget_index(home)
        results["tmux first open"] = pane.run(corpus, n)
        results["tmux reopen"] = pane.run(corpus, n)
        _forget_index(home)
        results["Pilot first open"] = _pilot(home, corpus, n)
        results["Pilot reopen"] = _pilot(home, corpus, n)
    return {"setup": setup, "rows": results}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> dict:
    argv = argv or []
    n = LARGE if "--large" in argv else DEFAULT
    keep = Path(argv[argv.index("--keep") + 1]).resolve() if "--keep" in argv[:-1] else None
    load = os.getloadavg()[0]
    result = run(n, keep)
    rows = result["rows"]
    print(f"## The app at {n:,} articles ({n * SPANS:,} spans)\n")
    print(f"Set-up (articles, corpus folder, store by bulk import): {result['setup']:.0f} s "
          f"({'reused from ' + str(keep) if keep is not None and not result['setup'] else 'built'}), not timed below.\n")
    print("| run | spawn to list usable | CPU by then | peak RSS, list up | peak RSS, after first filter key "
          "| first filter key | next keys (median) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, row in rows.items():
        rss = (f"{row['rss_list']:.0f} MB", f"{row['rss_filter']:.0f} MB") if "rss_list" in row else ("", "")
        keys = (ms(row["first_key"]), ms(row["next_keys"])) if "first_key" in row else ("", "")
        cpu = ms(row["cpu"]) if "cpu" in row else ""
        print(f"| {name} | {ms(row['usable'])} | {cpu} | {rss[0]} | {rss[1]} | {keys[0]} | {keys[1]} |")
    worst_usable = max(row["usable"] for name, row in rows.items() if name.startswith("tmux"))
    worst_rss = max(row["rss_filter"] for row in rows.values() if "rss_filter" in row)
    worst_key = max(row["first_key"] for row in rows.values() if "first_key" in row)
    print()
    for label, value, target, shown in (
        ("list usable (tmux, worst)", worst_usable, TARGETS["usable"], ms(worst_usable)),
        ("peak RSS (worst)", worst_rss, TARGETS["rss_mb"], f"{worst_rss:.0f} MB"),
        ("first filter key (worst)", worst_key, TARGETS["first_key"], ms(worst_key)),
    ):
        unit = "MB" if label.startswith("peak") else "s"
        print(f"- {label}: {shown} (target < {target:g} {unit}: {'met' if value < target else 'missed'})")
    print(f"\nload average before: {load:.2f}, after: {os.getloadavg()[0]:.2f}")
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], int(sys.argv[3]))
    else:
        main(sys.argv[1:])
