"""The guidelines panel: a label's description and examples, whole (wrapped,
never cut) and shaped, under the reader's text.

It follows the label of the span under the cursor, or the label last chosen
in the label picker; G shows and hides it.
"""

from __future__ import annotations

from textual.widgets import Static

from annotations.sanitize import visible
from annotations.schema import Label
from tui.layout import Layout, LayoutOptions
from tui.node import HashiyaNode
from tui.notice import notice_text


def wrapped(text: str, width: int, mode: str, harakat: bool) -> list[str]:
    """`text` wrapped to `width` in its own direction (right-to-left rows
    flush right in visual mode), each row laid out."""
    rows = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        layout = Layout(paragraph, LayoutOptions(width=max(1, width), mode=mode, harakat=harakat))
        for index in range(layout.row_count):
            row = layout.row(index)
            rows.append(" " * row.indent + row.text)
    return rows


def guideline_lines(label: Label, width: int, mode: str = "visual", harakat: bool = True) -> list[str]:
    """What the panel shows for `label` at `width` columns."""
    kind = "entity" if label.kind == "entity" else "theme"
    # the label file is someone else's: its name and key are shown, never obeyed
    lines = [f"{visible(label.name)} ({kind}, key {visible(label.key)})"]
    description = label.description or "(no description in the label schema)"
    lines += notice_text(description, width, mode, harakat).split("\n")
    if label.examples:
        lines.append("Examples:")
        for example in label.examples:
            rows = wrapped(example, max(4, width - 2), mode, harakat)
            lines += [("• " if n == 0 else "  ") + row for n, row in enumerate(rows)]
    return lines


class Guidelines(HashiyaNode, Static):
    """Hidden until G; then the guidelines of one label."""

    DEFAULT_CSS = """
    Guidelines {
        display: none;
        height: auto;
        max-height: 12;
        padding: 0 1;
        border-top: solid $panel;
        overflow-y: auto;
    }
    Guidelines.shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.label: Label | None = None

    @property
    def shown(self) -> bool:
        return self.has_class("shown")

    def toggle(self) -> bool:
        self.toggle_class("shown")
        self.redraw()
        return self.shown

    def show_label(self, label: Label | None) -> None:
        if label is not None and label != self.label:
            self.label = label
            self.redraw()

    def redraw(self) -> None:
        if not self.shown:
            return
        if self.label is None:
            self.update("Guidelines: put the cursor on a span, or choose a label with l.")
            return
        mode, harakat = self.app.prefs.display
        width = max(10, (self.app.size.width or 80) - 4)
        self.update("\n".join(guideline_lines(self.label, width, mode, harakat)))
