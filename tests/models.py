"""Small spaCy pipelines for tests, made without training: a blank Arabic
pipeline with an entity_ruler (and, if asked, an initialised but untrained
textcat_multilabel) saved with nlp.to_disk is a valid spacy.load folder."""

from __future__ import annotations

import warnings
from pathlib import Path


def make_model(folder: Path, patterns: list[dict], themes: tuple[str, ...] = ()) -> Path:
    import spacy

    nlp = spacy.blank("ar")
    ruler = nlp.add_pipe("entity_ruler")
    if themes:
        textcat = nlp.add_pipe("textcat_multilabel")
        for label in themes:
            textcat.add_label(label)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an empty ruler warns while initialising
        nlp.initialize()
    ruler.add_patterns(patterns)  # after initialize, which empties the ruler
    nlp.to_disk(folder)
    return folder
