"""Tests for dedupe.shingles: salient terms that survive transliteration and translation."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from dedupe.errors import ConfigError
from dedupe.shingles import NUMBER_ZIPF, extract_terms, featurize, featurize_many, hash_key, shingles, zipf


def keys(text: str, language: str | None = "en", **kwargs) -> list[str]:
    return [t.key for t in extract_terms(text, language, **kwargs)]


def test_scripts_and_accents_meet_on_one_key():
    assert keys("Путин", "ru") == keys("Putin", "en") == keys("PÚTIN", "es") == ["putin"]
    assert keys("Зеленский", "ru") == keys("Zelenskiy", "en")


def test_prefix_stem_joins_word_forms_and_languages():
    assert keys("liberation liberated liberación") == ["libera"] * 3
    # A longer stem keeps the English forms apart again.
    assert len(set(keys("liberation liberated", stem=8))) == 2
    assert keys("Pyongyang", stem=3) == ["pyo"]


def test_numbers_keep_their_digits_and_single_digits_are_dropped():
    terms = extract_terms("10,000 troops, 3 tanks and 2.5 percent in 2024; 7 days", "en")
    numbers = [t for t in terms if t.key.startswith("#")]
    assert [t.key for t in numbers] == ["#10000", "#25", "#2024"]
    assert all(t.zipf == NUMBER_ZIPF for t in numbers)


def test_apostrophes_and_hyphens_stay_inside_words():
    assert keys("O'Brien met al-Assad") == ["obrien", "met", "al-ass"]


def test_language_picks_the_frequency_list():
    # "die" is a rare English word but the commonest German one.
    (en,) = extract_terms("die", "en")
    (de,) = extract_terms("die", "de")
    assert de.zipf > en.zipf
    # Unknown or unsupported languages fall back to English rather than failing.
    assert extract_terms("summit", None) == extract_terms("summit", "xx") == extract_terms("summit", "en")


def test_zipf_scale():
    assert zipf("the", "en") > 7 > zipf("summit", "en") > zipf("pyongyang", "en") > 0
    assert zipf("xqzzvplk", "en") == 0.0


TEXT = "The leaders of the two countries met in Pyongyang and signed a summit treaty."


def test_salient_shingles_drop_common_words():
    terms = extract_terms(TEXT, "en")
    salient = shingles(terms)
    word = shingles(terms, kind="word")
    common = {hash_key(t.key) for t in terms if t.zipf >= 5.0}
    assert common, "the sentence should contain common words"
    assert set(salient.tolist()) == {hash_key(t.key) for t in terms if t.zipf < 5.0}
    assert set(word.tolist()) == set(salient.tolist()) | common
    assert not common & set(salient.tolist())
    # A looser ceiling keeps more words.
    assert len(shingles(terms, max_zipf=8.0)) == len(word)


def test_shingles_are_sorted_distinct_uint64():
    terms = extract_terms("Kim Putin Kim Putin summit summit", "en")
    out = shingles(terms)
    assert out.dtype == np.uint64
    assert out.tolist() == sorted({hash_key("kim"), hash_key("putin"), hash_key("summit")})
    assert shingles([]).shape == (0,)


def test_ngram_joins_consecutive_terms():
    terms = extract_terms("Kim met Putin in Pyongyang", "en")
    ks = [t.key for t in terms]
    bigrams = shingles(terms, kind="word", ngram=2)
    assert bigrams.tolist() == sorted({hash_key(f"{a} {b}") for a, b in zip(ks, ks[1:])})
    assert len(shingles(terms, kind="word", ngram=len(ks))) == 1
    assert len(shingles(terms, kind="word", ngram=len(ks) + 1)) == 0


def test_hash_key_is_32_bit_and_stable():
    assert hash_key("putin") == hash_key("putin") < 2**32
    assert hash_key("putin") != hash_key("kim")


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: shingles([], kind="char"), "kind"),
        (lambda: shingles([], ngram=0), "ngram"),
        (lambda: extract_terms("text", "en", stem=2), "stem"),
    ],
)
def test_bad_parameters_raise_config_error(call, name):
    with pytest.raises(ConfigError, match=name):
        call()


def test_devanagari_words_stay_whole():
    terms = extract_terms("हिन्दी समाचार", "hi")
    assert len(terms) == 2


def _reference_features(text: str, language: str, *, kind: str, max_zipf: float) -> tuple[list, list, list]:
    """The definition, term by term: distinct term hashes with their lowest
    frequency, and the hashes of the chosen terms as shingles."""
    lowest: dict[int, float] = {}
    for term in extract_terms(text, language):
        lowest[term.hash] = min(lowest.get(term.hash, np.inf), np.float32(term.zipf))
    terms = sorted(lowest)
    chosen = [h for h in terms if kind == "word" or lowest[h] < np.float32(max_zipf)]
    return chosen, terms, [lowest[h] for h in terms]


@pytest.mark.corpora
@pytest.mark.parametrize("kind, max_zipf", [("salient", 5.0), ("salient", 4.0), ("word", 5.0)])
def test_batch_features_equal_the_definition_document_by_document(corpora, kind, max_zipf):
    from corpora import iter_corpus

    wmt = [r for r in itertools.islice(iter_corpus("wmt-news-mt-2021-2022"), 4000) if len(r["text"]) > 200]
    texts = [r["text"] for r in itertools.islice(iter_corpus("bbc"), 150)] + [r["text"] for r in wmt[::25]]
    languages = ["en"] * 150 + [r["lang"] for r in wmt[::25]]
    assert len(set(languages)) >= 4, "the sample should mix scripts and languages"
    batch = featurize_many(texts, languages, kind=kind, max_zipf=max_zipf)
    for text, language, features in zip(texts, languages, batch):
        one = featurize(text, language, kind=kind, max_zipf=max_zipf)
        for name in ("shingles", "terms", "zipfs"):
            np.testing.assert_array_equal(getattr(features, name), getattr(one, name))
        shingle_hashes, terms, zipfs = _reference_features(text, language, kind=kind, max_zipf=max_zipf)
        assert features.shingles.dtype == np.uint64 and features.shingles.tolist() == shingle_hashes
        assert features.terms.dtype == np.uint32 and features.terms.tolist() == terms
        assert features.zipfs.dtype == np.float32 and features.zipfs.tolist() == zipfs


def test_batch_of_nothing_and_of_empty_texts():
    assert featurize_many([], []) == []
    empty, full = featurize_many(["", "Putin met Kim in Pyongyang."], ["en", "en"])
    assert len(empty.shingles) == len(empty.terms) == 0 and len(full.shingles) == 3


def test_batch_needs_one_language_per_text():
    with pytest.raises(ConfigError, match="2 texts but 1 languages"):
        featurize_many(["a", "b"], ["en"])


def test_chinese_and_japanese_clauses_are_cut_into_words():
    # Hand-written: two wordings of "Tokyo's governor announced the budget"; a
    # clause between punctuation marks is not one word.
    a = {t.key for t in extract_terms("東京都知事は予算を発表した。", "ja")}
    b = {t.key for t in extract_terms("東京都の知事が新しい予算を発表。", "ja")}
    assert len(a & b) >= 3
    assert {t.key for t in extract_terms("アメリカのトランプ大統領", "ja")} >= {
        t.key for t in extract_terms("トランプ", "ja")}


def test_versions_of_one_story_in_chinese_or_japanese_share_their_words(corpora):
    """WMT machine translations into Japanese and Chinese (9-16 systems per
    story): two versions of one story share a third or more of their terms,
    as versions in space-separated languages do."""
    import gzip
    import json
    from collections import defaultdict

    with gzip.open(corpora / "wmt-news-mt-2021-2022.jsonl.gz", "rt", encoding="utf-8") as lines:
        rows = [r for r in map(json.loads, lines) if r["lang"] in ("ja", "zh")]
    for lang in ("ja", "zh"):
        mine = [r for r in rows if r["lang"] == lang]
        by_story = defaultdict(list)
        for row, f in zip(mine, featurize_many([r["text"] for r in mine], [lang] * len(mine))):
            by_story[row["group"]].append(set(f.terms.tolist()))
        jaccard = [len(a & b) / len(a | b) for sets in by_story.values()
                   for a, b in itertools.combinations(sets, 2) if a | b]
        assert len(jaccard) > 1000
        assert np.median(jaccard) >= 0.5, lang
