"""Each signal on small hand-written texts (none from the seeds), with negatives."""
import pytest

from dedupe.artifacts.align import align_sentences, diff_sentence, find_divergent
from dedupe.artifacts.casing import find_capitalisation
from dedupe.artifacts.corpus import CorpusStats
from dedupe.artifacts.debris import find_debris
from dedupe.artifacts.foreign import find_untranslated
from dedupe.artifacts.grammar import find_dropped, find_duplicated
from dedupe.artifacts.lm import BigramModel, find_improbable
from dedupe.artifacts.text import Tokens
from dedupe.artifacts.words import find_glued, find_misspellings


def _texts(flags):
    return [f.text for f in flags]


def test_debris_finds_markup_and_spares_prose():
    t = 'Shares fell. <div class="promo-box"> Analysts said &amp; more. .ad-slot { margin: 0; }'
    assert _texts(find_debris(t)) == ['<div class="promo-box">', "&amp;", ".ad-slot { margin: 0; }"]
    assert find_debris('He said "yes" and the vote was 5-3 (a record).') == []


def test_glued_camel_case_and_lost_space():
    t = "The bank cut ratesThe move surprised traders who sold bondsfor cash."
    flags = find_glued(Tokens(t), CorpusStats())
    assert _texts(flags) == ["ratesThe", "bondsfor"]
    assert all(t[f.start:f.end] == f.text for f in flags)


def test_glued_spares_brands_known_to_the_corpus():
    stats = CorpusStats()
    for _ in range(2):
        stats.add(Tokens("shares of ZorbaTech rose"))
    assert find_glued(Tokens("ZorbaTech and YouTube reported results."), stats) == []


def test_misspelling_flags_non_words_not_names():
    t = "The goverment said Okonjo and Vrbnik agreed to the polcy plan in Blorvania."
    assert _texts(find_misspellings(Tokens(t), CorpusStats())) == ["goverment", "polcy"]


def test_misspelling_spares_terms_the_corpus_repeats():
    stats = CorpusStats()
    stats.add(Tokens("the qorvex index rose"))
    stats.add(Tokens("the qorvex index fell"))
    assert find_misspellings(Tokens("the qorvex index was flat"), stats) == []


def test_dropped_word_traces():
    t = "Talks ended after the terms of , and the of it. He said a, b."
    assert _texts(find_dropped(t)) == ["of ,", "the of", "a"]
    assert find_dropped("It opened at 9 a.m. and closed at noon, as planned.") == []


def test_duplicated_repeats_and_idioms():
    t = "They will will meet to build a strong build plan, step by step, more and more."
    assert _texts(find_duplicated(Tokens(t))) == ["will will", "build a strong build"]
    assert find_duplicated(Tokens("Prices rose from 10 dollars to 12 dollars. He had had enough.")) == []
    assert find_duplicated(Tokens("No, no. We read the\nThe report said so")) == []


def test_untranslated_sentence_and_chrome_line():
    t = ("Ministers met on Monday.\nDie Regierung hat heute einen neuen Plan vorgestellt.\n"
         "Kommentare: 12\nThe plan was approved.")
    assert _texts(find_untranslated(Tokens(t))) == ["Die Regierung hat heute einen neuen Plan vorgestellt.",
                                                 "Kommentare: 12"]


def test_untranslated_spares_names_and_loanwords():
    assert find_untranslated(Tokens("The Bundesbank and Banco Santander met in Sao Paulo for a fiesta.")) == []


def test_capitalisation_needs_corpus_evidence():
    stats = CorpusStats()
    for s in ("leaders met in Quorvia today", "officials in Quorvia said", "the army of Quorvia left"):
        stats.add(Tokens(s))
    t = Tokens("the troops reached quorvia and the river")
    stats.add(t)
    assert _texts(find_capitalisation(t, stats)) == ["quorvia"]


def test_improbable_corpus_tests_need_a_large_corpus_the_background_does_not():
    corpus = [Tokens("the new rules and the old rules of the city")] * 400
    t = Tokens("the old rules of the new the city")
    assert _texts(find_improbable(t, BigramModel().fit(corpus))) == ["new the"]
    # two documents give the corpus counts no power ...
    assert find_improbable(t, BigramModel().fit(corpus[:2]), min_background_odds=1e9) == []
    # ... but the background knows "the new" and never "new the"
    assert _texts(find_improbable(t, BigramModel().fit(corpus[:2]))) == ["new the"]


def test_improbable_word_next_to_a_grammar_class_it_never_meets():
    # "budget" is followed by prepositions and "of", never by a determiner
    corpus = [Tokens(s) for s in ("we read the budget of the town", "they cut a budget for the school",
                                  "she wrote the budget in the spring", "he saw this budget on the desk")] * 40
    model = BigramModel().fit(corpus)
    # "those" never occurs in the corpus, so neither the pair nor its swap has a count
    flags = {f.text: f.reason for f in find_improbable(Tokens("they cut budget those plans"), model)}
    assert "determiner word right after 'budget' 0 times" in flags["budget those"]
    assert find_improbable(Tokens("they cut the budget for the town"), model) == []


def test_improbable_word_order_the_corpus_always_writes_the_other_way():
    corpus = [Tokens("the plan came in response to the vote")] * 30
    model = BigramModel().fit(corpus)
    [flag] = find_improbable(Tokens("the plan came response in to the vote"), model)
    assert flag.text == "response in" and "word order" in flag.reason
    assert find_improbable(Tokens("the plan came in response to the vote"), model) == []


def test_improbable_leaves_out_the_documents_own_pairs():
    corpus = [Tokens("the new rules and the old rules of the city")] * 400
    odd = Tokens("the old rules of the new the city")
    model = BigramModel().fit([*corpus, odd])
    [mine] = find_improbable(odd, model, fitted=True)
    [other] = find_improbable(odd, model, fitted=False)
    assert "occurs 0 times elsewhere" in mine.reason and "occurs 1 times elsewhere" in other.reason


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


_STORY = ("The port reopened on Monday after a week of storms, the harbour office said.\n\n"
          "{heading}\n\n"
          "{opening} the crews who had worked through the night to clear the wreckage.\n\n"
          "Ships carrying grain were the first to dock, and ferries will follow on Friday.")


@pytest.mark.parametrize("heading", ["MERCY FOR THE NIGHT CREWS",  # aligned with the canonical's heading
                                     "MERCY ON THE QUAYSIDE"])  # no word shared: paired by the paragraph after it
def test_a_heading_is_compared_with_the_heading_of_the_same_section(heading):
    # a name the copy writes in its text but renders as a common word in a heading is flagged
    ref = Tokens(_STORY.format(heading="Grace thanks the night crews",
                               opening="Harbour master Grace Mensah thanked"))
    copy = Tokens(_STORY.format(heading=heading, opening="The harbour master, Grace Mensah, thanked"))
    assert [(f.kind, f.text) for f in find_divergent(copy, ref) if f.kind == "name"] == [("name", "MERCY")]
    # a heading that keeps the name (in capitals too), or rewords one with no name, is no error
    kept = Tokens(_STORY.format(heading="GRACE THANKS THE NIGHT CREWS",
                                opening="The harbour master, Grace Mensah, thanked"))
    assert [f for f in find_divergent(kept, ref) if f.kind == "name"] == []
    unnamed_ref = Tokens(_STORY.format(heading="Crews thanked for night work",
                                       opening="Harbour master Grace Mensah thanked"))
    assert [f for f in find_divergent(copy, unnamed_ref) if f.kind == "name"] == []
    # nor is a common word where the copy never writes the name: nothing says it is one
    unnamed = Tokens(_STORY.format(heading="MERCY FOR THE NIGHT CREWS", opening="The harbour master thanked"))
    assert [f for f in find_divergent(unnamed, ref) if f.kind == "name"] == []


def _fitted(sentences):
    stats, lm = CorpusStats(), BigramModel()
    for s in sentences:
        stats.add(Tokens(s))
        lm.add(Tokens(s))
    return stats, lm


def _scored(stats, lm, text):
    # the scored text is part of the corpus, as in a scan
    t = Tokens(text)
    stats.add(t)
    lm.add(t)
    return _texts(find_capitalisation(t, stats, lm))


def test_capitalisation_of_a_common_word_between_parts_of_a_name():
    corpus = ["then the Harbour Board Chair met the press", "we read a Harbour Board Chair letter on the fish",
              "and the Harbour Board Chair said no to it", "the board met", "a Harbour board meeting ran late",
              "the Harbour board agreed on it"]
    # the corpus writes "Harbour board" lower-case too, but never between "Harbour" and "Chair"
    assert _scored(*_fitted(corpus), "so the Harbour board Chair agreed") == ["board"]
    assert _scored(*_fitted(corpus), "and the Harbour board agreed") == []


def test_capitalisation_of_a_name_pair_either_side_and_across_of():
    corpus = ["rates at the Bank of Velmaria rose", "the Bank of Velmaria said no", "a loan from the Bank of Velmaria",
              "ships reached Port Quillon at dawn", "trade in Port Quillon grew", "we saw Port Quillon burn",
              "the bank cut rates", "a port was busy", "the bank of the river", "the port of call"] * 2
    assert _scored(*_fitted(corpus), "she said the bank of Velmaria would act") == ["bank"]
    assert _scored(*_fitted(corpus), "boats left port Quillon early") == ["port"]
    assert _scored(*_fitted(corpus), "boats left the port of Quillon early") == []


def test_capitalisation_of_a_form_alone_ignores_its_uses_inside_names():
    corpus = ["they met in Zorvania on Monday", "troops left Zorvania quickly", "the talks in Zorvania failed",
              "a hotel in Beverly Quarls opened", "fans in Beverly Quarls cheered", "we drove to Beverly Quarls again"]
    stats, lm = _fitted(corpus)
    # "Quarls" is only ever part of a longer name: alone, the lower-case word is not suspicious
    assert _scored(stats, lm, "the old quarls were steep and zorvania's army waited") == ["zorvania's"]


def test_capitalisation_inside_a_name_an_acronym_spells_out():
    stats, lm = _fitted(["the weather was mild"])
    # whatever the corpus says: the acronym shows the name's words, most of them capitalised
    assert _scored(stats, lm, "The Velmarian Fisheries authority (VFA) said no.") == ["authority"]
    assert _scored(stats, lm, "She joined the VFA (Velmarian Fisheries authority) early.") == ["authority"]
    # an all lower-case expansion is a style, not a slip; letters that do not match are no expansion
    assert _scored(stats, lm, "Rates of the annual fish levy (AFL) rose.") == []
    assert _scored(stats, lm, "The Velmarian Fisheries authority (XYZ) said no.") == []


def test_capitalisation_after_a_word_always_followed_by_a_capital():
    corpus = ["Mr Quillon said so", "we met Mr Darrow there", "then Mr Ostrander left", "Mr Velk agreed",
              "and Mr Pym too", "Alan Quillon spoke", "then Alan said no", "the plan was said to work"] * 2
    stats, lm = _fitted(corpus)
    assert _scored(stats, lm, "later Mr ostrander replied") == ["ostrander"]
    # a common word after a first name is the sentence going on ("Alan said"), not a lower-cased surname
    assert _scored(*_fitted(corpus), "later Alan said it") == []


def test_capitalisation_sentence_opener_is_a_name_part_only_if_a_name():
    corpus = ["the firm said Digital Video sales rose", "a Digital Video deal came", "they like Digital Video gear",
              "we met Julie Andrews today", "and Julie Andrews sang", "later Andrews left", "then Andrews waved",
              "with Andrews gone"] + ["the digital age", "a video of fans"] * 3
    # "Digital" opens the sentence, and the corpus writes it lower-case too: no name's part
    assert _scored(*_fitted(corpus), "Digital video recorders are cheap.") == []
    # "Julie" opens it too, but the corpus only capitalises "Andrews"
    assert _scored(*_fitted(corpus), "Julie andrews sang again.") == ["andrews"]


def test_dropped_before_a_closing_quote_and_determiner_before_preposition():
    t = 'He said "we need more of ," and the in July vote passed.'
    assert _texts(find_dropped(t)) == ["of ,", "the in"]
