"""The offset-keeping Arabic tokenizer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.tokenize import Token, clitic_prefix_length, tokenize

ALPHABET = list(
    "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىةـ"  # letters, tatweel
    "\u064b\u064e\u064f\u0650\u0651\u0652\u0670"  # harakat
    "٠١٢٣٤٥٦٧٨٩0123456789.,٫٬"
    "،؛؟«»“”\"'()!-:"
    "abcXYZ \n\t\u200c\u200d\u200f\u202e"
)
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=80)


def words(text: str, **kw) -> list[str]:
    return [t.text for t in tokenize(text, **kw)]


def test_words_numbers_and_punctuation():
    text = "نظّمت سفارة «العراق»، في 14 و15 حزيران 2025 (١٤٫٥) هل؟ 3.5."
    assert words(text) == [
        "نظّمت", "سفارة", "«", "العراق", "»", "،", "في", "14", "و", "15",
        "حزيران", "2025", "(", "١٤٫٥", ")", "هل", "؟", "3.5", ".",
    ]


def test_tatweel_harakat_and_joiners_stay_inside_words():
    assert words("عـــربي وَالصِّينُ می\u200cخواهم") == ["عـــربي", "وَالصِّينُ", "می\u200cخواهم"]


def test_quotes_and_arabic_punctuation_are_single_tokens():
    assert words("قال: “نعم”؛ 'لا' \"ربما\"") == [
        "قال", ":", "“", "نعم", "”", "؛", "'", "لا", "'", '"', "ربما", '"',
    ]


def test_script_change_ends_a_word_and_digits_do_not_join_letters():
    assert words("وCOVID-19 عام2025") == ["و", "COVID", "-", "19", "عام", "2025"]


def test_number_separators_only_between_digits():
    assert words("1,000,000 و٣٫١٤. 7.") == ["1,000,000", "و", "٣٫١٤", ".", "7", "."]


def test_offsets_point_into_the_source():
    text = "\n  وزير الصحة\tقال"
    assert tokenize(text) == [Token(3, 7, "وزير"), Token(8, 13, "الصحة"), Token(14, 17, "قال")]


def test_boundaries_split_tokens():
    text = "والصين وبريطانيا"
    assert words(text, boundaries=[1, 6, 8]) == ["و", "الصين", "و", "بريطانيا"]
    # boundaries at token edges or in whitespace change nothing
    assert words(text, boundaries=[0, 6, 7, 16]) == ["والصين", "وبريطانيا"]


def test_split_clitics_only_before_the_article():
    assert words("والصين بالعاصمة وبالتعاون كالعادة", split_clitics=True) == [
        "و", "ال", "صين", "ب", "ال", "عاصمة", "و", "ب", "ال", "تعاون", "ك", "ال", "عادة",
    ]
    assert words("للصين وللتعاون", split_clitics=True) == ["ل", "ل", "صين", "و", "ل", "ل", "تعاون"]
    # root letters, not clitics: nothing is split
    for word in ("وزير", "فريق", "بريطانيا", "لندن", "كلية", "والد", "لله"):
        assert words(word, split_clitics=True) == [word]


def test_clitic_prefix_length():
    cases = {
        "والصين": (1, 3),
        "بالعاصمة": (1, 3),
        "وبالتعاون": (2, 4),
        "فالأمر": (1, 3),
        "إلى": (0, 0),  # hamza on the alef: not the article
        "الصين": (0, 2),
        "للصين": (0, 2),
        "وللصين": (1, 3),
        "وَالصِّين": (2, 4),  # the fatha stays with its conjunction
        "وزير": (0, 0),
        "لندن": (0, 0),
        "": (0, 0),
    }
    for word, (plain, with_article) in cases.items():
        assert clitic_prefix_length(word) == plain, word
        assert clitic_prefix_length(word, article=True) == with_article, word
    word = "والصين"
    assert word[clitic_prefix_length(word):] == "الصين"
    assert word[clitic_prefix_length(word, article=True):] == "صين"


def _check(text: str, tokens: list[Token]) -> None:
    covered = set()
    last_end = 0
    for token in tokens:
        assert token.text == text[token.start : token.end]
        assert token.start < token.end
        assert token.start >= last_end
        assert not any(ch.isspace() for ch in token.text)
        last_end = token.end
        covered.update(range(token.start, token.end))
    # every non-whitespace character is in exactly one token
    assert covered == {i for i, ch in enumerate(text) if not ch.isspace()}


@settings(max_examples=300, deadline=None)
@given(texts, st.booleans())
def test_tokens_cover_the_text_exactly(text, split):
    _check(text, tokenize(text, split_clitics=split))


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.integers(0, 80), max_size=6), st.booleans())
def test_every_boundary_is_a_token_edge(text, cuts, split):
    tokens = tokenize(text, boundaries=cuts, split_clitics=split)
    _check(text, tokens)
    edges = {t.start for t in tokens} | {t.end for t in tokens}
    for cut in cuts:
        if 0 < cut < len(text) and not text[cut - 1].isspace() and not text[cut].isspace():
            assert cut in edges


@settings(max_examples=200, deadline=None)
@given(texts)
def test_clitic_trim_is_a_prefix_inside_the_word(word):
    for article in (False, True):
        n = clitic_prefix_length(word, article=article)
        assert 0 <= n <= len(word)
        if n:
            assert word[n:]  # never the whole word
    assert clitic_prefix_length(word) <= clitic_prefix_length(word, article=True)


@settings(max_examples=200, deadline=None)
@given(texts, st.booleans(), st.integers(0, 80), st.integers(0, 80))
def test_bulk_forms_agree_with_tokenize(text, split, a, b):
    from annotations.tokenize import token_offsets, token_texts

    tokens = tokenize(text, split_clitics=split)
    assert token_offsets(text, split_clitics=split) == [(t.start, t.end) for t in tokens]
    assert token_texts(text, split_clitics=split) == [t.text for t in tokens]
    # a slice: the tokens of text[a:b] with offsets into text
    lo, hi = sorted((min(a, len(text)), min(b, len(text))))
    assert token_texts(text, lo, hi, split_clitics=split) == [t.text for t in tokenize(text[lo:hi], split_clitics=split)]


def test_boundary_inside_a_number():
    assert words("1.5", boundaries=[1]) == ["1", ".", "5"]
