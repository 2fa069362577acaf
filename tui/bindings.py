"""Keys: the app-wide ones declared here once, and the one module that reads
Textual's binding tables.

A key lives in the BINDINGS of the screen or widget that owns it; the keys
more than one place offers (help, the display switches) are declared below
and used from there. The footer draws the screen's active bindings, and the
help screen and the command palette list every node's own keys through
``key_sections``, so a key declared once shows in all three.

Textual keeps a node's own bindings in a private map (``_bindings``, keyed
``key_to_bindings``) and has no public way to list them or to add one to a
single screen (the reader's label keys come from the schema). This module
is the only code that touches that map, and the only code that tells
hashiya's widgets from Textual's by the module they come from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

from .node import HashiyaNode

#: F1 everywhere. The reader repeats it (as a system key, so help lists it
#: once) to put its hint among the first in its footer.
HELP = Binding("f1", "app.help", "Help", tooltip="Every key of this screen and the label keys")
HELP_TOO = Binding("question_mark", "app.help", "Help", show=False)


@dataclass(frozen=True)
class Switch:
    """An app-wide on/off choice: one action on the app, one name, one reason."""

    action: str  # an action of the app
    description: str
    tooltip: str = ""

    def binding(self, key: str) -> Binding:
        """The app's key for this switch, hidden from the footer."""
        return Binding(key, f"app.{self.action}", self.description, show=False, tooltip=self.tooltip)

    def screen_binding(self, key: str, *, action: str | None = None) -> Binding:
        """Another key for this switch on one screen (`action`: the screen's
        own action in place of the app's); help gives the reason once, on
        the app's key."""
        return Binding(key, action or f"app.{self.action}", self.description, show=False)


DISPLAY_MODE = Switch("toggle_mode", "Visual/logical",
                      "Switch who orders right-to-left text: hashiya or the terminal")
HARAKAT = Switch("toggle_harakat", "Harakat on/off",
                 "Show or hide harakat (diacritics); offsets are unchanged")
CLITIC_TRIM = Switch("toggle_clitic_trim", "Clitic trim")
NEXT_ORDER = Switch("toggle_order", "Next to do: doubtful first/in order",
                    "Next article to do: the one the model is least sure of first, or the next in the list")


def own_bindings(node: DOMNode) -> list[Binding]:
    """The bindings declared on `node` itself (its class's and any added), in order."""
    return [binding for bindings in node._bindings.key_to_bindings.values() for binding in bindings]


def add_binding(node: DOMNode, key: str, action: str, description: str, *, key_display: str) -> None:
    """Bind `key` on this one node, hidden from the footer."""
    node._bindings.bind(key, action, description, show=False, key_display=key_display)


def keys_bound_by(*classes: type[DOMNode]) -> set[str]:
    """Every key the classes' own bindings (and their bases') use: the map
    Textual merged for each class once, which its instances copy."""
    return {key for cls in classes if cls._merged_bindings for key in cls._merged_bindings.key_to_bindings}


def prioritise(node: DOMNode, *, unless: set[str]) -> None:
    """Make `node`'s own bindings priority bindings -- looked up as the key
    arrives, before it is handed to the focused widget -- but for the keys
    in `unless` (those a widget under the node binds itself stay the
    widget's). What a key does is unchanged; it is found sooner."""
    table = node._bindings.key_to_bindings
    for key, bindings in list(table.items()):
        if key not in unless:
            table[key] = [replace(binding, priority=True) for binding in bindings]


class KeptBindingChain:
    """Mixed into a screen before Textual's Screen: the chain of binding
    maps a key is looked up in (``_binding_chain``: each node's map from the
    focused widget up to the app, less the keys a widget before it takes as
    text) is made once per focus and kept until a node's map changes.
    Textual made it anew for every key, copying every map of the chain:
    a quarter of a millisecond before a label key's action began.

    A map changes when a key is bound or unbound (its number of keys) or
    its entries are replaced (``prioritise``, ``add_binding``: both run as
    the screen is made, before any key); the app's keymap is part of the
    key too. The maps handed out are the kept ones: Textual only reads
    them."""

    _kept_chain: tuple | None = None

    @property
    def _binding_chain(self):
        focused = self.focused
        nodes = focused.ancestors_with_self if focused is not None and not focused.loading else [self, self.app]
        key = (id(self.app._keymap), tuple(
            (node, id(node._bindings), len(node._bindings.key_to_bindings)) for node in nodes
        ))
        kept = self._kept_chain
        if kept is not None and kept[0] == key:
            return kept[1]
        chain = super()._binding_chain  # type: ignore[misc]
        self._kept_chain = (key, chain)
        return chain


def section_title(node: DOMNode) -> str:
    """What help calls the keys of `node`: its HELP_TITLE, else its class name in words."""
    if isinstance(node, HashiyaNode) and node.HELP_TITLE:
        return node.HELP_TITLE
    name = type(node).__name__
    for suffix in ("Screen", "App"):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    # A screen and its main widget often share a name (Reader): keep them apart.
    return f"{name} screen" if isinstance(node, Screen) else name


def _is_hashiya(node: DOMNode) -> bool:
    return type(node).__module__.startswith("tui.")


def key_sections(screen: Screen) -> Iterator[tuple[str, DOMNode, list[Binding]]]:
    """(title, node, its own bindings) for every node whose keys apply on
    `screen`: hashiya's widgets on it (text boxes edit text the same way
    everywhere and are left out), the screen, then the app ("Everywhere")."""
    for widget in screen.query("*"):
        if isinstance(widget, Input) or not _is_hashiya(widget):
            continue
        bindings = own_bindings(widget)
        if bindings:
            yield section_title(widget), widget, bindings
    yield section_title(screen), screen, own_bindings(screen)
    yield "Everywhere", screen.app, own_bindings(screen.app)
