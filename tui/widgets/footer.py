"""A Footer that rebuilds its keys only when what it shows has changed.

Textual's Footer throws its keys away and mounts new ones every time the
screen's bindings are refreshed, and at start-up they are refreshed several
times over (the screen appears, the first widget takes focus, ...) with the
very same keys. Each rebuild styles and mounts a widget per key: on the
article list that was three identical rebuilds on the way to the first frame.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer, inherit_bindings=False):
    # Footer never takes focus, so the scrolling keys it inherits never apply;
    # without them the help screen does not list it as a widget with keys.
    _shown: tuple | None = None

    def _signature(self) -> tuple:
        """Everything Footer.compose draws from: keys, labels, state, tooltips."""
        app = self.app
        shown = tuple(
            (binding.key, binding.key_display, binding.description, binding.action, enabled,
             tooltip, binding.group)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            entry = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _node, binding, enabled, tooltip = entry
                palette = (binding.key, binding.description, enabled, tooltip or binding.tooltip)
        return shown, palette

    def compose(self):
        if self._bindings_ready:
            self._shown = self._signature()
        yield from super().compose()

    async def recompose(self) -> None:
        if self._shown is not None and self.is_attached and self._signature() == self._shown:
            return
        await super().recompose()
