"""The annotator app: one factory (make_app) for the command line and tests.

``run_app`` opens the corpus, label schema and store before the screen is
taken over, so a user mistake ends as one line on stderr and a non-zero
exit. A store whose summary can be read is only locked then, and opened
when first needed (``tui.deferred_store``): the list is drawn from the
summary, and opening a large store's index waits for the first article. In visual mode the terminal is switched to explicit bidi mode
(``CSI 8 l``) so terminals that reorder RTL text themselves (VTE, mintty)
draw our cells as sent; ``CSI 8 h`` restores it on the way out.

The app owns the corpus, the store and the preferences. What changes for
every screen at once is published as a signal on the app (as Textual's own
``theme_changed_signal``), and the screens that care subscribe:

- ``display_changed_signal``: the display mode or harakat changed (a ``Display``);
- ``clitic_trim_changed_signal``: clitic trimming was switched (on: True);
- ``annotations_changed_signal``: an article's spans, themes or status changed
  in the store (its id);
- ``corpus_changed_signal``: the corpus was read again after its check (the new
  ``Corpus``, already ``app.corpus``).
"""

from __future__ import annotations

import gc
import os
import shlex
import sys
import threading
from importlib import import_module
from typing import TYPE_CHECKING, Callable, Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from annotations.corpus import Corpus
from annotations.errors import HashiyaError, StoreError, StoreLockedError
from annotations.schema import Schema, load_schema
from annotations.settings import Settings

from .bindings import DISPLAY_MODE, HARAKAT, HELP, HELP_TOO, NEXT_ORDER
from .frames import HELD_EVENTS, AfterFrame, FrameHold
from .layout import display_line
from .resume import Resume
from .session_figures import SessionFigures
from .prefs import Display, Prefs
from .suggesting import Suggester
from .word_evidence import WordEvidence

if TYPE_CHECKING:
    from .corpus_index import CorpusCheck
    from .deferred_store import StoreOpening
    from .screens.articles import ArticlesScreen

BDSM_EXPLICIT = "\x1b[8l"  # terminal draws cells exactly as sent
BDSM_IMPLICIT = "\x1b[8h"  # terminal applies its own bidi (the usual default)
SVG_NO_BIDI = "\n    text { unicode-bidi: bidi-override; direction: ltr; }\n"

#: Seconds after the app is up that the reader's modules are loaded, in a
#: thread: the list is drawn without them, and the first article opened
#: does not wait for them.
READER_WARM_UP = 1.0


class HashiyaApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "hashiya"

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False,
                tooltip="Quit; every edit is already saved."),
        HELP,
        HELP_TOO,
        DISPLAY_MODE.binding("f2"),
        HARAKAT.binding("f3"),
        NEXT_ORDER.binding("f4"),
    ]

    #: Text cursors blink; snapshot tests turn this off.
    cursor_blink: bool = True

    #: Set by ``hashiya review``: the annotators compared (the app's own
    #: annotator is gold), and the app opens on the review's article list.
    review_from: list[str] | None = None

    def __init__(self, settings: Settings, corpus: Corpus, schema: Schema, store, prefs: Prefs,
                 corpus_check: CorpusCheck | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.corpus = corpus
        self.schema = schema
        self.store = store
        self.prefs = prefs
        self.sub_title = self._sub_title()
        self._store_closed = False
        #: What opening the corpus left for after the first frame (see
        #: tui.corpus_index.open_corpus_unchecked), until it is started.
        self.corpus_check = corpus_check
        self.display_changed_signal: Signal[Display] = Signal(self, "display-changed")
        self.clitic_trim_changed_signal: Signal[bool] = Signal(self, "clitic-trim-changed")
        self.annotations_changed_signal: Signal[str] = Signal(self, "annotations-changed")
        self.corpus_changed_signal: Signal[Corpus] = Signal(self, "corpus-changed")
        #: suggestions, the model and the next-to-do order (no Textual inside)
        self.suggester = Suggester(settings, schema, store)
        #: Known words for the reader's word selection (tui.word_evidence).
        self.word_evidence = WordEvidence(corpus, schema, store)
        #: Where this annotator left off in this corpus (tui.resume).
        self.resume = Resume.load(os.path.abspath(str(corpus.source)), settings.annotator)
        #: Spans made this session, and per hour (tui.session_figures).
        self.session_figures = SessionFigures(store)
        self._frame_hold = FrameHold(self)
        self._after_frame = AfterFrame(self)

    async def on_event(self, event: events.Event) -> None:
        # A key (or a click) is drawn in one frame, with all it sets off.
        held = isinstance(event, HELD_EVENTS) and not event.is_forwarded
        if held:
            self._frame_hold.hold()
        await super().on_event(event)
        if held:
            # A key bound here (a label key) has done its work by now.
            self._frame_hold.release_if_done()

    def after_frame(self, callback) -> None:
        """Run `callback` once the next frame is out (``frames.AfterFrame``)."""
        self._after_frame.add(callback)

    def post_display_hook(self) -> None:
        self._after_frame.displayed()

    def _sub_title(self) -> str:
        """Who annotates and where the store is: data (the store path and the
        name come from the command line), drawn as the header's plain text."""
        settings = self.settings
        mode, harakat = self.prefs.display
        return display_line(f"{settings.annotator} · store {settings.store}", None, mode=mode,
                            harakat=harakat, direction="ltr")

    # screens -------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        from .screens.articles import ArticlesScreen

        if self.review_from is not None:
            from .screens.review_list import ReviewListScreen, ReviewSetup

            return ReviewListScreen(ReviewSetup(self.review_from, self.settings.annotator, self.store))

        return ArticlesScreen()

    @property
    def articles_screen(self) -> ArticlesScreen | None:
        return self.screen_stack[0] if self.screen_stack else None  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.set_timer(READER_WARM_UP, self._warm_reader)
        if self.prefs.warning:
            self.notify(self.prefs.warning, title="Preferences", severity="warning", timeout=8)
        for warning in self.schema.warnings:
            self.notify(warning, title="Labels", severity="warning", timeout=8)
        if self.prefs.needs_first_run_check:
            from .screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(), self._first_run_chosen)
        else:
            self._announce_problems()

    def _warm_reader(self) -> None:
        threading.Thread(target=_load_reader, name="hashiya-reader-warm-up", daemon=True).start()

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

    def open_article(self, article_id: str, closed: Callable[[str | None], None] | None = None) -> None:
        """Show `article_id` in the reader; `closed` hears which article the
        reader showed last (it moves between articles in place). An article
        whose store file cannot be read is not opened: the error is shown."""
        from .screens.reader import ReaderScreen

        try:
            self.store.spans(article_id)  # opens the store on first need
        except StoreLockedError as exc:  # taken over since start-up (tui.deferred_store)
            self.notify(str(exc), title="Store", severity="error", timeout=10)
            return
        except StoreError as exc:
            self.show_store_error(exc)
            return
        self.push_screen(ReaderScreen(article_id), closed)

    def repair_command(self) -> str:
        """The command that repairs this store (for this corpus and annotator)."""
        settings = self.settings
        return shlex.join(["hashiya", "validate", str(settings.corpus), "--store", str(settings.store),
                           "--annotator", settings.annotator, "--repair"])

    def show_store_error(self, error: StoreError) -> None:
        """A store file could not be read: say which and why, and how to repair it."""
        from .screens.problems import StoreErrorScreen

        if not isinstance(self.screen, StoreErrorScreen):  # one at a time
            self.push_screen(StoreErrorScreen(str(error), self.repair_command()))

    # corpus ------------------------------------------------------------------

    def start_corpus_check(self) -> CorpusCheck | None:
        """What opening the corpus left for after the first frame, handed to
        the one who runs it (once): None if nothing was left."""
        check, self.corpus_check = self.corpus_check, None
        return check

    def replace_corpus(self, fresh: Corpus) -> None:
        """The corpus as its check found it: every screen hears of it, and
        files that cannot be opened are announced if they changed."""
        before = [str(problem) for problem in self.corpus.problems]
        self.corpus = fresh
        self.word_evidence = self.word_evidence.for_corpus(fresh)
        self.corpus_changed_signal.publish(fresh)
        if [str(problem) for problem in fresh.problems] != before:
            self._announce_problems()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, and the display switches by name."""
        yield from super().get_system_commands(screen)
        prefs = self.prefs
        other = "logical" if prefs.display_mode == "visual" else "visual"
        yield SystemCommand(f"Display mode: {other}",
                            f"now {prefs.display_mode}; {other} means "
                            + ("the terminal orders right-to-left text" if other == "logical"
                               else "hashiya orders right-to-left text"),
                            self.toggle_mode)
        yield SystemCommand("Harakat: " + ("hide" if prefs.harakat else "show"),
                            "diacritics on screen only; offsets never change",
                            self.toggle_harakat)
        yield SystemCommand("Clitic trimming: " + ("off" if prefs.clitic_trim else "on"),
                            "select word drops a leading conjunction, preposition or article",
                            self.action_toggle_clitic_trim)

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
        self.sub_title = self._sub_title()
        warning = prefs.save()
        if warning:
            self.notify(warning, title="Preferences", severity="warning")
        self.display_changed_signal.publish(prefs.display)

    def toggle_mode(self) -> str:
        """Switch between visual and logical display; returns the mode now."""
        mode = "logical" if self.prefs.display_mode == "visual" else "visual"
        self.set_display(mode=mode)
        return mode

    def toggle_harakat(self) -> bool:
        """Show or hide harakat; returns whether they show now."""
        self.set_display(harakat=not self.prefs.harakat)
        return self.prefs.harakat

    def toggle_clitic_trim(self) -> bool:
        """Switch whether selecting a word leaves out a leading clitic; returns
        whether it does now."""
        prefs = self.prefs
        prefs.clitic_trim = not prefs.clitic_trim
        prefs.save()
        self.clitic_trim_changed_signal.publish(prefs.clitic_trim)
        return prefs.clitic_trim

    def write_terminal(self, sequence: str) -> None:
        """Send a control sequence straight to the terminal (nothing in tests)."""
        driver = self._driver
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

        mode, harakat = self.prefs.display
        width = toast_text_width(self.size.width)
        message = notice_text(str(message), width, mode, harakat)
        title = notice_text(str(title), width, mode, harakat)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # actions ---------------------------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    def action_toggle_mode(self) -> None:
        self.notify(f"Display mode: {self.toggle_mode()}", timeout=3)

    def action_toggle_order(self) -> None:
        order = self.suggester.toggle_order()
        self.notify("Next to do: the article the model is least sure of first" if order == "doubt"
                    else "Next to do: the next article in the list", timeout=3)

    def action_toggle_harakat(self) -> None:
        self.notify(f"Harakat {'shown' if self.toggle_harakat() else 'hidden'}", timeout=3)

    def action_toggle_clitic_trim(self) -> None:
        self.notify(f"Clitic trimming {'on' if self.toggle_clitic_trim() else 'off'}", timeout=3)

    def close_store(self) -> None:
        if not self._store_closed:
            self._store_closed = True
            try:
                self.store.close()
            except HashiyaError:
                pass

    def save_resume(self) -> None:
        warning = self.resume.save()
        if warning:
            self.log.warning(warning)

    def on_unmount(self) -> None:
        self.save_resume()
        self.close_store()
        # make_app froze what opening left behind; an app closed lets it go.
        gc.unfreeze()


def _commands():
    from .palette import HashiyaCommands

    return HashiyaCommands


HashiyaApp.COMMANDS = App.COMMANDS | {_commands}


def _load_reader() -> None:
    """Import the reader screen and what it uses (the word segmenter, the
    suggestions' review): the same import ``open_article`` makes, done
    early; one that fails is left for ``open_article`` to meet."""
    try:
        import_module("tui.screens.reader")
    except Exception:  # noqa: BLE001 - opening an article imports it again and shows its error
        pass


def _open_parts(settings: Settings, *, unchecked: bool, opening: StoreOpening | None = None):
    from .deferred_store import StoreOpening

    # the store's lock first; its summary is read meanwhile (tui.deferred_store)
    if opening is None:
        opening = StoreOpening(settings.store, settings.annotator)
    try:
        corpus, check = _open_corpus(settings, unchecked=unchecked)
        schema = load_schema(settings.labels)
        store = opening.result()
    except BaseException:
        opening.cancel()
        raise
    return corpus, schema, store, check


def _open_corpus(settings: Settings, *, unchecked: bool):
    from .corpus_index import open_corpus_indexed, open_corpus_unchecked

    if unchecked:
        # The per-file check of a folder reopened from its index, or writing the
        # index of one opened for the first time, waits until the list is up.
        corpus, check = open_corpus_unchecked(settings.corpus)
    else:
        corpus, check = open_corpus_indexed(settings.corpus), None
    if not len(corpus):
        if check is not None:  # an index listing no article: look at the folder now
            return _open_corpus(settings, unchecked=False)
        detail = f" ({len(corpus.problems)} files could not be read: {corpus.problems[0]})" if corpus.problems else ""
        raise HashiyaError(f"{settings.corpus}: no articles to annotate{detail}")
    return corpus, check


def make_app(settings: Settings, opening: StoreOpening | None = None) -> HashiyaApp:
    """The app on `settings`; `opening`: its store's opening, when it was
    started before (its lock is then the app's to release)."""
    # A large corpus is tens of thousands of long-lived objects; without this
    # every full collection during start-up walks them all again.
    gc.disable()
    try:
        corpus, schema, store, check = _open_parts(settings, unchecked=True, opening=opening)
    finally:
        gc.freeze()
        gc.enable()
    prefs = Prefs.for_settings(settings)
    return HashiyaApp(settings, corpus, schema, store, prefs, corpus_check=check)


def _review_names(app: HashiyaApp, names: list[str]) -> list[str]:
    """The annotators `hashiya review --from` names, checked against the store."""
    into = app.settings.annotator
    known = [name for name in app.store.annotators() if name != into]
    names = names or known
    unknown = [name for name in names if name not in known]
    if into in names:
        raise HashiyaError(f"{into!r} is where the review goes (--into); it cannot be compared too")
    if unknown:
        raise HashiyaError(f"unknown annotator {unknown[0]!r} (the store has: {', '.join(known) or 'none'})")
    if not names:
        raise HashiyaError(f"no annotators to review besides {into!r}")
    return names


def run_app(settings: Settings, review_from: list[str] | None = None,
            opening: StoreOpening | None = None) -> int:
    app = None
    try:
        app = make_app(settings, opening)
        if review_from is not None:
            app.review_from = _review_names(app, review_from)
    except HashiyaError as exc:
        if app is not None:
            app.close_store()
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
