"""Folded search: harakat, tatweel, alef/hamza, ى/ي, ة/ه; offsets map back exactly."""

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.textnorm import find_all, fold_char, normalize, normalize_with_map


def test_folds_alef_variants_ya_ta_marbuta():
    assert normalize("إأآٱا") == "ااااا"
    assert normalize("مستشفى") == normalize("مستشفي")
    assert normalize("الصحة") == normalize("الصحه")


def test_drops_harakat_and_tatweel():
    assert normalize("نظّمت") == "نظمت"
    assert normalize("العـــراق") == "العراق"
    assert normalize("يُعدّ") == "يعد"
    assert fold_char("\u064e") == ""


def test_latin_case_insensitive_and_one_to_one():
    assert normalize("NHS London") == "nhs london"
    # "İ".lower() is two code points: kept as is so offsets stay one-to-one.
    assert normalize("İ") == "İ"


def test_match_maps_back_to_original_offsets():
    text = "نظّمت سفارة جمهورية العـراق لدى المملكة"
    matches = find_all(text, "العراق")
    start = text.index("العـراق")
    assert matches == [(start, start + len("العـراق"))]
    assert text[matches[0][0] : matches[0][1]] == "العـراق"


def test_trailing_harakat_belong_to_the_match():
    text = "قال محمدٌ إنّ"
    (start, end), = find_all(text, "محمد")
    assert text[start:end] == "محمدٌ"
    (start, end), = find_all(text, "ان")
    assert text[start:end] == "إنّ"


def test_query_with_harakat_and_variants_finds_plain_text():
    text = "في مستشفي الصحه العامه"
    (start, end), = find_all(text, "مُسْتَشْفَى")
    assert text[start:end] == "مستشفي"
    assert len(find_all(text, "الصحة")) == 1


def test_all_occurrences_non_overlapping():
    text = "العراق والعراق، العراقية"
    found = find_all(text, "العراق")
    assert [text[s:e] for s, e in found] == ["العراق", "العراق", "العراق"]
    assert found[1][0] == text.index("والعراق") + 1


def test_empty_or_mark_only_query_finds_nothing():
    assert find_all("العراق", "") == []
    assert find_all("العراق", "\u064e\u0640") == []


def test_origin_table_shape():
    norm = normalize_with_map("أَحمد")
    assert norm.text == "احمد"
    assert norm.origin == (0, 2, 3, 4, 5)
    assert norm.to_original(0, 4) == (0, 5)


arabic = st.text(
    alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ىةإأآؤئء") + ["\u064e", "\u0651", "\u0640", "a", "B"]),
    max_size=40,
)


@given(arabic, st.data())
def test_every_match_is_a_slice_whose_fold_equals_the_query(text, data):
    norm = normalize_with_map(text)
    assert len(norm.origin) == len(norm.text) + 1
    if not norm.text:
        return
    i = data.draw(st.integers(0, len(norm.text) - 1))
    j = data.draw(st.integers(i + 1, len(norm.text)))
    query = norm.text[i:j]
    for start, end in find_all(text, query):
        assert 0 <= start < end <= len(text)
        assert normalize(text[start:end]) == normalize(query)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("اأإآٱىيةهـًَُِّْٰ\u200c\u200dAbcİΣσẞﬁ ΑΣ") + ["ΣΑ", "ΟΣ ", "İi"]), max_size=30).map("".join))
def test_normalize_is_fold_char_of_each_character(text):
    assert normalize(text) == "".join(fold_char(ch) for ch in text)
