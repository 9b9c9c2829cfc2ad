"""Acceptance on the real seed articles: the DEVELOPERS.md artifacts are flagged, clean sentences are not."""
from pathlib import Path

import pytest

from dedupe.artifacts import ArtifactScorer

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# (document, reference or None): 000 is a singleton; 001/002 and 003/004 are clusters
PAIRINGS = [("000", None), ("001", None), ("001", "002"), ("002", "001"),
            ("003", "004"), ("004", "003"), ("004", None)]


@pytest.fixture(scope="module")
def flagged():
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    if len(texts) < 5:
        pytest.skip(f"seed files missing under {SEEDS}")
    scorer = ArtifactScorer().fit(texts.values())
    out = {}
    for doc, ref in PAIRINGS:
        flags, _ = scorer.score(texts[doc], reference=texts[ref] if ref else None)
        out[doc, ref] = (texts[doc], flags)
    return out


def _covered(text, flags, phrase):
    start = text.index(phrase)
    return any(f.start < start + len(phrase) and start < f.end for f in flags)


@pytest.mark.parametrize("doc, ref, phrase", [
    ("000", None, "self-secrification"),
    ("000", None, "contact a closer contact"),
    ("002", "001", "PutinThe"),
    ("002", "001", "the order of ,"),
    ("002", "001", "medianet-inline-adv"),
    ("003", "004", "relationsat"),
    ("004", "003", "Izvor:"),
    ("004", "003", "0 Komentari"),
    ("002", "001", "WHO’S ANSWER"),  # [name]: against 001's heading of the same section
])
def test_developers_examples_are_flagged(flagged, doc, ref, phrase):
    text, flags = flagged[doc, ref]
    assert _covered(text, flags, phrase)


@pytest.mark.xfail(strict=True, reason="wrong word sense / mangled names in a singleton: no signal catches them yet")
@pytest.mark.parametrize("doc, ref, phrase", [
    ("000", None, "the release of Kursk"),
    ("000", None, "his top planned"),
    ("000", None, "said Al Jenny Town"),
])
def test_examples_not_caught_yet(flagged, doc, ref, phrase):
    text, flags = flagged[doc, ref]
    assert _covered(text, flags, phrase)


@pytest.mark.parametrize("sentence", [
    "The move led Kiev to cut diplomatic ties with Pyongyang.",
    "Putin last visited North Korea in 2000.",
])
def test_clean_sentences_carry_no_flag(flagged, sentence):
    hits = 0
    for text, flags in flagged.values():
        if sentence in text:
            hits += 1
            assert not _covered(text, flags, sentence)
    assert hits >= 2  # checked alone and against the other copy


def test_names_and_rare_words_are_not_misspellings(flagged):
    for text, flags in flagged.values():
        assert not [f.text for f in flags if f.kind == "misspelling" and f.text[0].isupper()]
