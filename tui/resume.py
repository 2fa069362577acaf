"""Where the annotator left off, per corpus and annotator: the article
list's current article, the article open when the app closed, and each
article's cursor and scroll position.

Kept in ``<config dir>/resume/<corpus+annotator hash>.json`` (see
``annotations.settings.config_dir``), written atomically (the store's
``atomic_write``: a temp file, fsync'd, renamed over the old one), so a crash leaves the old file or
the new one, never half of one. A damaged file is ignored (and replaced on
the next save): losing a reading position is never an error. The scroll
position is kept as the text offset of the top row, so it survives a
terminal of another width.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from annotations.jsontext import loads as json_loads
from annotations.errors import StoreError
from annotations.settings import config_dir
from annotations.store.files import atomic_write

KEEP = 500  # articles whose positions are remembered (the most recent)


def resume_path(corpus_source: str, annotator: str, base: Path | None = None) -> Path:
    key = json.dumps([str(corpus_source), annotator], ensure_ascii=False)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return (base or config_dir()) / "resume" / f"{digest}.json"


@dataclass
class Resume:
    path: Path
    corpus: str = ""
    annotator: str = ""
    list_article: str | None = None
    open_article: str | None = None
    #: article id -> [cursor offset, offset of the top row shown]
    positions: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, corpus_source: str, annotator: str, base: Path | None = None) -> "Resume":
        path = resume_path(corpus_source, annotator, base)
        resume = cls(path, str(corpus_source), annotator)
        try:
            data = json_loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return resume
        if not isinstance(data, dict) or data.get("corpus") != resume.corpus or data.get("annotator") != annotator:
            return resume
        for name in ("list_article", "open_article"):
            value = data.get(name)
            setattr(resume, name, value if isinstance(value, str) else None)
        positions = data.get("positions")
        if isinstance(positions, dict):
            for article_id, pair in positions.items():
                if (isinstance(pair, list) and len(pair) == 2
                        and all(type(n) is int and n >= 0 for n in pair)):
                    resume.positions[str(article_id)] = pair
        return resume

    def position(self, article_id: str) -> tuple[int, int] | None:
        pair = self.positions.get(article_id)
        return (pair[0], pair[1]) if pair else None

    def remember(self, article_id: str, cursor: int, top: int) -> None:
        self.positions.pop(article_id, None)  # most recent last
        self.positions[article_id] = [int(cursor), int(top)]
        while len(self.positions) > KEEP:
            del self.positions[next(iter(self.positions))]

    def to_dict(self) -> dict:
        return {
            "corpus": self.corpus,
            "annotator": self.annotator,
            "list_article": self.list_article,
            "open_article": self.open_article,
            "positions": self.positions,
        }

    def save(self) -> str | None:
        """Write atomically; a warning instead of an exception."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(self.to_dict(), ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            return f"cannot save the reading position to {self.path}: {exc.strerror or exc}"
        except StoreError as exc:
            return f"the reading position was not saved: {exc}"
        return None
