"""The evidence the reader's word selection decides proclitics with: the
corpus words, the schema's gazetteer and every annotator's span texts
(:func:`annotations.segment.evidence_for`), built once per app session.

A small corpus is read at once when the app starts; a larger one in a
background thread once an article is first opened (the reader is where the
evidence serves; a thread reading the corpus takes turns with the
interface for the interpreter, which would hold up the article list's
start-up), and until it is done each article's own words serve
(``evidence`` is None). A corpus or store that cannot be read leaves it
None: selection then works as it does without evidence.
"""

from __future__ import annotations

import threading

from annotations.segment import Evidence, evidence_for

#: Up to this many articles the evidence is built before the first screen.
AT_ONCE = 200


class WordEvidence:
    def __init__(self, corpus, schema, store) -> None:
        self._sources = (corpus, schema, store)
        self.evidence: Evidence | None = None
        self._started = False

    def start(self, *, reading: bool = False) -> None:
        """Build the evidence: a small corpus's at once, a larger one's in
        the background once the annotator is `reading` an article."""
        if self._started:
            return
        corpus = self._sources[0]
        if len(corpus) <= AT_ONCE:
            self._started = True
            self._build()
        elif reading:
            self._started = True
            threading.Thread(target=self._build, name="hashiya-word-evidence", daemon=True).start()

    def _build(self) -> None:
        corpus, schema, store = self._sources
        try:
            self.evidence = evidence_for(corpus, schema=schema, stores=[store])
        except Exception:  # noqa: BLE001 - the article's own words serve instead
            self.evidence = None
