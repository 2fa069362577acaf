"""`hashiya export`: write the store's annotations as training data.

Formats (each module in annotations/formats/ documents its exact shape):
native (JSONL, everything), doccano, prodigy, conll (IOB2), hf (token
classification JSONL + FILE.labels.json), spacy (.spacy DocBin; needs the
spacy extra), parquet (needs the parquet extra; --shard-rows N cuts it into
FILE-00000.parquet, … of N rows). Every JSONL record states ``offset_unit`` (codepoint) and
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

Streaming. Nothing waits for all the records: the groups (annotators, or
"agreed"), the output names and the --split parts are decided from the
store's ids (records.exported_ids) before reading, then the records are
read once per group and each is written into its file at once
(annotations/formats/stream.py). The spaCy file's categories are read from
the store's themes first. A record left out as stale still has its place
in the split's shuffle, so the other ids fall where they would anyway.

What a format cannot hold (theme spans and document themes in conll/hf,
overlapping entities) is reported on stderr with counts and ids; records
whose article text changed since they were annotated are left out and named.
"""

from __future__ import annotations

import argparse

from annotations.errors import HashiyaError
from annotations.sanitize import say

HELP = "write annotations as training data (native, doccano, prodigy, conll, hf, spacy, parquet)"


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
    parser.add_argument(
        "--shard-rows", type=positive, metavar="N",
        help="parquet: above N rows, files FILE-00000.parquet, FILE-00001.parquet, … of N rows each (default 500000); "
        "spacy: above N docs, FILE.spacy is a folder of such files (default 5000)",
    )
    parser.add_argument("--utf16", action="store_true", help="add start_utf16/end_utf16 offsets (for JavaScript tools)")
    parser.add_argument(
        "--split-clitics",
        action="store_true",
        help="accepted, no effect: token formats always split و ف ب ل ك where the corpus shows it (see README)",
    )


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of rows above 0")
    return value


def options_from(args):
    from annotations.formats.common import ExportOptions
    from annotations.model import ENTITY, KINDS, THEME

    if args.entities_only:
        return ExportOptions(utf16=args.utf16, split_clitics=args.split_clitics, kinds=(ENTITY,), themes=False)
    if args.themes_only:
        return ExportOptions(utf16=args.utf16, split_clitics=args.split_clitics, kinds=(THEME,), themes=True)
    return ExportOptions(utf16=args.utf16, split_clitics=args.split_clitics, kinds=KINDS, themes=True)


def plan_groups(args, names: list[str], ids: dict[str, set[str]]) -> dict[str, set[str]]:
    """Output group -> the ids of its records (records.exported_ids): one
    group per annotator with records, or with ``--resolve agreed`` one
    group "agreed" of the articles at least two annotators share."""
    if args.resolve == "agreed":
        from collections import Counter

        held = Counter(article_id for name in names for article_id in ids[name])
        shared = {article_id for article_id, n in held.items() if n >= 2}
        return {"agreed": shared} if shared else {}
    return {name: ids[name] for name in names if ids[name]}


def plan_bases(args, groups: dict[str, set[str]]) -> list[tuple[str | None, str]]:
    """[(group, path)] after per-annotator naming, before any split."""
    from annotations.formats.output import part_path

    if len(groups) > 1:
        return [(name, str(part_path(args.output, name))) for name in groups]
    return [(next(iter(groups), None), args.output)]


def plan_outputs(args, groups: dict[str, set[str]]) -> list[tuple[str | None, str | None, set[str] | None]]:
    """[(group, path or None for stdout, the ids of its --split part or
    None for all)] after per-annotator naming and split."""
    from annotations.formats.output import part_path
    from annotations.records import split_ids

    fmt = args.format
    if args.output is None:
        if fmt in ("spacy", "hf", "parquet"):
            raise HashiyaError(f"the {fmt} format writes files: give -o FILE")
        if args.split:
            raise HashiyaError("--split writes three files: give -o FILE")
        if len(groups) > 1 and fmt != "native":
            raise HashiyaError(
                f"{len(groups)} annotators selected ({', '.join(groups)}): give -o FILE for one file each, "
                "--annotator NAME, or --resolve agreed"
            )
        return [(name, None, None) for name in groups]
    bases = plan_bases(args, groups)
    if not args.split:
        return [(group, path, None) for group, path in bases]
    ratios = parse_split(args.split)
    parts = split_ids(set().union(*groups.values()), ratios, args.seed)
    out = []
    for group, path in bases:
        for name, ids in zip(("train", "dev", "test"), parts):
            out.append((group, str(part_path(path, name)), ids))
            if not ids & groups.get(group, set()):
                say(f"hashiya: warning: --split {args.split}: no article falls in the {name} part; {part_path(path, name)} is written empty")
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


def run(args: argparse.Namespace) -> int:
    from annotations.formats.common import ExportReport
    from itertools import chain

    from annotations.formats.output import check_name, is_stdout, refuse_inputs
    from annotations.packed import PackedSet
    from annotations.records import exported_ids, open_sources, token_evidence

    from .common import selection_from

    check_name(args.output)
    if is_stdout(args.output):
        args.output = None
    if args.format == "spacy":
        from annotations.formats.spacy_docbin import _spacy

        _spacy()  # a clear error now if spaCy is missing
    if args.format == "parquet":
        from annotations.formats.parquet import require_pyarrow

        require_pyarrow()
    # Export shows no titles: the corpus files are read only for the
    # annotated articles, once each.
    selection = selection_from(args)
    settings, corpus, store, names = open_sources(selection, titles=False)
    try:
        options = options_from(args)
        ids = exported_ids(store, corpus, names, selection.statuses)
        read_next = next(iter(ids.values())) if len(ids) == 1 else PackedSet(chain.from_iterable(ids.values()))
        options.evidence = token_evidence(args.format, corpus, settings, store, read_next)
        groups = plan_groups(args, names, ids)
        outputs = plan_outputs(args, groups)
        # every file this export writes, refused before anything is written
        # if it is an input (the corpus, its articles, the label file, the store)
        written = [path for _, path, _ in outputs if path is not None]
        if args.format == "hf":
            written.append(module_labels_path(args.output))
        if args.format == "spacy":
            from annotations.formats.spacy_docbin import config_paths

            written.extend(side for _, base in plan_bases(args, groups) for side in config_paths(base))
        if args.format == "parquet":
            from annotations.formats.parquet import planned_files

            written = [
                file
                for group, path, part in outputs
                for file in planned_files(path, expected_rows(groups, group, part), getattr(args, "shard_rows", None))
            ]
        for path in written:
            refuse_inputs(path, files=[settings.labels], corpus=settings.corpus, store=settings.store)
        report = ExportReport()
        categories = spacy_categories(args, store, ids, groups, outputs, options)
        sinks, stale, flags, hf_labels = stream_outputs(
            args, store, corpus, names, selection.statuses, groups, outputs, categories, report, options
        )
    finally:
        store.close()
    for sink in sinks:
        if sink.path is not None:
            say(f"hashiya: wrote {sink.records} record(s), {sink.spans} span(s) to {sink.described()}")
        for path in sink.remove_stale() if args.format == "parquet" else ():
            say(f"hashiya: removed {path}, a shard an earlier export left beside these files")
    if args.format == "spacy":
        from annotations.formats.spacy_docbin import write_training_config

        for group, base in plan_bases(args, groups):
            entities, themes = flags.get(group, (False, False))
            written = write_training_config(base, options, entities=entities, themes=themes, split=bool(args.split))
            if written:
                say(f"hashiya: wrote the training config {written[0]} (python -m spacy train {written[0]})")
    if args.format == "hf":
        write_hf_labels(args.output, hf_labels, settings.labels)
    return _finish(report, stale, sum(sink.records for sink in sinks))


def expected_rows(groups: dict[str, set[str]], group, part: set[str] | None) -> int:
    """How many records an output receives: its group's articles, or the
    part of them its --split share holds."""
    ids = groups.get(group, set())
    return len(ids) if part is None else len(part & ids)


def module_labels_path(output) -> str:
    from annotations.formats.hf import labels_path

    return labels_path(output)


def write_hf_labels(output, used: set[str], schema_file) -> None:
    """FILE.labels.json: the labels the hf export used and the schema's."""
    import json

    from annotations.formats.hf import label_list, labels_path
    from annotations.formats.output import write_text_file
    from annotations.schema import load_schema

    labels = used | {label.name for label in load_schema(schema_file).entities}
    write_text_file(
        labels_path(output),
        lambda stream: stream.write(json.dumps(label_list(labels), ensure_ascii=False, indent=1) + "\n"),
    )
    say(f"hashiya: wrote the label list to {labels_path(output)}")


def stream_outputs(args, store, corpus, names, statuses, groups, outputs, categories, report, options):
    """Read the records once per output group (an annotator, or all of
    them for --resolve agreed) and write each into its output at once.
    Returns (the sinks, in output order; stale records; group -> (has an
    entity span, has a document theme), for the spaCy training config;
    the entity labels the hf format wrote)."""
    from contextlib import ExitStack

    from annotations.formats.stream import open_sink
    from annotations.records import Agreed, agreed_records, gc_paused, iter_records, warn_missing_articles

    stale: list[str] = []
    flags: dict[str | None, tuple[bool, bool]] = {}
    tally = Agreed()
    hf_labels: set[str] = set()
    sinks = []
    # the records pass through: the cyclic GC has nothing to find
    with gc_paused(), ExitStack() as stack:
        shared = None
        for index, (group, path, part) in enumerate(outputs):
            if path is None and shared is not None:
                continue
            sink = open_sink(
                args.format, path, stack, report, options, labels=hf_labels,
                categories=categories[index], shard_rows=getattr(args, "shard_rows", None),
                expected=expected_rows(groups, group, part),
            )
            sink.group, sink.part = group, part
            sinks.append(sink)
            if path is None:
                shared = sink
        # --resolve agreed reads the records even when no article is shared,
        # to say how many were skipped
        for group in list(groups) or (["agreed"] if args.resolve == "agreed" else []):
            mine = [sink for sink in sinks if sink.group == group] or [s for s in sinks if s.group is None] or [shared]
            where = {article_id: sink for sink in mine if sink.part for article_id in sink.part}
            readers = names if args.resolve == "agreed" else [group]
            records = iter_records(store, corpus, readers, statuses, stale, label="export", warn_missing=False)
            if args.resolve == "agreed":
                records = agreed_records(records, tally)
            entities = themes = False
            for record in records:
                sink = where.get(record.id, mine[0]) if where else mine[0]
                if sink is not None:  # None: standard output, and no group was planned
                    sink.add(record)
                entities = entities or any(span.kind == "entity" for span in record.spans)
                themes = themes or bool(record.themes)
            flags[group] = (entities, themes)
        for sink in sinks:
            sink.close()
    warn_missing_articles(store, corpus, names)
    if args.resolve == "agreed":
        tally.say()
    return sinks, stale, flags, hf_labels


def spacy_categories(args, store, ids, groups, outputs, options) -> list[list[str]]:
    """For each output, the document themes of its records (a spaCy file's
    categories, which every Doc of it needs), read from the store before
    the records stream (no article text is read)."""
    if args.format != "spacy" or not options.themes:
        return [[] for _ in outputs]
    from annotations.store.reading import themes as read_themes

    # (group, article) -> its themes (agreed: those all its annotators share)
    held: dict[tuple[str, str], frozenset[str]] = {}
    for name, mine in ids.items():
        group = "agreed" if args.resolve == "agreed" else name
        for article_id, themes in read_themes(store, name, sorted(mine & groups.get(group, set()))):
            key = (group, article_id)
            held[key] = held[key] & frozenset(themes) if key in held else frozenset(themes)
    out = []
    for group, _, part in outputs:
        chosen = groups.get(group, set()) if part is None else part & groups.get(group, set())
        out.append(sorted(set().union(*(held[(group, article_id)] for article_id in chosen))))
    return out


def _finish(report, stale: list[str], n_records: int) -> int:
    from annotations.records import warn_stale

    for line in report.lines():
        say(f"hashiya: {line}")
    warn_stale(stale)
    if not n_records:
        say("hashiya: nothing matched: no records exported")
    return 0
