"""Titles: folded for filtering in one pass, and which way each one reads."""

from hypothesis import given
from hypothesis import strategies as st

from annotations.textnorm import fold_many, is_rtl, normalize


def test_batch_folding_folds_each_title_like_the_search_does():
    titles = ["مؤتمرُ الصّحّة ـــ الأوّل", "مستشفى إلى المدينة", "NHS Meeting", ""]
    assert fold_many(titles) == ["مؤتمر الصحه  الاول", "مستشفي الي المدينه", "nhs meeting", ""]
    assert fold_many([]) == []


def test_titles_that_lower_case_cannot_fold_in_one_pass_are_folded_one_by_one():
    # a final sigma depends on its neighbours, İ lowers to two code points and
    # a newline inside a title would split it: each is folded alone
    for titles in (["ΣΑΣ", "أ"], ["İstanbul", "ة"], ["a\nB", "إ"]):
        assert fold_many(titles) == [normalize(t) for t in titles]
        assert len(fold_many(titles)) == len(titles)


@given(st.lists(st.text(alphabet="اأإآىيةهـًٌٍَُِّْabcABCΣσİ \n؟،", max_size=12), max_size=6))
def test_batch_folding_always_equals_folding_one_by_one(titles):
    assert fold_many(titles) == [normalize(t) for t in titles]


def test_direction_is_that_of_the_first_strong_letter():
    assert is_rtl("مؤتمر طبي في لندن")
    assert is_rtl("2025: مؤتمر NHS")  # digits and punctuation are not strong
    assert is_rtl("«الصحة» and health")
    assert not is_rtl("NHS يجتمع")
    assert not is_rtl("2025 - 14")  # no letters at all
    assert not is_rtl("")
    assert is_rtl("שלום")  # Hebrew reads right to left too
