"""Paths and settings in one place: command-line flag, then HASHIYA_*
environment variable, then the default. Tests point everything at a temp dir
through the same variables."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_SEEDS = PACKAGE_ROOT / "seeds"
DEFAULT_STORE = Path("hashiya-store")
MODES = ("visual", "logical")
# "next article to do": in list order, or the most doubtful first (see
# annotations.suggestions.storage)
ORDERS = ("list", "doubt")


def default_annotator() -> str:
    try:
        name = getpass.getuser()
    except Exception:  # no login name (containers without passwd entries)
        name = "annotator"
    return safe_annotator(name)


def safe_annotator(name: str) -> str:
    """Annotator names become folder names in the store: they follow the
    rule of ``annotations.names`` (an error names the value and the reason)."""
    from .names import check_name

    return check_name(name, "annotator name")


def config_dir() -> Path:
    env = os.environ.get("HASHIYA_CONFIG_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hashiya"


@dataclass
class Settings:
    corpus: Path
    store: Path
    annotator: str
    labels: Path | None
    mode: str | None  # None: not chosen yet (the app asks on first run)
    harakat: bool = True
    model: Path | None = None  # a spaCy pipeline folder the app suggests with
    order: str = "list"

    @classmethod
    def resolve(
        cls,
        *,
        corpus: str | None = None,
        store: str | None = None,
        annotator: str | None = None,
        labels: str | None = None,
        mode: str | None = None,
        harakat: bool | None = None,
        model: str | None = None,
        order: str | None = None,
    ) -> "Settings":
        from .errors import HashiyaError

        env = os.environ
        corpus_path = Path(corpus or env.get("HASHIYA_CORPUS") or BUNDLED_SEEDS)
        store_path = Path(store or env.get("HASHIYA_STORE") or DEFAULT_STORE)
        # An empty --annotator is a mistake, not "use the default"; an empty
        # variable counts as unset.
        if annotator is None:
            annotator = env.get("HASHIYA_ANNOTATOR") or default_annotator()
        who = safe_annotator(annotator)
        labels_value = labels or env.get("HASHIYA_LABELS")
        chosen_mode = mode or env.get("HASHIYA_MODE") or None
        if chosen_mode is not None and chosen_mode not in MODES:
            raise HashiyaError(f"display mode {chosen_mode!r} must be 'visual' or 'logical'")
        if harakat is None:
            harakat = env.get("HASHIYA_HARAKAT", "on").lower() not in ("0", "off", "no", "false")
        model_value = model or env.get("HASHIYA_MODEL") or None
        chosen_order = order or env.get("HASHIYA_ORDER") or "list"
        if chosen_order not in ORDERS:
            raise HashiyaError(f"order {chosen_order!r} must be 'list' or 'doubt'")
        return cls(
            corpus=corpus_path,
            store=store_path,
            annotator=who,
            labels=Path(labels_value) if labels_value else None,
            mode=chosen_mode,
            harakat=harakat,
            model=Path(model_value) if model_value else None,
            order=chosen_order,
        )
