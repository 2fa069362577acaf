"""hashiya's canonical tokenization as a spaCy tokenizer.

``spacy train`` tokenizes every reference text again with the pipeline's own
tokenizer and silently leaves out of the loss each entity whose edges are not
token edges. spaCy's Arabic tokenizer never splits proclitics, so an entity on
الصين inside والصين is lost there. This tokenizer cuts a text exactly where
:func:`annotations.tokenize.canonical_offsets` does, with the same evidence
(known words) the annotations were checked against, so the entities line up.

The Doc keeps the text exactly: ``doc.text == text`` for any text. Each
token owns at most one following space (spaCy's ``whitespace_``); any other
whitespace (a second space, a tab, a line break, leading whitespace) is a
token of its own, as spaCy's own tokenizer makes it.

The evidence is part of the tokenizer's state: ``to_disk``/``from_disk`` and
``to_bytes``/``from_bytes`` carry its words, so a pipeline saved with it
tokenizes the same way wherever it is loaded. Without evidence each text's
own words serve, as in ``canonical_offsets(text)``. A config names the tokenizer
through the entry point ``hashiya.ArabicTokenizer.v1`` (group
``spacy_tokenizers`` in pyproject.toml) and may give evidence in
``[initialize.tokenizer]``: ``evidence = "words.json"`` (a JSON list of
words, as :func:`write_evidence` writes it) read by :meth:`initialize`.

Imported only when spaCy is used; the rest of hashiya never imports it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator, Optional

from spacy.tokens import Doc
from spacy.vocab import Vocab

from .formats.common import spacy_tokens
from .tokenize import Evidence, canonical_offsets

REGISTERED_NAME = "hashiya.ArabicTokenizer.v1"
EVIDENCE_KEY = "evidence"


def words_and_spaces(text: str, evidence: Evidence | None = None) -> tuple[list[str], list[bool]]:
    """The words and spaces of a Doc whose text is exactly `text`."""
    laid_out = spacy_tokens(text, canonical_offsets(text, evidence))
    return [t.text for t in laid_out], [t.ws for t in laid_out]


class ArabicTokenizer:
    """A spaCy tokenizer (``nlp.tokenizer``) cutting text at the canonical
    token edges; see the module docstring."""

    def __init__(self, vocab: Vocab, evidence: Evidence | None = None) -> None:
        self.vocab = vocab
        # None: each text's own words are its evidence (canonical_offsets' rule)
        self.evidence = evidence

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces(text, self.evidence)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def initialize(self, get_examples=None, *, nlp=None, evidence: Optional[str] = None) -> None:
        """Called by ``nlp.initialize()`` with the ``[initialize.tokenizer]``
        settings: `evidence` is the path of a JSON list of known words."""
        if evidence:
            self.evidence = read_evidence(evidence)

    # -- serialisation: the evidence words -------------------------------------

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        if EVIDENCE_KEY in exclude:
            return b"{}"
        words = None if self.evidence is None else self.evidence.words()
        return json.dumps({EVIDENCE_KEY: words}, ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "ArabicTokenizer":
        saved = json.loads(data.decode("utf-8"))
        if EVIDENCE_KEY not in exclude and EVIDENCE_KEY in saved:
            words = saved[EVIDENCE_KEY]
            self.evidence = None if words is None else Evidence.from_words(list(words))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).write_bytes(self.to_bytes(exclude=exclude))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ArabicTokenizer":
        return self.from_bytes(Path(path).read_bytes(), exclude=exclude)


def create_tokenizer():
    """The registered function (``@tokenizers = "hashiya.ArabicTokenizer.v1"``):
    returns the ``nlp -> tokenizer`` callable spaCy expects."""

    def make(nlp) -> ArabicTokenizer:
        return ArabicTokenizer(nlp.vocab)

    return make


def evidence_json(evidence: Evidence | None) -> str:
    """The evidence's words as a JSON list, one word a line."""
    words = evidence.words() if evidence is not None else []
    body = ",\n".join(json.dumps(word, ensure_ascii=False) for word in words)
    return f"[\n{body}\n]\n" if words else "[]\n"


def write_evidence(evidence: Evidence, path: str | Path) -> None:
    Path(path).write_text(evidence_json(evidence), encoding="utf-8")


def read_evidence(path: str | Path) -> Evidence:
    from .errors import HashiyaError

    try:
        words = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise HashiyaError(f"{path}: cannot read the tokenizer evidence: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise HashiyaError(f"{path}: not a JSON list of words: {exc}") from None
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        raise HashiyaError(f"{path}: not a JSON list of words")
    return Evidence.from_words(words)
