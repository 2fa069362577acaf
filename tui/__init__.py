"""hashiya's terminal app, its RTL layout engine and the command line.

This package's ``__init__`` imports nothing: the layout engine (``tui.rtl``,
``tui.shaping``, ``tui.sanitize``, ``tui.layout``) and the command line
(``tui.cli``, ``tui.commands``) load no Textual, so ``hashiya export`` and the
tests use them without loading the app; ``tui.app`` is the app."""
