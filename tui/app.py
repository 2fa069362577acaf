"""The annotator app: one factory (make_app) for the command line and tests.

``run_app`` opens the corpus, label schema and store before the screen is
taken over, so a user mistake ends as one line on stderr and a non-zero
exit. In visual mode the terminal is switched to explicit bidi mode
(``CSI 8 l``) so terminals that reorder RTL text themselves (VTE, mintty)
draw our cells as sent; ``CSI 8 h`` restores it on the way out.
"""

from __future__ import annotations

import gc
import sys

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from annotations.corpus import Corpus
from annotations.errors import HashiyaError
from annotations.schema import Schema, load_schema
from annotations.settings import Settings

from .frames import HELD_EVENTS, FrameHold
from .messages import AnnotationsChanged, DisplayModeChanged
from .prefs import Prefs

BDSM_EXPLICIT = "\x1b[8l"  # terminal draws cells exactly as sent
BDSM_IMPLICIT = "\x1b[8h"  # terminal applies its own bidi (the usual default)
SVG_NO_BIDI = "\n    text { unicode-bidi: bidi-override; direction: ltr; }\n"


class HashiyaApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "hashiya"

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False,
                tooltip="Quit; every edit is already saved."),
        Binding("f1", "help", "Help", tooltip="Every key of this screen and the label keys"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "toggle_mode", "Visual/logical", show=False,
                tooltip="Switch who orders right-to-left text: hashiya or the terminal"),
        Binding("f3", "toggle_harakat", "Harakat on/off", show=False,
                tooltip="Show or hide harakat (diacritics); offsets are unchanged"),
    ]

    #: Text cursors blink; snapshot tests turn this off.
    cursor_blink: bool = True

    def __init__(self, settings: Settings, corpus: Corpus, schema: Schema, store, prefs: Prefs) -> None:
        super().__init__()
        self.settings = settings
        self.corpus = corpus
        self.schema = schema
        self.store = store
        self.prefs = prefs
        self.sub_title = f"{settings.annotator} · store {settings.store}"
        self._store_closed = False
        self.last_reader = None  # the reader screen opened last, if any
        #: What opening the corpus left for after the first frame (see
        #: tui.corpus_index.open_corpus_unchecked); the article list runs it.
        self.corpus_check = None
        self._frame_hold = FrameHold(self)

    async def on_event(self, event: events.Event) -> None:
        # A key (or a click) is drawn in one frame, with all it sets off.
        if isinstance(event, HELD_EVENTS) and not event.is_forwarded:
            self._frame_hold.hold()
        await super().on_event(event)

    # screens -------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        from .screens.articles import ArticlesScreen

        return ArticlesScreen()

    @property
    def articles_screen(self):
        return self.screen_stack[0] if self.screen_stack else None

    def on_mount(self) -> None:
        if self.prefs.warning:
            self.notify(self.prefs.warning, title="Preferences", severity="warning", timeout=8)
        if self.prefs.needs_first_run_check:
            from .screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(), self._first_run_chosen)
        else:
            self._announce_problems()

    def _first_run_chosen(self, mode: str | None) -> None:
        if mode in ("visual", "logical"):
            self.prefs.first_run_done = True
            self.set_display(mode=mode)
        self._announce_problems()

    def _announce_problems(self) -> None:
        problems = self.corpus.problems
        if not problems:
            return
        count = len(problems)
        first = problems[0]
        self.notify(
            f"{count} file{'s' if count != 1 else ''} could not be opened "
            f"(first: {first}); the rest of the corpus is open. Press p for the list.",
            title="Corpus problems",
            severity="warning",
            timeout=10,
        )
        self.show_problems()

    def show_problems(self) -> None:
        from .screens.problems import ProblemsScreen

        self.push_screen(ProblemsScreen(self.corpus.problems, source=str(self.corpus.source)))

    def open_article(self, article_id: str) -> None:
        from .screens.reader import ReaderScreen

        self.last_reader = ReaderScreen(article_id)
        self.push_screen(self.last_reader)

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        # Cells are already in display order; an SVG viewer would run its own
        # bidi over each text run and reverse Arabic a second time.
        svg = super().export_screenshot(title=title, simplify=simplify)
        return svg.replace("</style>", SVG_NO_BIDI + "</style>", 1)

    # app-wide state --------------------------------------------------------

    def set_display(self, mode: str | None = None, harakat: bool | None = None) -> None:
        """Change display mode and/or harakat, remember it, tell every screen."""
        prefs = self.prefs
        if mode is not None and mode != prefs.mode:
            prefs.mode = mode
            prefs.mode_forced = False  # chosen now: remember it
            self.write_terminal(BDSM_EXPLICIT if mode == "visual" else BDSM_IMPLICIT)
        if harakat is not None:
            prefs.harakat = harakat
        warning = prefs.save()
        if warning:
            self.notify(warning, title="Preferences", severity="warning")
        message_mode, message_harakat = prefs.display_mode, prefs.harakat
        for screen in self.screen_stack:
            screen.post_message(DisplayModeChanged(message_mode, message_harakat))

    def write_terminal(self, sequence: str) -> None:
        """Send a control sequence straight to the terminal (nothing in tests)."""
        driver = getattr(self, "_driver", None)
        if driver is not None and not self.is_headless:
            driver.write(sequence)
            driver.flush()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification (Widget.notify comes here too) is drawn as plain
        text through the layout engine: messages quote span texts, queries and
        store errors, so they are shaped and ordered like the rest of the
        screen, and a "[" or an escape sequence in them is shown, never obeyed.
        ``markup`` is accepted for Textual's signature and ignored."""
        from .notice import notice_text, toast_text_width

        prefs = getattr(self, "prefs", None)
        mode = prefs.display_mode if prefs is not None else "visual"
        harakat = prefs.harakat if prefs is not None else True
        width = toast_text_width(self.size.width)
        message = notice_text(str(message), width, mode, harakat)
        title = notice_text(str(title), width, mode, harakat)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_annotations_changed(self, message: AnnotationsChanged) -> None:
        articles = self.articles_screen
        if articles is not None and hasattr(articles, "refresh_from_store"):
            articles.refresh_from_store(message.article_id)

    # actions ---------------------------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    def action_toggle_mode(self) -> None:
        mode = "logical" if self.prefs.display_mode == "visual" else "visual"
        self.set_display(mode=mode)
        self.notify(f"Display mode: {mode}", timeout=3)

    def action_toggle_harakat(self) -> None:
        self.set_display(harakat=not self.prefs.harakat)
        self.notify(f"Harakat {'shown' if self.prefs.harakat else 'hidden'}", timeout=3)

    def toggle_clitic_trim(self) -> None:
        self.prefs.clitic_trim = not self.prefs.clitic_trim
        self.prefs.save()
        self.notify(f"Clitic trimming {'on' if self.prefs.clitic_trim else 'off'}", timeout=3)

    def close_store(self) -> None:
        if not self._store_closed:
            self._store_closed = True
            try:
                self.store.close()
            except HashiyaError:
                pass

    def on_unmount(self) -> None:
        # A corpus check running in a separate process would hold up the exit.
        for screen in self.screen_stack:
            cancel = getattr(screen, "cancel_checks", None)
            if cancel is not None:
                cancel()
        self.close_store()
        # make_app froze what opening left behind; an app closed lets it go.
        gc.unfreeze()


def _commands():
    from .palette import HashiyaCommands

    return HashiyaCommands


HashiyaApp.COMMANDS = App.COMMANDS | {_commands}


def _open_parts(settings: Settings, *, unchecked: bool):
    from annotations.store import Store

    from .corpus_index import open_corpus_indexed, open_corpus_unchecked

    if unchecked:
        # The per-file check of a folder reopened from its index, or writing the
        # index of one opened for the first time, waits until the list is up.
        corpus, check = open_corpus_unchecked(settings.corpus)
    else:
        corpus, check = open_corpus_indexed(settings.corpus), None
    if not len(corpus):
        if check is not None:  # an index listing no article: look at the folder now
            return _open_parts(settings, unchecked=False)
        detail = f" ({len(corpus.problems)} files could not be read: {corpus.problems[0]})" if corpus.problems else ""
        raise HashiyaError(f"{settings.corpus}: no articles to annotate{detail}")
    schema = load_schema(settings.labels)
    store = Store(settings.store, settings.annotator)
    return corpus, schema, store, check


def make_app(settings: Settings) -> HashiyaApp:
    # A large corpus is tens of thousands of long-lived objects; without this
    # every full collection during start-up walks them all again.
    gc.disable()
    try:
        corpus, schema, store, check = _open_parts(settings, unchecked=True)
    finally:
        gc.freeze()
        gc.enable()
    prefs = Prefs.for_settings(settings)
    app = HashiyaApp(settings, corpus, schema, store, prefs)
    app.corpus_check = check
    return app


def run_app(settings: Settings) -> int:
    try:
        app = make_app(settings)
    except HashiyaError as exc:
        print(f"hashiya: error: {exc}", file=sys.stderr)
        return exc.exit_code
    out = sys.__stdout__
    explicit = app.prefs.display_mode == "visual" and out is not None and out.isatty()
    try:
        if explicit:
            out.write(BDSM_EXPLICIT)
            out.flush()
        app.run()
    finally:
        app.close_store()
        if out is not None and out.isatty():
            out.write(BDSM_IMPLICIT)
            out.flush()
    return app.return_code or 0
