"""The reader's part in resuming (tui.resume): each article opens where
its cursor and scroll were left, and the app remembers which article was
open when it closed.

The file is written (and fsync'd) half a second after an article is shown
rather than on the way to its frame, once for a run of J/K, and at once
when the reader closes; the app writes it again when it ends. A process
killed within that half second reopens on the article shown before."""

from __future__ import annotations

SAVE_DELAY = 0.5  # seconds after an article is shown, the position file is written


class ResumeActions:
    """Mixed into ReaderScreen."""

    _resume_timer = None

    def _save_resume_soon(self) -> None:
        if self._resume_timer is None:
            self._resume_timer = self.set_timer(SAVE_DELAY, self._save_resume_now)

    def _save_resume_now(self) -> None:
        if self._resume_timer is not None:
            self._resume_timer.stop()
            self._resume_timer = None
        self.app.save_resume()

    def remember_position(self, *, closing: bool = False, save: bool = True) -> None:
        """Keep the shown article's cursor and top row (as a text offset);
        ``save=False`` only in memory (the app writes it when it closes)."""
        reader = self.reader
        if not reader.text or not self.article_id:
            return
        resume = self.app.resume
        top = 0
        row_index = round(reader.scroll_y)
        try:
            top = reader.layout.row(row_index).start
        except (IndexError, ValueError):
            top = 0
        resume.remember(self.article_id, reader.cursor, top)
        resume.open_article = None if closing else self.article_id
        resume.list_article = self.article_id
        if closing:
            self._save_resume_now()
        elif save:
            self._save_resume_soon()

    def restore_position(self) -> None:
        """Put the cursor and scroll back where they were, once laid out."""
        position = self.app.resume.position(self.article_id)
        self.app.resume.open_article = self.article_id
        self.app.resume.list_article = self.article_id
        self._save_resume_soon()
        if position is None:
            return
        cursor, top = position
        article_id = self.article_id

        def restore() -> None:
            reader = self.reader
            if self.article_id != article_id or not reader.text:
                return
            length = len(reader.text)
            if min(cursor, length) != reader.cursor:  # (an article left at its start is there already)
                reader.move_cursor_to(min(cursor, length))
            row, _ = reader.layout.locate(min(top, length))
            height = reader.scrollable_content_region.height or 1
            cursor_row, _ = reader.layout.locate(reader.cursor)
            if row <= cursor_row < row + height and row != round(reader.scroll_y):
                reader.scroll_to(y=row, animate=False, immediate=True)

        if self.reader.size.height:
            restore()  # laid out at its width already (J/K): in the article's first frame
        else:
            self.call_after_refresh(restore)  # opening: once the reader has a size
