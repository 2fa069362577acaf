"""The reader's label keys, mixed into ReaderScreen: one binding per label
of the schema, a label key applied the keyboard-first way (to the selection,
else relabelling the span under the cursor, else labelling the word under
it), the label and document-theme pickers, deleting a span and moving its
edges by a character or a word.

What a key does is decided by the article's session
(annotations.session); this carries it out through the store and says why
when the store refuses.
"""

from __future__ import annotations

from textual.binding import Binding

from annotations.errors import HashiyaError, StoreError, StoreSyncError
from annotations.model import Span, Status
from annotations.store.state import SPAN_KEY
from annotations.schema import Label
from annotations.session import ADD, ALREADY, EMPTY, NO_SPAN, NO_TARGET, STALE
from tui.bindings import add_binding, keys_bound_by, prioritise
from tui.sanitize import visible
from tui.widgets.guidelines import Guidelines
from tui.widgets.reader import Reader
from tui.widgets.spans_panel import SpansPanel


class LabelKeys:
    """ReaderScreen's part that adds, relabels, resizes and deletes spans
    and sets the article's themes (see the module docstring)."""

    def _bind_labels(self) -> None:
        """One binding per schema label key, so the footer, the help screen
        and the command palette list them like any other key."""
        taken = set()
        for binding_keys in (b.key for b in self.BINDINGS if isinstance(b, Binding)):
            taken.update(key.strip() for key in binding_keys.split(","))
        self.shadowed: list[Label] = []
        for index, label in enumerate(self.app.schema.labels):
            key = _key_name(label.key)
            if key in taken:
                self.shadowed.append(label)
                continue
            # The footer, help and the palette show these: escaped once, here.
            add_binding(self, key, f"apply_label({index})", visible(label.name), key_display=visible(label.key))

    def _prioritise_keys(self) -> None:
        """The screen's keys (a label key, J/K, undo...) that no widget of
        the screen binds are looked up as they arrive: handed to the focused
        reader and passed up through its container to the screen, a key took
        three turns of the event loop before its action ran (~0.5 ms). A key
        the reader or the span list binds stays theirs."""
        prioritise(self, unless=keys_bound_by(Reader, SpansPanel))

    def _refuse_stale(self, span: Span, what: str) -> bool:
        if self.session.is_stale(span):
            self.notify(
                f"cannot {what} {span.label} “{span.text}”: it no longer matches the article "
                "text. Delete it (x) and mark the text again.",
                title="Stale span",
                severity="warning",
                timeout=6,
            )
            return True
        return False

    def apply_label(self, label: Label) -> Span | None:
        """Apply `label` the keyboard-first way (see the module docstring)."""
        reader = self.reader
        listed = self.panel.focused_span()
        if listed is not None:  # a label key in the span list relabels the span highlighted there
            plan = self.session.relabel(listed, label)
            return self._relabel(plan.span, label, plan.action)
        plan = self.session.label_key(label, reader.cursor, reader.selection, clitics=self.app.prefs.clitic_trim,
            evidence=self.app.word_evidence.current(),
        )
        if plan.action == NO_TARGET:
            self.notify("Select some text first (Shift+arrows, Space, or drag).", severity="warning")
            return None
        if plan.action != ADD:
            return self._relabel(plan.span, label, plan.action)
        return self._add(plan.start, plan.end, label)

    def _add(self, start: int, end: int, label: Label) -> Span | None:
        """A new span, saved (its journal line written: a crash of the app
        loses nothing) before anything is drawn; then drawn from what the
        screen shows plus the span, as the store now holds it, without
        reading the article back. Once that frame is out the journal line
        is synced to disk and the article file written (``_write_held``):
        the sync alone took as long as drawing the key's frame."""
        article_id = self.article_id
        try:
            span = self.store.add_span(article_id, self.text, start, end, label.name, label.kind, later=True)
        except HashiyaError as exc:
            self._fail(exc)
            return None
        self.reader.move_cursor_to(span.start, quiet=True)
        self.say(f"{label.name} “{span.text}” saved")
        spans = sorted([*self.spans, span], key=SPAN_KEY)
        self.app.session_figures.counted(article_id, len(spans))
        status = Status.IN_PROGRESS if self.status == Status.TODO else self.status
        self.draw_annotations(spans, list(self.themes), status, self.article_stale, added=True)
        self.cursor_moved(status=False)  # drawn by draw_annotations, with the span under the cursor
        self.app.annotations_changed_signal.publish(article_id)
        self.app.after_frame(self._write_held)
        return span

    def _write_held(self) -> None:
        """The sync and the article file of an edit saved ``later`` (a new
        span, a relabel, a resize, a delete, an undo or redo). The edit is in the journal
        already: a file that cannot be written is said, and written again
        by the next save (or completed from the journal when the store is
        next opened)."""
        try:
            self.store.write_held()
        except StoreSyncError as exc:
            self.notify(
                f"{exc}. The span is in the store's journal but may not survive a power cut; "
                "the disk may be failing: export your work (hashiya export) and check it.",
                title="Not synced to disk",
                severity="error",
                timeout=12,
            )
        except StoreError as exc:
            self.notify(
                f"{exc}. The span is saved in the store's journal; its article file is written again "
                "with the next save, or when the store is next opened.",
                title="Article file not written",
                severity="error",
                timeout=8,
            )

    def _relabel(self, span: Span, label: Label, action: str) -> Span | None:
        if action == ALREADY:
            self.say(f"already {label.name}")
            self._update_status()
            return span
        if action == STALE:
            self._refuse_stale(span, "relabel")
            return None
        try:
            new = self.store.relabel_span(span.id, label.name, label.kind, later=True)
        except HashiyaError as exc:
            self._fail(exc)
            return None
        self.reader.clear_selection()
        self._changed(said=f"{span.label} → {label.name} saved")
        self.app.after_frame(self._write_held)
        return new

    def action_apply_label(self, index: int) -> None:
        labels = self.schema.labels
        if 0 <= index < len(labels):
            self.apply_label(labels[index])

    def action_label_picker(self) -> None:
        from tui.screens.pickers import LabelPicker

        def chosen(label: Label | None) -> None:
            if label is not None:
                self.query_one(Guidelines).show_label(label)
                self.apply_label(label)

        self.app.push_screen(LabelPicker(self.schema.labels), chosen)

    def action_theme_picker(self) -> None:
        from tui.screens.pickers import ThemePicker

        if not self.schema.themes:
            self.notify("The label schema defines no themes.", severity="warning")
            return

        def chosen(selected: set[str] | None) -> None:
            if selected is None:
                return
            self.set_document_themes(selected)

        self.app.push_screen(ThemePicker(self.schema.themes, set(self.themes)), chosen)

    def set_document_themes(self, selected: set[str]) -> None:
        current = set(self.themes)
        changes = sorted(current ^ selected)
        try:
            for name in changes:
                self.store.toggle_theme(self.article_id, name, self.text)
        except HashiyaError as exc:
            self._fail(exc)
        if changes:
            self._changed()
            self.notify("Document themes: " + (", ".join(sorted(selected)) or "none"), timeout=3)

    def action_delete_span(self) -> None:
        span = self._target_span()
        if span is None:
            self.notify("No span under the cursor.", severity="warning", timeout=2)
            return
        try:
            self.store.delete_span(span.id, later=True)
        except HashiyaError as exc:
            self._fail(exc)
            return
        self.reader.clear_selection()
        self._changed(said=f"deleted {span.label} “{span.text}” (u undoes)")
        self.app.after_frame(self._write_held)

    def _target_span(self) -> Span | None:
        """The span an edit key acts on: the one under the cursor, or the one
        the selection exactly covers; in the span list, the span highlighted."""
        listed = self.panel.focused_span()
        if listed is not None:
            return listed
        return self.session.target_span(self.reader.cursor, self.reader.selection)

    def action_resize(self, edge: str, step: int, unit: str) -> None:
        plan = self.session.resize(self._target_span(), edge, step, unit)
        if plan.action == NO_SPAN:
            self.notify("Put the cursor on a span to resize it.", severity="warning", timeout=2)
            return
        if plan.action == STALE:
            self._refuse_stale(plan.span, "resize")
            return
        if plan.action == EMPTY:
            self.notify("A span must keep at least one character (x deletes it).", severity="warning", timeout=3)
            return
        try:
            new = self.store.resize_span(plan.span.id, plan.start, plan.end, self.text, later=True)
        except HashiyaError as exc:
            self._fail(exc)
            return
        self.reader.clear_selection()
        self.reader.move_cursor_to(max(new.start, min(self.reader.cursor, new.end - 1)))
        self._changed()
        self.app.after_frame(self._write_held)


_KEY_NAMES = {
    " ": "space", "!": "exclamation_mark", '"': "quotation_mark", "#": "number_sign",
    "$": "dollar_sign", "%": "percent_sign", "&": "ampersand", "'": "apostrophe",
    "(": "left_parenthesis", ")": "right_parenthesis", "*": "asterisk", "+": "plus",
    ",": "comma", "-": "minus", ".": "full_stop", "/": "slash", ":": "colon",
    ";": "semicolon", "<": "less_than_sign", "=": "equals_sign", ">": "greater_than_sign",
    "?": "question_mark", "@": "at", "[": "left_square_bracket", "\\": "backslash",
    "]": "right_square_bracket", "^": "circumflex_accent", "_": "underscore",
    "`": "grave_accent", "{": "left_curly_bracket", "|": "vertical_line",
    "}": "right_curly_bracket", "~": "tilde",
}


def _key_name(key: str) -> str:
    """Textual's name for the key that types `key`."""
    return _KEY_NAMES.get(key, key)
