"""`hashiya import FILE --format F`: bring annotations into one annotator's
store (--annotator, default you).

Formats: native, doccano, prodigy, conll (IOB2), txt (a folder of .txt
articles: adds articles, no annotations).

Articles. An imported record whose id is in the corpus must have exactly
the corpus article's text (otherwise its offsets would point elsewhere; the
line is reported). An article the corpus does not have — every article of a
CoNLL file, whose text is rebuilt from its tokens — is written as
``<id>.txt`` into the folder given by ``--corpus-out DIR`` (pass the corpus
folder itself to grow the corpus); without --corpus-out such records are
reported and not imported. An existing ``<id>.txt`` with a different text is
never overwritten; an id that breaks the name rule of annotations/names.py
(".", "..", a path, controls) is a bad line, and a text is never written
into the store or over the import or label file.

Bad lines. Every line that cannot be read or imported is reported as
FILE:LINE: reason. By default the good records are imported and the exit
code is 1 when any line was bad; with ``--all-or-nothing`` nothing at all is
written when any line is bad. ``--dry-run`` reads, checks and reports what
would change (articles, spans added/removed, themes, files written) and
writes nothing: the store is opened read-only, not even created.

Streaming. The file is read a line at a time (a CoNLL article as soon as
its block ends) and the records are checked and written 500 articles at a
time (the texts for --corpus-out first, then the store's journal lines and
article files), so memory does not grow with the file; what is kept is the
ids seen (for "already appeared on line N") and the problems. From the
second batch on, the texts and the article files are written by two helper
processes (annotations/behind.py) while this one reads and checks: a text
is handed on as soon as its record passed while the helper keeps up (the
batch's texts it was not given are written by this process once the
helper's are done), and the batch's journal lines wait for all of its
texts. With
``--all-or-nothing`` the file is read twice: every record is checked first,
writing nothing, and written in a second reading only if no line was bad
(a pipe is kept in an unnamed temporary file the first time). On a terminal
a progress line on standard error counts the records done, the bytes read
and the rate; on a pipe or file there is none.

Cut off (kill -9, power loss). An import is written batch by batch: each
batch counted on the progress line is in the store's journal, and the next
open of the store completes any of its files a kill cut off. The batches
after the kill are not there: a cut-off import is partial, whole articles
only, and importing the same file again completes it (each article is
replaced by its record). The same holds for --all-or-nothing once its
checking pass is over. Bad UTF-8 stops the import where it is met, naming
the byte; the records before it are imported (all-or-nothing: none).

Files made by others. A device, and a file whose first 8 KB hold NUL bytes
(binary, /dev/zero through a pipe), are refused before anything is read; a
line over 256 MB is refused rather than held; CRLF and lone CR end lines as
LF does.

Each imported article is replaced by the record (``--merge`` adds the
record's spans and themes to what the annotator already has instead). The
store checks the records again and names each it refuses by id: those are
reported by line and the rest are imported.
"""

from __future__ import annotations

import argparse
import gc
import operator
import os
import sys
from pathlib import Path

from annotations.errors import FormatError, HashiyaError
from annotations.sanitize import say

HELP = "import annotations (native, doccano, prodigy, conll) or a folder of .txt articles"

def add_arguments(parser: argparse.ArgumentParser) -> None:
    from annotations.formats import IMPORT_FORMATS

    from .common import add_corpus_argument, add_store_arguments

    parser.add_argument("file", metavar="FILE", help="file to import (a folder for --format txt)")
    add_corpus_argument(
        parser, "the corpus the annotations belong to (env HASHIYA_CORPUS, default the bundled seeds)"
    )
    add_store_arguments(parser)
    parser.add_argument("--format", "-f", choices=IMPORT_FORMATS, default="native", help="input format (default native)")
    parser.add_argument("--corpus-out", metavar="DIR", help="write the text of articles the corpus lacks here as <id>.txt")
    parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    parser.add_argument("--all-or-nothing", action="store_true", help="import nothing if any line is bad")
    parser.add_argument("--merge", action="store_true", help="add to the annotator's articles instead of replacing them")
    _allow_options_between_positionals(parser)


def _allow_options_between_positionals(parser: argparse.ArgumentParser) -> None:
    """`hashiya import FILE --format conll CORPUS`: plain argparse takes FILE
    and an empty CORPUS together and then refuses the late CORPUS; parse this
    subcommand's arguments intermixed instead."""
    busy = False

    def parse_known_args(args=None, namespace=None):
        nonlocal busy
        if busy:
            return argparse.ArgumentParser.parse_known_args(parser, args, namespace)
        busy = True
        try:
            return argparse.ArgumentParser.parse_known_intermixed_args(parser, args, namespace)
        finally:
            busy = False

    parser.parse_known_args = parse_known_args  # type: ignore[method-assign]


def _records(path: Path, fmt: str, schema, annotator: str, result, *, spool: bool = False, reader=None):
    """(reader, (line, record) stream) of the import file: a LineReader
    (None for a folder of .txt) and the format's streaming reader over it;
    bad lines go to ``result``."""
    from annotations.formats import module
    from annotations.formats.lines import LineReader

    if reader is not None:  # a second pass
        return reader, module(fmt).iter_read(reader, result, schema=schema, annotator=annotator, name=path.stem)
    if not path.exists():
        raise FormatError(f"{path}: no such file")
    if fmt == "txt":
        from annotations.formats.txt import read_folder

        folder, file_problems = read_folder(path, annotator=annotator)
        result.problems.extend(folder.problems)
        result.file_problems = file_problems
        return None, iter(folder.records)
    if path.is_dir():
        raise FormatError(f"{path}: is a folder (use --format txt to import a folder of .txt articles)")
    reader = LineReader(path, fmt, spool=spool)
    return reader, module(fmt).iter_read(reader, result, schema=schema, annotator=annotator, name=path.stem)


class _Checks:
    """The command's own checks of each record, before the store's: an
    article twice, labels outside the schema, a text that differs from the
    corpus article, an article the corpus lacks (written to --corpus-out
    unless its name or file is refused). Keeps the ids seen (with their
    lines), nothing else."""

    def __init__(self, path: Path, settings, schema, corpus, out_dir: Path | None) -> None:
        self.path = path
        self.settings = settings
        self.schema = schema
        self.corpus = corpus
        self.out_dir = out_dir
        from annotations.names import name_problem
        from annotations.packed import SeenStrings

        self._name_problem = name_problem  # (asked of every record: imported once)

        self.seen = SeenStrings()  # id -> its line, packed: an import may hold millions
        self.known: set[str] = set()  # labels found in the schema
        self._in_store: bool | None = None
        # what Path(out_dir) / name writes: "." is left out
        self._out_name = "" if out_dir is None or str(out_dir) == "." else str(out_dir)
        # --corpus-out empty (or not there) when the pass starts: a text this
        # import writes has an id seen once, so its file can be there only if
        # made meanwhile by someone else, which create_file refuses (the
        # import stops there, saying so). Nothing is asked of the folder per
        # record then: an lstat beside the files being created in it.
        self._out_empty = out_dir is not None and _empty_folder(out_dir)

    def _out_in_store(self) -> bool:
        """Whether --corpus-out is the store folder or inside it (then every
        target is asked about, for refuse_inputs' message)."""
        if self._in_store is None:
            out = os.path.join(os.path.realpath(self.out_dir), "")
            self._in_store = out.startswith(os.path.join(os.path.realpath(self.settings.store), ""))
        return self._in_store

    def check(self, line: int, record) -> tuple[str | None, Path | str | None]:
        """(problem or None, the .txt file to write for it or None)."""
        schema = self.schema
        first = self.seen.add(str(record.id), line)
        if first is not None:
            return f"article {record.id!r} already appeared on line {first}", None
        labels = set(map(_label, record.spans))
        if record.themes:
            labels.update(record.themes)
        unknown = ()
        if not labels <= self.known:
            unknown = [label for label in sorted(labels) if schema.get(label) is None]
            self.known.update(label for label in labels if label not in unknown)
        if unknown:
            return (
                f"article {record.id!r}: label(s) {', '.join(map(repr, unknown))} not in the "
                f"label schema ({schema.source}); give --labels FILE that defines them"
            ), None
        article = self.corpus.get(record.id) if self.corpus is not None else None
        if article is not None:
            try:
                same = article.text == record.text
            except HashiyaError as exc:
                return str(exc), None
            if not same:
                from annotations.model import fingerprint

                return (
                    f"article {record.id!r}: text differs from the corpus article "
                    f"(fingerprint {fingerprint(record.text)} vs {article.fingerprint}); offsets would not fit"
                ), None
            return None, None
        if self.out_dir is None:
            return (
                f"article {record.id!r} is not in the corpus {self.settings.corpus}: give --corpus-out DIR to add its text"
            ), None
        unusable = self._name_problem(record.id)
        if unusable:
            return f"article id {record.id!r} cannot be a file name: {unusable}", None
        # a string: an import makes 100,000 of them, a Path only when needed
        name = os.path.join(self._out_name, f"{record.id}.txt")
        exists = not self._out_empty and os.path.lexists(name)
        if not exists and not self._out_in_store():
            return None, name
        target = Path(name)
        from annotations.formats.output import refuse_inputs

        try:
            # A file not there yet can be no input; whether the folder is
            # inside the store is asked once (the id is a plain file name).
            if exists or self._out_in_store():
                refuse_inputs(target, files=[self.path, self.settings.labels], store=self.settings.store)
            if exists and target.is_symlink():
                raise FormatError(f"{target}: is a symbolic link; not written")
        except FormatError as exc:
            return str(exc), None
        if exists:
            try:
                existing = target.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
            except (OSError, UnicodeDecodeError):
                existing = None
            if existing != record.text:
                return f"{target} exists with a different text; not overwritten", None
            return None, None
        return None, target


_label = operator.attrgetter("label")


def _empty_folder(folder: Path) -> bool:
    """Whether ``folder`` holds nothing (or is not there yet)."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except FileNotFoundError:
        return True
    except OSError:
        return False  # asked about file by file, as any other folder


class _Run:
    """One pass over the import file: records checked a batch at a time
    (the command's checks, then the store's), written at once unless
    ``write`` is false. What it keeps: the problems, the ids seen, counts."""

    def __init__(self, args, settings, schema, corpus, out_dir, progress, *, write: bool, show_changes: bool) -> None:
        self.args = args
        self.settings = settings
        self.schema = schema
        self.corpus = corpus
        self.out_dir = out_dir
        self.progress = progress
        self.write = write
        self.show_changes = show_changes
        self.problems: list = []
        self.file_problems: list[str] = []
        self.skipped: list = []
        self.accepted = 0
        self.texts = 0
        self.store = None
        self.importer = None
        self.behind = None  # the helper writing texts behind (a large import)
        self.files_behind = None  # and the one writing the store's article files
        self.token = os.urandom(8).hex()  # names this run to _write_articles

    def _open_store(self):
        from annotations.store import Store
        from annotations.store.bulk_import import Importer

        # a dry run (and the checking pass of --all-or-nothing) opens the
        # store read-only: it creates and writes nothing
        self.store = Store(self.settings.store, self.settings.annotator, readonly=not self.write)
        self.importer = Importer(
            self.store, replace=not self.args.merge, dry_run=not self.write,
            drawn_ids=self.args.format != "native",  # the other formats carry no span ids
            unique_ids=True,  # an id met again is refused by _Checks first
        )

    def run(self, path: Path, *, spool: bool = False, reader=None):
        """Go through the file; returns its reader (for a second pass)."""
        from annotations.formats.common import ImportResult
        from annotations.store.bulk_import import BATCH, CHECKPOINT_EVERY, _no_cyclic_gc, batches

        result = ImportResult()
        result.file_problems = []
        reader, stream = _records(path, self.args.format, self.schema, self.settings.annotator, result, spool=spool, reader=reader)
        checks = _Checks(path, self.settings, self.schema, self.corpus, self.out_dir)
        try:
            # reading a batch makes as many objects as checking it, and no
            # cycles: the cyclic GC is off for both (what a batch left is
            # looked at once every CHECKPOINT_EVERY records)
            with _no_cyclic_gc():
                for number, batch in enumerate(batches(stream), start=1):
                    self._batch(batch, checks)
                    self.progress.update(reader, self.accepted)
                    if number % (CHECKPOINT_EVERY // BATCH) == 0:
                        gc.collect(1)
        finally:
            self.problems.extend(result.problems)
            self.file_problems = result.file_problems
            self.skipped = result.skipped
        return reader

    def _batch(self, batch, checks: _Checks) -> None:
        """One batch: each record checked (the command's checks, then the
        store's) and its text handed on to be written as soon as it
        passed; then, every text written, the batch's journal lines and
        (behind) its article files. The texts go first: a kill between
        leaves a text without its annotations, never annotations without
        their text."""
        from annotations.formats.common import LineProblem
        from annotations.store.bulk_import import BATCH

        texts: list[tuple[Path | str, str]] = []  # of this batch, not handed on yet
        jobs = []  # texts being written behind
        kept = []
        changed = self.importer.summary.articles if self.importer is not None else 0
        for line, record in batch:
            problem, target = checks.check(line, record)
            if problem is not None:
                self.problems.append(LineProblem(line, problem))
                continue
            if self.store is None:
                self._open_store()
            refused = self.importer.summary.refused
            before = len(refused.get(str(record.id), ()))
            if not self.importer.plan(record):
                for message in refused[str(record.id)][before:]:
                    self.problems.append(LineProblem(line, message))
                continue
            kept.append((line, record))
            if target is None:
                continue
            if not self.write:
                self.texts += 1
                continue
            texts.append((target, record.text))
            # handed on while the helper keeps up; what it has not been
            # given by the batch's end is written here once it is done
            # (in order: none after a text that failed there)
            if self.behind is not None and len(texts) >= TEXTS_AT_ONCE and self.behind.pending() < TEXTS_AHEAD:
                jobs.append(self.behind.submit(_write_articles, self.token, texts))
                texts = []
        if self.write:
            self.texts += _written(jobs)
            self.texts += _write_articles(self.token, texts)
        if self.importer is None:
            return
        self.importer.write(behind=self.files_behind or True)
        self.accepted += len(kept)
        if self.show_changes and self.importer.summary.articles > changed:
            for change in _planned_changes(self.store, kept, merge=self.args.merge):
                say(change, sys.stdout)
        if self.write and self.behind is None and len(batch) >= BATCH:
            # a large import: its files are written by a helper process
            # from the next batch on
            from annotations.behind import Behind
            from annotations.errors import StoreError

            own = self.store._writer()
            own.settle_writes()
            self.behind = Behind(close_fds=own.lock.fileno(), error=FormatError)
            # the texts are waited for at the end of each batch, the article
            # files only at the end of the next one: the texts go first
            self.files_behind = Behind(close_fds=own.lock.fileno(), error=StoreError, nice=5)

    def close(self) -> None:
        try:
            if self.store is not None:
                try:
                    if self.write:
                        self.importer.finish()
                finally:
                    self.store.close()
        finally:
            for helper in (self.behind, self.files_behind):
                if helper is not None:
                    helper.close()
            self.behind = self.files_behind = None


def run(args: argparse.Namespace) -> int:
    from annotations.corpus import open_corpus
    from annotations.schema import load_schema
    from annotations.settings import Settings

    from .progress import Progress

    settings = Settings.resolve(corpus=args.corpus, store=args.store, annotator=args.annotator, labels=args.labels)
    schema = load_schema(settings.labels)
    for warning in schema.warnings:
        say(f"hashiya: warning: {warning}")
    path = Path(args.file)
    corpus = open_corpus(settings.corpus)
    out_dir = Path(args.corpus_out) if args.corpus_out else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise HashiyaError(f"--corpus-out {out_dir}: not a folder")

    progress = Progress(path.name, verb="checked" if args.dry_run or args.all_or_nothing else "imported")
    two_passes = args.all_or_nothing and not args.dry_run

    def a_run(*, write: bool, show: bool) -> _Run:
        return _Run(args, settings, schema, corpus, out_dir, progress, write=write, show_changes=show)

    reader = None
    if two_passes:
        # first every record is checked, writing nothing; then, if no line
        # was bad, the file is read again and written
        check = a_run(write=False, show=False)
        try:
            reader = check.run(path, spool=True)
        except BaseException:
            progress.end()
            raise
        finally:
            check.close()
        bad = len(check.problems) + len(check.file_problems)
        if bad:
            progress.end()
            _report_problems(path, check.problems, check.file_problems, check.skipped)
            if reader is not None:
                reader.close()
            say(f"hashiya: nothing imported (--all-or-nothing): {bad} problem(s)")
            return 1
        if not check.accepted:
            progress.end()
            _report_problems(path, check.problems, check.file_problems, check.skipped)
            say(f"hashiya: nothing to import from {path}")
            return 0
        progress.restart("imported")
    this = a_run(write=not args.dry_run, show=args.dry_run)
    try:
        try:
            if reader is not None:
                reader = reader.again()
            reader = this.run(path, reader=reader)
        finally:
            this.close()
            if reader is not None:
                reader.close()
    except HashiyaError as exc:
        progress.end()
        if this.accepted and not args.dry_run:
            raise type(exc)(
                f"{exc} (the {this.accepted} record(s) before it were imported; nothing after it)"
            ) from None
        raise
    finally:
        progress.end()
    summary = this.importer.summary if this.importer is not None else None

    _report_problems(path, this.problems, this.file_problems, this.skipped)
    if two_passes and this.problems:
        say("hashiya: the store changed between the check and the import: the records above were not imported")
    if not this.accepted:
        say(f"hashiya: nothing to import from {path}")
        return 1 if this.problems or this.file_problems else 0
    verb = "would import" if args.dry_run else "imported"
    say(
        f"hashiya: {verb} into {settings.store}/{settings.annotator}: {this.accepted} record(s) read, "
        f"{summary.articles} article(s) changed, {summary.spans_added} span(s) added, "
        f"{summary.spans_removed} removed, {summary.themes} theme(s) added"
    )
    if this.texts:
        where = "would write" if args.dry_run else "wrote"
        say(f"hashiya: {where} {this.texts} article text(s) to {out_dir}")
    return 1 if this.problems or this.file_problems else 0


def _planned_changes(store, accepted, *, merge: bool) -> list[str]:
    """One line per article the import would change (for --dry-run)."""
    lines = []
    for _, record in accepted:
        before = {(s.start, s.end, s.label, s.kind) for s in store.spans(record.id)}
        incoming = {(s.start, s.end, s.label, s.kind) for s in record.spans}
        after = before | incoming if merge else incoming
        themes_before = set(store.themes(record.id))
        themes_after = themes_before | set(record.themes) if merge else set(record.themes)
        status_before = store.status(record.id)
        status_after = record.status if not (merge and record.status.value == "todo") else status_before
        changes = []
        if after - before:
            changes.append(f"+{len(after - before)} span(s)")
        if before - after:
            changes.append(f"-{len(before - after)} span(s)")
        for theme in sorted(themes_after - themes_before):
            changes.append(f"+theme {theme}")
        for theme in sorted(themes_before - themes_after):
            changes.append(f"-theme {theme}")
        if status_after != status_before:
            changes.append(f"status {status_before.value} -> {status_after.value}")
        if changes:
            lines.append(f"would change {record.id}: {', '.join(changes)}")
    return lines


#: texts handed to the helper at once
TEXTS_AT_ONCE = 20
#: jobs of texts the helper may have to do before it is given more
TEXTS_AHEAD = 3

#: the runs whose writing of texts failed: their later texts are not written
_FAILED_RUNS: set[str] = set()


def _write_articles(token: str, texts: list[tuple[Path | str, str]]) -> int:
    """Write the texts in order, up to the first that fails (which raises);
    after a failure, no text of the same run (``token``) is written. How
    many it wrote. Run in the helper process, or in this one."""
    from annotations.formats.output import create_file

    done = 0
    if token in _FAILED_RUNS:
        return done
    try:
        for target, text in texts:
            create_file(target, text)
            done += 1
    except BaseException:
        _FAILED_RUNS.add(token)
        raise
    return done


def _written(jobs) -> int:
    """How many texts the jobs wrote, once every one is over; the first
    failure raised."""
    done = 0
    failure = None
    for job in jobs:
        try:
            done += job.result()
        except BaseException as exc:
            failure = failure or exc
    if failure is not None:
        raise failure
    return done


def _report_problems(path: Path, problems, file_problems, skipped) -> None:
    for problem in sorted(problems, key=lambda p: p.line):
        where = f"{path}:{problem.line}" if problem.line else str(path)
        say(f"hashiya: {where}: {problem.message}")
    for name in file_problems:
        say(f"hashiya: {path}/{name}")
    for item in skipped:
        say(f"hashiya: {path}:{item.line}: skipped: {item.message}")
