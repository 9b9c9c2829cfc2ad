"""[improbable] for contractions that a word-order error cut apart."""
import pytest

from dedupe.artifacts import ArtifactScorer
from dedupe.artifacts.splits import find_cut_contractions
from dedupe.artifacts.text import Tokens


@pytest.mark.parametrize("text, odd", [
    ("The coach said they couldn'have t trained harder for the final.", "couldn'have t"),
    # "shop" opens no common contraction, but the lone "s" still tells
    ("Prices rose because the shop'had s raised its rents.", "shop'had s"),
    ("Now they'been ve waiting since noon.", "they'been ve"),
    ("Critics say the plan won't work, with the price of's rising.", "of's"),
    ("Voters are tired and they're told it is s long campaign.", "is s"),
])
def test_a_cut_contraction_is_flagged(text, odd):
    assert [f.text for f in find_cut_contractions(Tokens(text))] == [odd]


def test_real_contractions_names_and_prefixes_are_not_flagged():
    text = ("O'Neill didn't say she'd go, but it's what we've heard. Y'all know the rest: "
            "the re-election campaign sold T-shirts at five o'clock, ma'am.")
    assert find_cut_contractions(Tokens(text)) == []


def test_the_scorer_reports_it_as_improbable():
    scorer = ArtifactScorer().fit(["A quiet day in the city.", "Trains ran on time."])
    flags, _ = scorer.score("Officials said they didn'have t time to read the report.")
    assert [(f.kind, f.text) for f in flags] == [("improbable", "didn'have t")]
    assert "contraction cut apart" in flags[0].reason
