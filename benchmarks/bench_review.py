"""Keypress latency in the review screen (`hashiya review`), in-process
through Pilot as benchmarks/bench_app.py measures the reader.

A 100,000-character article marked by alice and bob (an entity on every
eighth word: most agree, every fifth differs in label, every seventh in
extent, every eleventh is alice's only), reviewed into gold at 100x30.
Measured from posting the key event to the app until the screen's state
changed and every visible row of the review's text was drawn again:

* moving to the next row of the list (Down): the text shows the row's place;
* taking a side (2, then 1, on a label disagreement): a journaled, fsync'd
  edit of gold, the article compared again, the text and the list redrawn.

Baseline in the same run: the reader's cursor keys on the same article
(Left/Right). Target: < 16 ms median.

    python -m benchmarks.bench_review
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
from pathlib import Path

from benchmarks.bench_app import SIZE, bench_home, big_article, ms, press_and_draw

PRESSES = 60


def _seed(store_dir: Path, text: str) -> int:
    from annotations.store import Store

    words = [m.span() for m in re.finditer(r"\S{3,}", text)]
    chosen = words[::8]
    count = 0
    with Store(store_dir, "alice") as alice, Store(store_dir, "bob") as bob:
        for n, (start, end) in enumerate(chosen):
            alice.add_span("big", text, start, end, "PER", "entity")
            count += 1
            if n % 11 == 3:
                continue  # alice's only
            if n % 7 == 2 and start > 0:
                bob.add_span("big", text, start - 1 if text[start - 1] != " " else start, end - 1, "PER", "entity")
            elif n % 5 == 1:
                bob.add_span("big", text, start, end, "ORG", "entity")
            else:
                bob.add_span("big", text, start, end, "PER", "entity")
    return count


async def _review(folder: Path) -> dict[str, list[float]]:
    from textual.geometry import Region

    from annotations.curation import LABEL
    from annotations.settings import Settings
    from tui.app import _review_names, make_app

    app = make_app(Settings.resolve(corpus=str(folder), annotator="gold", mode="visual"))
    app.review_from = _review_names(app, ["alice", "bob"])
    results: dict[str, list[float]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        reader = screen.reader
        region = Region(0, 0, reader.size.width, reader.size.height)
        results["items"] = [len(screen.review.items)]
        moves = []
        for _ in range(PRESSES):
            state = lambda: (screen.items_list.highlighted, reader.selection)  # noqa: E731
            moves.append(await press_and_draw(app, reader, region, "down", state))
        results["next row"] = moves
        index = next(i for i, item in enumerate(screen.review.items) if item.sort == LABEL)
        screen.items_list.highlighted = index
        await pilot.pause()
        takes = []
        for n in range(PRESSES):
            state = lambda: id(screen.review)  # noqa: E731
            takes.append(await press_and_draw(app, reader, region, "2" if n % 2 == 0 else "1", state))
            await pilot.pause()  # the notice it shows, before the next key
        results["take a side"] = takes
    return results


async def _reader(folder: Path) -> list[float]:
    from textual.geometry import Region

    from annotations.settings import Settings
    from tui.app import make_app

    app = make_app(Settings.resolve(corpus=str(folder), annotator="gold", mode="visual"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_article("big")
        await pilot.pause()
        reader = app.screen.reader
        reader.move_cursor_to(50_000)
        await pilot.pause()
        region = Region(0, 0, reader.size.width, reader.size.height)
        state = lambda: reader.cursor  # noqa: E731
        keys = ["left", "left", "right", "left", "right", "right"]
        return [await press_and_draw(app, reader, region, keys[i % len(keys)], state) for i in range(PRESSES)]


def main() -> dict:
    with bench_home("review") as home:
        folder = home / "big"
        folder.mkdir()
        text = big_article()
        (folder / "big.txt").write_text(text, encoding="utf-8")
        from annotations.corpus import open_corpus

        text = open_corpus(str(folder)).get("big").text
        spans = _seed(Path(os.environ["HASHIYA_STORE"]), text)
        review = asyncio.run(_review(folder))
        reader = asyncio.run(_reader(folder))

    base = statistics.median(reader)
    print("## Review: keypress latency (`python -m benchmarks.bench_review`)\n")
    print(f"Headless Pilot at {SIZE[0]}x{SIZE[1]}; a {len(text):,}-character article, alice's {spans:,} "
          f"entities and bob's, {review['items'][0]:,} rows in the review; medians of {PRESSES} presses, "
          "from the key event to the review's text drawn again. Baseline: the reader's cursor keys "
          "on the same article in the same run.\n")
    print("| measure | review | reader | ratio | target |")
    print("|---|---:|---:|---:|---|")
    summary = {"reader": base}
    for name in ("next row", "take a side"):
        times = review[name]
        median = statistics.median(times)
        p90 = sorted(times)[int(len(times) * 0.9)]
        print(f"| keypress in the review screen, {name} (p90 {ms(p90)}) | {ms(median)} | {ms(base)} | "
              f"{median / base:.2f}x | < 16 ms |")
        summary[name] = median
    return summary


if __name__ == "__main__":
    main()
