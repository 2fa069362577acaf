"""An annotator's progress through the corpus: which articles are still to do.

An article is to do while it has the status todo and no spans: one with a
span, or marked in progress or done, has been started. "Next to do" looks
forward from the current article and wraps round to the start, so pressing
it again and again visits every article left.

Most doubtful first. Given ``first`` (a sort key per article id, such as
:func:`annotations.suggestions.doubt_key` over the suggestion index), the
articles left are visited smallest key first instead, ties in the usual
order; the current article still comes last, so pressing again moves on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .model import Status


def is_to_do(status: Status, span_count: int) -> bool:
    return status == Status.TODO and not span_count


def to_do_after(
    ids: Sequence[str],
    position: int,
    statuses: Mapping[str, Status],
    span_counts: Mapping[str, int],
    first: Callable[[str], Any] | None = None,
) -> Iterator[int]:
    """Positions in `ids` of the articles still to do, in order after
    `position`, wrapping round; `position` itself comes last. With
    `first`, the smallest ``first(id)`` come first (see the module docstring)."""
    count = len(ids)
    found = (
        index
        for index in ((position + step) % count for step in range(1, count + 1))
        if is_to_do(statuses.get(ids[index], Status.TODO), span_counts.get(ids[index], 0))
    )
    if first is None:
        yield from found
        return
    ordered = list(found)
    current = [index for index in ordered if index == position % count]
    others = sorted((index for index in ordered if index != position % count), key=lambda i: first(ids[i]))
    yield from others + current
