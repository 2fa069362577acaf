"""One canonical tokenization per article, with Arabic proclitics segmented
from evidence.

``canonical_offsets(text, evidence)`` gives the ``(start, end)`` code-point
ranges of the article's tokens (``text[start:end]`` is the token, whitespace
is never part of one). They depend only on the text and the evidence, never
on who annotated the article or where their spans are: every token format
(conll, hf, prodigy, spacy) and the reader's word selection use them.

Tokens
------
In this order of precedence, at each place in the text:

* an **Arabic word**: a run of Arabic-script letters with their combining
  marks (harakat, shadda, superscript alef, Quranic marks), tatweel and
  ZWJ/ZWNJ, then cut into proclitics and stem (below);
* a **URL**: ``http://``, ``https://``, ``ftp://`` or ``www.`` up to the
  next whitespace, without a trailing full stop, comma, colon, semicolon,
  ``!`` ``?`` ``،`` ``؛`` ``؟`` ``…``, quote or closing bracket (``(see
  https://who.int).`` gives ``https://who.int`` ``)`` ``.``);
* an **e-mail address**: Latin letters, digits and ``. _ % + -`` before
  ``@``, a dotted domain after it (``info@who.int``);
* a **hashtag** or **@mention**: ``#`` or ``@`` and the letters, digits,
  underscores and marks after it (``#الصحة_للجميع``, ``@WHO``);
* a **date** ``14/5/2025``, ``2025-05-14``, ``14-5-2025`` or a **time**
  ``09:15``, ``09:15:30`` (any of the digit sets below);
* a **Latin abbreviation**: one of a short list (``Dr.`` ``Mr.`` ``Mrs.``
  ``Ms.`` ``Prof.`` ``St.`` ``Jr.`` ``Sr.`` ``vs.`` ``etc.`` ``Inc.``
  ``Ltd.`` ``Co.`` ``Corp.`` ``Gen.`` ``Col.`` ``Lt.`` ``Capt.`` ``Gov.``
  ``Sen.`` ``Rep.`` ``Rev.`` ``No.`` and the month abbreviations), letters
  each followed by a dot (``U.S.`` ``e.g.`` ``i.e.`` ``a.m.``), or one
  capital letter with its dot (``J.``);
* a **word** of another script (Latin, …): a run of its letters and marks;
* a **number**: digits (Latin 0-9, Arabic-Indic ٠-٩, Persian ۰-۹) with
  ``.`` ``,`` ``٫`` ``٬`` *between* digits (``1,000.5``, ``١٤٫٥``);
* anything else, one character (with any marks after it) a token:
  ``، ؛ ؟ « » “ ” ( ) [ ] . !`` …

Proclitics
----------
The conjunctions و ف and the prepositions ب ل ك are written attached to the
next word, and stack (وب، فل). A word is cut after such a **chain** — at
most one of و ف, then at most one of ب ل ك, the harakat and tatweel written
on a clitic letter staying with it — only when the evidence (a set of known
words, see :class:`Evidence`) shows that what follows is a word:

1. The chains tried are, longest first: conjunction + preposition, then the
   conjunction alone (وبكين: وب + كين is not known, و + بكين is); a word
   that starts with a preposition tries that preposition alone.
2. The **remainder** R after the chain (normalized as the corpus search
   normalizes: harakat and tatweel dropped, أ إ آ ٱ → ا, ى → ي, ة → ه,
   Latin lower case) must keep at least two letters, and is *known* when

   * R itself is a known word (بدمشق: دمشق), or
   * R is written with the article ال (a bare alef and lam: إلى is not)
     and R or the stem after ال is known, the stem keeping at least two
     letters (والصين: الصين), or
   * R has no article and ال + R is known (وصحة: الصحة), or
   * the chain ends with ل and R starts with ل — the لل form, ل + ال with
     the alef elided — and ا + R is known (للهجرة, because الهجرة is known;
     the stem after لل keeps at least two letters).

   A remainder that starts with ال but has fewer than two letters after it
   is never known (والي، بالغ، والد stay whole).
3. The remainder is then segmented as a word of its own would be (for the
   لل form: لهجرة is ل + هجرة, because الهجرة is known; لليبيا is ل + ليبيا
   and ليبيا stays whole). So tokenizing the tokens joined by spaces (the
   text a CoNLL import rebuilds) gives the same tokens again.
4. ك is taken as a preposition only in front of the article (كالعادة), not
   before a bare word: too many words and names begin with a radical ك
   whose remainder is a word (كامل/أمل، كمال/مال، كانت/أنت).
5. The **article ال is never cut from its stem**: الصين is one token,
   والصين is و + الصين, بالعاصمة is ب + العاصمة. Names are annotated with
   their article, as in the Arabic NER corpora. The one exception is the
   لل form, whose article has no alef: there the article's ل is a token of
   its own (rule 3), للهجرة is ل + ل + هجرة and وللصين is و + ل + ل + صين.

Names that merely begin with those letters (بكين، لندن، كندا، فلسطين، بغداد،
ليبيا، بلبيسي، فرنسا، كوريا) are not cut because their remainders (كين، ندن،
لسطين، غداد، يبيا، لبيسي، رنسا) are not words; a remainder that happens to be
a word elsewhere in the corpus does cut (that is what evidence means). A
label schema's gazetteer adds known words (بدمشق is cut when دمشق is listed).

Evidence
--------
:class:`Evidence` is a set of normalized known words. :func:`evidence_for`
builds it from a corpus (every word of every article, read one article at a
time: memory grows with the vocabulary, not the corpus), the label schema's
gazetteer and the texts of annotated spans (all annotators, so the tokens
are the same whoever's spans are exported). ``canonical_offsets(text)``
without evidence uses the words of `text` itself.
"""

from __future__ import annotations

import re
from itertools import accumulate
from operator import add
from typing import Container, Iterable

from .textnorm import normalize

__all__ = [
    "Evidence",
    "canonical_offsets",
    "canonical_tokens",
    "token_edges",
    "token_table",
    "evidence_for",
    "word_ranges",
    "clitic_cuts",
    "stem_start",
    "TOKEN_RE",
]

# Combining marks that belong to the preceding character.
MARKS = (
    "\u0300-\u036f"  # Latin combining diacritics
    "\u0483-\u0489"
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"  # Hebrew points
    "\u0610-\u061a"  # Arabic honorifics / small marks
    "\u064b-\u065f"  # harakat, tanwin, shadda, sukun ...
    "\u0670"  # superscript alef
    "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"  # Quranic marks
    "\u08d3-\u08e1\u08e3-\u08ff"  # Arabic Extended-A marks
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
_JOINERS = "\u200c\u200d"
_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff"


def _class_of(chars: list[str]) -> str:
    """A regex character class body for `chars`, as ranges."""
    out: list[list[str]] = []
    for ch in sorted(set(chars)):
        if out and ord(ch) == ord(out[-1][1]) + 1:
            out[-1][1] = ch
        else:
            out.append([ch, ch])
    return "".join(re.escape(a) if a == b else f"{re.escape(a)}-{re.escape(b)}" for a, b in out)


def _arabic_word_class() -> str:
    import unicodedata

    chars = [
        chr(code)
        for low, high in _ARABIC_BLOCKS
        for code in range(low, high + 1)
        if unicodedata.category(chr(code))[0] in "LM"
    ]
    return _class_of(chars)


ARABIC_LETTERS = _arabic_word_class()
ARABIC_WORD = ARABIC_LETTERS + _JOINERS

_URL_TAIL = r"""\s"«»“”<>"""
_URL_STOP = r""".,:;!?')\]}،؛؟…"""
_ABBREVIATIONS = (
    "Dr Mr Mrs Ms Prof St Jr Sr vs etc Inc Ltd Co Corp Gen Col Lt Capt Gov Sen Rep Rev No "
    "Jan Feb Mar Apr Aug Sep Sept Oct Nov Dec"
).split()
_ABBREVIATION = "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True))
_ASCII_WORD_END = r"(?![A-Za-z0-9])"

TOKEN_RE = re.compile(
    rf"(?P<arabic>[{ARABIC_WORD}]+)"
    rf"|(?P<url>(?:https?://|ftp://|www\.)(?:[^{_URL_TAIL}]*[^{_URL_TAIL}{_URL_STOP}])?)"
    rf"|(?P<email>[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    rf"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+{_ASCII_WORD_END})"
    rf"|(?P<tag>[#@][\w{MARKS}{_JOINERS}]+)"
    rf"|(?P<date>\d{{1,4}}(?:/\d{{1,2}}/|-\d{{1,2}}-)\d{{1,4}}(?!\d)|\d{{1,2}}:\d\d(?::\d\d)?(?!\d))"
    rf"|(?P<abbr>(?:{_ABBREVIATION})\.|(?:[A-Za-z]\.){{2,}}|[A-Z]\.(?![A-Za-z]))"
    rf"|(?P<word>(?:[^\W\d_{_ARABIC}]|[{MARKS}{_JOINERS}])+)"
    rf"|(?P<num>\d+(?:[.,\u066b\u066c]\d+)*[{MARKS}]*)"
    rf"|(?P<other>[^\s][{MARKS}]*)"
)
_WORD_KINDS = frozenset(("arabic", "url", "email", "tag", "date", "abbr", "word", "num"))
_ARABIC_WORD_RE = re.compile(f"[{ARABIC_WORD}]+")
_LETTER_WORD_RE = re.compile(rf"[{ARABIC_WORD}]+|(?:[^\W\d_{_ARABIC}]|[{MARKS}{_JOINERS}])+")
_AFTER_CLITIC = re.compile(f"[{MARKS}\u0640{_JOINERS}]*")

_CONJ = "وف"
_PREP = "بلك"
CLITIC_START = frozenset(_CONJ + _PREP)
_ARTICLE = "ال"


class _Cuts(dict):
    """Arabic word -> where its proclitics end, worked out on first use."""

    __slots__ = ("known",)

    def __init__(self, known: set[str]) -> None:
        super().__init__()
        self.known = known

    def __missing__(self, word: str) -> tuple[int, ...]:
        cuts = self[word] = _segment(word, self.known) if word[:1] in CLITIC_START else ()
        return cuts


class _Chunks(dict):
    """Chunk of text between whitespace -> its canonical tokens as
    (starts, ends, texts), offsets relative to the chunk, or None when the
    chunk is one token (most are). Tokens never hold whitespace and the pattern looks
    behind nothing, so a chunk's tokens are the same wherever it stands."""

    __slots__ = ("cuts",)
    LIMIT = 1 << 19  # distinct chunks kept; past it the cache starts over

    def __init__(self, cuts: _Cuts) -> None:
        super().__init__()
        self.cuts = cuts

    def __missing__(self, chunk: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]] | None:
        starts: list[int] = []
        ends: list[int] = []
        for match in TOKEN_RE.finditer(chunk):
            start, end = match.span()
            cuts = self.cuts[match.group()] if match.lastgroup == "arabic" else ()
            starts.append(start)
            for cut in cuts:
                ends.append(start + cut)
                starts.append(start + cut)
            ends.append(end)
        found = None
        if len(starts) > 1:
            found = (tuple(starts), tuple(ends), tuple(map(chunk.__getitem__, map(slice, starts, ends))))
        if len(self) >= self.LIMIT:
            self.clear()
        self[chunk] = found
        return found


class Evidence:
    """Known words, normalized (see :mod:`annotations.textnorm`): what
    proclitic segmentation accepts as a remainder. ``add`` takes a word or a
    phrase (each of its words is added); ``words()`` and ``from_words``
    serialise it. Memory grows with the vocabulary: each distinct word is
    kept once as written and once normalized, each distinct chunk of text
    between whitespace once, and the tokens of each distinct chunk once."""

    __slots__ = ("_known", "_cuts", "_chunks", "_seen", "_seen_chunks")

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._known: set[str] = set()
        self._cuts = _Cuts(self._known)
        self._chunks = _Chunks(self._cuts)
        self._seen: set[str] = set()  # words as written, already added
        self._seen_chunks: set[str] = set()  # chunks of texts, already added
        self.update(words)

    def add(self, word: str) -> None:
        self.update((word,))

    def update(self, words: Iterable[str]) -> None:
        batch: list[str] = []
        for phrase in words:
            batch.append(phrase)
            if len(batch) == 4096:  # one findall for many phrases
                self._add_words(_LETTER_WORD_RE.findall("\n".join(batch)))
                batch.clear()
        if batch:
            self._add_words(_LETTER_WORD_RE.findall("\n".join(batch)))

    def add_text(self, text: str) -> None:
        """Every word of an article's text (each distinct chunk between
        whitespace looked at once)."""
        chunks = set(text.split())
        chunks -= self._seen_chunks
        if chunks:
            self._seen_chunks |= chunks
            self._add_words(_LETTER_WORD_RE.findall("\n".join(chunks)))

    def _add_words(self, words: list[str]) -> None:
        new = set(words)
        new -= self._seen
        if not new:
            return
        self._seen |= new
        known = self._known
        size = len(known)
        known.update(map(normalize, new))
        known.discard("")
        if len(known) != size:
            self._cuts.clear()
            self._chunks.clear()

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and normalize(word) in self._known

    def __len__(self) -> int:
        return len(self._known)

    def words(self) -> list[str]:
        """The known words, sorted (for serialising)."""
        return sorted(self._known)

    @classmethod
    def from_words(cls, words: list[str]) -> "Evidence":
        """The evidence whose ``words()`` were `words`."""
        evidence = cls()
        evidence._known.update(map(normalize, words))
        evidence._known.discard("")
        return evidence

    def cuts(self, word: str) -> tuple[int, ...]:
        """Offsets inside the Arabic word `word` where a proclitic ends
        (empty when nothing is cut); see the module docstring."""
        return self._cuts[word]


def _known(rest: str, article: bool, known: set[str], lam: bool) -> bool:
    """Whether the normalized remainder `rest` counts as a known word (rule 2
    of the module docstring); `article`: it is written with the article ال;
    `lam`: the chain ends with the preposition ل."""
    if len(rest) < 2:
        return False
    if article:
        return len(rest) >= 4 and (rest in known or rest[2:] in known)
    if rest in known or _ARTICLE + rest in known:
        return True
    return lam and rest[0] == "ل" and len(rest) >= 3 and "ا" + rest in known


def _chains(word: str) -> list[tuple[tuple[int, ...], str]]:
    """The proclitic chains `word` could start with, longest first: (the
    offsets where each clitic ends, the chain's last letter)."""
    first = word[0]
    if first in _CONJ:
        one = _AFTER_CLITIC.match(word, 1).end()
        if one < len(word) and word[one] in _PREP:
            two = _AFTER_CLITIC.match(word, one + 1).end()
            return [((one, two), word[one]), ((one,), first)]
        return [((one,), first)]
    if first in _PREP:
        return [((_AFTER_CLITIC.match(word, 1).end(),), first)]
    return []


def _segment(word: str, known: set[str]) -> tuple[int, ...]:
    for cuts, last in _chains(word):
        end = cuts[-1]
        article = word.startswith(_ARTICLE, end)
        if last == "ك" and not article:
            continue
        if _known(normalize(word[end:]), article, known, last == "ل"):
            # the remainder is then cut as a word of its own would be, so
            # the tokens of the tokens joined by spaces are the same tokens
            rest = word[end:]
            more = _segment(rest, known) if rest[0] in CLITIC_START else ()
            return (*cuts, *(end + cut for cut in more))
    return ()


def clitic_cuts(word: str, evidence: Evidence) -> tuple[int, ...]:
    """Where the proclitics of one Arabic word end (see the module docstring)."""
    if not word or word[0] not in CLITIC_START:
        return ()
    return evidence.cuts(word)


def stem_start(word: str, cuts: tuple[int, ...]) -> int:
    """Where the word's stem starts, with its article: after the last cut
    proclitic, or at the article's ل in the لل form (وللصين -> لصين). The
    لل form is the only one with two cut pieces ل in a row."""
    if len(cuts) >= 2:
        before = cuts[-3] if len(cuts) >= 3 else 0
        if word[before] == "ل" and word[cuts[-2]] == "ل":
            return cuts[-2]
    return cuts[-1] if cuts else 0


def text_evidence(text: str) -> Evidence:
    """The words of `text` as evidence (what serves when no corpus evidence
    is given)."""
    evidence = Evidence()
    evidence.add_text(text)
    return evidence


def canonical_offsets(text: str, evidence: Evidence | None = None) -> list[tuple[int, int]]:
    """The canonical tokens of `text` as (start, end) pairs; with no
    evidence, the text's own words serve as evidence."""
    return list(zip(*token_edges(text, evidence)))


def token_edges(text: str, evidence: Evidence | None = None) -> tuple[list[int], list[int]]:
    """The starts and the ends of the canonical tokens of `text`, as two
    lists (what canonical_offsets pairs up; writers that bisect want them
    apart)."""
    starts, ends, _ = token_table(text, evidence)
    return starts, ends


def token_table(text: str, evidence: Evidence | None = None) -> tuple[list[int], list[int], list[str]]:
    """The starts, the ends and the texts of the canonical tokens of `text`.

    The text is taken a run of chunks at a time — chunks of non-whitespace
    with single spaces between them, one match of a plain pattern — and each
    distinct chunk is tokenized once (cached on the evidence): most chunks
    are one word, one token, and cost no Python code of their own."""
    if evidence is None:
        evidence = text_evidence(text)
    chunk_tokens = evidence._chunks.__getitem__
    starts_out: list[int] = []
    ends_out: list[int] = []
    words_out: list[str] = []
    more_starts = starts_out.extend
    more_ends = ends_out.extend
    more_words = words_out.extend
    for match in _CHUNK_RUN_RE.finditer(text):
        start = match.start()
        chunks = match.group().split(" ")
        lengths = list(map(len, chunks))
        starts = list(accumulate(map(_ONE.__add__, lengths), initial=start))
        starts.pop()
        found = list(map(chunk_tokens, chunks))
        if not any(found):
            more_starts(starts)
            more_ends(map(add, starts, lengths))
            more_words(chunks)
            continue
        ends = list(map(add, starts, lengths))
        # each chunk of several tokens replaced by its tokens, from the
        # last one back so the indexes still to come stay where they are
        for index in [i for i, pieces in enumerate(found) if pieces][::-1]:
            base = starts[index]
            piece_starts, piece_ends, chunks[index : index + 1] = found[index]
            starts[index : index + 1] = map(base.__add__, piece_starts)
            ends[index : index + 1] = map(base.__add__, piece_ends)
        more_starts(starts)
        more_ends(ends)
        more_words(chunks)
    return starts_out, ends_out, words_out


_ONE = 1
_CHUNK_RUN_RE = re.compile(r"\S+(?: \S+)*")


def canonical_tokens(text: str, evidence: Evidence | None = None) -> list[str]:
    """The canonical token strings of `text`."""
    return token_table(text, evidence)[2]


def word_ranges(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Whole words of text[lo:hi] before proclitic segmentation — Arabic
    words, other words, numbers, dates, URLs, e-mail addresses, hashtags,
    abbreviations — as (start, end); punctuation is left out. For the
    reader's word movement and selection."""
    hi = len(text) if hi is None else hi
    return [match.span() for match in TOKEN_RE.finditer(text, lo, hi) if match.lastgroup in _WORD_KINDS]


def evidence_for(
    corpus, *, schema=None, stores=(), keep: Container[str] = (), keep_chars: int | None = None
) -> Evidence:
    """Evidence from a corpus (every word of every article, one article read
    at a time and not kept), the schema's gazetteer and the texts of the
    spans of every annotator in `stores`. Articles that cannot be read are
    skipped (opening the corpus reports them). `keep`: ids of articles whose
    text stays loaded (an export reads those next), as long as the texts
    loaded here come to no more than `keep_chars` characters (None: all)."""
    from .errors import HashiyaError

    evidence = Evidence()
    budget = keep_chars
    pending: list[str] = []
    pending_chars = 0
    # a corpus that makes its articles as they are asked for keeps the texts itself
    hold = getattr(corpus, "hold", None)
    for article in corpus:
        try:
            if not hasattr(article, "peek_text"):
                text = article.text
            elif article.id in keep and (budget is None or budget > 0) and not article.loaded:
                text = article.text
                if hold is not None:
                    hold(article, text)
                if budget is not None:
                    budget -= len(text)
            else:
                text = article.peek_text()
        except (HashiyaError, OSError):
            continue
        # a few texts at a time: one split and one set for them all
        pending.append(text)
        pending_chars += len(text)
        if len(pending) >= 64 or pending_chars >= 1 << 18:
            evidence.add_text("\n".join(pending))
            pending.clear()
            pending_chars = 0
    if pending:
        evidence.add_text("\n".join(pending))
        pending.clear()
    if schema is not None:
        evidence.update(getattr(schema, "gazetteer", ()))
    for store in stores:
        for name in store.annotators():
            evidence.update(store.span_texts(name))
    return evidence
