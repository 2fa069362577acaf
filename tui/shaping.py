"""Arabic shaping for terminals that do not shape: one output character per input character.

``shape(text)`` returns a list as long as ``text`` whose item ``i`` is the character the
terminal should be sent for ``text[i]``: a contextual presentation form (U+FBxx / U+FExx)
for Arabic, Persian and Urdu letters, the character itself for everything else. It uses
arabic-reshaper with ``delete_harakat=False`` and ``support_ligatures=False`` so that the
output stays one to one with the input and no offset ever moves. Two details keep it so:

- arabic-reshaper drops ZWJ (U+200D) from its output. We hand it a tatweel (U+0640, which
  joins on both sides exactly like ZWJ) in the ZWJ's place, so joining through a ZWJ still
  happens and the output keeps its length; the ZWJ itself is never drawn (see tui.layout).
- ZWNJ (U+200C) is passed through: it breaks joining, as it should.

The lam-alef ligature is formed by the layout engine, not here (``lam_alef``): one cell that
covers the two logical characters, so the map from screen to text stays exact.

Widths (``char_width``) follow Rich's ``cell_len`` so that what the engine measures is what
Textual draws: 0 for combining marks and format characters, 2 for East Asian wide characters
and most emoji, 1 otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import arabic_reshaper
from rich.cells import get_character_cell_size

ZWJ = "\u200d"
ZWNJ = "\u200c"
TATWEEL = "\u0640"

_RESHAPER = arabic_reshaper.ArabicReshaper(
    configuration={
        "delete_harakat": False,
        "support_ligatures": False,
        "delete_tatweel": False,
        "shift_harakat_position": False,
        "use_unshaped_instead_of_isolated": False,
    }
)

# Lam in the two forms that join to the following letter, by whether it also joins the
# letter before it: initial -> isolated ligature, medial -> final ligature.
_LAM_INITIAL = "\ufedf"
_LAM_MEDIAL = "\ufee0"
# alef variant -> (isolated ligature, final ligature)
_LAM_ALEF = {
    "\u0622": ("\ufef5", "\ufef6"),  # alef with madda above
    "\u0623": ("\ufef7", "\ufef8"),  # alef with hamza above
    "\u0625": ("\ufef9", "\ufefa"),  # alef with hamza below
    "\u0627": ("\ufefb", "\ufefc"),  # alef
}


_ARABIC_RE = re.compile("[\u0600-\u08ff\ufb50-\ufeff]")


def _has_arabic(text: str) -> bool:
    return _ARABIC_RE.search(text) is not None


_WORD_CACHE: dict[str, str] = {}
_WORD_CACHE_MAX = 50_000


def _reshape(source: str) -> str:
    """arabic-reshaper, one to one, ZWJ kept (see the module docstring)."""
    zwj = ZWJ in source
    try:
        shaped = _RESHAPER.reshape(source.replace(ZWJ, TATWEEL) if zwj else source)
    except Exception:  # pragma: no cover - a reshaper bug must never cost the text
        return source
    if len(shaped) != len(source):  # pragma: no cover - never seen; keep offsets exact
        return source
    if zwj:
        shaped = "".join(ZWJ if a == ZWJ else b for a, b in zip(source, shaped))
    return shaped


def shape(text: str) -> list[str]:
    """Contextual forms, one character per input character (see the module docstring).

    Letters never join across a space, so words are shaped independently and cached
    (news text repeats its words a lot); the words not yet cached are shaped together in
    one call, as arabic-reshaper has a sizeable cost per call.
    """
    if not _has_arabic(text):
        return list(text)
    words = text.split(" ")
    cache = _WORD_CACHE
    missing = [w for w in dict.fromkeys(words) if w not in cache]
    if missing:
        if len(cache) + len(missing) > _WORD_CACHE_MAX:
            cache.clear()
        shaped = _reshape(" ".join(missing))
        pos = 0
        for w in missing:
            cache[w] = shaped[pos : pos + len(w)]
            pos += len(w) + 1
    return list(" ".join([cache[w] for w in words]))


def lam_alef(shaped_lam: str, alef: str) -> str | None:
    """The ligature for a lam (as shaped) followed by ``alef``, or None when they do not join."""
    forms = _LAM_ALEF.get(alef)
    if forms is None:
        return None
    if shaped_lam == _LAM_INITIAL:
        return forms[0]
    if shaped_lam == _LAM_MEDIAL:
        return forms[1]
    return None


# Arabic combining marks that the "hide harakat" display option hides.
def is_harakah(ch: str) -> bool:
    o = ord(ch)
    return (
        0x064B <= o <= 0x065F
        or o == 0x0670
        or 0x0610 <= o <= 0x061A
        or 0x06D6 <= o <= 0x06DC
        or 0x06DF <= o <= 0x06E4
        or 0x06E7 <= o <= 0x06E8
        or 0x06EA <= o <= 0x06ED
        or 0x08D3 <= o <= 0x08FF
    )


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Terminal columns for one code point, as Rich measures it (0, 1 or 2)."""
    return get_character_cell_size(ch)


@lru_cache(maxsize=4096)
def is_combining(ch: str) -> bool:
    """A mark drawn on the previous character (Mn / Me / Mc)."""
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")
