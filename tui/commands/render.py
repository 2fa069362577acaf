"""`hashiya render FILE`: print an article laid out by the RTL layout engine.

Plain output is one line per row, the indent of right-aligned rows written as spaces, safe
to pipe into ``less -R``: control characters and bidi formatting characters of the article
are printed as visible symbols, never as themselves. ``--json`` prints one JSON object per
row: ``{"row": n, "cells": [[display_text, start, end], ...]}`` with the cells left to right
and [start, end) the code-point range of the article text each cell shows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys

HELP = "print an article laid out right-to-left as hashiya draws it (or its cell map as JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        help="a .txt article, or a corpus (folder / .jsonl) together with --id",
    )
    parser.add_argument("--id", metavar="ID", help="which article of a folder or .jsonl corpus")
    parser.add_argument(
        "--width",
        type=int,
        metavar="N",
        help="columns (default: the terminal's width, or 80 when output is not a terminal)",
    )
    parser.add_argument(
        "--mode",
        choices=("visual", "logical"),
        default="visual",
        help="visual: hashiya orders RTL text (xterm, tmux, alacritty...); "
        "logical: the terminal orders it (Konsole, mlterm, GNOME Terminal...)",
    )
    parser.add_argument(
        "--no-harakat", action="store_true", help="hide harakat (diacritics); offsets unchanged"
    )
    parser.add_argument(
        "--direction",
        choices=("auto", "ltr", "rtl"),
        default="auto",
        help="paragraph direction (default auto: each paragraph's first strong letter)",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per row with each cell's offsets"
    )


def _read(args: argparse.Namespace) -> str:
    from pathlib import Path

    from annotations.corpus import open_corpus
    from annotations.errors import CorpusError

    path = Path(args.file)
    corpus = open_corpus(path)  # missing, empty, binary, undecodable, too large -> CorpusError
    if args.id is not None:
        article = corpus.get(args.id)
        if article is None:
            raise CorpusError(_why_missing(corpus, args.id, path))
        return article.text
    if corpus.problems and not corpus.articles:
        raise CorpusError(str(corpus.problems[0]))
    if len(corpus.articles) != 1:
        raise CorpusError(
            f"{path}: holds {len(corpus.articles)} articles; choose one with --id"
        )
    return corpus.articles[0].text


def _why_missing(corpus, article_id: str, path) -> str:
    """Why --id names no article: its file's problem, or else the records
    that could not be read (one of them may be it: an over-size record's id
    is never parsed)."""
    named = [problem for problem in corpus.problems if problem.name == f"{article_id}.txt"]
    if named:
        return str(named[0])
    message = f"no article with id {article_id!r} in {path}"
    if corpus.problems:
        count = len(corpus.problems)
        message += f"; {count} record(s) could not be read, it may be one of them: {corpus.problems[0]}"
        if count > 1:
            message += " …"
    return message


def run(args: argparse.Namespace) -> int:
    from annotations.errors import HashiyaError

    if args.width is not None and args.width < 1:
        raise HashiyaError(f"--width must be at least 1, not {args.width}")
    text = _read(args)
    width = args.width
    if width is None:
        width = shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80
    from ..layout import Layout, LayoutOptions

    layout = Layout(
        text,
        LayoutOptions(
            width=width,
            mode=args.mode,
            harakat=not args.no_harakat,
            direction=args.direction,
        ),
    )
    out = sys.stdout
    if (getattr(out, "encoding", None) or "").lower().replace("-", "") != "utf8":
        try:
            out.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    write = out.write
    index = 0
    for p in range(layout.paragraph_count):
        for row in layout.paragraph_rows(p):
            if args.json:
                cells = [[c.text, c.start, c.end] for c in row.cells]
                write(json.dumps({"row": index, "cells": cells}, ensure_ascii=False) + "\n")
            else:
                write((row.line() if row.cells else "") + "\n")
            index += 1
    out.flush()
    return 0
