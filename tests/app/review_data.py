"""Two annotators' work on the seeds, for the review tests and snapshots:
on the first article alice and bob agree on العراق and the theme
cooperation, disagree on a label (لندن GPE / LOC), an extent (the
conference's name with and without الأول) and a theme (training, bob's
only); on the second article only bob marked a span."""

from __future__ import annotations

from annotations.corpus import open_corpus
from annotations.settings import Settings
from annotations.store import Store
from tui.app import make_app

CONFERENCE = "المؤتمر الطبي العراقي الأول"

ALICE = (("العراق", "GPE"), ("لندن", "GPE"), (CONFERENCE, "EVENT"))
BOB = (("العراق", "GPE"), ("لندن", "LOC"), ("المؤتمر الطبي العراقي", "EVENT"))


def seed_two_annotators(store_dir, corpus_dir) -> list[str]:
    """Write alice's and bob's work; the ids of the first two articles."""
    corpus = open_corpus(str(corpus_dir))
    first, second = corpus.articles[0], corpus.articles[1]
    text = first.text
    for name, spans, themes in (("alice", ALICE, ["cooperation"]), ("bob", BOB, ["cooperation", "training"])):
        with Store(store_dir, name) as store:
            for word, label in spans:
                start = text.index(word)
                store.add_span(first.id, text, start, start + len(word), label, "entity")
            for theme in themes:
                store.toggle_theme(first.id, theme, text)
            if name == "bob":
                word = second.text.split()[1]
                start = second.text.index(word)
                store.add_span(second.id, second.text, start, start + len(word), "PER", "entity")
    return [first.id, second.id]


def make_review(corpus, names=("alice", "bob"), into: str = "gold"):
    """The app `hashiya review CORPUS --from alice,bob --into gold` runs."""
    from tui.app import _review_names

    app = make_app(Settings.resolve(corpus=str(corpus), annotator=into, mode="visual"))
    app.review_from = _review_names(app, list(names))
    app.cursor_blink = False
    return app
