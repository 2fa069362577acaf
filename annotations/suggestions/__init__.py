"""Suggestions: entities (and document themes) proposed by a pattern file
or a spaCy model, kept apart from the annotations until the annotator
accepts them.

- :mod:`.patterns` — EntityRuler-shaped JSONL patterns, matched on word
  edges, folded like the corpus search.
- :mod:`.sources` — :class:`PatternSource` and :class:`ModelSource`: what a
  source finds in one text (:class:`Found`, from :mod:`.found`).
- :mod:`.storage` — :class:`SuggestionStore`: suggestions per article and
  annotator beside the store, rejections remembered, accepting through the
  store's API, and the doubt measure used to order articles.
- :mod:`.review` — :class:`Review`: one article's waiting suggestions as
  the reader asks for them (under the cursor, next), accept and reject.
- :mod:`.rejections` — :class:`Rejections`: the session's rejections in the
  annotator's undo history, between the store's own edits.
- :mod:`.run` — :func:`suggest_articles`: a source over many articles, into
  the store, with a report per label.

A name is loaded from its module when it is first asked for (PEP 562
``__getattr__``): the article list reads only the suggestion store's counts,
and starting the app does not load the pattern matcher and its tokenizer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_HOMES = {
    "ArticleSuggestions": "storage",
    "Found": "found",
    "ModelSource": "sources",
    "Pattern": "patterns",
    "PatternError": "patterns",
    "PatternMatcher": "patterns",
    "PatternSource": "sources",
    "Rejection": "rejections",
    "Rejections": "rejections",
    "Review": "review",
    "SuggestReport": "run",
    "Suggestion": "storage",
    "SuggestionStore": "storage",
    "THEME_THRESHOLD": "found",
    "Waiting": "storage",
    "doubt_key": "storage",
    "load_patterns": "patterns",
    "parse_patterns": "patterns",
    "suggest_articles": "run",
    "theme_margin": "sources",
}

__all__ = [
    "ArticleSuggestions",
    "Found",
    "ModelSource",
    "Pattern",
    "PatternError",
    "PatternMatcher",
    "PatternSource",
    "Rejection",
    "Rejections",
    "Review",
    "SuggestReport",
    "Suggestion",
    "SuggestionStore",
    "THEME_THRESHOLD",
    "Waiting",
    "doubt_key",
    "load_patterns",
    "parse_patterns",
    "suggest_articles",
    "theme_margin",
]


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


if TYPE_CHECKING:
    from .found import THEME_THRESHOLD, Found
    from .patterns import Pattern, PatternError, PatternMatcher, load_patterns, parse_patterns
    from .rejections import Rejection, Rejections
    from .review import Review
    from .run import SuggestReport, suggest_articles
    from .sources import ModelSource, PatternSource, theme_margin
    from .storage import ArticleSuggestions, Suggestion, SuggestionStore, Waiting, doubt_key
