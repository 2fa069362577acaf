"""Find in the reader, mixed into ReaderScreen: ``/`` highlights the
matches of a query in the article as it is typed and selects the first at
or after the cursor, ``n`` / ``N`` step through them, and ``F`` finds in the
whole corpus and opens the article of the hit chosen. Matching (folded
harakat and letter forms) is the session's (annotations.search).
"""

from __future__ import annotations

from annotations.session import match_from


class FindKeys:
    """ReaderScreen's part that finds text (see the module docstring)."""

    def find(self, query: str) -> list[tuple[int, int]]:
        """Highlight folded matches of `query` and go to the first one at or after the cursor."""
        self.search_query = query
        matches = self.session.find(query)
        reader = self.reader
        if not matches:
            reader.set_matches([])
            self._update_status()
            self.notify(f"“{query}” not found in this article.", severity="warning", timeout=3)
            return matches
        current = match_from(matches, reader.cursor)
        reader.set_matches(matches, current)
        reader.select(*current)
        self._update_status()
        return matches

    def preview_find(self, query: str) -> int:
        """Highlight matches while a query is typed; the selection stays put."""
        matches = self.session.find(query)
        self.reader.set_matches(matches)
        return len(matches)

    def action_find(self) -> None:
        from tui.screens.search import FindInArticle

        before = self.search_query

        def chosen(query: str | None) -> None:
            if query:
                self.find(query)
            elif before:
                self.find(before)
            else:
                self.reader.set_matches([])

        self.app.push_screen(FindInArticle(self.search_query, preview=self.preview_find), chosen)

    def action_find_corpus(self) -> None:
        from tui.screens.search import FindInCorpus, Hit

        def chosen(hit: Hit | None) -> None:
            if hit is None:
                return
            if hit.article_id != self.article_id and not self.load_article(hit.article_id):
                return
            self.reader.move_cursor_to(hit.start)
            self.find(hit.query)

        prefs = self.app.prefs
        self.app.push_screen(
            FindInCorpus(self.corpus, previous=self.search_query, mode=prefs.display_mode, harakat=prefs.harakat),
            chosen,
        )

    def _step_match(self, step: int) -> None:
        reader = self.reader
        matches = reader.matches
        if not matches:
            self.notify("No search: press / to find.", timeout=2)
            return
        cursor = reader.selection[0] if reader.selection else reader.cursor
        target = match_from(matches, cursor, step)
        reader.set_matches(matches, target)
        reader.select(*target)

    def action_next_match(self) -> None:
        self._step_match(1)

    def action_previous_match(self) -> None:
        self._step_match(-1)
