#!/usr/bin/env python3
"""Generate tui/_unicode_tables.py from the Unicode Character Database.

Reads (Debian package ``unicode-data``, Unicode 15.0):

* ``extracted/DerivedBidiClass.txt`` -- Bidi_Class of every code point, including the
  defaults of unassigned code points given by its ``@missing`` lines (R/AL blocks,
  ET for Currency Symbols, L elsewhere);
* ``extracted/DerivedBinaryProperties.txt`` -- the Bidi_Mirrored property;
* ``BidiBrackets.txt`` -- paired brackets (rule N0), with ``UnicodeData.txt`` for the
  brackets' singleton canonical decompositions (U+2329 -> U+3008, U+232A -> U+3009), which
  BD16 must treat as the same bracket;
* ``BidiMirroring.txt`` -- Bidi_Mirroring_Glyph (rule L4).

The output is a plain Python module of sorted range tables, so that the runtime never
needs /usr/share/unicode.  Usage::

    python scripts/gen_unicode_tables.py [--ucd /usr/share/unicode] [-o tui/_unicode_tables.py]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# The long property value names used in @missing lines, and the short ones of the data.
LONG_NAMES = {
    "Left_To_Right": "L",
    "Right_To_Left": "R",
    "Arabic_Letter": "AL",
    "European_Number": "EN",
    "European_Separator": "ES",
    "European_Terminator": "ET",
    "Arabic_Number": "AN",
    "Common_Separator": "CS",
    "Nonspacing_Mark": "NSM",
    "Boundary_Neutral": "BN",
    "Paragraph_Separator": "B",
    "Segment_Separator": "S",
    "White_Space": "WS",
    "Other_Neutral": "ON",
    "Left_To_Right_Embedding": "LRE",
    "Left_To_Right_Override": "LRO",
    "Right_To_Left_Embedding": "RLE",
    "Right_To_Left_Override": "RLO",
    "Pop_Directional_Format": "PDF",
    "Left_To_Right_Isolate": "LRI",
    "Right_To_Left_Isolate": "RLI",
    "First_Strong_Isolate": "FSI",
    "Pop_Directional_Isolate": "PDI",
}

# Order of the class names in the generated module (index = class number).
CLASS_NAMES = (
    "L", "R", "AL", "EN", "ES", "ET", "AN", "CS", "NSM", "BN", "B", "S", "WS", "ON",
    "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI",
)

MAX_CP = 0x10FFFF


def _code_range(field: str) -> tuple[int, int]:
    field = field.strip()
    if ".." in field:
        lo, hi = field.split("..")
        return int(lo, 16), int(hi, 16)
    cp = int(field, 16)
    return cp, cp


def _data_lines(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        body = line.split("#", 1)[0].strip()
        if body:
            yield [f.strip() for f in body.split(";")]


def read_bidi_classes(path: Path) -> list[int]:
    """One class number per code point, @missing defaults applied first (in file order,
    later lines overriding earlier ones), then the explicit assignments."""
    index = {name: i for i, name in enumerate(CLASS_NAMES)}
    classes = bytearray(MAX_CP + 1)  # 0 == L
    missing = re.compile(r"^#\s*@missing:\s*([0-9A-Fa-f.]+)\s*;\s*(\w+)")
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        m = missing.match(line)
        if m:
            lo, hi = _code_range(m.group(1))
            name = LONG_NAMES.get(m.group(2), m.group(2))
            classes[lo : hi + 1] = bytes([index[name]]) * (hi - lo + 1)
    for fields in _data_lines(path):
        lo, hi = _code_range(fields[0])
        classes[lo : hi + 1] = bytes([index[fields[1]]]) * (hi - lo + 1)
    return list(classes)


def compress(values: list[int]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    vals: list[int] = []
    prev = None
    for cp, v in enumerate(values):
        if v != prev:
            starts.append(cp)
            vals.append(v)
            prev = v
    return starts, vals


def read_mirrored_property(path: Path) -> list[tuple[int, int]]:
    ranges = []
    for fields in _data_lines(path):
        if fields[1] == "Bidi_Mirrored":
            ranges.append(_code_range(fields[0]))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if merged and lo == merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def read_brackets(path: Path) -> dict[int, tuple[int, str]]:
    out = {}
    for fields in _data_lines(path):
        out[int(fields[0], 16)] = (int(fields[1], 16), fields[2])
    return out


def read_bracket_canonical(path: Path, brackets: dict[int, tuple[int, str]]) -> dict[int, int]:
    """Bracket code point -> the code point of its singleton canonical decomposition."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split(";")
        cp = int(fields[0], 16)
        decomposition = fields[5].split()
        if cp in brackets and len(decomposition) == 1 and not decomposition[0].startswith("<"):
            out[cp] = int(decomposition[0], 16)
    return out


def read_mirroring(path: Path) -> dict[int, int]:
    return {int(f[0], 16): int(f[1], 16) for f in _data_lines(path)}


def _wrap_ints(values, per_line: int = 12, fmt: str = "0x{:X}") -> str:
    items = [fmt.format(v) for v in values]
    lines = []
    for i in range(0, len(items), per_line):
        lines.append("    " + ", ".join(items[i : i + per_line]) + ",")
    return "\n".join(lines)


def render(ucd: Path) -> str:
    classes = read_bidi_classes(ucd / "extracted" / "DerivedBidiClass.txt")
    starts, vals = compress(classes)
    mirrored = read_mirrored_property(ucd / "extracted" / "DerivedBinaryProperties.txt")
    brackets = read_brackets(ucd / "BidiBrackets.txt")
    canonical = read_bracket_canonical(ucd / "UnicodeData.txt", brackets)
    mirroring = read_mirroring(ucd / "BidiMirroring.txt")
    version = "unknown"
    first = (ucd / "extracted" / "DerivedBidiClass.txt").read_text(encoding="utf-8").splitlines()[0]
    m = re.search(r"-(\d+\.\d+\.\d+)", first)
    if m:
        version = m.group(1)

    out = []
    out.append('"""Unicode bidi data tables, generated by scripts/gen_unicode_tables.py.')
    out.append("")
    out.append(f"Source: Unicode Character Database {version} (DerivedBidiClass.txt with its")
    out.append("@missing defaults, DerivedBinaryProperties.txt, BidiBrackets.txt, BidiMirroring.txt,")
    out.append("UnicodeData.txt for the brackets' canonical decompositions).")
    out.append("Do not edit by hand: re-run the script.")
    out.append('"""')
    out.append("")
    out.append(f"UNICODE_VERSION = {version!r}")
    out.append("")
    out.append("# Bidi_Class names, indexed by the class numbers used below.")
    out.append(f"CLASS_NAMES = {CLASS_NAMES!r}")
    out.append("")
    out.append("# Bidi_Class by range: code points BIDI_STARTS[i] .. BIDI_STARTS[i+1]-1 have class")
    out.append("# number BIDI_VALUES[i].  Look up with bisect_right(BIDI_STARTS, cp) - 1.")
    out.append("BIDI_STARTS = (")
    out.append(_wrap_ints(starts))
    out.append(")")
    out.append("BIDI_VALUES = bytes((")
    out.append(_wrap_ints(vals, per_line=24, fmt="{}"))
    out.append("))")
    out.append("")
    out.append("# Bidi_Mirrored=Yes, as sorted inclusive ranges (lo, hi).")
    out.append("MIRRORED_RANGES = (")
    for lo, hi in mirrored:
        out.append(f"    (0x{lo:X}, 0x{hi:X}),")
    out.append(")")
    out.append("")
    out.append("# Bidi_Mirroring_Glyph: code point -> mirrored code point.")
    out.append("MIRRORING = {")
    items = [f"0x{k:X}: 0x{v:X}" for k, v in sorted(mirroring.items())]
    for i in range(0, len(items), 6):
        out.append("    " + ", ".join(items[i : i + 6]) + ",")
    out.append("}")
    out.append("")
    out.append("# Paired brackets: code point -> (Bidi_Paired_Bracket, 'o' open | 'c' close).")
    out.append("BRACKETS = {")
    for k, (v, t) in sorted(brackets.items()):
        out.append(f"    0x{k:X}: (0x{v:X}, {t!r}),")
    out.append("}")
    out.append("")
    out.append("# Brackets with a singleton canonical decomposition: code point -> its equivalent.")
    out.append("BRACKET_CANONICAL = {")
    for k, v in sorted(canonical.items()):
        out.append(f"    0x{k:X}: 0x{v:X},")
    out.append("}")
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ucd", type=Path, default=Path("/usr/share/unicode"))
    parser.add_argument(
        "-o", "--output", type=Path,
        default=Path(__file__).resolve().parent.parent / "tui" / "_unicode_tables.py",
    )
    args = parser.parse_args(argv)
    needed = [
        args.ucd / "extracted" / "DerivedBidiClass.txt",
        args.ucd / "extracted" / "DerivedBinaryProperties.txt",
        args.ucd / "BidiBrackets.txt",
        args.ucd / "BidiMirroring.txt",
        args.ucd / "UnicodeData.txt",
    ]
    absent = [str(p) for p in needed if not p.is_file()]
    if absent:
        print(f"error: missing {', '.join(absent)} (install the unicode-data package)", file=sys.stderr)
        return 1
    args.output.write_text(render(args.ucd), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
