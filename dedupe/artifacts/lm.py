"""[improbable]: word pairs a bigram model of the corpus (with a wordfreq background) does not expect.

The test is a count, not a threshold on a probability: a pair of words that are
each frequent in the corpus, so that independence predicts the pair ``E`` times,
yet never occurs anywhere else in the corpus, is improbable (Poisson: P(0) =
exp(-E)). Word-order errors ("new the president") and dropped or swapped grammar
words make such pairs; a rare content-word pair never does, because its ``E`` is
small. A small corpus has small ``E`` everywhere, so the signal stays silent rather
than guessing.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from dedupe.types import Flag

from .lexicon import english_table
from .text import Token, make_flag

#: Expected count under independence from which an unseen pair is flagged.
MIN_EXPECTED = 20.0
#: A pair seen at most this share of its expected count elsewhere is still improbable
#: (typos elsewhere in a large corpus make a few "of and" or "the in" of their own).
MAX_SEEN_SHARE = 0.02
#: Weight (in tokens) of the wordfreq background in each word's probability.
BACKGROUND_WEIGHT = 2000.0


def _pairs(sentence: Sequence[Token]) -> Iterable[tuple[str, str]]:
    for a, b in zip(sentence, sentence[1:]):
        yield a.lower, b.lower


class BigramModel:
    """Unigram and bigram counts over sentences of lower-cased words.

    >>> from dedupe.artifacts.text import words
    >>> lm = BigramModel().fit([[words("the cat sat on the mat")]])
    >>> lm.unigrams["the"], lm.bigrams["the", "cat"]
    (2, 1)
    """

    def __init__(self) -> None:
        self.unigrams: Counter = Counter()
        self.bigrams: Counter = Counter()
        self.total = 0
        self._p: dict[str, float] = {}

    def fit(self, documents: Iterable[Sequence[Sequence[Token]]]) -> BigramModel:
        """Count every document (a list of sentences of tokens)."""
        for sentences in documents:
            self.add(sentences)
        return self

    def add(self, sentences: Sequence[Sequence[Token]]) -> None:
        for s in sentences:
            self.unigrams.update(t.lower for t in s)
            self.bigrams.update(_pairs(s))
            self.total += len(s)
        self._p.clear()

    def probability(self, word: str) -> float:
        """Unigram probability, smoothed towards wordfreq's English frequency."""
        p = self._p.get(word)
        if p is None:
            z = english_table().get(word)
            background = 10 ** (z - 9) if z else 0.0
            p = self._p[word] = (self.unigrams[word] + BACKGROUND_WEIGHT * background) / (self.total + BACKGROUND_WEIGHT)
        return p

    def expected(self, a: str, b: str) -> float:
        """How often independence predicts the pair (a, b) in a corpus of this size."""
        return self.total * self.probability(a) * self.probability(b)


def find_improbable(sentences: Sequence[Sequence[Token]], text: str, model: BigramModel,
                    own: Counter | None = None, *, min_expected: float = MIN_EXPECTED) -> list[Flag]:
    """Flag adjacent word pairs the corpus (almost) never shows elsewhere although it expects them often.

    ``own`` holds this document's bigram counts when the document was part of the
    fit, so that its own occurrence does not count as evidence for itself.

    >>> from dedupe.artifacts.text import words
    >>> corpus = [[words("the new plan and the old plan of the city")]] * 300
    >>> lm = BigramModel().fit(corpus)
    >>> t = "the old plan of the new the city"
    >>> [f.text for f in find_improbable([words(t)], t, lm)]
    ['new the']
    """
    flags = []
    for s in sentences:
        for x, y in zip(s, s[1:]):
            if not (x.text.islower() or x is s[0]) or not y.text.islower():
                continue  # names make legitimately unseen pairs
            seen = model.bigrams[x.lower, y.lower] - (own[x.lower, y.lower] if own else 0)
            if text[x.end:y.start].strip():
                continue
            e = model.expected(x.lower, y.lower)
            if e >= min_expected and seen <= MAX_SEEN_SHARE * e:
                flags.append(make_flag(text, x.start, y.end, "improbable", 1 - math.exp(-(e - seen) / 4),
                                       f"'{x.text} {y.text}' occurs {seen} times elsewhere in the corpus, "
                                       f"though its words' frequencies predict it {e:.0f} times"))

    return flags
