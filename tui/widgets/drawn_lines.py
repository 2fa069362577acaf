"""A line-API widget's lines handed to the compositor as drawn.

Textual passes every line a widget renders through its styles cache, which
adds what the CSS asks for around the content: borders, outlines, padding,
tint, opacity, hatching. For the reader, the span list, the header and the
status line that is padding at most, yet the cache's general path cost
about 60 microseconds a line: on J/K, 0.8 ms for the reader's 13 rows, more
than drawing them.

`DrawnLines.render_lines` does what the cache would for such a widget --
each content line cut or padded to the content width in the widget's
background, its left and right padding added, the app's line filters
applied -- and leaves every other case to Textual (a border, an outline,
padding above or below, tint, opacity, text opacity, hatching, a link
under the mouse). tests/app/test_drawn_lines.py holds it to Textual's
output for every widget that uses it.

What decides between the two and the style of the padding (the widget's
and its ancestors' backgrounds and opacity, its border, outline, padding,
tint) is worked out once and kept until a style of the widget or of one of
its ancestors changes (Textual counts every change of a node's styles:
``_cache_key``): walking the ancestors for the background cost about as
much as drawing a status line.
"""

from __future__ import annotations

from textual._segment_tools import line_pad
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget


class DrawnLines:
    """Mixed into a line-API widget before its Textual base (module docstring)."""

    _drawn_facts: tuple | None = None
    _kept_size: tuple | None = None

    @property
    def kept_size(self: Widget) -> Size:
        """The widget's ``size`` (its content area), worked out again only
        when its outer size, as the last layout left it, or one of its
        styles changes. Textual's looks the widget up in its screen's map
        and takes padding and border off on every call, and a label key
        asked for it some thirty times."""
        key = (self.outer_size, self.styles._cache_key)
        kept = self._kept_size
        if kept is None or kept[0] != key:
            kept = self._kept_size = (key, self.size)
        return kept[1]

    def _facts(self: Widget) -> tuple:
        """(drawn here?, padding, padding style, background), as of the
        styles of this widget and its ancestors (module docstring)."""
        key = tuple((node, node.styles._cache_key) for node in self.ancestors_with_self)
        facts = self._drawn_facts
        if facts is not None and facts[0] == key:
            return facts[1]
        styles = self.styles
        padding = styles.padding
        ours = not (padding.top or padding.bottom or styles.border.spacing
                    or any(kind for kind, _ in styles.outline) or styles.tint.a or self.opacity != 1.0
                    or styles.text_opacity != 1.0 or styles.has_rule("hatch"))
        base_background, background = self.background_colors
        inner = self._styles_cache.get_inner_outer(base_background, background)[0].rich_style
        found = (ours, padding, inner, background)
        self._drawn_facts = (key, found)
        return found

    def render_lines(self: Widget, crop: Region) -> list[Strip]:
        ours, padding, inner, background = self._facts()
        if not ours or (self.auto_links and self.hover_style._link_id):
            return super().render_lines(crop)  # type: ignore[misc]
        width = self.outer_size.width  # the crop's frame: the widget's whole width, as the cache's
        content_width = self.kept_size.width
        left, right = padding.left, padding.right
        filters = self.get_line_filters()
        strips = []
        for y in crop.line_range:
            strip = self.render_line(y).adjust_cell_length(content_width, inner)
            if left or right:
                strip = Strip(line_pad(strip, left, right, inner), content_width + left + right)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips
