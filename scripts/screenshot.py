"""Draw the reader as the README shows it: docs/screenshot-reader.svg.

    .venv/bin/python scripts/screenshot.py [OUT.svg]

The first seed article with a few entities, a theme span and a document
theme, in a store made for the picture (the real store is not touched),
at 110x34 with the cursor on the first entity.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshot-reader.svg"

#: (text to find in the first seed article, label, kind)
SPANS = [
    ("سفارة جمهورية العراق", "ORG", "entity"),
    ("المملكة المتحدة", "GPE", "entity"),
    ("لندن", "GPE", "entity"),
    ("14 و15 حزيران 2025", "DATE", "entity"),
    ("تعزيز أواصر التعاون", "cooperation", "theme"),
]


async def draw(out: Path) -> None:
    from annotations.settings import Settings
    from tui.app import make_app
    from tui.screens.reader import ReaderScreen

    app = make_app(Settings.resolve(corpus=str(ROOT / "seeds"), mode="visual"))
    app.cursor_blink = False
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        article = app.corpus.articles[0]
        text = article.text
        for needle, label, kind in SPANS:
            start = text.find(needle)
            if start < 0:
                raise SystemExit(f"screenshot: {needle!r} is no longer in {article.id}")
            app.store.add_span(article.id, text, start, start + len(needle), label, kind)
        app.store.toggle_theme(article.id, "diaspora", text)
        app.push_screen(ReaderScreen(article.id))
        await pilot.pause()
        await pilot.press("full_stop")  # the cursor on the first span
        await pilot.pause(0.2)
        out.write_text(app.export_screenshot(title="hashiya"), encoding="utf-8")


def main(argv: list[str]) -> int:
    out = (Path(argv[0]) if argv else OUT).resolve()
    with tempfile.TemporaryDirectory(prefix="hashiya-screenshot-") as home:
        os.chdir(home)  # the default store, ./hashiya-store, as the header shows it
        os.environ.pop("HASHIYA_STORE", None)
        os.environ["HASHIYA_CONFIG_DIR"] = str(Path(home) / "config")
        os.environ["HASHIYA_ANNOTATOR"] = "annotator"
        asyncio.run(draw(out))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
