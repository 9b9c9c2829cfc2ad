"""[improbable] with the background bigram list: power on one document, no flags on honest text."""
import numpy as np
import pytest

from dedupe.artifacts.background import background
from dedupe.artifacts.lm import BigramModel, find_improbable
from dedupe.artifacts.text import Tokens
from dedupe.errors import ConfigError


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
    assert _alone(text, min_background_odds=100.0) == []
    with pytest.raises(ConfigError, match="min_background_odds=0"):
        _alone(text, min_background_odds=0)
