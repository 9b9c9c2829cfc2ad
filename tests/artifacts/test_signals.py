"""Each signal on small hand-written texts (none from the seeds), with negatives."""
from dedupe.artifacts.align import align_sentences, diff_sentence
from dedupe.artifacts.casing import find_capitalisation
from dedupe.artifacts.corpus import CorpusStats
from dedupe.artifacts.debris import find_debris
from dedupe.artifacts.foreign import find_untranslated
from dedupe.artifacts.grammar import find_dropped, find_duplicated
from dedupe.artifacts.lm import BigramModel, find_improbable
from dedupe.artifacts.text import sentences, words
from dedupe.artifacts.words import find_glued, find_misspellings


def _texts(flags):
    return [f.text for f in flags]


def test_debris_finds_markup_and_spares_prose():
    t = 'Shares fell. <div class="promo-box"> Analysts said &amp; more. .ad-slot { margin: 0; }'
    assert _texts(find_debris(t)) == ['<div class="promo-box">', "&amp;", ".ad-slot { margin: 0; }"]
    assert find_debris('He said "yes" and the vote was 5-3 (a record).') == []


def test_glued_camel_case_and_lost_space():
    t = "The bank cut ratesThe move surprised traders who sold bondsfor cash."
    flags = find_glued(words(t), t, CorpusStats())
    assert _texts(flags) == ["ratesThe", "bondsfor"]
    assert all(t[f.start:f.end] == f.text for f in flags)


def test_glued_spares_brands_known_to_the_corpus():
    stats = CorpusStats()
    for _ in range(2):
        stats.add([words("shares of ZorbaTech rose")])
    t = "ZorbaTech and YouTube reported results."
    assert find_glued(words(t), t, stats) == []


def test_misspelling_flags_non_words_not_names():
    t = "The goverment said Okonjo and Vrbnik agreed to the polcy plan in Blorvania."
    stats = CorpusStats()
    assert _texts(find_misspellings(words(t), t, stats)) == ["goverment", "polcy"]


def test_misspelling_spares_terms_the_corpus_repeats():
    stats = CorpusStats()
    stats.add([words("the qorvex index rose")])
    stats.add([words("the qorvex index fell")])
    t = "the qorvex index was flat"
    assert find_misspellings(words(t), t, stats) == []


def test_dropped_word_traces():
    t = "Talks ended after the terms of , and the of it. He said a, b."
    assert _texts(find_dropped(t)) == ["of ,", "the of", "a"]
    assert find_dropped("It opened at 9 a.m. and closed at noon, as planned.") == []


def test_duplicated_repeats_and_idioms():
    t = "They will will meet to build a strong build plan, step by step, more and more."
    assert _texts(find_duplicated(t)) == ["will will", "build a strong build"]
    assert find_duplicated("Prices rose from 10 dollars to 12 dollars. He had had enough.") == []


def test_untranslated_sentence_and_chrome_line():
    t = ("Ministers met on Monday.\nDie Regierung hat heute einen neuen Plan vorgestellt.\n"
         "Kommentare: 12\nThe plan was approved.")
    segs = [(s, e, words(t, s, e)) for s, e in sentences(t)]
    assert _texts(find_untranslated(t, segs)) == ["Die Regierung hat heute einen neuen Plan vorgestellt.",
                                                 "Kommentare: 12"]


def test_untranslated_spares_names_and_loanwords():
    t = "The Bundesbank and Banco Santander met in Sao Paulo for a fiesta."
    segs = [(s, e, words(t, s, e)) for s, e in sentences(t)]
    assert find_untranslated(t, segs) == []


def test_capitalisation_needs_corpus_evidence():
    stats = CorpusStats()
    for s in ("leaders met in Quorvia today", "officials in Quorvia said", "the army of Quorvia left"):
        stats.add([words(s)])
    t = "the troops reached quorvia and the river"
    stats.add([words(t)])
    assert _texts(find_capitalisation(words(t), t, stats)) == ["quorvia"]


def test_improbable_needs_a_large_corpus():
    corpus = [[words("the new rules and the old rules of the city")]] * 400
    t = "the old rules of the new the city"
    assert _texts(find_improbable([words(t)], t, BigramModel().fit(corpus))) == ["new the"]
    small = BigramModel().fit(corpus[:2])
    assert find_improbable([words(t)], t, small) == []


def test_alignment_is_monotone_and_diff_flags_rarer_words_and_names():
    assert align_sentences([{"a", "b"}, {"c", "d"}], [{"a", "b"}, {"x"}, {"c", "d"}]) == [(0, 0), (1, 2)]
    d = "The council praised the salutation of the guests and who said 40 came."
    r = "The council praised the welcome of the guests and Rossi said 45 came."
    kinds = [(f.kind, f.text) for f in diff_sentence(d, 0, len(d), r, 0, len(r))]
    assert kinds == [("divergent", "salutation"), ("name", "who"), ("name", "40")]
    same = "The council praised the welcome of the guests."
    assert diff_sentence(same, 0, len(same), same, 0, len(same)) == []
