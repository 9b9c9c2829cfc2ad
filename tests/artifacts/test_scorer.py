"""ArtifactScorer: parameters, skip spans, reference, score definition."""
import pytest

from dedupe.artifacts import KINDS, ArtifactScorer
from dedupe.errors import ConfigError
from dedupe.types import Span


@pytest.mark.parametrize("kwargs, match", [
    ({"min_score": 1.5}, "min_score=1.5"),
    ({"seed": -1}, "seed=-1"),
    ({"kinds": ["glued", "typo"]}, "kinds="),
    ({"kinds": "glued"}, "kinds="),
    ({"min_expected": 0}, "min_expected=0"),
])
def test_bad_parameters_are_named(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        ArtifactScorer(**kwargs)


def test_fit_refuses_a_bare_string():
    with pytest.raises(ConfigError, match="iterable of documents"):
        ArtifactScorer().fit("one text")


def test_flags_point_into_the_text_and_score_is_per_1000_chars():
    text = "The mayor said the the plan was ready.\nThe budget ratesThe council approved it."
    scorer = ArtifactScorer().fit([text, "Another clean story about the council."])
    flags, score = scorer.score(text)
    assert [(f.kind, f.text) for f in flags] == [("duplicated", "the the"), ("glued", "ratesThe")]
    assert all(text[f.start:f.end] == f.text and 0 <= f.score <= 1 for f in flags)
    assert score == pytest.approx(1000 * sum(f.score for f in flags) / len(text))


def test_skip_spans_and_min_score_filter_flags():
    text = "Read more here here.\nThe report of , was late."
    scorer = ArtifactScorer().fit([text])
    assert [f.text for f in scorer.score(text, skip=[Span(0, 20, text[:20])])[0]] == ["of ,"]
    assert ArtifactScorer(min_score=0.95).fit([text]).score(text)[0] == []


def test_reference_enables_cluster_kinds():
    ref = "The council praised the welcome of the guests on Monday."
    doc = "The council praised the salutation of the guests on Monday."
    scorer = ArtifactScorer().fit([ref, doc])
    assert [f.kind for f in scorer.score(doc)[0]] == []
    assert [(f.kind, f.text) for f in scorer.score(doc, reference=ref)[0]] == [("divergent", "salutation")]


def test_kinds_switch_signals_off():
    text = "They met met on Monday."
    assert ArtifactScorer(kinds=[k for k in KINDS if k != "duplicated"]).fit([text]).score(text)[0] == []


def test_clean_text_scores_zero():
    text = "The council met on Monday and approved the budget for next year."
    assert ArtifactScorer().fit([text]).score(text) == ([], 0.0)
