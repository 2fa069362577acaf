"""Training a spaCy pipeline from the store's annotations (``hashiya train``).

The records (chosen as ``hashiya export`` chooses them) become reference Docs
exactly as the spaCy export writes them: entity spans are ``doc.ents``, and
document themes are ``doc.cats`` (0.0 for each theme an article does not
have). The pipeline is spaCy's
starting config for Arabic (:mod:`annotations.spacy_config`): the canonical
tokenizer with the given evidence, ``ner`` for entity labels and
``textcat_multilabel`` for document themes, trained on the CPU.

Every entity must survive alignment with the pipeline's own tokens
(``Example(nlp.make_doc(text), reference)``): an entity whose edges are not
token edges would be left out of the loss without a word from spaCy. The
reference docs are tokenized as the pipeline tokenizes (the canonical
tokenization with the same evidence), so alignment loses none; an entity
whose edge is inside a canonical token (العراق marked inside العراقي) cannot
be exported as tokens at all. Both kinds are named in
:attr:`TrainResult.left_out`, never dropped silently.

The articles are split by id into train and dev (``split_ids``, the export's
split) with a seed. The dev split is evaluated every ``eval_every`` steps
and at the last step; the best evaluation so far is written to the output
folder at once (a stopped run leaves the best pipeline so far), and its
scores are the result. With fewer than two articles, or a dev fraction of
0, the pipeline is evaluated on its training articles and the result says
so.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import HashiyaError
from .formats.output import current_umask
from .model import ENTITY, ArticleRecord
from .spacy_config import components_for, require_spacy, training_config

__all__ = [
    "TrainOptions",
    "TrainResult",
    "LabelScore",
    "LeftOut",
    "TrainProgress",
    "train_pipeline",
    "split_records",
    "check_output",
    "score_table",
]


@dataclass
class TrainOptions:
    max_steps: int = 1000
    dev_fraction: float = 0.2
    seed: int = 0
    dropout: float = 0.1
    eval_every: int = 100


@dataclass
class LabelScore:
    label: str
    precision: float | None
    recall: float | None
    f1: float | None
    support: int  # reference spans (entities) or articles (themes) in the dev split


@dataclass
class TrainResult:
    output: Path
    train_ids: list[str]
    dev_ids: list[str]
    dev_is_train: bool
    steps: int = 0
    best_step: int = 0
    score: float = 0.0
    seconds: float = 0.0
    entities: list[LabelScore] = field(default_factory=list)
    themes: list[LabelScore] = field(default_factory=list)
    entity_total: LabelScore | None = None
    theme_total: LabelScore | None = None
    left_out: list["LeftOut"] = field(default_factory=list)  # entities not trained on, none silently


class TrainProgress:
    """Training progress on stderr: a bar redrawn in place on a terminal,
    one plain line per evaluation otherwise."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.bar = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.total = 1
        self.note = ""
        self.shown = 0  # length of the bar line on screen

    def start(self, total: int) -> None:
        self.total = max(total, 1)

    def step(self, step: int, loss: float) -> None:
        if self.bar:
            width = 30
            filled = width * step // self.total
            line = f"training [{'#' * filled}{'-' * (width - filled)}] {step}/{self.total} loss {loss:9.2f}{self.note}"
            self.stream.write("\r" + line)
            self.stream.flush()
            self.shown = max(self.shown, len(line))

    def evaluated(self, step: int, loss: float, score: float, best: bool) -> None:
        self.note = f" dev {score:.3f}"
        if not self.bar:
            mark = " (best so far, saved)" if best else ""
            self.stream.write(f"hashiya: train: step {step}/{self.total}, loss {loss:.2f}, dev score {score:.3f}{mark}\n")
            self.stream.flush()

    def close(self) -> None:
        if self.bar and self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()


def split_records(
    records: list[ArticleRecord], dev_fraction: float, seed: int
) -> tuple[list[ArticleRecord], list[ArticleRecord], bool]:
    """(train, dev, dev_is_train): articles split by id with the export's
    seeded split; at least one dev article when there are two or more."""
    from .records import split_ids

    ids = sorted({record.id for record in records})
    if len(ids) < 2 or dev_fraction <= 0:
        return records, records, True
    dev_share = max(1, round(dev_fraction * 1000))
    train_ids, dev_ids = split_ids(ids, (1000 - dev_share, dev_share), seed)
    if not dev_ids or not train_ids:
        train_ids, dev_ids = split_ids(ids, (len(ids) - 1, 1), seed)
    return (
        [r for r in records if r.id in train_ids],
        [r for r in records if r.id in dev_ids],
        False,
    )


def check_output(path: str | Path, *, inputs: Iterable[str | Path | None] = ()) -> Path:
    """The output folder, if it can take a pipeline: absent, empty, or a
    pipeline written before (it is replaced), and neither inside an input
    folder (the corpus, the store) nor holding an input (the label file,
    the corpus, the store), which replacing it would delete."""
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            raise HashiyaError(f"--output {path}: exists and is not a folder")
        if any(path.iterdir()) and not (path / "config.cfg").is_file():
            raise HashiyaError(f"--output {path}: the folder is not empty and holds no spaCy pipeline; choose another")
    here = os.path.realpath(path)
    for source in inputs:
        if source is None:
            continue
        there = os.path.realpath(source)
        if _within(there, here):
            raise HashiyaError(f"--output {path}: holds {source}, an input of this command; choose another folder")
        if os.path.isdir(there) and _within(here, there):
            raise HashiyaError(f"--output {path}: inside {source}, an input of this command; choose another folder")
    return path


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(os.path.join(folder, ""))


@dataclass(frozen=True)
class LeftOut:
    """An entity span that cannot be trained on, and why."""

    article_id: str
    start: int
    end: int
    label: str
    text: str
    reason: str  # "export": an edge inside a token; "alignment": lost by spacy's alignment

    def __str__(self) -> str:
        return f"article {self.article_id} [{self.start}, {self.end}) {self.label} “{self.text}”"


def reference_docs(vocab, records: Iterable[ArticleRecord], theme_labels: list[str], evidence=None) -> tuple[list, list[LeftOut]]:
    """The records as the spaCy export writes them with `evidence` (entities
    only), every document theme in ``doc.cats`` (1.0 if the article has it,
    else 0.0), and the entity spans the export leaves out (an edge inside a
    token)."""
    from .formats.common import ExportOptions, ExportReport
    from .formats.spacy_docbin import to_doc

    options = ExportOptions(kinds=(ENTITY,), themes=bool(theme_labels), evidence=evidence)
    docs = []
    left_out: list[LeftOut] = []
    for record in records:
        doc = to_doc(vocab, record, options, ExportReport(), theme_labels)
        kept = {(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents}
        left_out += [
            LeftOut(record.id, s.start, s.end, s.label, s.text, "export")
            for s in record.spans
            if s.kind == ENTITY and (s.start, s.end, s.label) not in kept
        ]
        docs.append(doc)
    return docs, left_out


def aligned_examples(nlp, docs: list) -> tuple[list, list[LeftOut]]:
    """Examples as ``spacy train`` builds them (the reference retokenized by
    the pipeline's tokenizer) and the entities that alignment loses."""
    from spacy.training import Example

    examples = []
    lost: list[LeftOut] = []
    for doc in docs:
        example = Example(nlp.make_doc(doc.text), doc)
        kept = {(s.start_char, s.end_char, s.label_) for s in example.get_aligned_spans_y2x(doc.ents)}
        lost += [
            LeftOut(doc.user_data.get("id", "?"), e.start_char, e.end_char, e.label_, e.text, "alignment")
            for e in doc.ents
            if (e.start_char, e.end_char, e.label_) not in kept
        ]
        examples.append(example)
    return examples, lost


def _examples(nlp, records: list[ArticleRecord], theme_labels: list[str]) -> tuple[list, list[LeftOut]]:
    docs, off_tokens = reference_docs(nlp.vocab, records, theme_labels, nlp.tokenizer.evidence)
    examples, lost = aligned_examples(nlp, docs)
    return examples, off_tokens + lost


def train_pipeline(
    records: list[ArticleRecord],
    output: str | Path,
    *,
    evidence=None,
    options: TrainOptions | None = None,
    progress: TrainProgress | None = None,
) -> TrainResult:
    """Train on `records` and write the best pipeline to `output` (a folder
    ``spacy.load`` opens). Raises HashiyaError for what the user can fix."""
    spacy = require_spacy()
    from spacy.util import fix_random_seed, load_model_from_config, registry

    options = options or TrainOptions()
    output = check_output(output)
    if not records:
        raise HashiyaError("no annotated articles to train on")
    entity_labels = sorted({s.label for r in records for s in r.spans if s.kind == ENTITY})
    theme_labels = sorted({theme for r in records for theme in r.themes})
    components = components_for(entities=bool(entity_labels), themes=bool(theme_labels))
    if not components:
        raise HashiyaError("nothing to train on: the selected articles hold no entity spans and no document themes")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HashiyaError(f"--output {output}: cannot create the folder: {exc.strerror or exc}") from None
    started = time.perf_counter()
    spacy.require_cpu()
    fix_random_seed(options.seed)
    config = training_config(components)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    if evidence is not None:
        nlp.tokenizer.evidence = evidence
    train_records, dev_records, dev_is_train = split_records(records, options.dev_fraction, options.seed)
    result = TrainResult(
        output, sorted({r.id for r in train_records}), sorted({r.id for r in dev_records}), dev_is_train
    )
    train_examples, left_out = _examples(nlp, train_records, theme_labels)
    dev_examples, dev_left_out = _examples(nlp, dev_records, theme_labels)
    result.left_out = left_out + ([] if dev_is_train else dev_left_out)
    optimizer = nlp.initialize(lambda: train_examples)
    batcher = registry.resolve({"batcher": config["training"]["batcher"]})["batcher"]
    weights = {k: w for k, w in config["training"]["score_weights"].items() if w}
    shuffle = random.Random(options.seed).shuffle
    progress = progress or TrainProgress()
    progress.start(options.max_steps)
    losses: dict[str, float] = {}
    best: dict | None = None
    step = 0
    try:
        while step < options.max_steps:
            order = list(train_examples)
            shuffle(order)
            for batch in batcher(order):
                step += 1
                nlp.update(batch, drop=options.dropout, sgd=optimizer, losses=losses)
                loss = sum(losses.values())
                progress.step(step, loss)
                if step % options.eval_every == 0 or step == options.max_steps:
                    scores = nlp.evaluate(dev_examples)
                    score = _weighted(scores, weights)
                    # a tie goes to the later, longer-trained checkpoint
                    better = best is None or score >= best["score"]
                    if better:
                        nlp.meta["performance"] = {"score": score, **scores}  # as spacy train records it
                        _save(nlp, output)
                        best = {"score": score, "step": step, "scores": scores}
                    progress.evaluated(step, loss, score, better)
                    losses = {}
                if step >= options.max_steps:
                    break
    finally:
        progress.close()
    assert best is not None  # the last step is always evaluated
    result.steps = step
    result.best_step = best["step"]
    result.score = best["score"]
    result.seconds = time.perf_counter() - started
    _fill_scores(result, best["scores"], dev_examples, entity_labels, theme_labels)
    return result


def _save(nlp, output: Path) -> None:
    """Write the pipeline whole beside `output`, then put it in place: a
    reader of `output` (or a crash while writing) never meets half a
    pipeline. The folder it replaces is removed only once the new one is
    in place."""
    parent = output.parent if str(output.parent) else Path(".")
    try:
        fresh = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=parent))
    except OSError as exc:
        raise HashiyaError(f"--output {output}: cannot write the pipeline: {exc.strerror or exc}") from None
    old = None
    try:
        nlp.to_disk(fresh)
        os.chmod(fresh, 0o777 & ~current_umask())
        if output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=parent))
            os.rename(output, old / "pipeline")
        os.rename(fresh, output)
    except OSError as exc:
        if old is not None and not output.exists() and (old / "pipeline").exists():
            os.rename(old / "pipeline", output)  # the pipeline before stays
        shutil.rmtree(fresh, ignore_errors=True)
        raise HashiyaError(f"--output {output}: cannot write the pipeline: {exc.strerror or exc}") from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _weighted(scores: dict, weights: dict[str, float]) -> float:
    used = {k: w for k, w in weights.items() if isinstance(scores.get(k), (int, float))}
    total = sum(used.values())
    return sum(scores[k] * w for k, w in used.items()) / total if total else 0.0


def _fill_scores(result: TrainResult, scores: dict, dev_examples: list, entity_labels, theme_labels) -> None:
    gold: dict[str, int] = {}
    with_theme: dict[str, int] = {}
    for example in dev_examples:
        for ent in example.reference.ents:
            gold[ent.label_] = gold.get(ent.label_, 0) + 1
        for label, value in example.reference.cats.items():
            with_theme[label] = with_theme.get(label, 0) + (value >= 0.5)

    def row(label: str, prf: dict | None, support: int) -> LabelScore:
        if not prf:
            return LabelScore(label, None, None, None, support)
        return LabelScore(label, prf.get("p"), prf.get("r"), prf.get("f"), support)

    per_type = scores.get("ents_per_type") or {}
    result.entities = [row(label, per_type.get(label), gold.get(label, 0)) for label in entity_labels]
    if entity_labels:
        result.entity_total = LabelScore(
            "all entities", scores.get("ents_p"), scores.get("ents_r"), scores.get("ents_f"), sum(gold.values())
        )
    per_theme = scores.get("cats_f_per_type") or {}
    result.themes = [row(label, per_theme.get(label), with_theme.get(label, 0)) for label in theme_labels]
    if theme_labels:
        result.theme_total = LabelScore(
            "all themes (micro)",
            scores.get("cats_micro_p"),
            scores.get("cats_micro_r"),
            scores.get("cats_micro_f"),
            sum(with_theme.values()),
        )


def score_table(result: TrainResult) -> str:
    """Per-label precision, recall and F1 on the dev split, as text."""
    where = "the training articles (no dev split)" if result.dev_is_train else f"{len(result.dev_ids)} dev article(s)"
    lines = [
        f"Scores of the saved pipeline (step {result.best_step} of {result.steps}) on {where}:",
        "",
    ]

    def pct(value: float | None) -> str:
        return "     –" if value is None else f"{value * 100:6.1f}"

    for title, rows, total, unit in (
        ("entity", result.entities, result.entity_total, "spans"),
        ("document theme", result.themes, result.theme_total, "articles"),
    ):
        if not rows:
            continue
        width = max(len(title), *(len(r.label) for r in rows), len(total.label) if total else 0)
        lines.append(f"{title:<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {unit:>8}")
        for r in rows + ([total] if total else []):
            lines.append(f"{r.label:<{width}}  {pct(r.precision)}  {pct(r.recall)}  {pct(r.f1)}  {r.support:>8}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
