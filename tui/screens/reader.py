"""The reader screen: one article, its spans, and every annotating key.

Keyboard first: a label's key applies it to the selection (or, with no
selection, relabels the span under the cursor, or labels the word under the
cursor); edges of the span under the cursor grow and shrink by a character
or a word. What a key does is decided by the article's session
(annotations.session); this screen carries it out through the store (which
is durable) and draws the result, and a rejected edit shows the store's
reason instead of failing.

This module holds the screen's layout, loading an article, moving between
spans and articles, and the display keys; its other parts are named for
what they do: `reader_lines.py` (the header, warning and status lines),
`reader_labels.py` (label keys, edges, deleting, document themes),
`reader_find.py` (find in the article
and the corpus), `reader_propagation.py` (labelling other occurrences),
`reader_suggestions.py`, `notes.py`, `resume.py`, `other_annotator.py` and
`history.py` (undo and redo).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from annotations.corpus import ids_of
from annotations.errors import HashiyaError, StoreError
from annotations.model import Span, Status
from annotations.progress import to_do_after
from annotations.session import ArticleSession
from tui.frames import RegionCompositor
from tui.bindings import CLITIC_TRIM, DISPLAY_MODE, HARAKAT, HELP, KeptBindingChain
from tui.node import HashiyaNode
from tui.screens.history import UndoKeys
from tui.prefs import Display
from tui.screens import notes
from tui.screens.resume import ResumeActions
from tui.widgets.footer import KeysFooter
from tui.widgets.guidelines import Guidelines
from tui.widgets.reader import Highlight, Reader
from tui.widgets.spans_panel import SpansPanel, SpansSide
from tui.widgets.text_lines import TextLines

from . import reader_suggestions
from .reader_find import FindKeys
from .reader_labels import LabelKeys
from .reader_lines import ReaderLines
from .reader_propagation import PropagationKeys
from .reader_suggestions import SuggestionKeys

P = TypeVar("P", bound=Widget)

WIDE = 110  # from this many columns the span list sits beside the text
AHEAD_DELAY = 0.1  # seconds after an article is up, its neighbours are laid out


class ReaderScreen(
    ReaderLines, LabelKeys, FindKeys, PropagationKeys, SuggestionKeys, notes.NotesActions,
    ResumeActions, HashiyaNode, UndoKeys, KeptBindingChain, Screen[str],
):
    """Read and annotate one article; switches to other articles in place,
    and closes with the id of the article it showed last."""

    # The footer shows the keys in this order and an 80-column terminal fits
    # about six: the ones an annotator needs all the time come first, with
    # Help (which lists the label keys) among them.
    BINDINGS = [
        Binding("space", "select_word", "Select word"),
        Binding("l", "label_picker", "Labels…"),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("x,delete", "delete_span", "Delete",
                tooltip="Delete the span under the cursor (u undoes)"),
        # The app's own f1, repeated here so its hint comes before the rest;
        # system: the help screen lists it once, under "Everywhere".
        replace(HELP, system=True),
        Binding("M", "toggle_done", "Done"),
        Binding("S", "focus_spans", "Span list",
                tooltip="The span list (also Tab): ↑ ↓ spans, Enter goes there, a label key relabels, x deletes"),
        Binding("tab", "focus_spans", "Span list", show=False),
        Binding("J,ctrl+pagedown", "next_article", "Next article"),
        Binding("slash,ctrl+f", "find", "Find"),
        Binding("escape", "escape", "Clear/back"),
        Binding("q", "back", "Back to the list", show=False),
        Binding("D", "theme_picker", "Doc themes…"),
        Binding("U,ctrl+y", "redo", "Redo"),
        Binding("left_square_bracket", "resize('start', -1, 'char')", "Grow start", show=False),
        Binding("right_square_bracket", "resize('end', 1, 'char')", "Grow end", show=False),
        Binding("left_curly_bracket", "resize('start', 1, 'char')", "Shrink start", show=False),
        Binding("right_curly_bracket", "resize('end', -1, 'char')", "Shrink end", show=False),
        Binding("left_parenthesis", "resize('start', -1, 'word')", "Grow start by a word", show=False),
        Binding("right_parenthesis", "resize('end', 1, 'word')", "Grow end by a word", show=False),
        Binding("less_than_sign", "resize('start', 1, 'word')", "Shrink start by a word", show=False),
        Binding("greater_than_sign", "resize('end', -1, 'word')", "Shrink end by a word", show=False),
        Binding("full_stop", "next_span", "Next span", show=False),
        Binding("comma", "previous_span", "Previous span", show=False),
        Binding("F", "find_corpus", "Find in corpus", show=False),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "previous_match", "Previous match", show=False),
        Binding("P", "propagate('article')", "Label all here", show=False),
        Binding("O", "propagate('corpus')", "Label all in corpus", show=False),
        Binding("K,ctrl+pageup", "previous_article", "Previous article", show=False),
        Binding("A", "next_unannotated", "Next to do", show=False),
        CLITIC_TRIM.screen_binding("c"),
        DISPLAY_MODE.screen_binding("m", action="toggle_mode"),
        HARAKAT.screen_binding("h", action="toggle_harakat"),
        *reader_suggestions.BINDINGS,
        Binding("o", "other_annotator", "Other annotator's spans", show=False,
                tooltip="Show another annotator's spans beside yours, read-only (again: hide them)"),
        *notes.BINDINGS,
        Binding("G", "toggle_guidelines", "Guidelines",
                tooltip="The description and examples of the label under the cursor (or chosen with l)"),
    ]

    def __init__(self, article_id: str) -> None:
        super().__init__()
        # A key's frame renders only the widgets under what it changed.
        self._compositor = RegionCompositor()
        self.article_id = article_id
        #: the article's text and spans, and the rules for editing them
        self.session = ArticleSession(article_id, "")
        self.themes: list[str] = []
        self.status: Status = Status.TODO
        self.search_query = ""
        #: whose spans are drawn beside this annotator's (read-only), if anyone's
        self.other_annotator: str | None = None
        self._ahead_timer = None
        #: what the last edit key did, shown first on the status line until
        #: the cursor or the selection moves: (message, cursor, selection)
        self._said: tuple[str, int, tuple[int, int] | None] | None = None
        self._header_line: tuple = ()  # what the header was drawn from
        self._header_title: tuple = (None, "")  # its first line: (what it was shaped from, the title as shaped)
        self._parts: dict[str, Widget] = {}
        self._status_line = ""
        #: the article's notes and flags as last read from the store
        self.shown_notes: dict = {}
        self._bind_labels()
        self._prioritise_keys()

    # ------------------------------------------------------------ set up

    def _part(self, selector: str, kind: type[P]) -> P:
        """One of the screen's own widgets (composed once, never replaced),
        looked up once: several are used on every key, and a query walks
        the screen's widgets each time."""
        part = self._parts.get(selector)
        if part is None:
            part = self._parts[selector] = self.query_one(selector, kind)
        return part

    @property
    def text(self) -> str:
        return self.session.text

    @property
    def spans(self) -> list[Span]:
        return self.session.spans

    @property
    def stale_ids(self) -> set[str]:
        return self.session.stale_ids

    @property
    def article_stale(self) -> bool:
        return self.session.article_stale

    @property
    def reader(self) -> Reader:
        return self._part("#reader", Reader)

    @property
    def panel(self) -> SpansPanel:
        return self._part("#spans-panel", SpansPanel)

    @property
    def store(self):
        return self.app.store

    @property
    def schema(self):
        return self.app.schema

    @property
    def corpus(self):
        return self.app.corpus

    def compose(self) -> ComposeResult:
        prefs = self.app.prefs
        yield TextLines(id="reader-header")
        yield Static("", id="reader-warning")
        with Horizontal(id="reader-body"):
            reader = Reader(id="reader", mode=prefs.display_mode, harakat=prefs.harakat)
            reader.word_clitics = prefs.clitic_trim
            yield reader
            yield SpansSide(id="spans-side")
        yield Guidelines(id="guidelines")
        yield TextLines(id="reader-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        app = self.app
        app.display_changed_signal.subscribe(self, self._display_changed)
        app.clitic_trim_changed_signal.subscribe(self, self._clitic_trim_changed)
        self._apply_width(app.size.width)
        error = self._load(self.article_id)
        if error is not None:
            # Nothing to show: back to where we came from, then say why.
            app = self.app

            def leave() -> None:
                app.pop_screen()
                self._report(error)

            app.call_later(leave)
            return
        self.reader.focus()
        if self.shadowed:
            names = ", ".join(f"{label.name} ({label.key})" for label in self.shadowed)
            self.notify(
                f"These label keys are taken by reader keys; use the label picker (l): {names}",
                severity="warning",
                timeout=8,
            )

    def on_resize(self, event) -> None:
        self._apply_width(event.size.width)
        self._update_header()

    def _apply_width(self, width: int) -> None:
        self.set_class(width < WIDE, "narrow")

    # ------------------------------------------------------------ article

    def load_article(self, article_id: str) -> bool:
        """Show `article_id` in place; False (with a message) if it cannot be read."""
        error = self._load(article_id)
        if error is not None:
            self._report(error)
        return error is None

    def _report(self, error: HashiyaError) -> None:
        if isinstance(error, StoreError):
            self.app.show_store_error(error)
        else:
            self.notify(str(error), severity="error", timeout=8)

    def _load(self, article_id: str) -> HashiyaError | None:
        """Show `article_id` in place, or the reason it cannot be read (the
        screen unchanged): its text or its store file."""
        article = self.corpus.get(article_id)
        if article is None:
            return HashiyaError(f"no article {article_id!r} in the corpus")
        try:
            text = article.text
            # A store file that cannot be read stops here, before the screen changes.
            self.store.spans(article_id)
            stale = self.store.is_stale(article_id, article.fingerprint)
        except HashiyaError as exc:
            return exc
        self.remember_position()
        self.article_id = article_id
        self.session = ArticleSession(article_id, text, article_stale=stale)
        self.search_query = ""
        self.reader.set_text(text)
        self.start_review()
        self.refresh_annotations()
        self.compute_if_missing()
        self.restore_position()
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(AHEAD_DELAY, self._lay_out_ahead)
        return None

    def _lay_out_ahead(self) -> None:
        """The first screen of the articles either side, laid out while the
        annotator reads this one: J and K then show them without waiting."""
        self._ahead_timer = None
        articles = self.corpus.articles
        index = self.corpus.index_of(self.article_id)
        texts = []
        for other in (index + 1, index - 1):
            if 0 <= other < len(articles):
                try:
                    texts.append(articles[other].text)
                except HashiyaError:
                    pass  # said when it is opened
        self.reader.lay_out_ahead(texts)

    def refresh_annotations(self) -> None:
        """Re-read this article's spans, themes and status from the store."""
        article_id = self.article_id
        session = self.session
        article = self.corpus.get(article_id)
        stale = session.article_stale
        try:
            spans = self.store.spans(article_id)
            themes = self.store.themes(article_id)
            status = self.store.status(article_id)
            if article is not None:
                stale = self.store.is_stale(article_id, article.fingerprint)
        except StoreError as exc:  # damaged meanwhile: what is shown stays
            self.app.show_store_error(exc)
            return
        self.shown_notes = self.current_notes()
        self.draw_annotations(spans, themes, status, stale)

    def draw_annotations(self, spans: list[Span], themes: list[str], status: Status, stale: bool,
                         *, added: bool = False) -> None:
        """Show these spans, themes and status (the article's notes as last
        read) without reading the store: what refresh_annotations read, or
        (`added`) the spans shown and a span just saved, with the
        suggestions as last read (a new span changes what waits of them,
        not what was suggested)."""
        session = self.session
        self.themes = themes
        self.status = status
        session.update(spans, article_stale=stale)
        self._update_review(read=not added)
        colours = {label.name: label.colour for label in self.schema.labels}
        self.reader.set_highlights(
            Highlight(
                span.start,
                span.end,
                span.label,
                span.kind,
                colours.get(span.label, "white"),
                span.id in self.stale_ids,
            )
            for span in self.spans
        )
        prefs = self.app.prefs
        self.panel.show(
            self.spans,
            self.themes,
            stale_ids=self.stale_ids,
            status=self.status.display,
            mode=prefs.display_mode,
            harakat=prefs.harakat,
            suggestions=self.review.waiting if self.review is not None else (),
            suggested_themes=self.review.themes if self.review is not None else (),
            notes=self.shown_notes,
        )
        self._show_other()
        self._update_header()
        self._update_warning()
        self._update_status()

    def _show_other(self) -> None:
        from tui.screens.other_annotator import show_other

        show_other(self)

    def action_other_annotator(self) -> None:
        from tui.screens.other_annotator import toggle_other

        toggle_other(self)

    @on(Reader.Moved)
    def _moved(self, event: Reader.Moved) -> None:
        event.stop()  # no one above the screen listens
        self.cursor_moved()

    def cursor_moved(self, *, status: bool = True) -> None:
        """What follows the reader's cursor: the status line (unless the
        caller has just drawn it), the remembered position, the span list's
        highlight and the label's guidelines."""
        span = self.span_under_cursor()
        if status:
            self._update_status(span)
        self.remember_position(save=False)
        if span is not None:
            panel = self.panel
            if not panel.has_focus:
                panel.highlight_span(span.id)
            self._part("#guidelines", Guidelines).show_label(self.schema.get(span.label))

    @on(SpansPanel.Picked)
    def _picked(self, event: SpansPanel.Picked) -> None:
        self.reader.move_cursor_to(event.start)
        self.reader.focus()

    @on(SpansPanel.Highlighted)
    def _panel_highlighted(self, event: SpansPanel.Highlighted) -> None:
        # The text follows the list, so the reader's keys act on that span.
        self.reader.clear_selection()
        self.reader.move_cursor_to(event.span.start)

    @on(SpansPanel.Left)
    def _panel_left(self) -> None:
        self.reader.focus()

    def action_focus_spans(self) -> None:
        if not self.spans:
            self.notify("No spans in this article yet.", timeout=2)
            return
        cursor = self.reader.cursor
        span = self.span_under_cursor() or self.session.next_span(cursor) or self.spans[-1]
        self.panel.highlight_span(span.id)
        self.panel.focus()

    def _display_changed(self, display: Display) -> None:
        self.reader.set_display(display.mode, display.harakat)
        self.refresh_annotations()
        self.query_one(Guidelines).redraw()

    def _clitic_trim_changed(self, on: bool) -> None:
        self.reader.word_clitics = on
        self._update_status()

    def _changed(self, *article_ids: str, said: str | None = None) -> None:
        """Draw what an edit changed; `said`: its confirmation for the status
        line (any other edit, an undo too, clears the last one)."""
        self._said = None
        if said is not None:
            self.say(said)
        changed_ids = tuple(dict.fromkeys(article_ids or (self.article_id,)))
        self.app.session_figures.refresh(*changed_ids)
        self.refresh_annotations()
        changed = self.app.annotations_changed_signal
        for article_id in changed_ids:
            changed.publish(article_id)

    # ------------------------------------------------------------ spans

    def span_under_cursor(self) -> Span | None:
        return self.session.span_at(self.reader.cursor)

    def _fail(self, exc: HashiyaError) -> None:
        self.notify(str(exc), title="Not saved", severity="error", timeout=6)

    def action_select_word(self) -> None:
        snapped = self.reader.select_word(
            clitics=self.app.prefs.clitic_trim, evidence=self.app.word_evidence.current()
        )
        if snapped is None:
            self.notify("No word under the cursor.", severity="warning", timeout=2)

    def action_escape(self) -> None:
        reader = self.reader
        if reader.selection is not None:
            reader.clear_selection()
        elif self.search_query:
            self.search_query = ""
            reader.set_matches([])
            self._update_status()
        else:
            self.action_back()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.remember_position(closing=True)
            self.dismiss(self.article_id)

    @property
    def undo_store(self):
        return self.store

    def action_next_span(self) -> None:
        span = self.session.next_span(self.reader.cursor)
        if span is not None:
            self.reader.move_cursor_to(span.start)
        else:
            self.notify("No more spans after the cursor.", timeout=2)

    def action_previous_span(self) -> None:
        span = self.session.previous_span(self.reader.cursor)
        if span is not None:
            self.reader.move_cursor_to(span.start)
        else:
            self.notify("No spans before the cursor.", timeout=2)

    # ------------------------------------------------------------ articles

    def _switch(self, step: int) -> None:
        articles = self.corpus.articles
        index = self.corpus.index_of(self.article_id)
        target = index + step
        while 0 <= target < len(articles):
            if self.load_article(articles[target].id):
                return
            target += step
        self.notify("No more articles that way.", timeout=2)

    def action_next_article(self) -> None:
        self._switch(1)

    def action_previous_article(self) -> None:
        self._switch(-1)

    def action_next_unannotated(self) -> None:
        ids = ids_of(self.corpus.articles)
        start = self.corpus.index_of(self.article_id)
        first = self.app.suggester.first()
        for index in to_do_after(ids, start, self.store.statuses(), self.store.span_counts(), first):
            article_id = ids[index]
            if article_id != self.article_id and self.load_article(article_id):
                return
        self.notify("Every other article has annotations or a status.", timeout=3)

    def action_toggle_done(self) -> None:
        new = Status.IN_PROGRESS if self.status == Status.DONE else Status.DONE
        try:
            self.store.set_status(self.article_id, new)
        except HashiyaError as exc:
            self._fail(exc)
            return
        self._changed(said=f"Article marked {new.display}")

    # ------------------------------------------------------------ display

    # The status line shows the display mode and harakat: no notice here,
    # unlike F2 and F3.

    def action_toggle_guidelines(self) -> None:
        guidelines = self.query_one(Guidelines)
        span = self.span_under_cursor()
        if span is not None:
            guidelines.show_label(self.schema.get(span.label))
        guidelines.toggle()

    def action_toggle_mode(self) -> None:
        self.app.toggle_mode()

    def action_toggle_harakat(self) -> None:
        self.app.toggle_harakat()
