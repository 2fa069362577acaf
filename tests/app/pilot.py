"""What the Pilot tests share (the app's, the reader's and the snapshots):
running them, building the app the CLI builds, and opening an article in
the reader."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from annotations.settings import Settings
from tui.app import make_app
from tui.screens.reader import ReaderScreen


def sync(test):
    """Run an async Pilot test to completion (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


def make(corpus: str | Path, mode: str | None = "visual"):
    """The app `hashiya CORPUS --mode MODE` runs, with text cursors steady
    (no --mode: None, so the first-run check asks)."""
    app = make_app(Settings.resolve(corpus=str(corpus), mode=mode))
    app.cursor_blink = False
    return app


async def open_reader(app, pilot, article_id: str) -> ReaderScreen:
    await pilot.pause()
    app.push_screen(ReaderScreen(article_id))
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


async def settled(app, pilot) -> None:
    """Until what the list started once it was up (the corpus check, the
    stale check, the fold) has finished and been drawn."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def long_corpus(folder: Path, seeds_dir: Path, copies: int) -> Path:
    """A corpus of one article, ``long``: the seeds `copies` times over (for
    scrolling, paging and rows kept drawn)."""
    folder.mkdir()
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    (folder / "long.txt").write_text("\n".join(seeds * copies), encoding="utf-8")
    return folder


def at_frames(app, probe) -> list:
    """What `probe(screen)` returned at every frame the app draws from now
    on (a frame: a display of something; the probe runs before it goes out)."""
    seen: list = []
    display = app._display

    def recording(screen, renderable):
        if renderable is not None:
            seen.append(probe(screen))
        display(screen, renderable)

    app._display = recording
    return seen


async def word_selected(app, pilot):
    """The first article open in the reader with the word at its start
    selected (Space): (the article, the reader screen), ready for a label key."""
    article = app.corpus.articles[0]
    screen = await open_reader(app, pilot, article.id)
    await pilot.press("space")
    await pilot.pause()
    return article, screen
