"""Export and import formats. Each module documents its shape:

native, doccano, prodigy, conll, hf, spacy_docbin (``spacy``), parquet (export
only), txt (import of a folder of .txt articles)."""

EXPORT_FORMATS = ("native", "doccano", "prodigy", "conll", "hf", "spacy", "parquet")
IMPORT_FORMATS = ("native", "doccano", "prodigy", "conll", "txt")


def module(name: str):
    from importlib import import_module

    return import_module(f"annotations.formats.{'spacy_docbin' if name == 'spacy' else name}")
