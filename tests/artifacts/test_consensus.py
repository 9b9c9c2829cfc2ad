"""[divergent] by consensus of the other copies, and the others= keyword of ArtifactScorer.score."""
import pytest

from dedupe.artifacts import ArtifactScorer
from dedupe.artifacts.consensus import Copy, find_consensus, votes
from dedupe.artifacts.text import Tokens
from dedupe.errors import ConfigError

OTHERS = [
    "The rebels ended the siege of the harbour town on Friday.\nFarmers returned to their fields.",
    "On Friday the rebels ended the siege of the harbour town.\nThe farmers returned to the fields.",
    "Rebels ended their siege of the harbour town on Friday.\nFarmers returned to their fields at last.",
    "The rebels ended the siege of the harbour town late on Friday.\nFarmers went back to their fields.",
]
COPY = "The rebels finished the encirclement of the harbour town on Friday.\nFarmers returned to their fields."


def _flags(text, others):
    tk = Tokens(text)
    return find_consensus(tk, votes(Copy(tk), [Copy(Tokens(o)) for o in others]))


def test_consensus_flags_the_odd_wording_only():
    flags = _flags(COPY, OTHERS)
    assert [f.text for f in flags] == ["finished the encirclement"]
    assert all(f.kind == "divergent" and 0.5 <= f.score <= 1 for f in flags)


def test_consensus_needs_enough_voters():
    assert _flags(COPY, OTHERS[:2]) == []


def test_a_copy_that_agrees_with_the_others_is_not_flagged():
    assert _flags(OTHERS[0], OTHERS[1:]) == []


def test_scorer_uses_others_and_rejects_a_bare_string():
    scorer = ArtifactScorer().fit([COPY, *OTHERS])
    assert [f.text for f in scorer.score(COPY)[0]] == []
    assert [f.text for f in scorer.score(COPY, others=OTHERS)[0]] == ["finished the encirclement"]
    with pytest.raises(ConfigError, match="others="):
        scorer.score(COPY, others=OTHERS[0])
