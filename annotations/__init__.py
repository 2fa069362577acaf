"""hashiya's core: corpus, label schema, annotation model, store, formats,
agreement, the records commands read, and training a spaCy pipeline
(``training``, ``spacy_config``, ``spacy_tokenizer``: they need the optional
spaCy extra, nothing else imports them). Imports neither Textual nor the
command line (both live in ``tui``), so it can be used from a notebook."""

__version__ = "0.1.0"
