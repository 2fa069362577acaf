"""The key hints at the bottom of a screen, drawn as one line.

Textual's Footer mounts a widget per key and throws them all away and
mounts new ones whenever the screen's bindings are refreshed -- several
times on the way to a screen's first frame, each time styling every key
widget again. This footer is a single widget: it reads the screen's active
bindings when it draws, remembers where each key landed, and turns a click
on a key into that key pressed, as Textual's does. Disabled keys are dimmed;
the command palette key sits on the right.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget


class Hint(NamedTuple):
    key: str  # what a click presses
    display: str  # how the key is shown
    description: str
    enabled: bool
    tooltip: str


class KeysFooter(Widget, can_focus=False):
    ALLOW_SELECT = False

    COMPONENT_CLASSES = {
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--hover",
        "keys-footer--disabled",
    }

    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeysFooter > .keys-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeysFooter > .keys-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeysFooter > .keys-footer--hover {
        background: $block-hover-background;
    }
    KeysFooter > .keys-footer--disabled {
        text-style: dim;
    }
    """

    def __init__(self, *, show_command_palette: bool = True, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.show_command_palette = show_command_palette
        # (first cell, end cell, hint) of each key drawn, for clicks.
        self._placed: list[tuple[int, int, Hint]] = []
        self._hover: Hint | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    # what to show ----------------------------------------------------------

    def hints(self) -> tuple[list[Hint], Hint | None]:
        """The keys to show, in the screen's order (one per action), and the
        command palette's key."""
        app = self.app
        active = self.screen.active_bindings
        shown: list[Hint] = []
        actions: set[str] = set()
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            shown.append(Hint(binding.key, app.get_key_display(binding), binding.description,
                              enabled, tooltip or ""))
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            entry = active.get(app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _node, binding, enabled, tooltip = entry
                palette = Hint(binding.key, app.get_key_display(binding), binding.description,
                               enabled, binding.tooltip or binding.description)
                shown = [hint for hint in shown if hint.key != binding.key]
        return shown, palette

    def text(self) -> str:
        """The footer as plain text (what the line shows, without styles)."""
        return "".join(segment.text for segment in self.render_line(0))

    # drawing ---------------------------------------------------------------

    def _parts(self, hint: Hint, base: Style, key: Style, description: Style) -> list[Segment]:
        extra = Style()
        if hint == self._hover and hint.enabled:
            extra += self.get_component_rich_style("keys-footer--hover", partial=True)
        if not hint.enabled:
            extra += self.get_component_rich_style("keys-footer--disabled", partial=True)
        parts = [Segment(f" {hint.display} ", base + key + extra)]
        if hint.description:
            parts.append(Segment(f"{hint.description} ", base + description + extra))
        return parts

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0 or width <= 0:
            return Strip.blank(width, base)
        key = self.get_component_rich_style("keys-footer--key", partial=True)
        description = self.get_component_rich_style("keys-footer--description", partial=True)
        shown, palette = self.hints()
        placed: list[tuple[int, int, Hint]] = []
        right: list[Segment] = []
        right_width = 0
        if palette is not None:
            right = [Segment("▏", base)] + self._parts(palette, base, key, description)
            right_width = sum(cell_len(segment.text) for segment in right)
            if right_width > width:
                right, right_width = [], 0
        room = width - right_width
        segments: list[Segment] = []
        x = 0
        for hint in shown:
            parts = self._parts(hint, base, key, description)
            size = sum(cell_len(segment.text) for segment in parts)
            if x + size > room:
                break  # the rest does not fit: F1 lists every key
            placed.append((x, x + size, hint))
            segments += parts
            x += size
        segments.append(Segment(" " * (room - x), base))
        if right:
            placed.append((room + 1, width, palette))
            segments += right
        self._placed = placed
        return Strip(segments, width)

    # mouse -----------------------------------------------------------------

    def _hint_at(self, x: int) -> Hint | None:
        for first, end, hint in self._placed:
            if first <= x < end:
                return hint
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hint = self._hint_at(event.x)
        if hint != self._hover:
            self._hover = hint
            self.tooltip = hint.tooltip if hint is not None and hint.tooltip else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        hint = self._hint_at(event.x)
        if hint is None:
            return
        if hint.enabled:
            self.app.simulate_key(hint.key)
        else:
            self.app.bell()
