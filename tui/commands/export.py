"""`hashiya export`: write the store's annotations as training data.

Formats (each module in annotations/formats/ documents its exact shape):
native (JSONL, everything), doccano, prodigy, conll (IOB2), hf (token
classification JSONL + FILE.labels.json), spacy (.spacy DocBin; needs the
spacy extra). Every JSONL record states ``offset_unit`` (codepoint) and
``direction`` (rtl/ltr).

Output naming. Without -o (or with ``-o -``) the data goes to stdout (not
for spacy and hf, which need files); there, characters a terminal would act
on (controls, bidi formatting) are written as JSON escapes in the JSON
formats, as visible symbols in CoNLL (``-o FILE`` keeps every byte). With several annotators selected, ``--resolve
per-annotator`` (the default) writes one file per annotator, the name put
before the suffix (out.jsonl -> out.alice.jsonl, out.bob.jsonl); native may
also go to stdout, since each record names its annotator. ``--resolve
agreed`` writes one file holding, for each article at least two selected
annotators share, only the spans and themes all of them marked (annotator
"agreed"). ``--split 80/10/10 --seed N`` splits by article (all of an
article's records in the same part) and writes out.train.jsonl,
out.dev.jsonl, out.test.jsonl (out.alice.train.jsonl with several
annotators). A file is written whole or not at all, never over an input
of the export (the corpus, its articles, the label file, the store), and
as annotations/formats/output.py says (modes, devices, links).

What a format cannot hold (theme spans and document themes in conll/hf,
overlapping entities) is reported on stderr with counts and ids; records
whose article text changed since they were annotated are left out and named.
"""

from __future__ import annotations

import argparse
import sys

from annotations.errors import HashiyaError
from annotations.sanitize import EscapingStream, json_visible, say, visible_lines

HELP = "write annotations as training data (native, doccano, prodigy, conll, hf, spacy)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from annotations.formats import EXPORT_FORMATS
    from .common import add_resolve_argument, add_selection_arguments

    add_selection_arguments(parser, annotator_help="whose annotations (repeat for several; default all)")
    parser.add_argument("--format", "-f", choices=EXPORT_FORMATS, default="native", help="output format (default native)")
    parser.add_argument("-o", "--output", metavar="FILE", help="output file (default, or -: stdout)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--entities-only", action="store_true", help="only entity spans (no theme spans or document themes)")
    only.add_argument("--themes-only", action="store_true", help="only theme spans and document themes")
    parser.add_argument("--split", metavar="TRAIN/DEV/TEST", help="split articles, e.g. 80/10/10, into FILE.train/.dev/.test")
    parser.add_argument("--seed", type=int, default=0, help="seed of the --split shuffle (default 0)")
    add_resolve_argument(parser, help="several annotators: one file each (default) or only the spans they agree on")
    parser.add_argument("--utf16", action="store_true", help="add start_utf16/end_utf16 offsets (for JavaScript tools)")
    parser.add_argument(
        "--split-clitics",
        action="store_true",
        help="accepted, no effect: token formats always split و ف ب ل ك where the corpus shows it (see README)",
    )


def options_from(args):
    from annotations.formats.common import ExportOptions
    from annotations.model import ENTITY, KINDS, THEME

    if args.entities_only:
        return ExportOptions(utf16=args.utf16, split_clitics=args.split_clitics, kinds=(ENTITY,), themes=False)
    if args.themes_only:
        return ExportOptions(utf16=args.utf16, split_clitics=args.split_clitics, kinds=(THEME,), themes=True)
    return ExportOptions(utf16=args.utf16, split_clitics=args.split_clitics, kinds=KINDS, themes=True)


def plan_bases(args, groups: dict[str, list]) -> list[tuple[str, list]]:
    """[(path, records)] after per-annotator naming, before any split."""
    from annotations.formats.output import part_path

    if len(groups) > 1:
        return [(str(part_path(args.output, name)), records) for name, records in groups.items()]
    return [(args.output, next(iter(groups.values()), []))]


def plan_outputs(args, groups: dict[str, list]) -> list[tuple[str | None, list]]:
    """[(path or None for stdout, records)] after per-annotator naming and split."""
    from annotations.formats.output import part_path
    from annotations.records import split_ids

    fmt = args.format
    if args.output is None:
        if fmt in ("spacy", "hf"):
            raise HashiyaError(f"the {fmt} format writes files: give -o FILE")
        if args.split:
            raise HashiyaError("--split writes three files: give -o FILE")
        if len(groups) > 1 and fmt != "native":
            raise HashiyaError(
                f"{len(groups)} annotators selected ({', '.join(groups)}): give -o FILE for one file each, "
                "--annotator NAME, or --resolve agreed"
            )
        return [(None, [r for records in groups.values() for r in records])]
    bases = plan_bases(args, groups)
    if not args.split:
        return bases
    ratios = parse_split(args.split)
    all_ids = [r.id for _, records in bases for r in records]
    parts = split_ids(all_ids, ratios, args.seed)
    out = []
    for path, records in bases:
        for name, ids in zip(("train", "dev", "test"), parts):
            out.append((str(part_path(path, name)), [r for r in records if r.id in ids]))
    return out


def parse_split(text: str) -> tuple[int, int, int]:
    """--split 80/10/10 (or 80:10:10, 80,10,10) as (train, dev, test) ratios."""
    pieces = text.replace(":", "/").replace(",", "/").split("/")
    try:
        numbers = tuple(int(p) for p in pieces)
    except ValueError:
        numbers = ()
    if len(numbers) != 3 or any(n < 0 for n in numbers) or sum(numbers) <= 0:
        raise HashiyaError(f"--split {text!r}: give three whole numbers like 80/10/10 (train/dev/test)")
    return numbers  # type: ignore[return-value]


def streams(args, names: list[str]) -> bool:
    """True when the export goes to one file from one annotator's records as
    they are read (no grouping, split or agreement needs them all first):
    each record is written as soon as it is read, and none is kept."""
    return (
        args.output is not None
        and args.resolve == "per-annotator"
        and not args.split
        and args.format not in ("spacy", "hf")
        and len(names) == 1
    )


def run(args: argparse.Namespace) -> int:
    import json

    from annotations.formats import module
    from annotations.formats.common import ExportReport
    from annotations.formats.output import write_text_file
    from annotations.records import gc_paused, group_records, iter_records, open_sources, read_records, token_evidence

    from .common import selection_from

    from annotations.formats.output import check_name, is_stdout

    check_name(args.output)
    if is_stdout(args.output):
        args.output = None
    fmt_module = module(args.format)
    if args.format == "spacy":
        fmt_module._spacy()  # a clear error now if spaCy is missing
    # Export shows no titles: the corpus files are read only for the
    # annotated articles, once each.
    selection = selection_from(args)
    settings, corpus, store, names = open_sources(selection, titles=False)
    options = options_from(args)
    try:
        options.evidence = token_evidence(args.format, corpus, settings, store)
    except BaseException:
        store.close()
        raise
    report = ExportReport()

    def check_output(path) -> None:
        from annotations.formats.output import refuse_inputs

        refuse_inputs(path, files=[settings.labels], corpus=settings.corpus, store=settings.store)

    if streams(args, names):
        try:
            check_output(args.output)
        except HashiyaError:
            store.close()
            raise
        stale: list[str] = []
        written = 0

        def records_read():
            nonlocal written
            for record in iter_records(store, corpus, names, selection.statuses, stale, label="export"):
                written += 1
                yield record

        try:
            # the records pass through: the cyclic GC has nothing to find
            with gc_paused():
                write_text_file(args.output, lambda stream: fmt_module.write(records_read(), stream, report, options))
        finally:
            store.close()
        say(f"hashiya: wrote {written} record(s) to {args.output}")
        return _finish(report, stale, written)
    try:
        records, stale = read_records(store, corpus, names, selection.statuses, label="export")
    finally:
        store.close()
    groups = group_records(records, args.resolve)
    outputs = plan_outputs(args, groups)
    for path, _ in outputs:
        if path is not None:
            check_output(path)
    if args.format == "hf":
        check_output(fmt_module.labels_path(args.output))
    hf_labels: set[str] = set()
    for path, recs in outputs:
        if args.format == "spacy":
            fmt_module.write_path(recs, path, report, options)
        elif path is None:
            escape = visible_lines if args.format == "conll" else json_visible
            fmt_module.write(recs, EscapingStream(sys.stdout, escape), report, options)
            sys.stdout.flush()
        elif args.format == "hf":
            write_text_file(path, lambda stream, recs=recs: fmt_module.write(recs, stream, report, options, hf_labels))
        else:
            write_text_file(path, lambda stream, recs=recs: fmt_module.write(recs, stream, report, options))
        if path is not None:
            say(f"hashiya: wrote {len(recs)} record(s) to {path}")
    if args.format == "spacy":
        for base, recs in plan_bases(args, groups):
            written = fmt_module.write_training_config(base, recs, options, split=bool(args.split))
            if written:
                say(f"hashiya: wrote the training config {written[0]} (python -m spacy train {written[0]})")
    if args.format == "hf":
        from annotations.schema import load_schema

        labels = hf_labels | {label.name for label in load_schema(settings.labels).entities}
        labels_file = fmt_module.labels_path(args.output)
        write_text_file(
            labels_file,
            lambda stream: stream.write(json.dumps(fmt_module.label_list(labels), ensure_ascii=False, indent=1) + "\n"),
        )
        say(f"hashiya: wrote the label list to {labels_file}")
    return _finish(report, stale, len(records))


def _finish(report, stale: list[str], n_records: int) -> int:
    from annotations.records import warn_stale

    for line in report.lines():
        say(f"hashiya: {line}")
    warn_stale(stale)
    if not n_records:
        say("hashiya: nothing matched: no records exported")
    return 0
