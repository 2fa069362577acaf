"""An annotator's progress through the corpus: which articles are still to do.

An article is to do while it has the status todo and no spans: one with a
span, or marked in progress or done, has been started. "Next to do" looks
forward from the current article and wraps round to the start, so pressing
it again and again visits every article left.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .model import Status


def is_to_do(status: Status, span_count: int) -> bool:
    return status == Status.TODO and not span_count


def to_do_after(
    ids: Sequence[str],
    position: int,
    statuses: Mapping[str, Status],
    span_counts: Mapping[str, int],
) -> Iterator[int]:
    """Positions in `ids` of the articles still to do, in order after
    `position`, wrapping round; `position` itself comes last."""
    count = len(ids)
    for step in range(1, count + 1):
        index = (position + step) % count
        article_id = ids[index]
        if is_to_do(statuses.get(article_id, Status.TODO), span_counts.get(article_id, 0)):
            yield index
