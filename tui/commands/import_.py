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

Files made by others. A device, a file whose first 8 KB hold NUL bytes
(binary, /dev/zero through a pipe) or one over 1 GB is refused before it
fills memory; CRLF and lone CR end lines as LF does.

Each imported article is replaced by the record (``--merge`` adds the
record's spans and themes to what the annotator already has instead). The
store checks the records again and names each it refuses by id: those are
reported by line and the rest are imported.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path

from annotations.errors import FormatError, HashiyaError
from annotations.fileio import TooLarge, read_to_end
from annotations.sanitize import say

HELP = "import annotations (native, doccano, prodigy, conll) or a folder of .txt articles"

# An import file is read whole: past this it is refused rather than
# exhausting memory.
MAX_IMPORT_BYTES = 1 << 30


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


def _read_file(path: Path, fmt: str, schema, annotator: str):
    from annotations.formats import module

    if not path.exists():
        raise FormatError(f"{path}: no such file")
    if fmt == "txt":
        from annotations.formats.txt import read_folder

        return read_folder(path, annotator=annotator)
    if path.is_dir():
        raise FormatError(f"{path}: is a folder (use --format txt to import a folder of .txt articles)")
    raw = _read_bounded(path, fmt)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not valid UTF-8 (bad byte 0x{raw[exc.start]:02x} at byte {exc.start})") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return module(fmt).read(lines, schema=schema, annotator=annotator, name=path.stem), []


def _read_bounded(path: Path, fmt: str) -> bytes:
    """The bytes of an import file (a pipe too), refusing a device, a file
    with NUL bytes in its first 8 KB (binary; /dev/zero) and one over
    MAX_IMPORT_BYTES before they fill memory."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        raise FormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            raise FormatError(f"{path}: is a device, not a {fmt} file")
        first = os.read(fd, 8192)
        if b"\x00" in first:
            raise FormatError(f"{path}: looks like a binary file, not {fmt} text")
        return read_to_end(fd, regular=False, limit=MAX_IMPORT_BYTES, first=first)
    except TooLarge:
        raise FormatError(f"{path}: larger than the {MAX_IMPORT_BYTES >> 30} GB an import file may hold") from None
    except OSError as exc:
        raise FormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def run(args: argparse.Namespace) -> int:
    from annotations.corpus import open_corpus
    from annotations.formats.common import LineProblem
    from annotations.formats.output import refuse_inputs
    from annotations.model import fingerprint
    from annotations.names import name_problem
    from annotations.schema import load_schema
    from annotations.settings import Settings
    from annotations.store import Store

    settings = Settings.resolve(corpus=args.corpus, store=args.store, annotator=args.annotator, labels=args.labels)
    schema = load_schema(settings.labels)
    for warning in schema.warnings:
        say(f"hashiya: warning: {warning}")
    path = Path(args.file)
    result, file_problems = _read_file(path, args.format, schema, settings.annotator)
    problems: list[LineProblem] = list(result.problems)

    corpus = open_corpus(settings.corpus)
    out_dir = Path(args.corpus_out) if args.corpus_out else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise HashiyaError(f"--corpus-out {out_dir}: not a folder")
    accepted = []
    to_write: list[tuple[str, Path, str]] = []  # (article id, file, text)
    seen: dict[str, int] = {}
    for line, record in result.records:
        if record.id in seen:
            problems.append(LineProblem(line, f"article {record.id!r} already appeared on line {seen[record.id]}"))
            continue
        seen[record.id] = line
        unknown = sorted({s.label for s in record.spans} | set(record.themes))
        unknown = [label for label in unknown if schema.get(label) is None]
        if unknown:
            problems.append(
                LineProblem(
                    line,
                    f"article {record.id!r}: label(s) {', '.join(map(repr, unknown))} not in the "
                    f"label schema ({schema.source}); give --labels FILE that defines them",
                )
            )
            continue
        article = corpus.get(record.id) if corpus is not None else None
        if article is not None:
            try:
                same = article.text == record.text
            except HashiyaError as exc:
                problems.append(LineProblem(line, str(exc)))
                continue
            if not same:
                problems.append(
                    LineProblem(
                        line,
                        f"article {record.id!r}: text differs from the corpus article "
                        f"(fingerprint {fingerprint(record.text)} vs {article.fingerprint}); offsets would not fit",
                    )
                )
                continue
        else:
            if out_dir is None:
                problems.append(
                    LineProblem(line, f"article {record.id!r} is not in the corpus {settings.corpus}: give --corpus-out DIR to add its text")
                )
                continue
            unusable = name_problem(record.id)
            if unusable:
                problems.append(LineProblem(line, f"article id {record.id!r} cannot be a file name: {unusable}"))
                continue
            target = out_dir / f"{record.id}.txt"
            try:
                refuse_inputs(target, files=[path, settings.labels], store=settings.store)
                if target.is_symlink():
                    raise FormatError(f"{target}: is a symbolic link; not written")
            except FormatError as exc:
                problems.append(LineProblem(line, str(exc)))
                continue
            if target.exists():
                try:
                    existing = target.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
                except (OSError, UnicodeDecodeError):
                    existing = None
                if existing != record.text:
                    problems.append(LineProblem(line, f"{target} exists with a different text; not overwritten"))
                    continue
            else:
                to_write.append((record.id, target, record.text))
        accepted.append((line, record))

    if args.all_or_nothing and (problems or file_problems):
        _report_problems(path, problems, file_problems, result.skipped)
        say(f"hashiya: nothing imported (--all-or-nothing): {len(problems) + len(file_problems)} problem(s)")
        return 1

    if not accepted:
        _report_problems(path, problems, file_problems, result.skipped)
        say(f"hashiya: nothing to import from {path}")
        return 1 if problems or file_problems else 0
    # a dry run opens the store read-only: it creates and writes nothing
    store = Store(settings.store, settings.annotator, readonly=args.dry_run)
    try:
        line_of = {record.id: line for line, record in accepted}
        # The store checks everything again; the records it refuses (it
        # names them by id) are reported by line and the rest go in (unless
        # --all-or-nothing). Each round drops at least one record, or stops.
        while accepted:
            summary = store.import_records([r for _, r in accepted], dry_run=True, replace=not args.merge)
            if not summary.problems:
                break
            for aid, messages in summary.refused.items():
                problems.extend(LineProblem(line_of.get(aid, 0), message) for message in messages)
            refused = set(summary.refused)
            if args.all_or_nothing or not refused & set(line_of):
                _report_problems(path, problems, file_problems, result.skipped)
                say("hashiya: nothing imported: the store refused the records above")
                return 1
            accepted = [(line, r) for line, r in accepted if r.id not in refused]
            to_write = [item for item in to_write if item[0] not in refused]
        if args.dry_run:
            for line in _planned_changes(store, accepted, merge=args.merge):
                say(line, sys.stdout)
        else:
            for _, target, text in to_write:
                _write_article(target, text)
            summary = store.import_records([r for _, r in accepted], replace=not args.merge)
    finally:
        store.close()

    _report_problems(path, problems, file_problems, result.skipped)
    verb = "would import" if args.dry_run else "imported"
    say(
        f"hashiya: {verb} into {settings.store}/{settings.annotator}: {len(accepted)} record(s) read, "
        f"{summary.articles} article(s) changed, {summary.spans_added} span(s) added, "
        f"{summary.spans_removed} removed, {summary.themes} theme(s) added"
    )
    if to_write:
        where = "would write" if args.dry_run else "wrote"
        say(f"hashiya: {where} {len(to_write)} article text(s) to {out_dir}")
    return 1 if problems or file_problems else 0


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


def _write_article(target: Path, text: str) -> None:
    from annotations.formats.output import write_text_file

    write_text_file(target, lambda stream: stream.write(text))


def _report_problems(path: Path, problems, file_problems, skipped) -> None:
    for problem in sorted(problems, key=lambda p: p.line):
        where = f"{path}:{problem.line}" if problem.line else str(path)
        say(f"hashiya: {where}: {problem.message}")
    for name in file_problems:
        say(f"hashiya: {path}/{name}")
    for item in skipped:
        say(f"hashiya: {path}:{item.line}: skipped: {item.message}")
