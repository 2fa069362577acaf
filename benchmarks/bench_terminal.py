"""The real program in a real terminal: start-up and keypress latency as an
annotator sees them, against a minimal Textual app in the same harness.

Each program runs as its own process (``.venv/bin/hashiya`` with a fresh
store and preferences folder in a temp dir, ``--mode visual`` so no
first-run question is asked; ``benchmarks/minimal_app.py``: a Header, one
Static line updated on every key, a Footer) in a pane of a private tmux
server, 80x24. The benchmark drives tmux through one control-mode client
(``tmux -C``): keys are sent with ``send-keys`` written to that client, and
tmux tells it every byte a program writes to its terminal as an ``%output``
notification the moment it reads them -- no process is forked per key or
per look at the screen.

What is timed:

- **keypress to changed screen**: from writing ``send-keys`` to tmux until
  the output after which the pane shows the key's whole effect: what it
  shows once the key has settled (no output for 120 ms). On every
  ``%output`` after the key the harness asks tmux for the pane's contents
  (``capture-pane -p -e``: characters and their styles) through the same
  client; tmux answers only after sending every ``%output`` for what it has
  read so far, so each answer is dated by the arrival of the last
  ``%output`` before it, and the time taken is that of the first answer
  from which on the pane no longer changes. Resolution: the arrival of one
  ``%output`` notification (well under a millisecond after the program's
  write) -- a frame drawn in several writes counts from its last. Also
  given: the first output that changed anything (a key drawn in two frames
  shows its first half one frame earlier), the key's last output, how
  many frames it cost (bursts of output more than 4 ms apart), and the CPU
  time the program spent from the key until it settled (all its threads,
  from /proc/PID/task/*/schedstat: steadier than wall time on a shared
  machine).
- **start-up to a usable list**: from writing ``respawn-pane`` (the process
  spawned) until the article list is drawn with its rows (their status
  column, "todo", has been written) and answers Down (the screen changed
  after it, timed as above: Down's whole effect). The minimal app: until "keys: 0" is written
  and it answers Down the same way.

A minimal app updating one line is not the same screen change as a
reader key that redraws every row (PgDn, J/K). For those two actions a
second baseline is timed too, like for like: the same key in
``minimal_app.py --pages`` (a screen of plain text paged, or replaced by
the next file's first page, and a status line; the seeds' files for J/K,
the 100,000-character article for PgDn). Both ratios are reported.

Keypresses alternate between the programs, all running side by side in
windows of the same tmux server; start-ups alternate too. A
notification the reader shows after a label key or an undo disappears some
seconds later, which redraws the screen: no key is timed while one is due.
Figures are medians and 90th percentiles; the machine's load average is
printed with them.

    python -m benchmarks.bench_terminal
"""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bench_app import big_article, make_corpus

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 80, 24
QUIET = 0.12  # no output for this long after a key: it has settled
BURST_GAP = 0.004  # outputs further apart than this are separate frames
STARTS = 8
TOAST_TIMEOUTS = {"1": 2.0, "u": 3.0}  # reader keys whose notification later disappears

HASHIYA = ROOT / ".venv" / "bin" / "hashiya"
MINIMAL = [sys.executable, str(ROOT / "benchmarks" / "minimal_app.py")]
_ESCAPED = re.compile(rb"\\([0-7]{3})")


@dataclass
class Press:
    changed: float  # seconds from the key sent to the screen first changed
    complete: float  # ... to the screen showing what it shows once settled
    settled: float  # ... to the last output the key caused
    frames: int
    cpu: float  # CPU time the program spent from the key to settled (every thread)


@dataclass
class Pane:
    id: str
    name: str
    pid: int
    #: the keys whose notification disappears later, and the times it will
    toast_keys: dict[str, float] = field(default_factory=dict)
    toasts: list[float] = field(default_factory=list)


class Terminal:
    """A private tmux server with one control-mode client attached."""

    def __init__(self) -> None:
        self.tmux = shutil.which("tmux")
        if self.tmux is None:
            raise RuntimeError("bench_terminal needs tmux")
        self.socket = f"hashiya-bench-{os.getpid()}"
        self._run("new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 100000")
        for option in (("default-size", f"{WIDTH}x{HEIGHT}"),
                       ("status", "off"), ("remain-on-exit", "on"), ("escape-time", "0"),
                       ("default-terminal", "screen-256color")):
            self._run("set-option", "-g", *option)
        self.client = subprocess.Popen(
            [self.tmux, "-L", self.socket, "-C", "attach-session", "-t", "bench"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
        )
        self._fd = self.client.stdout.fileno()
        self._pending = b""
        #: (arrival time, pane id, bytes) of every %output, in order
        self.outputs: list[tuple[float, str, bytes]] = []
        self._block: list[bytes] | None = None
        self._answers: list[tuple[list[bytes], int]] = []
        self.command("refresh-client -C %dx%d" % (WIDTH, HEIGHT))

    def _run(self, *args: str) -> str:
        return subprocess.run([self.tmux, "-L", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, check=True).stdout

    def close(self) -> None:
        try:
            self.client.stdin.close()
            self.client.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.client.kill()
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)

    # control-mode protocol ----------------------------------------------------

    def pump(self, timeout: float) -> bool:
        """Read what tmux has sent within `timeout` seconds; True if anything."""
        ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        data = os.read(self._fd, 1 << 16)
        now = time.perf_counter()
        if not data:
            raise RuntimeError("tmux control client ended")
        lines = (self._pending + data).split(b"\n")
        self._pending = lines.pop()
        for line in lines:
            self._line(now, line.rstrip(b"\r"))
        return True

    def _line(self, now: float, line: bytes) -> None:
        if self._block is not None:
            if line.startswith((b"%end ", b"%error ")) and line.split()[1:] == self._block_key:
                if self._block_key[-1] == b"1":  # a command this client sent
                    self._answers.append((self._block, self._block_outputs))
                self._block = None
            else:
                self._block.append(line)
        elif line.startswith(b"%output "):
            _, pane, data = line.split(b" ", 2)
            data = _ESCAPED.sub(lambda m: bytes([int(m[1], 8)]), data)
            self.outputs.append((now, pane.decode(), data))
        elif line.startswith(b"%begin "):
            self._block = []
            self._block_key = line.split()[1:]
            self._block_outputs = len(self.outputs)

    def command(self, command: str) -> tuple[list[bytes], int]:
        """Run a tmux command; its output lines and how many %output
        notifications tmux had sent before running it."""
        self._answers.clear()
        self.client.stdin.write(command.encode() + b"\n")
        while not self._answers:
            self.pump(10.0)
        return self._answers[0]

    def new_pane(self, name: str, toast_keys: dict[str, float] | None = None) -> Pane:
        lines, _ = self.command(f"new-window -d -P -F '#{{pane_id}}' -n {name} 'sleep 100000'")
        return Pane(lines[0].decode().strip(), name, 0, dict(toast_keys or {}))

    def screen(self, pane: Pane) -> tuple[list[bytes], int]:
        return self.command(f"capture-pane -p -e -t {pane.id}")

    def spawn(self, pane: Pane, argv: list[str], env: dict[str, str]) -> float:
        """Start `argv` in the pane (ending what ran there); the time it was asked for."""
        options = " ".join(f"-e {shlex.quote(f'{k}={v}')}" for k, v in env.items())
        command = shlex.quote(shlex.join(argv))
        t0 = time.perf_counter()
        self.command(f"respawn-pane -k {options} -t {pane.id} {command}")
        lines, _ = self.command(f"display-message -p -t {pane.id} '#{{pane_pid}}'")
        pane.pid = int(lines[0])
        return t0

    def wait_for(self, pane: Pane, since: int, text: str, limit: float = 60.0) -> float:
        """Wait until `text` has been written to the pane (after output
        number `since`); the arrival time of the output that completed it."""
        deadline = time.perf_counter() + limit
        seen = since
        written = b""
        while time.perf_counter() < deadline:
            for when, pane_id, data in self.outputs[seen:]:
                if pane_id == pane.id:
                    written += data
                    if text in _plain(written):
                        return when
            seen = len(self.outputs)
            self.pump(deadline - time.perf_counter())
        raise RuntimeError(f"{pane.name}: {text!r} never appeared")

    def settle(self, pane: Pane, quiet: float = QUIET, limit: float = 30.0) -> None:
        """Wait until the pane has had no output for `quiet` seconds."""
        deadline = time.perf_counter() + limit
        last = time.perf_counter()
        while time.perf_counter() < deadline:
            seen = len(self.outputs)
            self.pump(max(0.0, last + quiet - time.perf_counter()))
            if any(pane_id == pane.id for _, pane_id, _ in self.outputs[seen:]):
                last = time.perf_counter()
            elif time.perf_counter() >= last + quiet:
                return

    def quit(self, pane: Pane, keys: str = "C-q") -> None:
        self.command(f"send-keys -t {pane.id} {keys}")
        for _ in range(500):
            lines, _ = self.command(f"display-message -p -t {pane.id} '#{{pane_dead}}'")
            if lines and lines[0].strip() == b"1":
                return
            self.pump(0.01)
        raise RuntimeError(f"{pane.name} did not quit")

    # timing ---------------------------------------------------------------------

    def press(self, pane: Pane, key: str, limit: float = 5.0) -> Press:
        """Send one key; when the screen first changed, when it showed what
        it shows once settled, and when the key's last output came."""
        now = time.perf_counter()
        for due in pane.toasts:
            if due - 0.1 < now + QUIET + 0.5 and now < due + 0.3:
                self._idle(due + 0.3 - now)
        pane.toasts = [due for due in pane.toasts if due > time.perf_counter()]
        before, _ = self.screen(pane)
        start = len(self.outputs)
        cpu = cpu_time(pane.pid)
        t0 = time.perf_counter()
        self.command(f"send-keys -t {pane.id} {key}")
        # (arrival of the last output before a look at the screen, what it showed)
        looks: list[tuple[float, list[bytes]]] = []
        checked = start
        while True:
            times = [when for when, pane_id, _ in self.outputs[start:] if pane_id == pane.id]
            if times and len(self.outputs) > checked:
                checked = len(self.outputs)
                lines, upto = self.screen(pane)
                dated = [when for when, pane_id, _ in self.outputs[start:upto] if pane_id == pane.id]
                if dated:
                    looks.append((dated[-1], lines))
                continue
            left = (times[-1] + QUIET if times else t0 + limit) - time.perf_counter()
            if left <= 0:
                break
            self.pump(left)
        cpu = cpu_time(pane.pid) - cpu
        final, _ = self.screen(pane)
        if final == before:
            raise RuntimeError(f"{pane.name}: key {key} changed nothing on the screen")
        changed = next(when for when, lines in looks if lines != before)
        complete = looks[-1][0]
        for when, lines in reversed(looks):
            if lines != final:
                break
            complete = when
        if key in pane.toast_keys:
            pane.toasts.append(complete + pane.toast_keys[key])
        frames = 1 + sum(1 for a, b in zip(times, times[1:]) if b - a > BURST_GAP)
        return Press(changed - t0, complete - t0, times[-1] - t0, frames, cpu)

    def _idle(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self.pump(left)

    def tap(self, pane: Pane, *keys: str) -> None:
        """Keys whose time is not taken (moving into place); waits for quiet."""
        for key in keys:
            self.command(f"send-keys -t {pane.id} {key}")
            self.settle(pane)


def cpu_time(pid: int) -> float:
    """Seconds of CPU a process has run for, all its threads (Linux schedstat: ns)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e9


def _plain(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _env(home: Path, name: str) -> dict[str, str]:
    return {
        "HASHIYA_CONFIG_DIR": str(home / "config"),
        "HASHIYA_STORE": str(home / f"store-{name}"),
        "HASHIYA_ANNOTATOR": "bench",
        "COLORTERM": "truecolor",
        "TEXTUAL_FPS": os.environ.get("TEXTUAL_FPS", "60"),
    }


def _hashiya(corpus: Path) -> list[str]:
    return [str(HASHIYA), "--mode", "visual", str(corpus)]


# start-up ---------------------------------------------------------------------

def start_up(term: Terminal, pane: Pane, argv: list[str], env: dict[str, str], marker: str) -> float:
    """Seconds from spawning to drawn with `marker` and answering Down.
    Each start is at the top of the list: where the previous one left the
    list is forgotten (else Down reaches the seeds' last article and
    changes nothing); the corpus index is kept (the folder is seen before)."""
    shutil.rmtree(Path(env["HASHIYA_CONFIG_DIR"]) / "resume", ignore_errors=True)
    since = len(term.outputs)
    t0 = term.spawn(pane, argv, env)
    term.wait_for(pane, since, marker)
    sent = time.perf_counter()
    press = term.press(pane, "Down")
    return sent + press.complete - t0


def start_ups(term: Terminal, home: Path, runs: int = STARTS) -> dict[str, list[float]]:
    pane = term.new_pane("starts")
    big = home / "corpus-10000"
    make_corpus(big)
    kinds = {
        "minimal": (MINIMAL, _env(home, "minimal"), "keys: 0"),
        "seeds": (_hashiya(ROOT / "seeds"), _env(home, "seeds"), "todo"),
        "10,000 articles, seen before": (_hashiya(big), _env(home, "big"), "todo"),
    }
    # One start each before timing: the OS file cache warm, the big folder's
    # corpus index written (its check runs after the list is up: let it end).
    for argv, env, marker in kinds.values():
        start_up(term, pane, argv, env, marker)
        term._idle(4.0)
        term.quit(pane)
    times: dict[str, list[float]] = {name: [] for name in kinds}
    order = list(kinds)
    for run in range(runs):
        for name in order[run % len(order):] + order[:run % len(order)]:
            argv, env, marker = kinds[name]
            times[name].append(start_up(term, pane, argv, env, marker))
            term.quit(pane)
            term._idle(0.2)
    return times


# keys ---------------------------------------------------------------------------

ACTIONS = {
    "cursor moves (← → ↑ ↓)": ["Left", "Left", "Down", "Right", "Up", "Right"],
    "selection extended (Shift+← →)": ["S-Left", "S-Left", "S-Right", "S-Left"],
    "label key on a selection (1)": None,  # see label_samples
    "next/previous article (J K)": ["J", "J", "J", "J", "K", "K", "K", "K"],
    "page down/up (PgDn PgUp)": ["PageDown"] * 4 + ["PageUp"] * 4,
    # a word labelled (not timed), then deleted, the delete undone and redone
    "delete, undo, redo (x u U)": ["x", "u", "U"],
}


#: The actions the minimal app paging plain text (``--pages``) does too: the
#: same screen change, like for like.
PAGED = ("next/previous article (J K)", "page down/up (PgDn PgUp)")


def keys_in(term: Terminal, ours: Pane, base: Pane, actions: dict[str, int],
            pages: Pane | None = None) -> dict[str, dict[str, list[Press]]]:
    """Each action `count` times, alternating between the reader and the
    minimal app (which one goes first turns round), and the minimal app
    paging plain text for the actions in PAGED."""
    results: dict[str, dict[str, list[Press]]] = {}
    for action, count in actions.items():
        runs: dict[str, list[Press]] = {"hashiya": [], "minimal": []}
        programs = [(ours, runs["hashiya"]), (base, runs["minimal"])]
        if pages is not None and action in PAGED:
            runs["minimal, pages"] = []
            programs.append((pages, runs["minimal, pages"]))
        keys = ACTIONS[action]
        for i in range(count):
            if keys is None:  # a word selected with Space, labelled, then undone
                term.tap(ours, "C-Left", "Space")
                key = "1"
            else:
                key = keys[i % len(keys)]
                if key == "x":  # a span to delete, under the cursor
                    term.tap(ours, "C-Left", "Space", "1")
            turn = i % len(programs)
            for pane, out in programs[turn:] + programs[:turn]:
                out.append(term.press(pane, key))
            if keys is None:
                term.tap(ours, "u")
                ours.toasts.append(time.perf_counter() + ours.toast_keys["u"])
        if keys is not None and "S-" in keys[0]:
            term.tap(ours, "Escape")
        results[action] = runs
    return results


def _pages(term: Terminal, home: Path, name: str, files: list[Path]) -> Pane:
    pane = term.new_pane(name)
    term.spawn(pane, MINIMAL + ["--pages", *map(str, files)], _env(home, name))
    term.wait_for(pane, 0, "keys: 0")
    return pane


def keypresses(term: Terminal, home: Path, presses: int) -> dict[str, dict]:
    base = term.new_pane("minimal")
    term.spawn(base, MINIMAL, _env(home, "minimal"))
    term.wait_for(base, 0, "keys: 0")
    results = {}
    seeds = term.new_pane("seeds", TOAST_TIMEOUTS)
    term.spawn(seeds, _hashiya(ROOT / "seeds"), _env(home, "keys-seeds"))
    term.wait_for(seeds, 0, "todo")
    term.tap(seeds, "Enter")
    pages = _pages(term, home, "pages-seeds", sorted((ROOT / "seeds").glob("*.txt")))
    names = list(ACTIONS)
    results["seeds"] = keys_in(term, seeds, base, {
        names[0]: presses, names[1]: presses, names[2]: presses, names[3]: presses,
        names[5]: presses}, pages)
    term.quit(seeds)
    term.quit(pages)
    folder = home / "article-100000"
    folder.mkdir()
    (folder / "big.txt").write_text(big_article(), encoding="utf-8")
    big = term.new_pane("big", TOAST_TIMEOUTS)
    term.spawn(big, _hashiya(folder), _env(home, "keys-big"))
    term.wait_for(big, 0, "todo")
    term.tap(big, "Enter", *["PageDown"] * 20)
    pages = _pages(term, home, "pages-big", [folder / "big.txt"])
    term.tap(pages, *["PageDown"] * 20)
    results["100,000-character article"] = keys_in(term, big, base, {
        names[0]: presses, names[1]: presses, names[2]: presses, names[4]: presses}, pages)
    term.quit(big)
    term.quit(pages)
    term.quit(base)
    return results


# report -------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


TARGETS = {
    "cursor moves (← → ↑ ↓)": 1.3,
    "selection extended (Shift+← →)": 1.3,
    "label key on a selection (1)": 1.5,
    "next/previous article (J K)": 1.5,
    "page down/up (PgDn PgUp)": 1.3,
    "delete, undo, redo (x u U)": 1.5,  # edits, as the label key
}


def main(presses: int = 30, starts: int = STARTS) -> dict:
    if shutil.which("tmux") is None or not HASHIYA.exists():
        print("## Terminal: skipped (needs tmux and .venv/bin/hashiya)")
        return {}
    home = Path(tempfile.mkdtemp(prefix="hashiya-bench-terminal-"))
    term = Terminal()
    load = [os.getloadavg()[0]]
    t0 = time.perf_counter()
    try:
        keys = keypresses(term, home, presses)
        load.append(os.getloadavg()[0])
        starting = start_ups(term, home, starts)
        load.append(os.getloadavg()[0])
    finally:
        term.close()
        shutil.rmtree(home, ignore_errors=True)
    took = time.perf_counter() - t0

    print("## Terminal: keypress and start-up as seen from outside (`python -m benchmarks.bench_terminal`)\n")
    print(f"Each program a process of its own in tmux at {WIDTH}x{HEIGHT} (tmux {_tmux_version()}), "
          "timed through a control-mode client; baseline: a minimal Textual app (Header, a "
          "Static updated on each key, Footer), alternating with hashiya; for J/K and "
          "PgDn/PgUp also the same change in a minimal app (`minimal_app.py --pages`: a "
          "screen of plain text paged, or replaced by the next text's first page, and a "
          "status line). "
          f"{presses} presses per action per program, "
          f"{starts} start-ups per program; medians (p90). Load average (1 min) at start, "
          f"between parts and at the end: {', '.join(f'{x:.2f}' for x in load)}; "
          f"{took:.0f} s in all.\n")
    print("| keypress to changed screen | hashiya | minimal app | ratio (medians) | target "
          "| hashiya: first change / last output | frames (minimal) | CPU per key: hashiya / minimal |")
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    summary: dict = {"load": load}
    for corpus, actions in keys.items():
        for action, runs in actions.items():
            ours = [p.complete for p in runs["hashiya"]]
            base = [p.complete for p in runs["minimal"]]
            ratio = statistics.median(ours) / statistics.median(base)
            first = statistics.median(p.changed for p in runs["hashiya"])
            last = statistics.median(p.settled for p in runs["hashiya"])
            frames = statistics.median(p.frames for p in runs["hashiya"])
            base_frames = statistics.median(p.frames for p in runs["minimal"])
            cpu = [statistics.median(p.cpu for p in runs[name]) for name in ("hashiya", "minimal")]
            print(f"| {action}, {corpus} | {ms(statistics.median(ours))} ({ms(p90(ours))}) | "
                  f"{ms(statistics.median(base))} ({ms(p90(base))}) | {ratio:.2f}x | "
                  f"<= {TARGETS[action]}x | {ms(first)} / {ms(last)} | "
                  f"{frames:g} ({base_frames:g}) | {ms(cpu[0])} / {ms(cpu[1])} |")
            summary[(corpus, action)] = ratio
            if "minimal, pages" in runs:
                paged = [p.complete for p in runs["minimal, pages"]]
                ratio = statistics.median(ours) / statistics.median(paged)
                frames = statistics.median(p.frames for p in runs["minimal, pages"])
                cpu_paged = statistics.median(p.cpu for p in runs["minimal, pages"])
                print(f"| same, like for like: the minimal app paging plain text (`--pages`) | "
                      f"{ms(statistics.median(ours))} ({ms(p90(ours))}) | "
                      f"{ms(statistics.median(paged))} ({ms(p90(paged))}) | {ratio:.2f}x | "
                      f"<= {TARGETS[action]}x | | {frames:g} | {ms(cpu[0])} / {ms(cpu_paged)} |")
                summary[(corpus, action, "pages")] = ratio
    print()
    print("| start-up to a usable list (spawn to drawn and answering Down) | median (p90) | vs minimal app | target |")
    print("|---|---:|---:|---|")
    base = statistics.median(starting["minimal"])
    for name, runs in starting.items():
        median = statistics.median(runs)
        target = "" if name == "minimal" else "<= 1.5x"
        print(f"| {name} | {ms(median)} ({ms(p90(runs))}) | {median / base:.2f}x | {target} |")
        summary[("start", name)] = median / base
    return summary


def _tmux_version() -> str:
    out = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    return out.split(" ", 1)[-1]


if __name__ == "__main__":
    main()
