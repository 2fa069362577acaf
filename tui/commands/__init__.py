"""The subcommands of ``hashiya``, one module each (``import_`` for
``import``), listed in ``tui.cli.SUBCOMMANDS``. Each exposes ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; ``common`` holds the
options several share and turns them into the core's plain values."""
