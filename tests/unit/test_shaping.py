"""tui.shaping and tui.sanitize: one-to-one shaping, lam-alef, widths, visible markers."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.sanitize import BIDI_MARKERS, NEUTRAL, marker_for, neutralise, visible
from tui.shaping import char_width, is_harakah, lam_alef, shape

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإآؤئپچژگکیے"


def test_shape_gives_contextual_forms():
    out = shape("سلام")
    assert out == ["\ufeb3", "\ufee0", "\ufe8e", "\ufee1"]


def test_shape_keeps_harakat_in_place():
    text = "مُحَمَّد"
    out = shape(text)
    assert len(out) == len(text)
    for src, dst in zip(text, out):
        if is_harakah(src):
            assert dst == src


def test_shape_zwj_joins_and_keeps_length():
    # Without the ZWJ both behs are isolated; through it they join (initial + final).
    out = shape("ب\u200dب")
    assert out == ["\ufe91", "\u200d", "\ufe90"]
    assert shape("ب\u200cب") == ["\ufe8f", "\u200c", "\ufe8f"]


def test_shape_persian_and_urdu_letters():
    out = shape("پچگک ژ")
    forms = [unicodedata.name(c).rsplit(" ", 2)[-2] for c in out if c != " "]
    assert forms == ["INITIAL", "MEDIAL", "MEDIAL", "FINAL", "ISOLATED"]
    assert unicodedata.name(out[0]).startswith("ARABIC LETTER PEH")


def test_shape_leaves_latin_digits_alone():
    text = "abc 123 ٤٥٦ ۷۸۹"
    assert "".join(shape(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=LETTERS + "\u064b\u064e\u0650\u0651\u0652\u0670\u0640\u200d\u200c abc12٣", max_size=60))
def test_shape_is_one_to_one(text):
    out = shape(text)
    assert len(out) == len(text)
    for src, dst in zip(text, out):
        if not ("\u0600" <= src <= "\u06ff"):
            assert dst == src
        else:
            # Same letter: the presentation form decomposes back to the source letter.
            assert unicodedata.normalize("NFKC", dst) == unicodedata.normalize("NFKC", src)


def test_lam_alef_forms():
    assert lam_alef("\ufedf", "ا") == "\ufefb"  # isolated
    assert lam_alef("\ufee0", "ا") == "\ufefc"  # final
    assert lam_alef("\ufedf", "أ") == "\ufef7"
    assert lam_alef("\ufee0", "إ") == "\ufefa"
    assert lam_alef("\ufedf", "آ") == "\ufef5"
    assert lam_alef("\ufedd", "ا") is None  # lam that does not join onwards
    assert lam_alef("\ufedf", "ب") is None


def test_widths():
    assert char_width("ب") == 1
    assert char_width("\u064e") == 0
    assert char_width("\ufefb") == 1
    assert char_width("中") == 2


def test_markers_for_controls_and_bidi():
    assert marker_for("\x1b") == "␛"
    assert marker_for("\x00") == "␀"
    assert marker_for("\x7f") == "␡"
    assert marker_for("\x85") is not None and marker_for("\x9b") is not None
    for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        m = marker_for(ch)
        assert m is not None and m == BIDI_MARKERS[ch]
        assert char_width(m) == 1
        assert unicodedata.bidirectional(m) == "ON"
        assert not unicodedata.mirrored(m)
    assert marker_for("a") is None and marker_for("ب") is None and marker_for(" ") is None


def test_neutralise_keeps_length_and_removes_bidi_controls():
    text = "a\u202eب\x1bc\u2067d\u2069"
    out = neutralise(text)
    assert len(out) == len(text)
    assert out == "a" + NEUTRAL + "ب" + NEUTRAL + "c" + NEUTRAL + "d" + NEUTRAL


def test_visible_has_no_controls():
    out = visible("a\x1b[2J\tb\nc\u202e")
    assert all(unicodedata.category(c) not in ("Cc", "Cf") for c in out)


def test_visible_marks_every_character_marker_for_marks_with_or_without_the_quick_path():
    for code in list(range(0, 0x3000)) + list(range(0xD800, 0xE000, 7)) + [0xFEFF, 0xFFFC]:
        ch = chr(code)
        expected = {"\t": " ", "\n": "\u23ce"}.get(ch) or marker_for(ch) or ch
        assert visible(ch) == expected, hex(code)
        assert visible("abc " + ch + " مرحبا") == "abc " + expected + " مرحبا", hex(code)


def test_marker_regex_agrees_with_marker_for():
    from tui.sanitize import needs_marker

    for code in list(range(0, 0x3000)) + list(range(0xD800, 0xE000, 7)) + [0xFEFF, 0xFFFC]:
        ch = chr(code)
        if ch in "\t\n":
            continue
        assert needs_marker(ch) == (marker_for(ch) is not None), hex(code)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=LETTERS + "\u064e\u0651\u0640\u200c abc1٣.،\t\u00a0", max_size=80),
    st.booleans(),
)
def test_word_by_word_shaping_equals_whole_text_shaping(text, clear):
    import tui.shaping as shaping

    if clear:
        shaping._WORD_CACHE.clear()
    assert shape(text) == list(shaping._RESHAPER.reshape(text))
