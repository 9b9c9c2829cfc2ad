"""[improbable] with the background bigram list: power on one document, no flags on honest text."""
from pathlib import Path

import numpy as np
import pytest

from dedupe.artifacts.background import background
from dedupe.artifacts.lm import BigramModel, find_improbable
from dedupe.artifacts.text import Tokens
from dedupe.artifacts.wordclass import word_classes
from dedupe.errors import ConfigError

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def _alone(text, **kw):
    """Flags of ``text`` scanned as a corpus of one document."""
    tk = Tokens(text)
    return find_improbable(tk, BigramModel().fit([tk]), fitted=True, **kw)


def test_background_is_read_once_and_answers_pair_counts():
    bg = background()
    assert background() is bg
    ids = [bg.ids[w] for w in ("of", "the")]
    of_the, the_of = bg.pair_counts(bg.codes(np.array(ids), np.array(ids[::-1])))
    assert of_the > 1000 * bg.cutoff and the_of < of_the / 100
    assert bg.pair_counts(bg.codes(np.array([-1]), np.array([ids[0]]))).tolist() == [0]


@pytest.mark.parametrize("text, odd", [
    ("The ministers agreed that the new the budget would be cut.", "new the"),
    ("Officials said the report was published the of week before.", "the of"),
    ("He said they will to need more time before the vote.", "to need"),
    ("She has been minister the for three years.", "the for"),
])
def test_one_document_is_enough_for_a_word_order_error(text, odd):
    flags = _alone(text)
    assert [f.text for f in flags] == [odd]
    assert "Google Books" in flags[0].reason and 0.5 <= flags[0].score <= 0.7


def test_honest_text_with_headlines_lists_quotes_names_and_numbers_is_not_flagged():
    text = ("FLOOD WARNING FOR THE NORTH\n"
            "Rivers rose by 2.5 metres on Tuesday, and the Environment Agency issued 14 warnings.\n"
            "\"We are doing what we can,\" said Ms Okafor, who leads the flood team in York.\n"
            "Residents were told to: move valuables upstairs; turn off gas; check on neighbours.\n"
            "The long-term forecast, which the Met Office updates daily, is for more rain.\n"
            "Asked whether the defences had failed, she said that it was too early to tell.\n"
            "Roads in and around the city centre were closed. Trains ran on time.")
    assert _alone(text) == []


def test_the_corpus_vouches_for_its_own_phrasing():
    # a phrase the background finds odd is normal when other documents of the scan use it
    odd = "Fans queued to see the new the musical."
    assert [f.text for f in _alone(odd)] == ["new the"]
    corpus = [Tokens(t) for t in ("Critics loved the new the musical.", "Tickets for the new the musical sold out.",
                                  odd)]
    assert find_improbable(corpus[-1], BigramModel().fit(corpus), fitted=True) == []


def test_a_higher_threshold_flags_less_and_a_bad_one_is_refused():
    text = "Officials said the report was published the of week before."
    assert _alone(text, min_background_odds=100.0, min_reorder_odds=100.0) == []
    with pytest.raises(ConfigError, match="min_background_odds=0"):
        _alone(text, min_background_odds=0)
    with pytest.raises(ConfigError, match="min_reorder_odds=-1"):
        _alone(text, min_reorder_odds=-1)


def test_word_classes_are_the_tag_sets_a_form_can_take():
    classes = word_classes()
    assert classes["advised"] == "JJ|VBD" and classes["children"] == "NNS" and classes["quickly"] == "RB"
    assert classes["set"] == "JJ|NN|VB|VBD"  # its own past: every reading
    assert "Paris" not in classes  # names are left to [capitalisation]


def test_word_order_of_words_the_corpus_never_saw_is_judged_by_their_classes():
    # "renovate" and "museum" occur nowhere in the corpus, but verbs (VB) follow "to"
    # and nouns (NN) follow "the" in it, never the other way round
    verbs = "build open sell close repair paint visit extend move rebuild inspect clean".split()
    nouns = "bridge station school library market hospital road stadium harbour factory".split()
    model = BigramModel().fit(Tokens(f"Officials plan to {v} the {n} soon, and the {n} will stay open.")
                              for v in verbs for n in nouns)
    [flag] = find_improbable(Tokens("Officials plan to the renovate museum soon."), model)
    assert flag.text == "the renovate" and "word order" in flag.reason and "word classes" in flag.reason
    assert 0.5 <= flag.score <= 0.7
    swapped_late = find_improbable(Tokens("Officials plan to renovate museum the soon."), model)
    assert [f.text for f in swapped_late] == ["museum the"]
    assert find_improbable(Tokens("Officials plan to renovate the museum soon."), model) == []
    # one document alone has no class counts to tell
    assert _alone("Officials plan to the renovate museum soon.") == []


def test_a_fitted_documents_own_pairs_and_class_pairs_are_no_evidence_for_its_word_order():
    # the same flags whether the odd document was part of the fit or not; its words'
    # frequencies do count it (as in the pair test), which moves the odds, not the flags
    verbs = "build open sell close repair paint visit extend move rebuild inspect clean".split()
    nouns = "bridge station school library market hospital road stadium harbour factory".split()
    corpus = [Tokens(f"Officials plan to {v} the {n} soon, and the {n} will stay open.")
              for v in verbs for n in nouns] * 100
    odd = Tokens("Officials plan to the renovate museum soon, and to the renovate gallery next.")
    alone = find_improbable(odd, BigramModel().fit(corpus))
    assert [f.text for f in alone if "word classes" in f.reason] == ["the renovate", "the renovate"]
    mine = find_improbable(odd, BigramModel().fit([*corpus, odd]), fitted=True)
    kinds = lambda flags: [(f.start, f.reason.split(" with ")[0]) for f in flags]  # noqa: E731
    assert kinds(mine) == kinds(alone)


def test_a_grammar_word_swapped_into_a_compound_is_judged_with_the_compound():
    # "vice-chair of" with "chair of" swapped: the hyphen hides "vice of" from a
    # test that keeps to the words of the sentence
    [flag] = _alone("He is the vice-of chair the board of trustees.")
    assert flag.text == "of chair" and "word order" in flag.reason
    for honest in ("He is the vice-chair of the board of trustees.", "A drive-in cinema opened in the town.",
                   "They held a sit-in protest at the office.", "The follow-up meeting is on Monday."):
        assert _alone(honest) == []


def test_a_question_is_no_word_order_error():
    # a corpus where "to" comes before verbs and "the" before nouns, never after
    verbs = "build open sell close repair paint visit extend move rebuild inspect clean".split()
    nouns = "bridge station school library market hospital road stadium harbour factory".split()
    model = BigramModel().fit(Tokens(f"Officials plan to {v} the {n} soon, and the {n} will stay open.")
                              for v in verbs for n in nouns)
    assert [f.text for f in find_improbable(Tokens("Officials plan to the renovate museum soon."), model)] \
        == ["the renovate"]
    # a question inverts the order the test reads: it is left alone
    assert find_improbable(Tokens("Do officials plan to the renovate museum soon?"), model) == []


def test_the_full_stop_tells_which_word_ends_a_sentence():
    # "she" seldom ends a sentence of this corpus, "said" often does; the pair itself
    # is as common either way round
    corpus = [Tokens(t) for t in ['"We will not give up," she said. She told reporters that she had no regrets.',
                                  "The minister was tired, she said. She did not want to go.",
                                  '"It is over," an officer said.'] * 100 + ["He said she would stay."] * 20]
    model = BigramModel().fit(corpus)
    [flag] = find_improbable(Tokens('"We are ready for the vote," said she.'), model)
    assert flag.text == "said she" and "sentence's edge" in flag.reason
    for honest in ('"We are ready for the vote," she said.', "Asked about the vote, the chairman said she was ready."):
        assert find_improbable(Tokens(honest), model) == []


@pytest.mark.parametrize("corpus, garbled, flagged, honest", [
    # this corpus puts "it" after commas, never "filed"
    (["Last week, it filed a lawsuit against the firm.", "The firm filed a claim, and it said the case was strong.",
      "On Friday, it said the firm had filed papers."],
     "On Monday, filed it a claim against the bank.", "filed it", "On Monday, it filed a claim against the bank."),
    # and "it" opens its sentences, never "filed"
    (["It filed a lawsuit against the firm last week.", "The firm filed a claim and it said the case was strong.",
      "It said the firm had filed papers."],
     "Filed it a claim against the bank on Monday.", "Filed it", "It filed a claim against the bank on Monday."),
], ids=["comma", "sentence start"])
def test_a_clause_edge_tells_which_word_opens_a_clause(corpus, garbled, flagged, honest):
    model = BigramModel().fit([Tokens(t) for t in corpus * 100 + ["They filed it on time."] * 10])
    [flag] = find_improbable(Tokens(garbled), model)
    assert flag.text == flagged and "sentence's edge" in flag.reason
    assert find_improbable(Tokens(honest), model) == []


def test_an_adverb_moves_past_a_grammar_word_without_a_word_order_error():
    # adverbs follow "has" throughout this corpus, yet "swiftly has" is still English;
    # a determiner moved the same way is not
    advs = "quickly slowly quietly openly rarely firmly gently briefly boldly calmly".split()
    verbs = "opened closed sold built repaired painted visited extended moved cleaned".split()
    nouns = "bridge station school library market hospital road stadium harbour factory".split()
    model = BigramModel().fit(Tokens(f"The {n} has {a} {v} the {m} nearby.")
                              for a in advs for v in verbs for n, m in zip(nouns, nouns[1:]))
    assert find_improbable(Tokens("The museum swiftly has renovated the gallery nearby."), model) == []
    assert "the renovated" in [f.text for f in find_improbable(Tokens("The museum has the renovated gallery nearby."),
                                                                 model)]


def test_a_frequent_words_own_neighbours_outweigh_its_word_class():
    # the corpus writes "strong" and "quiet" (both adjectives, JJ) often, with a
    # determiner before them and never after; "gargantuan" (JJ too) it never met
    from dedupe.artifacts.lm import _own_counts, _word_affinity

    model = BigramModel().fit([Tokens("The team made a strong start and the fans were quiet all game.")] * 40
                              + [Tokens("He read the paper. We gave them the keys and they left the quiet town.")] * 40)
    x, y = (np.array([model.vocab[w] for w in ws]) for ws in (["strong", "gargantuan", "of"], ["a", "a", "the"]))
    model.ready()  # the unseen word gets its (empty) counts
    prior = np.ones(3)
    none = np.empty(0, np.int64)
    no_own = _own_counts(model, none, none, none, np.empty(0, bool), n_docs=1)  # a document that was not fitted
    strong, rare, two_grammar = _word_affinity(model, x, y, prior, no_own, np.zeros(3, np.int64)).tolist()
    assert strong < 0.2 * rare  # "strong a": its 40 uses (8 determiners expected after them) are evidence enough
    assert 0.5 < rare <= 1.0  # an unseen word keeps its class's association
    assert two_grammar == 1.0  # only a content word beside a grammar word has an affinity


def test_hashed_pair_counts_are_the_counted_pairs():
    # every pair the seeds make, each swapped (mostly unseen), and codes of unknown words
    from dedupe.artifacts.lm import _join

    model = BigramModel().fit(Tokens(p.read_text(encoding="utf-8")) for p in SEEDS)
    model.ready()
    counted = dict(zip(model._keys.tolist(), model._counts.tolist()))
    a, b = model._keys >> 32, model._keys & 0xFFFFFFFF
    codes = np.concatenate([model._keys, _join(b, a), np.array([-1, 1 << 40])])
    assert model.pair_counts(codes).tolist() == [counted.get(c, 0) for c in codes.tolist()]
    assert sum(counted.values()) == int(model.pair_counts(model._keys).sum()) > 1000


def test_own_counts_count_each_documents_own_pairs():
    from collections import Counter

    from dedupe.artifacts.lm import _join, _OwnCounts

    tks = [Tokens(p.read_text(encoding="utf-8")) for p in SEEDS]
    model = BigramModel().fit(tks)
    pairs = [_join(model.ids(tk)[:-1], model.ids(tk)[1:]) for tk in tks]
    groups = np.concatenate([np.full(len(p), k) for k, p in enumerate(pairs)])
    own = _OwnCounts(groups, np.concatenate(pairs), n_groups=len(tks))
    # each document asked about its own pairs and the next document's
    for k, p in enumerate(pairs):
        other = pairs[(k + 1) % len(pairs)]
        queries = np.concatenate([p, other])
        assert own(np.full(len(queries), k), queries).tolist() == [Counter(p.tolist())[q] for q in queries.tolist()]
