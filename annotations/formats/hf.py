"""Hugging Face token classification JSONL (the conll2003 card shape), one
article per line:

    {"id": "…", "tokens": ["…", …], "ner_tags": ["B-ORG", "I-ORG", "O", …],
     "direction": "rtl", "offset_unit": "codepoint"}

Tags are strings (IOB2); the label list (``O`` then ``B-X``/``I-X`` for each
label, sorted) is written beside the data as ``FILE.labels.json`` so the
tags can be mapped to class ids the same way every time. Load with
``datasets.load_dataset("json", data_files=FILE)``. Tokens are the
article's canonical tokens (:mod:`annotations.segment`; one record per
article, not per sentence), the same for every annotator, so two
annotators' files line up token for token. Like CoNLL it holds flat
entities only; the rest, and any span with an edge inside a token, is
reported.
"""

from __future__ import annotations

from typing import Iterable, TextIO

from ..model import OFFSET_UNIT, ArticleRecord
from .common import ExportOptions, ExportReport, direction_of, dumps, write_encoded
from .conll import tagged_sentences

SUFFIX = ".jsonl"


def to_dict(record: ArticleRecord, options: ExportOptions, report: ExportReport, seen: set[str]) -> dict:
    tokens: list[str] = []
    tags: list[str] = []
    for sentence in tagged_sentences(record, options, report, "hf"):
        for token, tag in sentence:
            tokens.append(token)
            tags.append(tag)
            if tag != "O":
                seen.add(tag[2:])
    return {
        "direction": direction_of(record.text),
        "id": record.id,
        "ner_tags": tags,
        "offset_unit": OFFSET_UNIT,
        "tokens": tokens,
    }


def label_list(labels: Iterable[str]) -> list[str]:
    out = ["O"]
    for label in sorted(set(labels)):
        out += [f"B-{label}", f"I-{label}"]
    return out


def write(
    records: Iterable[ArticleRecord],
    out: TextIO,
    report: ExportReport,
    options: ExportOptions,
    labels: set[str] | None = None,
) -> set[str]:
    """Write records; returns the entity labels used (added to `labels`)."""
    seen: set[str] = labels if labels is not None else set()
    write_encoded(records, out, lambda record: encode(record, report, options, seen))
    return seen


def encode(record: ArticleRecord, report: ExportReport, options: ExportOptions, labels: set[str]) -> str:
    """One record as its JSON line (with the line end); the entity labels
    it uses are added to `labels`."""
    return dumps(to_dict(record, options, report, labels)) + "\n"


def labels_path(path) -> str:
    return f"{path}.labels.json"
