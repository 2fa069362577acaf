"""Suggestions: entities (and document themes) proposed by a pattern file
or a spaCy model, kept apart from the annotations until the annotator
accepts them.

- :mod:`.patterns` — EntityRuler-shaped JSONL patterns, matched on word
  edges, folded like the corpus search.
- :mod:`.sources` — :class:`PatternSource` and :class:`ModelSource`: what a
  source finds in one text (:class:`Found`).
- :mod:`.storage` — :class:`SuggestionStore`: suggestions per article and
  annotator beside the store, rejections remembered, accepting through the
  store's API, and the doubt measure used to order articles.
- :mod:`.review` — :class:`Review`: one article's waiting suggestions as
  the reader asks for them (under the cursor, next), accept and reject.
- :mod:`.run` — :func:`suggest_articles`: a source over many articles, into
  the store, with a report per label.
"""

from .patterns import Pattern, PatternError, PatternMatcher, load_patterns, parse_patterns
from .sources import THEME_THRESHOLD, Found, ModelSource, PatternSource, theme_margin
from .review import Review
from .run import SuggestReport, suggest_articles
from .storage import ArticleSuggestions, Suggestion, SuggestionStore, Waiting, doubt_key

__all__ = [
    "ArticleSuggestions",
    "Found",
    "ModelSource",
    "Pattern",
    "PatternError",
    "PatternMatcher",
    "PatternSource",
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
