"""JSON made by others: what every reader of corpus, import and store files
must guard against beyond ``json.loads``.

- Nesting deeper than the parser can follow (``[[[[…`` a hundred thousand
  deep) is a ``json.JSONDecodeError`` "nested too deeply", like any other
  bad JSON, never a RecursionError. With ``max_depth`` (corpus and import
  records: ``RECORD_DEPTH``), so is nesting the parser could follow but
  that writing the value out again could not (a record's metadata is
  exported as it came).
- ``"\\ud800"`` is valid JSON but a lone surrogate, which no UTF-8 file can
  hold: ``lone_surrogate`` finds one anywhere in a parsed value, so a reader
  can refuse the record instead of failing later when writing it.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
# the escape that can put a lone surrogate into parsed JSON text
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")


RECORD_DEPTH = 100


def loads(text: str | bytes, max_depth: int | None = None) -> Any:
    """``json.loads``, with too deep nesting as a JSONDecodeError."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    if max_depth is not None and _brackets(text) > max_depth and depth(value) > max_depth:
        raise json.JSONDecodeError("nested too deeply", "", 0)
    return value


def _brackets(text: str | bytes) -> int:
    if isinstance(text, bytes):
        return text.count(b"[") + text.count(b"{")
    return text.count("[") + text.count("{")


def depth(value: Any) -> int:
    """How deep lists and objects nest in ``value`` (a string: 0). Walks
    without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in item if isinstance(child, (dict, list)))
    return deepest


def has_surrogate(text: str) -> bool:
    """Does ``text`` hold a lone surrogate (a character no UTF-8 file holds)?"""
    return _SURROGATE.search(text) is not None


def may_hold_surrogate(raw: str | bytes) -> bool:
    """Quick test on JSON source: can parsing it give a lone surrogate?
    (Valid UTF-8 holds none; only a ``\\uD8xx``-``\\uDFxx`` escape can.)"""
    if isinstance(raw, bytes):
        return _SURROGATE_ESCAPE_BYTES.search(raw) is not None
    return _SURROGATE_ESCAPE.search(raw) is not None or has_surrogate(raw)


def lone_surrogate_in(raw: str | bytes, value: Any) -> bool:
    """``lone_surrogate(value)`` for ``value`` parsed from ``raw``, quick
    when ``raw`` cannot have given one."""
    return may_hold_surrogate(raw) and lone_surrogate(value)


def lone_surrogate(value: Any) -> bool:
    """True when a string anywhere in ``value`` (keys included) holds a lone
    surrogate. Walks without recursion: parsed JSON may be deep."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_surrogate(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False
