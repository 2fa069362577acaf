"""The command palette: every action of the app and of the current screen
by name, plus labels and colour themes (the display switches are the app's
system commands)."""

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
        from .bindings import key_sections

        app = self.app
        screen = self.screen
        seen: set[str] = set()
        for section, node, bindings in key_sections(screen):
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
        from .screens.review_list import GOLD, start_review

        yield Command(f"Review annotators into {GOLD}",
                      f"compare every other annotator of the store and take their work into {GOLD}",
                      partial(start_review, app))
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
