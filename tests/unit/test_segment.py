"""The canonical tokenization: token classes and evidence-based proclitics."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.corpus import open_corpus
from annotations.tokenize import Evidence, canonical_offsets, evidence_for
from annotations.segment import canonical_tokens, clitic_cuts, stem_start


def toks(text: str, words=None) -> list[str]:
    return canonical_tokens(text, None if words is None else Evidence(words))


def test_urls_emails_tags_whole_and_trailing_punctuation_left_out():
    text = "راسلوا info@who.int أو (https://www.who.int/news/item-1). و www.moh.gov.iq، #الصحة_للجميع @WHO_EMRO"
    assert toks(text) == [
        "راسلوا", "info@who.int", "أو", "(", "https://www.who.int/news/item-1", ")", ".",
        "و", "www.moh.gov.iq", "،", "#الصحة_للجميع", "@WHO_EMRO",
    ]


def test_dates_times_and_numbers_whole():
    text = "في 14/5/2025 الساعة 09:15 و2025-05-14 و١٤/٥/٢٠٢٥ بلغ 1,250.75 و۳٫۵ و١٤٫٥."
    assert toks(text) == [
        "في", "14/5/2025", "الساعة", "09:15", "و", "2025-05-14", "و", "١٤/٥/٢٠٢٥", "بلغ",
        "1,250.75", "و", "۳٫۵", "و", "١٤٫٥", ".",
    ]


def test_abbreviations_whole_and_sentence_dots_apart():
    text = "التقى Dr. Smith وJ. Doe من U.S. أي e.g. الوفد. Smith."
    assert toks(text) == [
        "التقى", "Dr.", "Smith", "و", "J.", "Doe", "من", "U.S.", "أي", "e.g.", "الوفد", ".", "Smith", ".",
    ]


def test_arabic_punctuation_and_brackets_each_a_token():
    assert toks("قال: «نعم»، “ربما”؛ [لا] هل؟") == [
        "قال", ":", "«", "نعم", "»", "،", "“", "ربما", "”", "؛", "[", "لا", "]", "هل", "؟",
    ]


def test_proclitics_cut_when_the_remainder_is_known():
    known = ["الصين", "دمشق", "الهجرة", "الصحة", "العاصمة", "التعاون"]
    assert toks("والصين بدمشق للهجرة وبالعاصمة وللتعاون وصحة فالصين", known) == [
        "و", "الصين", "ب", "دمشق", "ل", "ل", "هجرة", "و", "ب", "العاصمة",
        "و", "ل", "ل", "تعاون", "و", "صحة", "ف", "الصين",
    ]


def test_stem_start_keeps_the_article_and_the_article_lam():
    evidence = Evidence(["الصين", "ليبيا", "دمشق"])
    for word, stem in [("وللصين", "لصين"), ("للصين", "لصين"), ("والصين", "الصين"), ("لليبيا", "ليبيا"),
                       ("ولليبيا", "ليبيا"), ("وبدمشق", "دمشق"), ("الصين", "الصين"), ("بكين", "بكين")]:
        assert word[stem_start(word, clitic_cuts(word, evidence)) :] == stem, word


def test_tokens_joined_by_spaces_tokenize_the_same_again():
    corpus = open_corpus("seeds")
    evidence = evidence_for(corpus)
    for article in corpus:
        tokens = canonical_tokens(article.text, evidence)
        assert canonical_tokens(" ".join(tokens), evidence) == tokens


def test_nothing_is_cut_without_evidence():
    assert toks("والصين بدمشق للهجرة", []) == ["والصين", "بدمشق", "للهجرة"]


def test_names_that_begin_with_clitic_letters_stay_whole():
    names = "بكين لندن كندا فلسطين بغداد ليبيا بلبيسي فرنسا كوريا"
    known = names.split() + ["الصين", "دمشق", "ندا", "الندا", "وريا"]
    assert toks(names, known) == names.split()
    # a name after a real clitic: only the clitic goes
    assert toks("وبكين للندن لليبيا وفرنسا", known) == ["و", "بكين", "ل", "لندن", "ل", "ليبيا", "و", "فرنسا"]


def test_short_remainders_and_bare_kaf_are_not_cut():
    known = ["الي", "ال", "امل", "مال", "انت", "الغ"]
    # الي after و: the stem after ال has one letter; ك before a bare word
    assert toks("والي بالغ كامل كمال كانت", known) == ["والي", "بالغ", "كامل", "كمال", "كانت"]
    assert toks("كالعادة", ["العادة"]) == ["ك", "العادة"]


def test_harakat_on_a_clitic_stay_with_it_and_evidence_is_normalized():
    assert toks("وَالصِّينُ بِدِمَشْقَ", ["الصين", "دمشق"]) == ["وَ", "الصِّينُ", "بِ", "دِمَشْقَ"]
    assert toks("وإلى بأمريكا", ["الى", "امريكا"]) == ["و", "إلى", "ب", "أمريكا"]


def test_default_evidence_is_the_texts_own_words():
    assert toks("زار الوفد الصين ثم عاد من والصين") == ["زار", "الوفد", "الصين", "ثم", "عاد", "من", "و", "الصين"]


def test_evidence_api_round_trip():
    evidence = Evidence(["الصِّين", "وزارة الصحة"])
    evidence.add("دمشق")
    evidence.update(["بغداد"])
    assert "الصين" in evidence and "صحة" not in evidence and "الصحه" in evidence
    assert evidence.words() == sorted(["الصين", "وزاره", "الصحه", "دمشق", "بغداد"])
    again = Evidence.from_words(evidence.words())
    assert again.words() == evidence.words()
    assert clitic_cuts("بدمشق", again) == (1,)
    assert clitic_cuts("بغداد", again) == ()


def test_evidence_for_the_seeds_holds_their_words():
    evidence = evidence_for(open_corpus("seeds"))
    assert "لندن" in evidence and "الصين" in evidence and "zzz" not in evidence


ALPHABET = list(
    "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىةـ"
    "\u064b\u064e\u0650\u0651\u0652\u0670"
    "٠١٢٣٤٥٦٧٨٩0123456789.,٫٬/:@#_-"
    "،؛؟«»“”\"'()[]!"
    "abcDrUSwhtp \n\u200c"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=80), st.lists(st.text(alphabet="ابتدصينلوهمرك", max_size=6)))
def test_tokens_are_ordered_slices_that_cover_every_non_space(text, words):
    offsets = canonical_offsets(text, Evidence(words))
    last = 0
    for start, end in offsets:
        assert last <= start < end
        assert not any(ch.isspace() for ch in text[start:end])
        assert text[last:start].isspace() or last == start
        last = end
    assert text[last:].isspace() or last == len(text)


def plain_offsets(text: str, evidence: Evidence) -> list[tuple[int, int]]:
    """canonical_offsets the plain way: one match per token."""
    from annotations.segment import TOKEN_RE

    out = []
    for match in TOKEN_RE.finditer(text):
        start, end = match.span()
        cuts = clitic_cuts(match.group(), evidence) if match.lastgroup == "arabic" else ()
        edges = [start, *(start + cut for cut in cuts), end]
        out += list(zip(edges, edges[1:]))
    return out


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(ALPHABET + ["والصين", "بدمشق", "للهجرة", " ", "  ", "\u064e", "www.x.io", "\x1f", "\u00a0"]), max_size=40).map("".join),
    st.lists(st.sampled_from(["الصين", "دمشق", "الهجرة", "ب", "اب", "دصي", "لا"]), max_size=4),
)
def test_chunked_tokens_are_the_tokens_of_one_match_per_token(text, words):
    evidence = Evidence(words)
    offsets = canonical_offsets(text, evidence)
    assert offsets == plain_offsets(text, evidence)
    assert canonical_tokens(text, evidence) == [text[s:e] for s, e in offsets]


def test_seeds_tokens_are_the_plain_ones():
    corpus = open_corpus("seeds")
    evidence = evidence_for(corpus)
    for article in corpus:
        assert canonical_offsets(article.text, evidence) == plain_offsets(article.text, evidence)


# Every word of the bundled seeds the segmenter cuts, with the evidence
# `hashiya export` gathers there (the seeds' words, the built-in schema),
# each read and checked by hand: conjunctions and prepositions only, no
# name cut (the names that begin with و ف ب ل ك are in SEED_NAMES below).
SEED_CUTS = [
    ("بأن", "ب + أن"),
    ("بالإضافة", "ب + الإضافة"),
    ("بالبنية", "ب + البنية"),
    ("بالتعاون", "ب + التعاون"),
    ("بالخارج", "ب + الخارج"),
    ("بالخدمات", "ب + الخدمات"),
    ("بالشراكة", "ب + الشراكة"),
    ("بالقطاع", "ب + القطاع"),
    ("بحكومة", "ب + حكومة"),
    ("برئاسة", "ب + رئاسة"),
    ("برعاية", "ب + رعاية"),
    ("بزيارة", "ب + زيارة"),
    ("بعمدة", "ب + عمدة"),
    ("بلقاء", "ب + لقاء"),
    ("بما", "ب + ما"),
    ("بمستوى", "ب + مستوى"),
    ("بمناسبة", "ب + مناسبة"),
    ("بهذا", "ب + هذا"),
    ("لتبادل", "ل + تبادل"),
    ("لتجهيز", "ل + تجهيز"),
    ("لتطوير", "ل + تطوير"),
    ("لتعزيز", "ل + تعزيز"),
    ("لتوطين", "ل + توطين"),
    ("لجمهورية", "ل + جمهورية"),
    ("لجميع", "ل + جميع"),
    ("لدعم", "ل + دعم"),
    ("لرئاسة", "ل + رئاسة"),
    ("للتبادل", "ل + ل + تبادل"),
    ("للتعاون", "ل + ل + تعاون"),
    ("للرعاية", "ل + ل + رعاية"),
    ("للشرق", "ل + ل + شرق"),
    ("للصناعات", "ل + ل + صناعات"),
    ("للطاقة", "ل + ل + طاقة"),
    ("للعلاج", "ل + ل + علاج"),
    ("للكفاءات", "ل + ل + كفاءات"),
    ("للمؤتمر", "ل + ل + مؤتمر"),
    ("للهجرة", "ل + ل + هجرة"),
    ("لمشروع", "ل + مشروع"),
    ("لمناقشة", "ل + مناقشة"),
    ("لنقل", "ل + نقل"),
    ("لوزارة", "ل + وزارة"),
    ("لوزير", "ل + وزير"),
    ("وأكد", "و + أكد"),
    ("وأوضح", "و + أوضح"),
    ("والإنسانية", "و + الإنسانية"),
    ("والابتكار", "و + الابتكار"),
    ("والبحث", "و + البحث"),
    ("والبنية", "و + البنية"),
    ("والتجارب", "و + التجارب"),
    ("والتطوير", "و + التطوير"),
    ("والتعليم", "و + التعليم"),
    ("والتقنيات", "و + التقنيات"),
    ("والتكنولوجيا", "و + التكنولوجيا"),
    ("والتنسيق", "و + التنسيق"),
    ("والتنمية", "و + التنمية"),
    ("والتواصل", "و + التواصل"),
    ("والتي", "و + التي"),
    ("والحيوية", "و + الحيوية"),
    ("والخارج", "و + الخارج"),
    ("والخبرات", "و + الخبرات"),
    ("والذي", "و + الذي"),
    ("والرعاية", "و + الرعاية"),
    ("والصناعة", "و + الصناعة"),
    ("والصين", "و + الصين"),
    ("والعالمية", "و + العالمية"),
    ("والعراق", "و + العراق"),
    ("والعلاج", "و + العلاج"),
    ("والمشاركة", "و + المشاركة"),
    ("والمنظمات", "و + المنظمات"),
    ("والمنظمة", "و + المنظمة"),
    ("وتجهيز", "و + تجهيز"),
    ("وتدريب", "و + تدريب"),
    ("وتطوير", "و + تطوير"),
    ("وتعتبر", "و + تعتبر"),
    ("وتعزيز", "و + تعزيز"),
    ("وتقديم", "و + تقديم"),
    ("وتوفير", "و + توفير"),
    ("وجمهورية", "و + جمهورية"),
    ("ودعم", "و + دعم"),
    ("وروسيا", "و + روسيا"),
    ("وضمان", "و + ضمان"),
    ("وعلى", "و + على"),
    ("وعمدة", "و + عمدة"),
    ("وفتح", "و + فتح"),
    ("وفي", "و + في"),
    ("وكوادر", "و + كوادر"),
    ("ومراكز", "و + مراكز"),
    ("ومنظمة", "و + منظمة"),
    ("ونقل", "و + نقل"),
    ("ووفقًا", "و + وفقًا"),
    ("ويأتي", "و + يأتي"),
    ("ويعد", "و + يعد"),
    ("ويهدف", "و + يهدف"),
    ("ويُعدّ", "و + يُعدّ"),
]

# Names in the seeds that begin with و ف ب ل ك and stay whole (بكين inside
# وبكين, whose و is not cut either: بكين never stands alone in the seeds).
SEED_NAMES = ["لندن", "ليبيا", "بلبيسي", "بريطانية", "فاسيلي", "فيكتوروفيتش", "كوفيد", "وبكين", "بدمشق"]


def test_the_seeds_cut_exactly_these_words():
    from annotations.schema import load_schema
    from annotations.segment import TOKEN_RE

    corpus = open_corpus("seeds")
    evidence = evidence_for(corpus, schema=load_schema())
    found = {}
    for article in corpus:
        for match in TOKEN_RE.finditer(article.text):
            word = match.group()
            cuts = clitic_cuts(word, evidence) if match.lastgroup == "arabic" else ()
            if cuts:
                edges = [0, *cuts, len(word)]
                found[word] = " + ".join(word[a:b] for a, b in zip(edges, edges[1:]))
            elif word in SEED_NAMES:
                found.setdefault("whole", set()).add(word)
    assert found.pop("whole") == set(SEED_NAMES)
    assert sorted(found.items()) == SEED_CUTS


def test_span_texts_of_every_annotator_are_evidence(tmp_path):
    from annotations.store import Store

    text = "زار الوفد بدمشق وبكين ثم وصل لندن"
    for who, word in (("alice", "دمشق"), ("bob", "لندن")):
        with Store(tmp_path, who) as store:
            start = text.index(word)
            span = store.add_span("a", text, start, start + len(word), "GPE", "entity")
            extra = store.add_span("a", text, 0, 3, "PER", "entity")
            store.delete_span(extra.id)
            assert list(store.span_texts(who)) == [span.text]
    with Store(tmp_path, "carol") as store:  # a writer reads the others' files
        assert sorted(store.span_texts("alice")) == ["دمشق"] and list(store.span_texts("bob")) == ["لندن"]
        evidence = evidence_for([], stores=[store])
    assert evidence.words() == ["دمشق", "لندن"]
    assert canonical_tokens(text, evidence)[:4] == ["زار", "الوفد", "ب", "دمشق"]
