"""The terminal's safe stand-ins live in the core (``annotations.sanitize``),
so the command line and the app escape data with one implementation; this
name is kept for the layout engine and the app."""

from annotations.sanitize import (  # noqa: F401
    BIDI_MARKERS,
    NEUTRAL,
    NEWLINE_MARKER,
    SEPARATOR_MARKERS,
    marker_for,
    needs_marker,
    neutralise,
    visible,
)
