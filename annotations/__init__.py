"""hashiya's core: corpus, label schema, annotation model, store, formats and
the command line. Imports no Textual, so it can be used from a notebook."""

__version__ = "0.1.0"
