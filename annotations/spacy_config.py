"""The spaCy training config hashiya writes and trains with.

One config serves both ``hashiya export -f spacy`` (written beside the
export as ``X.cfg``, for ``python -m spacy train X.cfg``) and ``hashiya
train``: spaCy's own starting config for Arabic (what ``spacy init config
--lang ar --optimize efficiency`` writes, CPU), with

* ``[nlp.tokenizer]`` the canonical tokenizer (``hashiya.ArabicTokenizer.v1``),
  so the pipeline's tokens have an edge at every entity edge;
* ``[paths] evidence`` the tokenizer's known words (a JSON list), read by
  ``[initialize.tokenizer]`` when training starts and saved in the pipeline;
* ``ner`` when there are entity spans, ``textcat_multilabel`` when there are
  document themes.

spaCy is an optional extra: :func:`require_spacy` turns its absence into one
line saying how to install it.
"""

from __future__ import annotations

from pathlib import Path

from .errors import HashiyaError

INSTALL_HINT = "install it with `make spacy` in the hashiya folder (or: .venv/bin/pip install -e '.[spacy]')"
NER = "ner"
TEXTCAT = "textcat_multilabel"


def require_spacy(error=HashiyaError):
    """The spacy module, or `error` saying how to install it."""
    try:
        import spacy
    except ImportError:
        raise error(f"spaCy is not installed: {INSTALL_HINT}") from None
    return spacy


def components_for(*, entities: bool, themes: bool) -> list[str]:
    return ([NER] if entities else []) + ([TEXTCAT] if themes else [])


def training_config(
    components: list[str],
    *,
    train: str | Path | None = None,
    dev: str | Path | None = None,
    evidence: str | Path | None = None,
):
    """A filled spaCy config (a ``thinc`` Config) for `components`."""
    from spacy.cli.init_config import init_config

    from .spacy_tokenizer import REGISTERED_NAME

    config = init_config(lang="ar", pipeline=list(components), optimize="efficiency", gpu=False, silent=True)
    paths = config["paths"]
    paths["train"] = None if train is None else str(train)
    paths["dev"] = None if dev is None else str(dev)
    paths["evidence"] = None if evidence is None else str(evidence)
    config["nlp"]["tokenizer"] = {"@tokenizers": REGISTERED_NAME}
    config["initialize"]["tokenizer"] = {"evidence": "${paths.evidence}"}
    return config


def config_text(config, header: list[str]) -> str:
    """The config as ``spacy init config`` writes it, after comment lines."""
    return "".join(f"# {line}\n" if line else "#\n" for line in header) + "\n" + config.to_str()
