"""The installed ``hashiya`` in a real terminal (tmux): open the seeds, find
a word, label it with keys only, go back to the list, quit; then check what
the terminal showed and what the store holds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from annotations.corpus import open_corpus
from annotations.store import Store
from tui.layout import display_line

HASHIYA = Path(sys.executable).parent / "hashiya"
TIMEOUT = 30.0


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True, text=True, encoding="utf-8", check=check,
        )
        return result.stdout

    def capture(self, escapes: bool = False) -> str:
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "e2e")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "e2e", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "e2e", "-l", text)

    def wait_for(self, predicate, what: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "e2e"],
                              capture_output=True).returncode == 0


@pytest.fixture
def tmux():
    session = Tmux(f"hashiya-e2e-{uuid.uuid4().hex[:8]}")
    yield session
    session.run("kill-server", check=False)


def start(tmux: Tmux, tmp_path: Path, corpus_dir: Path, *, term: str, mode: str | None,
          args: tuple[str, ...] = ()) -> None:
    env = {
        "HASHIYA_CONFIG_DIR": str(tmp_path / "config"),
        "HASHIYA_STORE": str(tmp_path / "store"),
        "HASHIYA_ANNOTATOR": "e2e",
        "TERM": term,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
    }
    command = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), str(HASHIYA), *args]
    if mode:
        command += ["--mode", mode]
    command.append(str(corpus_dir))
    tmux.run("new-session", "-d", "-x", "100", "-y", "30", "-s", "e2e", " ".join(command))


def quit_and_wait(tmux: Tmux) -> None:
    tmux.keys("C-q")
    deadline = time.monotonic() + TIMEOUT
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive(), "hashiya did not quit"


def test_first_run_check_and_16_colours(tmux, tmp_path, seeds_dir):
    """TERM=xterm (16 colours), no mode given: the first-run check asks, the
    answer is stored, and a labelled span is drawn with 16-colour codes only."""
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus_dir)
    first = open_corpus(corpus_dir).articles[0]
    start(tmux, tmp_path, corpus_dir, term="xterm", mode=None)
    tmux.wait_for(lambda s: "Which line reads correctly?" in s, "the first-run check")
    tmux.keys("1")
    tmux.wait_for(lambda s: "0/5 done" in s and "Which line" not in s, "the article list")
    prefs = json.loads((tmp_path / "config" / "prefs.json").read_text(encoding="utf-8"))
    assert prefs["mode"] == "visual" and prefs["first_run_done"] is True

    tmux.keys("Enter")
    tmux.wait_for(lambda s: "(1/5)" in s, "the reader")
    tmux.keys("Space", "1")  # the first word without its preposition (رعاية of برعاية), as PER
    word = first.text[: first.text.index(" ")]
    tmux.wait_for(lambda s: "E PER" in s, "the new span in the span list")
    coloured = tmux.capture(escapes=True)
    codes = set(re.findall(r"\x1b\[([0-9;]*)m", coloured))
    params = {p for code in codes for p in code.split(";") if p}
    assert not any(code.startswith(("38;5", "38;2", "48;5", "48;2")) or ";38;" in code
                   or ";48;" in code for code in codes), sorted(codes)
    assert all(p.isdigit() and int(p) < 108 for p in params), sorted(params)
    shaped = display_line(word, None)
    row = next(line for line in coloured.splitlines() if shaped in _plain(line))
    before_word = row[: row.index(shaped[0])]
    backgrounds = re.findall(r"\x1b\[[0-9;]*?(4[0-7]|10[0-7])[;m]", before_word)
    assert backgrounds, f"no 16-colour background before the labelled word: {row!r}"
    quit_and_wait(tmux)
    with Store(tmp_path / "store", "e2e", readonly=True) as store:
        assert [(s.start, s.end, s.label) for s in store.spans(first.id)] == [(1, len(word), "PER")]


def _plain(line: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", line)


def test_annotate_in_a_real_terminal(tmux, tmp_path, seeds_dir):
    assert HASHIYA.exists(), f"{HASHIYA} is not installed"
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus_dir)
    store_dir = tmp_path / "store"
    first = open_corpus(corpus_dir).articles[0]
    word = "العراق"
    offset = first.text.index(word)

    start(tmux, tmp_path, corpus_dir, term="xterm-256color", mode="visual")

    # The article list, titles shaped and in visual order.
    title_words = " ".join(first.title.split()[:3])
    shaped = display_line(title_words, None, mode="visual")
    assert shaped != title_words
    screen = tmux.wait_for(lambda s: "0/5 done" in s and shaped in s, "the article list")
    assert title_words not in screen  # never the raw logical string
    header = screen.splitlines()[0]
    assert "e2e" in header and "store " in header

    # Open the first article, find the word, label it GPE (key 3).
    tmux.keys("Enter")
    tmux.wait_for(lambda s: "(1/5)" in s, "the reader")
    tmux.keys("/")
    tmux.wait_for(lambda s: "Find" in s, "the find box")
    tmux.type(word)
    tmux.keys("Enter")
    tmux.wait_for(lambda s: f"selection [{offset}, {offset + len(word)})" in s, "the selection")
    tmux.keys("3")
    shaped_word = display_line(word, None)
    tmux.wait_for(lambda s: "GPE" in s and shaped_word in s and "in progress" in s, "the new span")

    # Back to the list: the count and status changed there too.
    tmux.keys("Escape")
    tmux.keys("Escape")
    screen = tmux.wait_for(lambda s: "0/5 done · 1 in progress" in s, "the updated list")
    row = next(line for line in screen.splitlines() if shaped in line)
    assert "in progress" in row and " 1 " in row
    quit_and_wait(tmux)

    with Store(store_dir, "e2e", readonly=True) as store:
        spans = store.spans(first.id)
    assert [(s.start, s.end, s.label, s.kind, s.text) for s in spans] == [
        (offset, offset + len(word), "GPE", "entity", word)
    ]
    assert first.text[spans[0].start:spans[0].end] == word


def test_suggestions_in_a_real_terminal(tmux, tmp_path, seeds_dir):
    """`hashiya suggest` from a pattern file, then the installed app: the list
    counts what waits, the reader draws a suggestion in its own style (italic,
    double underline, no background), `;` goes to it, `y` makes it a span."""
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus_dir)
    first = open_corpus(corpus_dir).articles[0]
    word = "العراق"
    offset = first.text.index(word)
    patterns = tmp_path / "p.jsonl"
    patterns.write_text(json.dumps({"label": "GPE", "pattern": word}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = subprocess.run(
        [str(HASHIYA), "suggest", str(corpus_dir), "--patterns", str(patterns),
         "--store", str(tmp_path / "store"), "--annotator", "e2e"],
        capture_output=True, text=True, encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr
    assert "GPE" in result.stdout

    start(tmux, tmp_path, corpus_dir, term="xterm-256color", mode="visual")
    screen = tmux.wait_for(lambda s: "0/5 done" in s, "the article list")
    assert "✱" in screen
    tmux.keys("Enter")
    tmux.wait_for(lambda s: "(1/5)" in s and "suggested" in s, "the reader with suggestions")
    coloured = tmux.capture(escapes=True)
    assert re.search(r"\x1b\[[0-9;:]*4:2[;m]", coloured), "no double underline drawn"
    tmux.keys("\\;")  # a bare ; separates tmux commands
    tmux.wait_for(lambda s: f"suggested GPE [{offset}, {offset + len(word)})" in s, "the cursor on the suggestion")
    tmux.keys("y")
    tmux.wait_for(lambda s: "E GPE" in s, "the accepted span")
    quit_and_wait(tmux)
    with Store(tmp_path / "store", "e2e", readonly=True) as store:
        assert [(s.start, s.end, s.label, s.text) for s in store.spans(first.id)] == [
            (offset, offset + len(word), "GPE", word)
        ]


def test_review_into_gold_and_export_it(tmux, tmp_path, seeds_dir):
    """`hashiya review --from alice,bob --into gold`: take bob's label on
    the disagreement, quit, and `hashiya export --annotator gold` has it."""
    from tests.app.review_data import seed_two_annotators

    corpus_dir = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus_dir)
    ids = seed_two_annotators(tmp_path / "store", corpus_dir)
    start(tmux, tmp_path, corpus_dir, term="xterm-256color", mode="visual",
          args=("review", "--from", "alice,bob", "--into", "gold"))
    tmux.wait_for(lambda s: "Review alice, bob → gold" in s and "4 open disagreement(s)" in s, "the review list")
    tmux.keys("Enter")
    tmux.wait_for(lambda s: "(1/2)" in s and "✗ label" in s, "the review of the first article")
    tmux.keys("Down")
    tmux.wait_for(lambda s: "row 3/5" in s, "the label disagreement chosen")
    tmux.keys("2")
    tmux.wait_for(lambda s: "gold: bob" in s and "2 open" in s, "bob's label taken into gold")
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "3 open disagreement(s)" in s, "the list's count")
    quit_and_wait(tmux)

    env = {**os.environ, "HASHIYA_STORE": str(tmp_path / "store")}
    out = subprocess.run([str(HASHIYA), "export", str(corpus_dir), "--annotator", "gold", "-o", "-"],
                         capture_output=True, text=True, encoding="utf-8", env=env, check=True).stdout
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert [r["id"] for r in records] == [ids[0]]
    text = open_corpus(corpus_dir).get(ids[0]).text
    spans = [(e["start"], e["end"], e["label"]) for e in records[0]["spans"]]
    assert len(spans) == 1 and spans[0][2] == "LOC" and text[spans[0][0]:spans[0][1]] == "لندن"


def test_a_label_shown_as_saved_survives_kill_9(tmux, tmp_path, seeds_dir):
    # The frame that says "saved" is drawn only once the store has the span
    # (its journal line fdatasync'd): a kill -9 the moment it shows loses
    # nothing.
    assert HASHIYA.exists(), f"{HASHIYA} is not installed"
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus_dir)
    first = open_corpus(corpus_dir).articles[0]
    start(tmux, tmp_path, corpus_dir, term="xterm-256color", mode="visual")
    tmux.wait_for(lambda s: "0/5 done" in s, "the article list")
    tmux.keys("Enter")
    tmux.wait_for(lambda s: "(1/5)" in s, "the reader")
    tmux.keys("Space")
    tmux.wait_for(lambda s: "selection [" in s, "the selection")
    pid = int(tmux.run("display-message", "-p", "-t", "e2e", "#{pane_pid}"))
    tmux.keys("1")
    deadline = time.monotonic() + TIMEOUT
    shown = ""
    while "saved" not in shown and time.monotonic() < deadline:
        shown = tmux.capture()  # no sleep: the kill follows the frame as closely as this loop can
    os.kill(pid, 9)
    assert "saved" in shown
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    with Store(tmp_path / "store", "e2e") as store:
        (span,) = store.spans(first.id)
    assert first.text[span.start:span.end] == span.text and span.label == "PER"
