"""Word boundaries for the reader: word at offset, word-wise moves, snapping, clitics."""

from hypothesis import given
from hypothesis import strategies as st

from annotations.words import (
    next_word_end,
    next_word_start,
    previous_word_end,
    previous_word_start,
    snap_to_words,
    trim_clitics,
    word_at,
)

TEXT = "وزار الوفد والصين، ثم بالعاصمة لندن في 15 حزيران 2025."


def slice_of(span):
    return TEXT[span[0] : span[1]]


def test_word_at_inside_and_just_after():
    at = TEXT.index("الوفد") + 2
    assert slice_of(word_at(TEXT, at)) == "الوفد"
    end = TEXT.index("الوفد") + len("الوفد")
    assert slice_of(word_at(TEXT, end)) == "الوفد"


def test_word_at_on_punctuation_or_space_between_words():
    comma = TEXT.index("،")
    # the comma follows والصين directly: the word ending there is returned
    assert slice_of(word_at(TEXT, comma)) == "والصين"
    assert word_at("  ،  ", 2) is None


def test_numbers_are_words():
    at = TEXT.index("2025")
    assert slice_of(word_at(TEXT, at)) == "2025"


def test_next_and_previous_word_start():
    start = TEXT.index("والصين")
    assert next_word_start(TEXT, start) == TEXT.index("ثم")
    assert previous_word_start(TEXT, TEXT.index("ثم")) == start
    assert previous_word_start(TEXT, start + 2) == start
    assert next_word_start(TEXT, TEXT.index("2025")) == len(TEXT)
    assert previous_word_start(TEXT, 0) == 0


def test_next_and_previous_word_end():
    start = TEXT.index("والصين")
    assert next_word_end(TEXT, start) == start + len("والصين")
    assert previous_word_end(TEXT, TEXT.index("ثم") + 1) == start + len("والصين")


def test_trim_conjunction_keeps_article():
    start = TEXT.index("والصين")
    span = trim_clitics(TEXT, start, start + len("والصين"))
    assert slice_of(span) == "الصين"
    span = trim_clitics(TEXT, start, start + len("والصين"), article=True)
    assert slice_of(span) == "صين"


def test_trim_preposition_before_article():
    start = TEXT.index("بالعاصمة")
    assert slice_of(trim_clitics(TEXT, start, start + len("بالعاصمة"))) == "العاصمة"


def test_root_letters_are_not_trimmed():
    # و of وزار and ل of لندن are root letters: nothing is trimmed
    start = TEXT.index("وزار")
    assert trim_clitics(TEXT, start, start + 4) == (start, start + 4)
    start = TEXT.index("لندن")
    assert trim_clitics(TEXT, start, start + 4) == (start, start + 4)


def test_snap_grows_partial_selection_to_words():
    start = TEXT.index("العاصمة") + 2
    end = TEXT.index("لندن") + 1
    span = snap_to_words(TEXT, start, end)
    assert slice_of(span) == "بالعاصمة لندن"
    span = snap_to_words(TEXT, start, end, clitics=True)
    assert slice_of(span) == "العاصمة لندن"


def test_snap_empty_range_takes_word_under_cursor():
    at = TEXT.index("والصين") + 3
    assert slice_of(snap_to_words(TEXT, at, at, clitics=True)) == "الصين"
    assert slice_of(snap_to_words(TEXT, at, at)) == "والصين"


def test_snap_on_punctuation_only_is_none():
    assert snap_to_words("« »", 0, 3) is None


def test_word_moves_cross_long_gaps():
    text = "كلمة" + " " * 1000 + "أخرى"
    assert next_word_start(text, 0) == 1004
    assert previous_word_start(text, 1004) == 0


words = st.lists(
    st.sampled_from(["والصين", "لندن", "بالعاصمة", "2025", "،", "«", "»", "NHS", "العراق"]),
    min_size=1,
    max_size=12,
)


@given(words, st.data())
def test_snap_result_is_within_text_and_word_aligned(parts, data):
    text = " ".join(parts)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    span = snap_to_words(text, start, end, clitics=data.draw(st.booleans()))
    if span is None:
        return
    s, e = span
    assert 0 <= s < e <= len(text)
    assert text[s:e].strip() == text[s:e]
    assert e == len(text) or not text[e].isalnum()


def test_occurrences_whole_words_and_after_clitics():
    from annotations.words import occurrences

    text = "زار العراق والعراقُ ثم العراقية، وبالعراق إعمار"
    found = occurrences(text, "العراق")
    assert [text[s:e] for s, e in found] == ["العراق", "العراقُ", "العراق"]
    assert found[1][0] == text.index("والعراق") + 1
    assert found[2][0] == text.index("وبالعراق") + 2
    # folded: إعمار found by اعمار
    assert [text[s:e] for s, e in occurrences(text, "اعمار")] == ["إعمار"]


def test_space_selects_what_the_evidence_cuts():
    from annotations.segment import Evidence

    text = "زار الوفد بدمشق وبكين وللصين ثم كندا"
    evidence = Evidence(["دمشق", "الصين", "بكين"])

    def space(word, ev):
        at = text.index(word) + 1
        span = snap_to_words(text, at, at, clitics=True, evidence=ev)
        return text[span[0] : span[1]]

    assert space("بدمشق", evidence) == "دمشق"
    assert space("وبكين", evidence) == "بكين"
    assert space("وللصين", evidence) == "لصين"  # ل + ل + صين: the article's ل stays
    assert space("كندا", evidence) == "كندا"
    # the text's own words: دمشق is not one of them, so بدمشق stays whole;
    # in front of the article the conjunction is trimmed as always
    assert space("بدمشق", None) == "بدمشق"
    assert space("وللصين", None) == "للصين"
    assert space("بدمشق", Evidence()) == "بدمشق"


def test_occurrences_after_a_preposition_the_match_shows_is_a_word():
    from annotations.words import occurrences

    text = "وصل إلى دمشق ثم بدمشق وبدمشقي وكمال"
    assert [text[s:e] for s, e in occurrences(text, "دمشق")] == ["دمشق", "دمشق"]
    assert occurrences(text, "مال") == []  # ك is never cut before a bare word
