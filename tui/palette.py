"""The command palette: every action of the app and of the current screen
by name, plus labels, colour themes and display modes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass
class Command:
    title: str
    help: str
    run: Callable[[], object]


class HashiyaCommands(Provider):
    """Builds its list when the palette opens, from the bindings of the
    screen it was opened on (so it never drifts from the keys)."""

    async def startup(self) -> None:
        self.commands = list(self._commands())

    def _commands(self):
        from .screens.help import binding_nodes

        app = self.app
        screen = self.screen
        seen: set[str] = set()
        for section, node in binding_nodes(screen):
            for _key, bindings in node._bindings.key_to_bindings.items():
                for binding in bindings:
                    if binding.system or not binding.description:
                        continue
                    title = binding.description
                    if binding.action.startswith("apply_label"):
                        title = f"Label {title}"
                    if title in seen:
                        continue
                    seen.add(title)
                    key = app.get_key_display(binding)
                    detail = f"{section} · key {key}"
                    if binding.tooltip:
                        detail += f" · {binding.tooltip}"
                    yield Command(title, detail, partial(app.run_action, binding.action, node))
        prefs = app.prefs
        other = "logical" if prefs.display_mode == "visual" else "visual"
        yield Command(f"Display mode: {other}",
                      f"now {prefs.display_mode}; {other} means "
                      + ("the terminal orders right-to-left text" if other == "logical"
                         else "hashiya orders right-to-left text"),
                      partial(app.set_display, mode=other))
        yield Command("Harakat: " + ("hide" if prefs.harakat else "show"),
                      "diacritics on screen only; offsets never change",
                      partial(app.set_display, harakat=not prefs.harakat))
        yield Command("Clitic trimming: " + ("off" if prefs.clitic_trim else "on"),
                      "select word drops a leading conjunction, preposition or article",
                      app.toggle_clitic_trim)
        for name in sorted(app.available_themes):
            if name != app.theme:
                yield Command(f"Colour theme: {name}", "change the colours of the app",
                              partial(setattr, app, "theme", name))

    async def discover(self) -> Hits:
        for command in self.commands:
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
