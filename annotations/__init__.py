"""hashiya's core: corpus, label schema, annotation model, store, formats,
agreement and the records commands read. Imports neither Textual nor the
command line (both live in ``tui``), so it can be used from a notebook."""

__version__ = "0.1.0"
