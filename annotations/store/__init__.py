"""The annotation store: TinyDB files, one per article and annotator.

Layout of a store folder (``--store`` / ``HASHIYA_STORE``, default
``./hashiya-store``)::

    <store>/<annotator>/lock              fcntl.flock'd while a session writes;
                                          says who holds it (pid, host, since)
    <store>/<annotator>/articles/<hh>/<name>.json      one TinyDB database per article
    <store>/<annotator>/articles/<hh>/<name>.json.bak  the same as of a checkpoint
    <store>/<annotator>/journal.jsonl     the edits since its last cut (write-ahead log)
    <store>/<annotator>/index.json        span counts / status / fingerprint per
                                          article and the undo history, as of a
                                          byte offset in the journal (checkpoint)
    <store>/<annotator>/layout            "fanned": the article files are in the
                                          subfolders (see layout.py)
    <store>/<annotator>/ids.json          which article holds each span id, as of
                                          a journal offset: written at a checkpoint
                                          once that map has been needed (span_ids.py)
    <store>/<annotator>/texts.json        the distinct span texts with their counts,
                                          as of a checkpoint, while the writer knows
                                          them exactly (span_texts.py)

An article's file is ``articles.article_path`` (the only place that maps an
id to a path): ``<hh>`` is the first two hex digits of the SHA-256 of the
id (256 subfolders, ~400 articles each at 100,000), ``<name>`` the id
itself when it holds no uppercase letter and only ``[a-z0-9_.-]``, else the
id percent-encoded behind ``~`` with each uppercase letter as ``^`` and its
lowercase (``shard_name``): no two ids share a file where case is ignored.
A folder of the flat layout (``articles/<id>.json``) is moved into the
subfolders, restartably, when a writer or repair opens it; readers read
both layouts (``layout.py``).

Why this shape. Plain TinyDB keeps a whole database in one JSON file and
rewrites it on every insert: with 100,000 spans that is ~670 ms a save (and
~550 ms a search). Here each article of each annotator is its own small
TinyDB database (tables ``spans`` and ``article``) behind
:class:`~annotations.store.files.ShardStorage`, so a save rewrites a few
kilobytes and loading an article reads one small file. Reading every
article (``Store.records``, for export) parses each file once, straight
into Span objects, without a TinyDB object per file.
``python -m benchmarks.bench_store`` measures both against a single-file
TinyDB holding the same 100,000 spans.

Saving an edit, in order:

1. the edit (with everything needed to redo it) is appended to
   ``journal.jsonl`` and fdatasync'd: from here on the edit survives a kill
   or a power cut;
2. the article file is replaced atomically (temp file, ``os.replace``);
   the first save of an article after a checkpoint first hard-links the old
   file to ``<id>.json.bak``.

A label key's new span (``add_span(later=True)``) is answered after the
append alone -- once the system holds the line, a crash or kill of the
program loses nothing -- and its fdatasync and article file follow when
the app has drawn it (``write_held``, a frame period later: about 17 ms).

One fdatasync per save (measured on this kind of disk: ~0.3 ms) instead of
three (file, folder, journal). Article files are fsync'd at checkpoints:
when a writer opens or closes the store and after a large import, the
article files written since the last checkpoint are synced, then
``index.json`` is written atomically with the journal offset it reflects.

The journal's bound (``checkpoint.py``): once it has grown by more than
4 MiB (``JOURNAL_LIMIT``) since its last cut, a checkpoint (run by the save
or import taking it there) copies each article it edits, checked, to its
``.bak`` and replaces it by a ``mark`` line (its name) and a ``base`` line
(undo/redo history: at most 1,000 items together). A returned save leaves
it at most that head plus 4 MiB. Not while an article file the journal
edits is in doubt (damaged, missing, behind) or a sync fails: then it is
kept whole and the cut tried again when it has doubled.

Opening as writer: the index is loaded and the journal entries after its
offset are replayed into it. Each article file records the sequence number
of the last journal entry it reflects; an article whose file is behind the
journal (the process died between steps 1 and 2, or the machine lost
unsynced writes) is brought up to date from the journal. A journal line cut
off by a kill is dropped: that save never returned. A missing, damaged or
out-of-date index is rebuilt from the article files, which are the truth.

Damage. A damaged article file or journal raises StoreCorruptError naming
the file and the problem, and is never written over. ``hashiya validate
--repair`` (:func:`repair`) keeps the damaged file as ``.damaged`` and
rebuilds the article from its ``.bak`` plus the journal entries after it (or
from the journal alone, while it was never cut); a damaged journal is set
aside and a new one started (the article files are kept; undo history is
lost).

Locking. One writer per annotator: ``Store(root, annotator)`` takes an
exclusive ``fcntl.flock`` on the annotator's ``lock`` file for its whole
life. The OS releases it when the process ends, even by kill -9, so a dead
holder never blocks. A second writer for the same annotator gets
StoreLockedError saying who holds it. Different annotators use different
folders and never block or overwrite each other. ``readonly=True`` takes no
lock and sees what writers have saved. Within a process a Store may be used
from several threads (one lock serialises its methods).

Undo/redo. Every edit is an operation with an exact inverse (add/delete,
relabel/resize as before/after, theme on/off, status before/after). Undo
and redo stacks follow from the journal (``base``, ``do``, ``undo``, ``redo``
lines), so they survive a restart (the last 1,000 edits); imports clear them.

Stale articles. Each article file records the fingerprint of the text its
spans were made on. ``is_stale`` compares it with the current text; spans
of a changed article are kept exactly as stored (never shifted), and the
store refuses to add or resize spans on it against the new text until its
old spans are deleted.

Rules beyond model.check_span: an identical span (same start, end, kind and
label) cannot be stored twice; text holding a lone surrogate (which no UTF-8
file can hold) is refused.

Untrusted folders. A store may sit on a shared server where others can
plant files. Annotator names follow ``annotations.names`` (never ".", "..",
a hidden name or a path). Nothing in an annotator folder is opened through
a symbolic link (``O_NOFOLLOW``; an annotator folder, its ``articles``
folder or a subfolder of that which is a link is refused too, and so are
``suggestions`` and ``suggestions/articles``), nor a FIFO
or device in place of a file.
Parsed JSON nested too deeply is damage like any other bad JSON. An article
file that the index records as annotated but that is gone is damage too
(StoreCorruptError naming it): ``repair`` rebuilds it from its ``.bak`` and
the journal.

The parts, each a module of this package:

    store.py        Store (the public API: reads, edits, undo) and
                    open_for_reading
    annotator.py    one annotator's folder: opening it, replaying the
                    journal into the index, committing an edit
    state.py        an article's annotations as a value; applying and
                    inverting an edit; reading an article file's tables
    articles.py     article files: their paths and names, one TinyDB file each
    layout.py       the subfolders of articles/: listing them, moving a
                    flat folder into them
    journal.py      journal.jsonl: appending, reading, the name of a cut
    index.py        index.json: reading and writing it
    span_ids.py     which article holds a span id: from the articles open,
                    else a map made once on demand (ids.json)
    checkpoint.py   checkpoints and the journal's cut
    lock.py         the annotator's lock
    files.py        opening without links, atomic writes, JSON reading
    bulk_import.py  import_records: checking and writing many records
    bulk_write.py   an import's batches written: journal lines, then the
                    article files (by a thread or a helper process)
    reading.py      whole-store reads that keep nothing (records, themes)
    summary.py      counts and statuses from index.json without span ids
    packed.py       a read-only view's index summary, packed (no object per
                    article)
    span_texts.py   texts.json: the span texts the token formats' evidence
                    reads, kept by the writer
    checks.py       Store.check (hashiya validate)
    repair.py       repair (hashiya validate --repair)
"""

from .articles import article_path, shard_name
from .bulk_import import ImportSummary
from .checks import StoreProblem
from .repair import repair
from .store import Store, open_for_reading

__all__ = ["Store", "ImportSummary", "StoreProblem", "open_for_reading", "repair", "article_path", "shard_name"]
