"""Notes and review flags in the reader: the note editor, and the reader's
note and flag keys.

A note is free text (Arabic or Latin, typed in the shaped input) on the
span under the cursor or on the article; a flag marks either as uncertain,
for review. Both are store edits (journaled, undoable with u); the reader
shows them in its header, status line and span list.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotations.errors import HashiyaError
from annotations.model import ARTICLE, Note
from tui.layout import display_line
from tui.node import HashiyaNode
from tui.widgets.shaped_input import ShapedInput

FLAG = "⚑"

#: the reader's keys for notes and flags (ReaderScreen.BINDINGS holds them)
BINDINGS = [
    Binding("e", "edit_note", "Note", tooltip="A note on the span under the cursor (else on the article)"),
    Binding("E", "edit_note('article')", "Article note", show=False),
    Binding("exclamation_mark", "toggle_flag", "Flag", show=False,
            tooltip="Flag the span under the cursor (else the article) as uncertain, for review"),
    Binding("ctrl+t", "toggle_flag('article')", "Flag the article", show=False),
]


class NoteEditor(HashiyaNode, ModalScreen[Note | None]):
    """Edit one note: Enter keeps it (empty removes it), Ctrl+T flags or
    unflags, Esc leaves everything as it was."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+t", "flag", "Flag for review"),
    ]

    def __init__(self, what: str, note: Note) -> None:
        super().__init__()
        self.what = what
        self.flagged = note.flagged
        self.initial = note.note

    def compose(self) -> ComposeResult:
        mode, harakat = self.app.prefs.display
        with Vertical(id="note-box", classes="dialog"):
            title = Text("Note on ", style="bold")
            title.append(display_line(self.what, 60, mode=mode, harakat=harakat, direction="ltr"))
            yield Static(title, id="note-title")
            yield ShapedInput(value=self.initial, placeholder="note (Arabic or Latin)", id="note-text")
            yield Static(self._flag_line(), id="note-flag")
            yield Static("Enter keeps · empty removes the note · Ctrl+T flag · Esc cancels", id="note-hint")

    def _flag_line(self) -> str:
        return f"[{FLAG if self.flagged else ' '}] uncertain / for review  (Ctrl+T)"

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_flag(self) -> None:
        self.flagged = not self.flagged
        self.query_one("#note-flag", Static).update(self._flag_line())

    @on(Input.Submitted, "#note-text")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(Note(event.value.strip(), self.flagged))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NotesActions:
    """The reader screen's note and flag actions (mixed into ReaderScreen)."""

    def _note_target(self, scope: str) -> tuple[str, str]:
        """(target, what it is in words): the span under the cursor, else the article."""
        span = None if scope == "article" else self._target_span()
        if span is None:
            return ARTICLE, f"article {self.article_id}"
        return span.id, f"{span.label} “{span.text}”"

    def current_notes(self) -> dict[str, Note]:
        try:
            return self.store.notes(self.article_id)
        except HashiyaError:
            return {}

    def action_edit_note(self, scope: str = "") -> None:
        target, what = self._note_target(scope)
        note = self.current_notes().get(target) or Note()

        def chosen(new: Note | None) -> None:
            if new is not None:
                self.set_note(target, new.note, new.flagged)

        self.app.push_screen(NoteEditor(what, note), chosen)

    def action_toggle_flag(self, scope: str = "") -> None:
        target, what = self._note_target(scope)
        note = self.current_notes().get(target) or Note()
        if self.set_note(target, note.note, not note.flagged) is not None:
            self.notify(f"{'flagged for review' if not note.flagged else 'flag removed'}: {what} (u undoes)",
                        timeout=3)

    def set_note(self, target: str, text: str, flagged: bool) -> Note | None:
        try:
            note = self.store.set_note(self.article_id, target, note=text, flagged=flagged, article_text=self.text)
        except HashiyaError as exc:
            self._fail(exc)
            return None
        self._changed()
        return note

    def notes_summary(self, target: str, *, shaped: bool = True) -> str:
        """What the status line and header say of a note: ⚑ for review, the
        note (laid out here, or left in logical order for a line the caller
        lays out as a whole: ``shaped=False``)."""
        note = self.shown_notes.get(target)  # as last read: the store is not asked on every key
        if not note:
            return ""
        parts = [f"{FLAG} for review"] if note.flagged else []
        if note.note:
            mode, harakat = self.app.prefs.display
            text = " ".join(note.note.split())
            text = display_line(text, 30, mode=mode, harakat=harakat) if shaped else text[:30]
            parts.append(f"note “{text}”")
        return " ".join(parts)
