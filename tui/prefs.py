"""The annotator's remembered display preferences (prefs.json in the config dir).

A flag or environment variable always wins for the session without being
written back. A damaged prefs file is set aside and replaced, never fatal.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

from annotations.errors import StoreError
from annotations.settings import MODES, Settings, config_dir
from annotations.store.files import atomic_write

PREFS_NAME = "prefs.json"


class Display(NamedTuple):
    """How text is drawn: who orders right-to-left text, and whether harakat show."""

    mode: str  # "visual" or "logical"
    harakat: bool


@dataclass
class Prefs:
    mode: str | None = None  # None until chosen on the first-run check
    harakat: bool = True
    clitic_trim: bool = True
    first_run_done: bool = False
    path: Path | None = field(default=None, repr=False, compare=False)
    # What came from a flag / environment variable this session (not saved).
    mode_forced: bool = field(default=False, repr=False, compare=False)
    warning: str | None = field(default=None, repr=False, compare=False)

    @property
    def display_mode(self) -> str:
        """The mode to draw with: visual until a choice is made."""
        return self.mode or "visual"

    @property
    def display(self) -> Display:
        return Display(self.display_mode, self.harakat)

    @classmethod
    def load(cls, path: Path | None = None) -> "Prefs":
        path = path or config_dir() / PREFS_NAME
        prefs = cls(path=path)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return prefs
        except OSError as exc:
            prefs.warning = f"cannot read {path}: {exc.strerror or exc}; using defaults"
            return prefs
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            mode = data.get("mode")
            if mode is not None and mode not in MODES:
                raise ValueError(f"unknown mode {mode!r}")
            for name in ("harakat", "clitic_trim", "first_run_done"):
                if name in data and not isinstance(data[name], bool):
                    raise ValueError(f"{name} must be true or false")
        except ValueError as exc:
            # json.JSONDecodeError is a ValueError too.
            backup = path.with_name(path.name + ".bad")
            try:
                os.replace(path, backup)
                where = f"; the old file was kept as {backup.name}"
            except OSError:
                where = ""
            prefs.warning = f"{path} was damaged ({exc}); preferences reset{where}"
            return prefs
        prefs.mode = data.get("mode")
        prefs.harakat = data.get("harakat", True)
        prefs.clitic_trim = data.get("clitic_trim", True)
        prefs.first_run_done = data.get("first_run_done", False)
        return prefs

    @classmethod
    def for_settings(cls, settings: Settings, path: Path | None = None) -> "Prefs":
        """Remembered prefs with this session's flags / environment laid over them."""
        prefs = cls.load(path)
        if settings.mode is not None:
            prefs.mode = settings.mode
            prefs.mode_forced = True
        if not settings.harakat:
            prefs.harakat = False
        return prefs

    @property
    def needs_first_run_check(self) -> bool:
        return not self.mode_forced and not self.first_run_done and self.mode is None

    def to_dict(self) -> dict:
        data = asdict(self)
        for name in ("path", "mode_forced", "warning"):
            data.pop(name)
        return data

    def save(self) -> str | None:
        """Write the prefs atomically; returns a warning instead of raising."""
        path = self.path or config_dir() / PREFS_NAME
        data = self.to_dict()
        if self.mode_forced:
            # A mode forced by flag is not a choice the annotator made: keep the
            # remembered one on disk.
            data["mode"] = Prefs.load(path).mode if path.exists() else None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
        except OSError as exc:
            return f"cannot save preferences to {path}: {exc.strerror or exc}"
        except StoreError as exc:
            return f"preferences were not saved: {exc}"
        return None

