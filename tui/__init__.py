"""hashiya's terminal app and its RTL layout engine.

This package's ``__init__`` imports nothing: ``tui.layout`` and ``tui.rtl``
are pure (no Textual) so the ``render`` command and the tests can use them
without loading the app."""
