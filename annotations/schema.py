"""The label schema: entity and theme labels read from a TOML file.

A schema file holds ``[[entity]]`` and ``[[theme]]`` tables, each with
``name``, ``key`` (one key that applies the label), ``colour`` and
``description``. A bad file is rejected with a message that names the line.

An optional **gazetteer** lists known words and names, as a top-level
``gazetteer = ["...", ...]`` and/or a ``gazetteer`` list in an
``[[entity]]`` table (the names of that label). Each item is a non-empty
string (a word or a phrase). ``Schema.gazetteer`` is all of them, the
top-level list first: they are evidence for proclitic segmentation
(:mod:`annotations.segment`: بدمشق is cut when دمشق is listed).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import SchemaError
from .fileio import TooLarge, read_to_end
from .model import ENTITY, THEME

DEFAULT_SCHEMA_PATH = Path(__file__).with_name("default_labels.toml")
MAX_LABEL_FILE_BYTES = 1 << 20  # a schema of thousands of labels is far smaller
FIELDS = {"name", "key", "colour", "description"}
GAZETTEER = "gazetteer"
EXAMPLES = "examples"  # annotation guidelines: example phrases for a label
REQUIRED = {"name", "key"}
#: Each label has a key of its own and a row in the reader's keys, help and
#: picker: a schema of more labels than this is refused, naming the line.
MAX_LABELS = 1000
_NAME_RE = re.compile(r"^[^\s\[\]]+$")
_COLOUR_RE = re.compile(r"^(#[0-9a-fA-F]{6}|[a-z_]+[0-9]*)$")


@dataclass(frozen=True)
class Label:
    name: str
    kind: str
    key: str
    colour: str = "white"
    description: str = ""
    gazetteer: tuple[str, ...] = ()
    #: guideline examples (phrases, Arabic or Latin) shown beside the description
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    labels: tuple[Label, ...]
    source: str = "built-in"
    #: known words and names: the top-level list, then each entity's
    gazetteer: tuple[str, ...] = ()
    #: one line each: what loads but is likely a mistake (two entity colours
    #: too close to tell apart); the app notifies them, the CLI prints them on stderr
    warnings: tuple[str, ...] = ()

    @property
    def entities(self) -> tuple[Label, ...]:
        return tuple(label for label in self.labels if label.kind == ENTITY)

    @property
    def themes(self) -> tuple[Label, ...]:
        return tuple(label for label in self.labels if label.kind == THEME)

    def by_key(self, key: str) -> Label | None:
        for label in self.labels:
            if label.key == key:
                return label
        return None

    def get(self, name: str) -> Label | None:
        for label in self.labels:
            if label.name == name:
                return label
        return None

    def kind_of(self, name: str) -> str | None:
        label = self.get(name)
        return label.kind if label else None


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    """1-based line of the first line at or after `start` containing `needle`."""
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return 0


def _table_lines(lines: list[str], kind: str) -> list[int]:
    header = re.compile(rf"^\s*\[\[\s*{kind}\s*\]\]")
    return [n for n, line in enumerate(lines) if header.match(line)]


def parse_schema(source: str, name: str = "<labels>") -> Schema:
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"{name}: not valid TOML: {exc}") from None
    except RecursionError:
        raise SchemaError(f"{name}: not valid TOML: nested too deeply") from None
    lines = source.splitlines()
    unknown_tables = set(data) - {ENTITY, THEME, GAZETTEER}
    if unknown_tables:
        bad = sorted(unknown_tables)[0]
        line = _line_of(lines, bad)
        raise SchemaError(
            f"{name}:{line}: unknown table {bad!r} (expected [[entity]] and [[theme]], "
            f"and an optional gazetteer list)"
        )
    gazetteer = list(_gazetteer(data, lines, name, 0, "the top level"))
    labels: list[Label] = []
    seen_keys: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for kind in (ENTITY, THEME):
        tables = data.get(kind, [])
        if not isinstance(tables, list):
            line = _line_of(lines, kind)
            raise SchemaError(f"{name}:{line}: {kind} must be written as [[{kind}]] tables")
        starts = _table_lines(lines, kind)
        for index, table in enumerate(tables):
            line0 = starts[index] if index < len(starts) else 0
            where = f"{name}:{line0 + 1}"
            if len(labels) == MAX_LABELS:
                total = sum(len(data.get(k, [])) for k in (ENTITY, THEME) if isinstance(data.get(k), list))
                raise SchemaError(
                    f"{where}: too many labels ({total:,}); a schema may define at most "
                    f"{MAX_LABELS:,} (each needs a key of its own)"
                )
            allowed = (FIELDS | {GAZETTEER} if kind == ENTITY else FIELDS) | {EXAMPLES}
            for key in table:
                if key not in allowed:
                    raise SchemaError(
                        f"{name}:{_line_of(lines, key, line0)}: unknown field {key!r} in "
                        f"[[{kind}]] (allowed: {', '.join(sorted(allowed))})"
                    )
            names = tuple(_gazetteer(table, lines, name, line0, f"[[{kind}]]"))
            gazetteer += names
            examples = tuple(_examples(table, lines, name, line0, f"[[{kind}]]"))
            missing = REQUIRED - set(table)
            if missing:
                raise SchemaError(f"{where}: [[{kind}]] is missing {', '.join(sorted(missing))}")
            for key in FIELDS & set(table):
                if not isinstance(table[key], str):
                    raise SchemaError(
                        f"{name}:{_line_of(lines, key, line0)}: {key} must be a string"
                    )
            label_name = table["name"].strip()
            name_line = _line_of(lines, "name", line0)
            if not label_name:
                raise SchemaError(f"{name}:{name_line}: label name is empty")
            if not _NAME_RE.match(label_name):
                raise SchemaError(
                    f"{name}:{name_line}: label name {label_name!r} may not contain spaces or brackets"
                )
            if label_name in seen_names:
                raise SchemaError(
                    f"{name}:{name_line}: label {label_name!r} is defined twice "
                    f"(first at line {seen_names[label_name]})"
                )
            seen_names[label_name] = name_line
            key = table["key"]
            key_line = _line_of(lines, "key", line0)
            if len(key) != 1 or key.isspace():
                raise SchemaError(f"{name}:{key_line}: key must be exactly one character, got {key!r}")
            if key in seen_keys:
                raise SchemaError(
                    f"{name}:{key_line}: key {key!r} is already used by the label at line "
                    f"{seen_keys[key]}"
                )
            seen_keys[key] = key_line
            colour = table.get("colour", "white").strip()
            if not _COLOUR_RE.match(colour) or not _is_colour(colour):
                raise SchemaError(
                    f"{name}:{_line_of(lines, 'colour', line0)}: colour {colour!r} is not a "
                    f"colour name or #rrggbb"
                )
            labels.append(
                Label(
                    name=label_name,
                    kind=kind,
                    key=key,
                    colour=colour,
                    description=table.get("description", "").strip(),
                    gazetteer=names,
                    examples=examples,
                )
            )
    if not labels:
        raise SchemaError(f"{name}: defines no labels (add [[entity]] or [[theme]] tables)")
    return Schema(
        labels=tuple(labels),
        source=name,
        gazetteer=tuple(dict.fromkeys(gazetteer)),
        warnings=_colour_warnings(labels, name),
    )


def _colour_warnings(labels: list[Label], name: str) -> tuple[str, ...]:
    """A warning for each pair of entity labels whose backgrounds are too
    close to tell apart in some colour system the terminal may use."""
    from .colours import close_pairs

    entities = [(label.name, label.colour) for label in labels if label.kind == ENTITY]
    if len(entities) > 60:  # pairs grow as the square; beyond this no palette keeps them apart
        return ()
    return tuple(
        f"{name}: labels {first} and {second} have colours too close to tell apart "
        f"({'in ' + system + ' colours' if system != 'truecolor' else 'in truecolor'}, "
        f"difference {gap:.1f})"
        for first, second, system, gap in close_pairs(entities)
    )


def _is_colour(colour: str) -> bool:
    """Whether the app can draw `colour`: it is checked with the parser the
    reader's styles use (Rich's, installed with hashiya), so a name it does
    not know is refused here, with its line, rather than on screen."""
    from rich.color import Color, ColorParseError

    try:
        Color.parse(colour)
    except ColorParseError:
        return False
    return True


def _examples(table: dict, lines: list[str], name: str, line0: int, where: str) -> list[str]:
    """A label's ``examples`` (guidelines), checked: a list of non-empty strings."""
    return _strings(table, EXAMPLES, lines, name, line0, where)


def _gazetteer(table: dict, lines: list[str], name: str, line0: int, where: str) -> list[str]:
    """The gazetteer list of `table` (top level or one [[entity]]), checked:
    a list of non-empty strings."""
    return _strings(table, GAZETTEER, lines, name, line0, where)


def _strings(table: dict, field: str, lines: list[str], name: str, line0: int, where: str) -> list[str]:
    """``table[field]`` as a list of non-empty strings (stripped); [] when absent."""
    if field not in table:
        return []
    items = table[field]
    line = _line_of(lines, field, line0)
    if not isinstance(items, list):
        raise SchemaError(f"{name}:{line}: {field} in {where} must be a list of strings")
    out = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise SchemaError(
                f"{name}:{line}: {field} in {where}: every item must be a non-empty string, not {item!r}"
            )
        out.append(item.strip())
    return out


def load_schema(path: str | Path | None = None) -> Schema:
    """Load a schema file, or the built-in default when `path` is None."""
    target = Path(path) if path else DEFAULT_SCHEMA_PATH
    try:
        fd = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                raise SchemaError(f"{target}: is a device, not a label file")
            raw = read_to_end(fd, regular=stat.S_ISREG(mode), limit=MAX_LABEL_FILE_BYTES)
        finally:
            os.close(fd)
    except TooLarge:
        raise SchemaError(f"{target}: label file larger than {MAX_LABEL_FILE_BYTES >> 20} MB") from None
    except OSError as exc:
        raise SchemaError(f"{target}: cannot read label file: {exc.strerror or exc}") from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{target}: label file is not UTF-8 (byte {exc.start})") from None
    schema = parse_schema(source, str(target) if path else "built-in labels")
    return schema
