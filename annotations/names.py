"""Names that become file or folder names: one rule, checked here.

An annotator's name is a folder of the store (``<store>/<annotator>/``;
``adjudicate --into NAME`` makes one too), and an article id imported with
``--corpus-out DIR`` becomes the file ``DIR/<id>.txt``. Such a name is used
only when it

- is 1 to 120 characters long and at most 240 bytes in UTF-8;
- does not begin with "." (so never ".", "..", nor a hidden file) and has
  no space at either end;
- holds no "/" or "\\", no control character (U+0000-U+001F, DEL,
  U+0080-U+009F), no bidi formatting character or line/paragraph separator,
  and no lone surrogate (a file name that was not UTF-8).

Anything else is refused with an error naming the value and the reason;
nothing is created. (Article ids that only name files inside the store are
encoded by the store, see ``annotations.store.shard_name``, and need not
follow this rule.)
"""

from __future__ import annotations

from .errors import HashiyaError
from .sanitize import needs_marker

MAX_CHARS = 120
MAX_BYTES = 240


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a file or folder, or None when it can."""
    if not isinstance(name, str):
        return "it is not text"
    if not name:
        return "it is empty"
    if name.startswith("."):
        return "it may not begin with '.'"
    if name != name.strip():
        return "it may not begin or end with a space"
    if "/" in name or "\\" in name:
        return "it may not hold '/' or '\\'"
    if needs_marker(name) or min(name) < " ":
        return "it may not hold control, bidi formatting or undecodable characters"
    if len(name) > MAX_CHARS or len(name.encode("utf-8")) > MAX_BYTES:
        return f"it is longer than {MAX_CHARS} characters ({MAX_BYTES} bytes)"
    return None


def check_name(name: object, what: str) -> str:
    """``name`` when it follows the rule above; else HashiyaError saying
    ``what`` it was meant to be, the value (escaped) and the reason."""
    problem = name_problem(name)
    if problem is not None:
        raise HashiyaError(f"{what} {name!r} cannot be used: {problem}")
    return name  # type: ignore[return-value]
