"""The evidence the reader's word selection decides proclitics with: the
corpus words, the schema's gazetteer and every annotator's span texts
(:func:`annotations.segment.evidence_for`), built once per app session.

It is built the first time a word is selected, so the start-up and a
session that never selects a word do not pay for it: a small corpus is read
at once, a larger one in a background thread, and until that is done each
article's own words serve (``evidence`` is None). A corpus or store that
cannot be read leaves it None: selection then works as it does without
evidence. When the corpus is read again (its check found other files), the
evidence is built again from it, the old one serving until then.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded with the evidence: the article list needs no word segmenter
    from annotations.segment import Evidence

#: Up to this many articles the evidence is built before the first screen.
AT_ONCE = 200


class WordEvidence:
    def __init__(self, corpus, schema, store) -> None:
        self._sources = (corpus, schema, store)
        self.evidence: Evidence | None = None
        self.started = False

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        corpus = self._sources[0]
        if len(corpus) <= AT_ONCE:
            self._build()
        else:
            threading.Thread(target=self._build, name="hashiya-word-evidence", daemon=True).start()

    def _build(self) -> None:
        from annotations.segment import evidence_for

        corpus, schema, store = self._sources
        try:
            self.evidence = evidence_for(corpus, schema=schema, stores=[store])
        except Exception:  # noqa: BLE001 - the article's own words serve instead
            self.evidence = None

    def for_corpus(self, corpus) -> "WordEvidence":
        """The evidence of `corpus` read again: built anew if this one was
        started (this one's evidence serves meanwhile), else left for the
        first word selected."""
        _, schema, store = self._sources
        fresh = WordEvidence(corpus, schema, store)
        if self.started:
            fresh.evidence = self.evidence
            fresh.start()
        return fresh

    def current(self) -> Evidence | None:
        """The evidence, once built (None before); the first call starts
        building it."""
        self.start()
        return self.evidence
