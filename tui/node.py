"""The app's type, named once.

hashiya's screens and widgets run only inside ``HashiyaApp``: they say so
by mixing in ``HashiyaNode`` and then use ``self.app.prefs``,
``self.app.store`` and the app's signals directly, never probing the app
for what it has. Only type checkers see the narrower type; at run time
``self.app`` is Textual's own property, unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .app import HashiyaApp


class HashiyaNode:
    """Mixin for a screen or widget of hashiya (put it first among the bases)."""

    #: What the help screen calls this node's keys, if not its class name.
    HELP_TITLE: ClassVar[str] = ""

    if TYPE_CHECKING:

        @property
        def app(self) -> HashiyaApp: ...
