"""Where suggestions come from: a pattern file or a spaCy pipeline.

Both give, for an article text, a :class:`Found`: entity ranges with their
labels, document-theme scores, and the model's margin (see
:func:`theme_margin`). Only labels of the schema are kept: an entity label
the schema lacks is counted in ``Found.unknown`` and dropped.

spaCy is imported only when a model is loaded (``pip install
'hashiya[spacy]'``); ``spacy.load(DIR)`` is the whole contract, so a
pipeline with a custom tokenizer registered by entry point loads like any
other. The default ``ner`` gives no confidence per entity; a
``textcat``/``textcat_multilabel`` gives ``doc.cats``, and a theme scored
above 0.5 is suggested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..errors import HashiyaError
from ..schema import Schema
from .found import THEME_THRESHOLD, Found
from .patterns import PatternMatcher, flat, load_patterns

__all__ = ["Found", "ModelSource", "PatternSource", "theme_margin", "THEME_THRESHOLD"]


def theme_margin(scores: dict[str, float]) -> float | None:
    """How sure the model is of its themes: the smallest |score - 0.5|
    over the themes it scored (0: a coin toss on some theme; 0.5: every
    theme certain). None when it scored none."""
    if not scores:
        return None
    return round(min(abs(score - THEME_THRESHOLD) for score in scores.values()), 6)


class PatternSource:
    """Suggestions from a pattern file (see :mod:`.patterns`)."""

    kind = "patterns"

    def __init__(self, path: str | Path, schema: Schema) -> None:
        self.name = f"patterns:{Path(path).name}"
        self.matcher = PatternMatcher(load_patterns(path, {label.name for label in schema.entities}))

    def find(self, text: str) -> Found:
        return Found(entities=self.matcher.matches(text))

    def find_many(self, texts: Iterable[str]) -> Iterator[Found]:
        for text in texts:
            yield self.find(text)


class ModelSource:
    """Suggestions from a spaCy pipeline folder: ``doc.ents`` and ``doc.cats``."""

    kind = "model"

    def __init__(self, path: str | Path, schema: Schema) -> None:
        path = Path(path)
        try:
            import spacy
        except ImportError:
            raise HashiyaError("--model needs spaCy: pip install 'hashiya[spacy]'") from None
        if not path.is_dir():
            raise HashiyaError(f"model {path} is not a folder (a spaCy pipeline saved with nlp.to_disk)")
        try:
            self.nlp = spacy.load(path)
        except Exception as exc:  # spaCy raises OSError, ValueError, KeyError, registry errors
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise HashiyaError(f"cannot load model {path}: {first}") from None
        self.name = f"model:{path.name}"
        self.entity_labels = {label.name for label in schema.entities}
        self.theme_labels = {label.name for label in schema.themes}

    def _found(self, doc, text: str) -> Found:
        if doc.text != text:
            # offsets into another string would be wrong in the article
            raise HashiyaError(f"{self.name}: the pipeline's tokenizer changed the text; its offsets cannot be used")
        found = Found()
        entities = []
        for ent in doc.ents:
            if ent.label_ in self.entity_labels:
                if doc.text[ent.start_char : ent.end_char].strip():
                    entities.append((ent.start_char, ent.end_char, ent.label_))
            else:
                found.unknown[ent.label_] += 1
        found.entities = flat(entities)
        found.themes = {
            label: float(score) for label, score in doc.cats.items() if label in self.theme_labels
        }
        found.margin = theme_margin(found.themes)
        return found

    def find(self, text: str) -> Found:
        return self._found(self.nlp(text), text)

    def find_many(self, texts: Iterable[str]) -> Iterator[Found]:
        texts = list(texts)
        for doc, text in zip(self.nlp.pipe(texts, batch_size=16), texts):
            yield self._found(doc, text)
