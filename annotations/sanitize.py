"""What may reach the terminal: visible stand-ins for characters that must not.

Article text is untrusted. Nothing in it is ever sent to the terminal as a control
sequence, and nothing in it may silently change the order in which the annotator reads it.

Control characters
    C0 controls (U+0000-U+001F, except tab and newline, which the layout handles) are shown
    as the matching symbol of the Control Pictures block (U+2400 + code, e.g. ESC -> "␛"),
    DEL as "␡", NEL (U+0085) as "␤", the other C1 controls (U+0080-U+009F) as "␦", and a
    lone surrogate (possible in a Python string, never in UTF-8) as U+FFFD.

Bidi formatting characters ("Trojan Source")
    The embeddings, overrides and pops (U+202A-U+202E), isolates (U+2066-U+2069) and marks
    (LRM U+200E, RLM U+200F, ALM U+061C) are shown as one visible marker cell each (table
    ``BIDI_MARKERS``: arrows pointing the way the character pushes text) at their logical
    position, with their offsets kept, and they have NO effect on the order of what is
    shown: the layout computes bidi levels on a copy of the paragraph in which every such
    character (and every control, and the line/paragraph separators U+2028/U+2029) is
    replaced by ``NEUTRAL`` (U+FFFC, bidi class ON). So a line crafted to display one thing
    while meaning another is shown in its true logical order, with the tricks in plain
    sight. Annotation offsets always refer to the true text, so this is also the order in
    which offsets make sense.

Every marker is one terminal column wide (East Asian width N, not mirrored), and cells
made of markers carry ``marker=True`` so the reader can draw them dimmed or reversed.

This module is the one place that decides what may reach a terminal: the layout engine
(``tui.layout``) draws articles with it, and every line the command line prints that
holds data (ids, file names, labels, span text, error messages quoting them) goes
through ``visible``.
"""

from __future__ import annotations

import re
import sys

NEUTRAL = "\ufffc"  # bidi class ON: what a neutralised character counts as for levels

BIDI_MARKERS = {
    "\u200e": "\u21e2",  # LRM  ⇢
    "\u200f": "\u21e0",  # RLM  ⇠
    "\u061c": "\u21dc",  # ALM  ⇜
    "\u202a": "\u21e8",  # LRE  ⇨
    "\u202b": "\u21e6",  # RLE  ⇦
    "\u202c": "\u21de",  # PDF  ⇞
    "\u202d": "\u21db",  # LRO  ⇛
    "\u202e": "\u21da",  # RLO  ⇚
    "\u2066": "\u21fe",  # LRI  ⇾
    "\u2067": "\u21fd",  # RLI  ⇽
    "\u2068": "\u21ff",  # FSI  ⇿
    "\u2069": "\u21df",  # PDI  ⇟
}

SEPARATOR_MARKERS = {
    "\u2028": "\u23ce",  # LINE SEPARATOR       ⏎
    "\u2029": "\u204b",  # PARAGRAPH SEPARATOR  ⁋
}

NEWLINE_MARKER = "\u23ce"  # "\n" inside a one-line display (display_line)


def marker_for(ch: str) -> str | None:
    """The visible stand-in for ``ch``, or None if ``ch`` may be drawn as itself.

    Tab and newline are not handled here (the layout expands tabs and splits paragraphs).
    """
    o = ord(ch)
    if o < 0x20:
        return chr(0x2400 + o)
    if o < 0x7F:
        return None
    if o == 0x7F:
        return "\u2421"
    if o <= 0x9F:
        return "\u2424" if o == 0x85 else "\u2426"
    if o < 0x061C:
        return None
    m = BIDI_MARKERS.get(ch)
    if m is not None:
        return m
    m = SEPARATOR_MARKERS.get(ch)
    if m is not None:
        return m
    if 0xD800 <= o <= 0xDFFF:
        return "\ufffd"
    return None


# Everything marker_for replaces, tab and newline aside (kept in sync by a test).
_MARKED_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ud800-\udfff]"
)


def needs_marker(text: str) -> bool:
    """Quick test: does ``text`` hold anything ``marker_for`` would replace (tab aside)?"""
    return _MARKED_RE.search(text) is not None


def neutralise(text: str) -> str:
    """``text`` with every marker character replaced by NEUTRAL (same length).

    Tabs are kept (class S, they end a segment as they should); newlines never reach here.
    """
    if _MARKED_RE.search(text) is None:
        return text
    return _MARKED_RE.sub(NEUTRAL, text)


def visible(text: str) -> str:
    """``text`` with every control / bidi format character replaced by its marker,
    tabs as one space and newlines as ⏎: safe to print, no reordering, no shaping."""
    if _MARKED_RE.search(text) is None and "\n" not in text and "\t" not in text:
        return text  # the usual case, a status line on every key among them
    out = []
    for ch in text:
        if ch == "\n":
            out.append(NEWLINE_MARKER)
        elif ch == "\t":
            out.append(" ")
        else:
            m = marker_for(ch)
            out.append(ch if m is None else m)
    return "".join(out)


def visible_lines(text: str) -> str:
    """``visible`` for text of several lines: each line on its own, the line
    breaks kept (tables and CoNLL printed by the command line)."""
    if _MARKED_RE.search(text) is None:
        return text
    return "\n".join(map(visible, text.split("\n")))


def json_visible(text: str) -> str:
    """JSON text with every character ``visible`` would replace written as
    its ``\\u`` escape: the same JSON values, nothing a terminal acts on. (Such
    characters can stand only inside JSON strings, where a character and its
    escape mean the same; JSON writers escape the C0 controls themselves.)"""
    if _MARKED_RE.search(text) is None:
        return text
    return _MARKED_RE.sub(_json_escape, text)


def _json_escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def say(message: str, stream=None) -> None:
    """Print one line of the command line's (a message that may quote data:
    ids, file names, labels, span text) through ``visible``; to stderr
    unless ``stream`` is given."""
    print(visible(message), file=stream if stream is not None else sys.stderr)


class EscapingStream:
    """A text stream that passes every write through ``escape`` (for data
    written to a terminal or pipe: ``json_visible`` or ``visible_lines``)."""

    def __init__(self, stream, escape) -> None:
        self._stream = stream
        self._escape = escape

    def write(self, text: str) -> int:
        self._stream.write(self._escape(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()
