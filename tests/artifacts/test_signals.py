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


def test_name_flag_needs_a_name_rendered_as_words_not_a_paraphrase():
    d = "Officials said the two countries will hold talks and Tuesday ended calm."
    r = "Officials said Brazil and Chile will hold talks on Tuesday, which ended calm."
    assert [f for f in diff_sentence(d, 0, len(d), r, 0, len(r)) if f.kind == "name"] == []
    d2 = "The mayor met hope at the port."
    r2 = "The mayor met Osei at the port."
    assert [(f.kind, f.text) for f in diff_sentence(d2, 0, len(d2), r2, 0, len(r2))] == [("name", "hope")]


def test_capitalisation_of_a_common_word_inside_a_name_uses_its_neighbour():
    stats, lm = CorpusStats(), BigramModel()
    for s in ("then the Harbour Board Chair met the press", "we read a Harbour Board Report on the fish",
              "and the Harbour Board Chair said no to it", "the board met"):
        stats.add([words(s)])
        lm.add([words(s)])
    t = "the Harbour board Chair agreed"
    stats.add([words(t)])
    lm.add([words(t)])
    # only before a name or title is the common word part of the name
    assert [f.start for f in find_capitalisation(words(t), t, stats, lm.bigrams)] == [t.index("board")]
    plain = "and the Harbour board agreed"
    assert find_capitalisation(words(plain), plain, stats, lm.bigrams) == []


def test_dropped_before_a_closing_quote_and_determiner_before_preposition():
    t = 'He said "we need more of ," and the in July vote passed.'
    assert _texts(find_dropped(t)) == ["of ,", "the in"]
