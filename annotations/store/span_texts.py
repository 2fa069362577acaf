"""``texts.json``: the distinct span texts of one annotator's articles, with
how many spans hold each, as of a checkpoint.

The token formats' evidence (``annotations.segment.evidence_for``) needs
the text of every span in the store; read from the article files that is
one more read of every file (1.6 s at 100,000 articles). A writer keeps
the counts while it knows them exactly and writes them beside the index
at each checkpoint, stamped as the index is; a view whose journal is where
that stamp says (nothing saved since) reads this one small file instead.

Known exactly: from a ``texts.json`` as current as the index a writer
opens with (no journal entry after it), from a store rebuilt from its
article files (an empty store is one; the saves rolled forward into them
counted), after the writer has read every article's spans
(``Store.span_texts``), and from then on through every save the journal
records (a span added, deleted or changed; an article replaced whose index
entry held no span). Otherwise (an article with spans replaced, entries
after the index replayed on opening) the writer does not know them: at its
next checkpoint the file is removed, and readers read the article files,
as before.

Derived data like the index: a file that is missing, damaged, not as this
store writes it or stamped otherwise than the view reading it is not used.
``{"format": 1, "annotator", "seq", "journal_gen", "journal_pos",
"texts": {text: count}}``.
"""

from __future__ import annotations

from pathlib import Path

from .files import atomic_write, dump_json
from .index import discard, read_stamped, stamp

FORMAT = 1


def texts_path(folder: Path) -> Path:
    return folder / "texts.json"


def read_texts(path: Path) -> dict | None:
    """``texts.json`` as a checked dict, or None when it is missing,
    damaged or not as this store writes it."""
    data = read_stamped(path, "span text file", FORMAT)
    texts = data.get("texts") if data is not None else None
    if not isinstance(texts, dict) or not all(type(n) is int and n > 0 for n in texts.values()):
        return None
    return data


def current_texts(ann) -> dict[str, int] | None:
    """The counts of ``texts.json`` when it is stamped with exactly where
    the view `ann` is (the same journal, offset and seq), else None."""
    data = read_texts(texts_path(ann.dir))
    if data is None:
        return None
    here = {"annotator": ann.name, "seq": ann.seq, "journal_pos": ann.pos, "journal_gen": ann.journal_gen}
    if any(data.get(key) != value for key, value in here.items()):
        return None
    return data["texts"]


def write_texts(ann) -> None:
    """At a checkpoint (after the index, with its stamp): the counts when
    the writer knows them, else no file."""
    if ann.texts is None:
        discard_texts(ann.dir)
        return
    data = {"format": FORMAT, **stamp(ann), "texts": ann.texts}
    atomic_write(texts_path(ann.dir), dump_json(data))
    ann.texts_unwritten = False


def discard_texts(folder: Path) -> None:
    discard(texts_path(folder))


def count(texts: dict[str, int], text: object, step: int) -> None:
    """One span of `text` more (step 1) or fewer (-1)."""
    if type(text) is not str:
        return
    n = texts.get(text, 0) + step
    if n > 0:
        texts[text] = n
    else:
        texts.pop(text, None)


def noted(texts: dict[str, int] | None, op: dict, had_spans: bool) -> dict[str, int] | None:
    """The counts after the journal entry's `op` (``_Annotator._note``);
    None once they cannot be known (`had_spans`: the article held spans
    before, which a ``replace`` does not list)."""
    if texts is None:
        return None
    kind = op.get("kind")
    if kind in ("add", "delete"):
        count(texts, op["span"].get("text"), 1 if kind == "add" else -1)
    elif kind == "update":
        count(texts, op["before"].get("text"), -1)
        count(texts, op["after"].get("text"), 1)
    elif kind == "replace":
        if had_spans:
            return None
        get = texts.get
        for doc in op["after"].get("spans", ()):
            text = doc.get("text")
            if type(text) is str:  # count(texts, text, 1), in line: an import counts a million
                texts[text] = get(text, 0) + 1
    return texts
