"""The reader screen's lines around the text, mixed into ReaderScreen: the
header (the article's title, id, place in the corpus and status), the
stale-article warning, and the status line (cursor, selection, the span or
suggestion under the cursor, search, session figures, display; first, the
confirmation of the last label key, until the cursor moves or another edit
is made). Each is redrawn only when its text changes."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static

from annotations.model import Span
from tui.layout import display_line
from tui.notice import notice_text
from tui.rtl import paragraph_level
from tui.widgets.text_lines import TextLines

from . import notes


#: The characters of a selection the status line shows at most (of 30
#: columns: room for harakat, which take none).
SNIPPET = 120


class ReaderLines:
    """ReaderScreen's header, warning and status lines (see the module docstring)."""

    def _update_header(self) -> None:
        article = self.corpus.get(self.article_id)
        title = article.title if article is not None else self.article_id
        prefs = self.app.prefs
        width = max(10, (self.size.width or 80) - 2)
        index = self.corpus.index_of(self.article_id) + 1 if article is not None else 0
        article_note = self.notes_summary(notes.ARTICLE, shaped=False)
        meta = (
            f"{self.article_id} ({index}/{len(self.corpus)}) · {self.status.display} · "
            + (f"article {article_note} · " if article_note else "")
            + f"annotator {self.app.settings.annotator} · store {self.store.root}"
        )
        key = (title, meta, width, prefs.display_mode, prefs.harakat)
        if key == self._header_line:  # an edit seldom changes it: no shaping, no repaint then
            return
        self._header_line = key
        title_key = (title, width, prefs.display_mode, prefs.harakat)
        shaped_from, shown = self._header_title
        if shaped_from != title_key:  # else only the line under it changed (a first span: the status)
            shown = display_line(title, width, mode=prefs.display_mode, harakat=prefs.harakat)
            if prefs.display_mode == "visual" and paragraph_level(title) & 1:
                # Right-to-left titles sit at the right edge, like the text below.
                shown = " " * max(0, width - cell_len(shown)) + shown
            self._header_title = (title_key, shown)
        # Article ids are file names and may be Arabic too.
        meta = display_line(meta, width, mode=prefs.display_mode, harakat=prefs.harakat, direction="ltr")
        self._part("#reader-header", TextLines).update(f"{shown}\n{meta}")

    def _update_warning(self) -> None:
        warning = self._part("#reader-warning", Static)
        if self.article_stale or self.stale_ids:
            count = len(self.stale_ids)
            warning.update(
                f"⚠ This article's text has changed since it was annotated: {count} span(s) "
                "no longer match and are marked (struck through). They are kept as stored; "
                "delete them (x) before adding or resizing spans here."
            )
            warning.add_class("shown")
        elif warning.has_class("shown"):
            # Only when it was shown: an update asks for a layout of the screen.
            warning.update("")
            warning.remove_class("shown")

    def say(self, message: str) -> None:
        """Confirm an edit (a label key, relabel, delete, undo, redo, done,
        accepted suggestions) on the status line, where it stays until the
        cursor or the selection moves or another edit is made (drawn with
        the edit's own frame: no notification is mounted for it). The next
        status update shows it."""
        mode, harakat = self.app.prefs.display
        reader = self.reader
        self._said = (notice_text(message, None, mode, harakat), reader.cursor, reader.selection)

    def _shown_name(self, name: str) -> str:
        """A label's or an annotator's name as the status line shows it:
        shaped and ordered like the text (a schema may name labels in
        Arabic), on a left-to-right line."""
        reader = self.reader
        return display_line(name, None, mode=reader.mode, harakat=reader.harakat, direction="ltr")

    def _update_status(self, span: Span | None | bool = False) -> None:
        """The status line; `span`: the span under the cursor if the caller
        has looked it up already."""
        reader = self.reader
        selection = reader.selection
        said = self._said
        parts = []
        if said is not None:
            if said[1:] == (reader.cursor, selection):
                parts.append(said[0])
            else:
                self._said = None
        parts.append(f"cursor {reader.cursor}")
        if selection is not None:
            s, e = selection
            # At most SNIPPET characters are shaped: a selection of a whole
            # article costs a key no more than one of a word.
            snippet = display_line(self.text[s:min(e, s + SNIPPET)], 30, mode=reader.mode, harakat=reader.harakat)
            if e - s > SNIPPET and not snippet.endswith("…"):
                snippet += "…"
            parts.append(f"selection [{s}, {e}) “{snippet}”")
        if span is False:
            span = self.span_under_cursor()
        if span is not None:
            parts.append(f"on {self._shown_name(span.label)} [{span.start}, {span.end})")
            if span_note := self.notes_summary(span.id):
                parts.append(span_note)
        suggestion = self.suggestion_under_cursor()
        if suggestion is not None:
            parts.append(f"suggested {self._shown_name(suggestion.label)} [{suggestion.start}, {suggestion.end}): "
                         "y accept, r reject")
        elif self.review is not None and len(self.review):
            parts.append(f"{len(self.review)} suggested")
        if self.search_query:
            query = display_line(self.search_query, 20, mode=reader.mode, harakat=reader.harakat)
            parts.append(f"find “{query}”: {len(reader.matches)}")
        if self.other_annotator is not None:
            parts.append(f"beside {self._shown_name(self.other_annotator)}")
        parts.append(self.app.session_figures.text())
        prefs = self.app.prefs
        parts.append(f"{prefs.display_mode}{'' if prefs.harakat else ', no harakat'}"
                     f"{', clitic trim' if prefs.clitic_trim else ''}")
        line = " · ".join(parts)
        if line != self._status_line:  # compared before escaping: a key often changes nothing here
            self._status_line = line
            # Drawn through `visible` by TextLines; only this row is repainted.
            self._part("#reader-status", TextLines).update(line)
