"""One frame per key: the screen is drawn once everything a key sets off
has happened, not in pieces a frame or two apart.

Textual draws a screen as soon as the screen's own message queue is empty
while something on it is marked for repainting. A key travels through
several message queues before its action runs (the app, the focused
widget, back up to the app's bindings), and what the action sets off takes
more (the reader's Moved message bubbling up to its screen, which updates
the status line; a notification's toast being mounted). The screen would
draw after the first of these, and Textual's update timer holds any further
frame until one of its ticks, one to two frame periods (17-33 ms at 60 fps)
after the previous one: a key would show its whole effect two or three
frames late.

`FrameHold` suspends drawing (Textual's batch update) from the moment an
input event reaches the app until no message is waiting in any queue and
every new widget has been mounted -- looked at between steps of the event
loop, and as soon as the app has handled the event, so nothing waits on a
clock -- and then lets the screen draw at once. A queue holding only the
nudge a repaint posts (``Prompt``) does not count as waiting: the hold
hands that widget's repaint to its screen itself (`_pass_repaint`), which
the widget's turn and then its screen's would have done.
It never holds for longer than two frame periods: a message stream that
does not stop is drawn as it comes, as before.

`AfterFrame` runs work a key leaves for after its frame (a new span's
journal sync and article file: the span's journal line is written before
its frame) once that frame has gone to the terminal and the terminal has
had a frame period to draw it (`TERMINAL_TURN`). Work started at once
held the interpreter against Textual's writer thread, which writes the
frame, and took the processor from the terminal drawing it (tmux on the
same machine, as annotators often work): about half a millisecond of
every label key, measured in tmux. Textual's ``call_after_refresh``
would not do: its callbacks run as soon as the screen is idle, which a
held frame is too.

`RegionCompositor` draws a frame of a few changed places from the widgets
under those places only. Textual's compositor renders, for a partial
update, every widget under the box around all the changed places, in
full: a cursor key changes a reader row near the top and the status line
at the bottom, and every widget of the screen was rendered again (from
its caches, but row by row) for two lines of output.
"""

from __future__ import annotations

import asyncio
import time

from typing import Iterable

from textual import constants, events, messages
from textual._compositor import Compositor
from textual.app import App
from textual.dom import NoScreen
from textual.screen import Screen
from textual.widget import Widget
from textual.geometry import Region

#: The input events after which the screen waits for the work they set off.
HELD_EVENTS = (events.Key, events.MouseDown, events.MouseUp, events.MouseScrollDown,
               events.MouseScrollUp)

LIMIT = 2 / constants.MAX_FPS

#: How long after-frame work waits once its frame is handed over: a frame
#: period at 60 fps, the terminal's turn to draw it (`AfterFrame`).
TERMINAL_TURN = 1 / 60


class FrameHold:
    def __init__(self, app: App) -> None:
        self.app = app
        self._since: float | None = None

    @property
    def holding(self) -> bool:
        return self._since is not None

    def hold(self) -> None:
        """Draw nothing until what has been set off so far is done."""
        if self._since is not None:
            return  # the hold under way covers this event too
        self._since = time.monotonic()
        self.app._begin_batch()
        asyncio.get_running_loop().call_soon(self._check)

    def _settled(self) -> bool:
        """Whether nothing is left to wait for: no message in any queue but
        a repaint's nudge, no callback due, no widget still mounting. Once
        so, the nudged widgets' repaints are handed to their screens here
        (`_pass_repaint`) for the frame about to be drawn."""
        app = self.app
        if not app._message_queue.empty() or app._next_callbacks:
            return False
        prompted = []
        for node in app._registry:
            if node._next_callbacks:
                return False
            if not node._message_queue.empty():
                if not _prompted_only(node):
                    return False
                prompted.append(node)
            if not node._is_mounted and node._task is not None and not node._closing:
                return False  # composing and mounting: it will have more to say
        for node in prompted:
            _pass_repaint(node)
        return True

    def _done(self) -> bool:
        return self.app._exit or self._settled()

    def _check(self) -> None:
        if self._since is None:
            return
        if not self._done() and time.monotonic() - self._since < LIMIT:
            asyncio.get_running_loop().call_soon(self._check)
            return
        self.release()

    def release_if_done(self) -> None:
        """End the hold now if what was set off is done: called once the app
        has handled the input event, which ran the action of a key bound
        at the app or screen, rather than a turn of the event loop later
        (the app's own turn ends first: idle handlers, callbacks)."""
        if self._since is not None and self._done():
            self.release()

    def release(self) -> None:
        if self._since is None:
            return
        self._since = None
        app = self.app
        app._end_batch()
        try:
            screen = app.screen
        except Exception:  # no screen (closing): nothing to draw
            return
        if not app._batch_count:
            # Drawn here and now: asking the screen to look for changes
            # when idle (an Idle message, then its update timer's task)
            # took three more turns of the event loop before the frame.
            screen._on_timer_update()
        screen.check_idle()  # and what waits for the refresh runs after it


def _prompted_only(node) -> bool:
    """Whether all `node` has waiting is Textual's nudge to go idle (a
    ``Prompt``, posted by ``refresh``), and all its going idle would do is
    hand a repaint to its screen (`_pass_repaint`)."""
    if any(type(message) is not messages.Prompt for message in node._message_queue.values):
        return False
    if isinstance(node, Screen):
        return type(node)._on_idle is Screen._on_idle
    if not isinstance(node, Widget) or type(node)._on_idle is not Widget._on_idle:
        return False  # a widget with work of its own to do when idle (Textual's Tree, DataTable)
    return not (node._refresh_styles_required or node._scroll_required or node._layout_required
                or node._recompose_required)


def _pass_repaint(node) -> None:
    """What a prompted widget's going idle does (``Widget._check_refresh``,
    then its screen's ``_on_update``), done here: one turn of the event
    loop for the widget and one for its screen, each, before the frame.
    The prompt is handled later and finds nothing left to do. A screen's
    own idle only starts its update timer, which the end of the hold does
    not wait for."""
    if not isinstance(node, Widget) or isinstance(node, Screen) or not node._repaint_required:
        return
    if node._parent is None or node._closing:
        return
    try:
        screen = node.screen
    except NoScreen:
        return
    node._repaint_required = False
    if node.display and screen in screen._compositor:
        screen._dirty_widgets.add(node)


class AfterFrame:
    """Callbacks run once the next frame has been handed to the terminal
    (the app's ``post_display_hook``), each as a message of the app's own,
    so that what fails there is handled as anywhere else."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._waiting: list = []

    def add(self, callback) -> None:
        self._waiting.append(callback)

    def displayed(self) -> None:
        if self._waiting and not self.app._batch_count:
            waiting, self._waiting = self._waiting, []
            loop = asyncio.get_running_loop()
            for callback in waiting:
                loop.call_later(TERMINAL_TURN, self.app.call_later, callback)


class RegionCompositor(Compositor):
    """A screen's compositor that renders, for a partial update, only the
    rows of each widget that lie under a changed region, and not those a
    widget in front covers whole (see the module docstring). What is sent
    to the terminal is the same: Textual writes only the changed regions'
    rows, and of each place only the frontmost widget's, in either case."""

    def __init__(self) -> None:
        super().__init__()
        self._changed: list[Region] | None = None

    def render_partial_update(self):
        self._changed = list(self._dirty_regions)
        try:
            return super().render_partial_update()
        finally:
            self._changed = None

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list]]:
        changed = self._changed
        if not changed or crop is None:
            yield from super()._get_renders(crop)
            return
        drawn: list[Region] = []  # the bands rendered so far, front first
        for widget, (region, clip) in self.visible_widgets.items():
            shown = region.intersection(clip)
            if not shown:
                continue
            rows: set[int] = set()
            for place in changed:
                under = shown.intersection(place)
                if under:
                    rows.update(range(under.y, under.y + under.height))
            # Each run of consecutive rows is rendered as one band; the
            # band stands for the clip, so the caller places its lines.
            for top, bottom in _runs(sorted(rows)):
                band = Region(shown.x, top, shown.width, bottom - top)
                # What of the band changed: a container whose changed part a
                # widget in front covers whole is not rendered at all (its
                # padding beside a list is not part of the list's change).
                pieces = [piece for piece in (band.intersection(place) for place in changed) if piece]
                if all(any(front.contains_region(piece) for front in drawn) for piece in pieces):
                    continue  # hidden behind a widget in front (a container's background)
                drawn.append(band)
                crop = Region(shown.x - region.x, top - region.y, shown.width, bottom - top)
                yield region, band, widget.render_lines(crop)


def _runs(rows: list[int]) -> Iterable[tuple[int, int]]:
    """[top, bottom) of each run of consecutive numbers in sorted `rows`."""
    if not rows:
        return
    top = previous = rows[0]
    for row in rows[1:]:
        if row != previous + 1:
            yield top, previous + 1
            top = row
        previous = row
    yield top, previous + 1
