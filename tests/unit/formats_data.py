"""Annotated records for the format tests: the seeds with entities found by
their text, theme spans that overlap them, and document themes."""

from __future__ import annotations

from pathlib import Path

from annotations.model import ArticleRecord, Span, Status

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"

# (surface, label): the first occurrences of each in each seed become entities
ENTITIES = [
    ("المملكة المتحدة", "GPE"),
    ("العراق", "GPE"),  # often inside والعراق / العراقي: split off by boundaries
    ("لندن", "GPE"),
    ("2025", "DATE"),
    ("وزارة الصحة", "ORG"),
    ("المغرب", "GPE"),
    ("الصين", "GPE"),
]


def seed_texts() -> dict[str, str]:
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        out[path.stem] = text
    return out


def annotate(article_id: str, text: str, annotator: str = "alice", *, every: int = 3) -> ArticleRecord:
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for surface, label in ENTITIES:
        start = 0
        found = 0
        while found < every:
            i = text.find(surface, start)
            if i < 0:
                break
            start = i + 1
            end = i + len(surface)
            if any(i < e and s < end for s, e in taken):
                continue
            taken.append((i, end))
            spans.append(Span(article_id, i, end, label, "entity", text[i:end], annotator))
            found += 1
    # theme spans: the first paragraph (overlapping entities), and one that
    # starts and ends with whitespace characters inside it
    first_break = text.find("\n")
    end = first_break if first_break > 0 else min(len(text), 40)
    spans.append(Span(article_id, 0, end, "cooperation", "theme", text[:end], annotator))
    if first_break > 0:
        start = first_break - 5
        stop = min(len(text), first_break + 8)
        spans.append(Span(article_id, start, stop, "infrastructure", "theme", text[start:stop], annotator))
    spans.sort(key=lambda s: (s.start, s.end, s.kind, s.label))
    return ArticleRecord(
        id=article_id,
        text=text,
        spans=spans,
        themes=["cooperation", "diaspora"],
        status=Status.DONE,
        annotator=annotator,
    )


def seed_records(annotator: str = "alice") -> list[ArticleRecord]:
    return [annotate(aid, text, annotator) for aid, text in seed_texts().items()]


def span_keys(record: ArticleRecord, kinds=("entity", "theme")) -> list[tuple]:
    return sorted((s.start, s.end, s.label, s.kind, s.text) for s in record.spans if s.kind in kinds)


def token_edges(text: str, evidence=None) -> tuple[set[int], set[int]]:
    from annotations.segment import canonical_offsets

    offsets = canonical_offsets(text, evidence)
    return {s for s, _ in offsets}, {e for _, e in offsets}


def on_tokens(record: ArticleRecord, evidence=None) -> list[Span]:
    """The record's spans whose start is a canonical token start and end a
    token end: what a token format can hold (the rest is reported)."""
    starts, ends = token_edges(record.text, evidence)
    return [s for s in record.spans if s.start in starts and s.end in ends]


def off_tokens(record: ArticleRecord, evidence=None) -> list[Span]:
    kept = {id(s) for s in on_tokens(record, evidence)}
    return [s for s in record.spans if id(s) not in kept]


def store_evidence(store_dir, corpus_dir=SEEDS):
    """The evidence `hashiya export` decides with for a store on the seeds."""
    from annotations.corpus import open_corpus
    from annotations.schema import load_schema
    from annotations.segment import evidence_for
    from annotations.store import Store

    with Store(store_dir, "reader", readonly=True) as store:
        return evidence_for(open_corpus(corpus_dir), schema=load_schema(), stores=[store])
