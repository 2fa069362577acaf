"""The lines of each seed that the golden tests lay out (shared by the test and make_golden).

For each seed: its title line; a line with a number in parentheses; a line with quotes
“ ”; a line starting with a Latin word. The seeds hold no parentheses and no line that
starts with a Latin word, so those lines are made from the seed's own words.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
WIDTH = 100
GOLDEN = Path(__file__).resolve().parent


def _window(words: list[str], i: int, before: int = 4, after: int = 10) -> str:
    return " ".join(words[max(0, i - before) : i + after])


def cases(text: str) -> list[tuple[str, str]]:
    lines = text.split("\n")
    title = next(line for line in lines if line.strip())
    # Words to build lines from: the first line of at least eight words (a headline).
    words = next((line.split() for line in lines if len(line.split()) >= 8), title.split())
    number = next(iter(re.findall(r"\d+", text)), "2025")
    paren = next((line for line in lines if "(" in line), None)
    if paren is None:
        paren = " ".join(words[:4]) + f" ({number}) " + " ".join(words[4:9])
    quoted = next((line for line in lines if "“" in line), None)
    if quoted is None:
        quote_line = " ".join(words[:3]) + " “" + " ".join(words[3:6]) + "” " + " ".join(words[6:9])
    else:
        qwords = quoted.split()
        i = next(k for k, w in enumerate(qwords) if "“" in w)
        quote_line = _window(qwords, i)
    latin = "WHO " + " ".join(words[:9])
    out = [
        ("title", title),
        ("parentheses", paren),
        ("quotes", quote_line),
        ("latin-start", latin),
    ]
    first = lines[0]
    if re.search(r"[A-Za-z]", first) and first != title:
        out.append(("first-line-latin", first))
    return out


def golden_path(seed: Path) -> Path:
    return GOLDEN / f"{seed.stem}.txt"


def render_case(line: str) -> list[str]:
    from tui.layout import layout_text

    return ["|" + row.line() + "|" for row in layout_text(line, WIDTH)]


def parse(path: Path) -> list[tuple[str, str, list[str]]]:
    out: list[tuple[str, str, list[str]]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        block_lines = block.strip("\n").split("\n")
        if not block_lines or not block_lines[0].startswith("# case: "):
            continue
        name = block_lines[0][len("# case: ") :]
        logical = block_lines[1][len("# logical: ") :]
        rows = [line for line in block_lines[2:] if line.startswith("|")]
        out.append((name, logical, rows))
    return out
