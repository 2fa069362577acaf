"""A line-API widget's scrollable size, set without repainting it all.

Assigning a ``ScrollView``'s ``virtual_size`` repaints the whole widget (it
is a reactive that asks for a layout): a list that grows by a row, or a
reader whose row count the engine has just learnt, would draw every row
it shows again. Its own size never depends on its rows, so only the
scrollbar and the scroll limits follow here (showing or hiding the
scrollbar still asks for a layout pass); the widget repaints the rows
that changed itself.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_scroll_size(widget: ScrollView, size: Size) -> None:
    if size != widget.virtual_size:
        widget.set_reactive(Widget.virtual_size, size)
        widget._scroll_update(size)
