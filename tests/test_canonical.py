"""Tests for dedupe.canonical: the cleanest, then most complete, then first copy."""
from __future__ import annotations

from dedupe.canonical import choose_canonical, cleanliness_key, content_chars
from dedupe.types import Document, Span


def doc(name: str, length: int, score: float | None, boilerplate: int = 0) -> Document:
    spans = [Span(0, boilerplate, "x" * boilerplate)] if boilerplate else []
    return Document(id=name, text="x" * length, artifact_score=score, boilerplate=spans)


def test_lower_artifact_score_wins_over_length():
    docs = [doc("long-garbled", 5000, 3.5), doc("short-clean", 200, 0.4), doc("mid", 1000, 1.0)]
    assert choose_canonical(docs, [0, 1, 2]) == 1


def test_tie_broken_by_content_outside_boilerplate():
    # "a" is longer as read, but most of it is site chrome.
    docs = [doc("a", 1000, 0.5, boilerplate=600), doc("b", 700, 0.5, boilerplate=50), doc("c", 500, 0.5)]
    assert [content_chars(d) for d in docs] == [400, 650, 500]
    assert choose_canonical(docs, [0, 1, 2]) == 1


def test_scores_equal_to_three_decimals_tie():
    docs = [doc("a", 300, 0.1000004), doc("b", 900, 0.1)]
    assert choose_canonical(docs, [0, 1]) == 1


def test_full_tie_goes_to_first_read_whatever_the_member_order():
    docs = [doc("x", 10, 9.0), doc("a", 400, 0.0), doc("b", 400, 0.0), doc("c", 400, 0.0)]
    assert choose_canonical(docs, [3, 2, 1]) == 1
    assert choose_canonical(docs, [3, 2]) == 2


def test_only_members_are_considered():
    docs = [doc("best", 900, 0.0), doc("a", 300, 1.0), doc("b", 300, 2.0)]
    assert choose_canonical(docs, [2, 1]) == 1


def test_key_orders_clean_then_complete_then_first():
    keys = [cleanliness_key(doc("d", 100, 0.2), 5), cleanliness_key(doc("d", 50, 0.1), 9),
            cleanliness_key(doc("d", 100, 0.1), 7), cleanliness_key(doc("d", 100, 0.1), 6)]
    assert sorted(range(4), key=keys.__getitem__) == [3, 2, 1, 0]
