"""The terminal's safe stand-ins live in the core (``annotations.sanitize``),
so the command line and the app escape data with one implementation; this
name is kept for the layout engine and the app.

``plain`` is how the app hands data to a widget: every id, title, file
name, path, label, description, span text, note or message quoting them
that a ``Static``, a table cell, an option or the header shows is made by
it (or by ``tui.layout.display_line``, which draws with the same markers),
so a ``[/b]`` in a file name is text, never markup, and an escape sequence
is a visible ``␛``, never sent. (Notifications go through the app's
``notify``, which draws them with ``display_line`` too.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from rich.style import Style
    from rich.text import Text


def plain(text: object, style: str | Style = "", *, display: tuple[str, bool] | None = None,
          width: int | None = None) -> Text:
    """``text`` (data, or an English sentence quoting data) as Rich text that
    no widget reads as markup, with every control, bidi formatting character
    and line break as its visible marker. With ``display`` (the app's
    ``(mode, harakat)``) it is also shaped and ordered as the screen shows
    text (a left-to-right line), and cut to ``width`` columns if given."""
    from rich.text import Text

    if display is None:
        shown = visible(str(text))
    else:
        from tui.layout import display_line

        mode, harakat = display
        shown = display_line(str(text), width, mode=mode, harakat=harakat, direction="ltr")
    return Text(shown, style=style)
