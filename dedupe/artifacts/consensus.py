"""[divergent] by consensus: words of a copy that most other copies of the story do not use.

When a story has several independent translations, their agreement is the best
reference there is: where most copies say "liberation" and this one says
"release", this copy's wording is the odd one out. Each other copy is aligned to
this one sentence by sentence (:func:`align.align_sentences`); every word of an
aligned sentence gets a vote from each copy whose aligned sentence contains it.
Runs of words that fewer than ``MAX_SHARE`` of the voting copies contain form a
divergent phrase; its weight is how far below that share its words fall.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain
from weakref import WeakKeyDictionary

from dedupe.types import Flag

from .align import StemIndex, align_sentences, sentence_stems, stem_index
from .text import Tokens, make_flag

#: A word is divergent when at most this share of the voting copies contain it.
MAX_SHARE = 0.45
#: Fewest copies that must vote on a sentence before their consensus counts.
MIN_VOTERS = 3
#: Words of other kinds allowed inside one divergent phrase ("the [release] of [Kursk]").
MAX_GAP = 2
#: Summed weight (1.0 = a word no other copy uses) from which a phrase is flagged.
MIN_WEIGHT = 0.8


class Copy:
    """A copy of the story, prepared once for aligning it with every other member.

    >>> c = Copy(Tokens("Talks ended. The city was freed."))
    >>> sorted(c.words[1])
    ['city', 'freed', 'the', 'was']
    """

    __slots__ = ("stems", "words", "_index", "_aligned", "__weakref__")

    def __init__(self, tk: Tokens):
        self.stems = sentence_stems(tk)
        self.words = [frozenset(tk.lower[i0:i1]) for i0, i1 in tk.ranges]
        self._index: StemIndex | None = None
        # weakly keyed: two copies aligned both ways form no reference cycle (a scan
        # runs with the cycle collector off)
        self._aligned: WeakKeyDictionary[Copy, list[tuple[int, int]]] = WeakKeyDictionary()

    def aligned(self, other: Copy) -> list[tuple[int, int]]:
        """:func:`~.align.align_sentences` of this copy's sentences to ``other``'s, kept:
        a member is aligned to the canonical copy for [divergent], and again among the voters.

        >>> a, b = Copy(Tokens("The city was freed.")), Copy(Tokens("Talks ended. The city was freed."))
        >>> a.aligned(b)
        [(0, 1)]
        """
        pairs = self._aligned.get(other)
        if pairs is None:
            if other._index is None:  # built once: every other member is aligned to this copy too
                other._index = stem_index(other.stems)
            pairs = self._aligned[other] = align_sentences(self.stems, other.stems, index=other._index)
        return pairs


def votes(doc: Copy, copies: Sequence[Copy]) -> list[list[frozenset[str]]]:
    """Per sentence of the copy being scored, the word sets of the other copies' aligned sentences.

    >>> a, b = Copy(Tokens("The city was freed.")), Copy(Tokens("The city was set free."))
    >>> [sorted(v) for v in votes(b, [a, a])[0]]
    [['city', 'freed', 'the', 'was'], ['city', 'freed', 'the', 'was']]
    """
    out: list[list[frozenset[str]]] = [[] for _ in doc.stems]
    for c in copies:
        for i, j in doc.aligned(c):
            out[i].append(c.words[j])
    return out


def find_consensus(tk: Tokens, voters: Sequence[Sequence[frozenset[str]]]) -> list[Flag]:
    """Flag phrases whose words most other copies' aligned sentences do not contain.

    >>> t = Tokens("The army completed the release of the city.")
    >>> others = [frozenset(Tokens("the army completed the liberation of the city").lower)] * 4
    >>> [f.text for f in find_consensus(t, [others])]
    ['release']
    """
    flags = []
    for (i0, i1), sets in zip(tk.ranges, voters):
        n = len(sets)
        if n < MIN_VOTERS or i1 == i0:
            continue
        limit = MAX_SHARE * n
        phrase: list[tuple[int, float]] = []
        supports = Counter(chain.from_iterable(sets))  # each set holds a word once: a count is a vote
        for i in range(i0, i1):
            w = tk.lower[i]
            support = supports[w]
            if support <= limit:
                if phrase and i - phrase[-1][0] > MAX_GAP + 1:
                    flags += _phrase_flag(tk, phrase, n)
                    phrase = []
                phrase.append((i, 1.0 - support / (limit + 1.0)))
        flags += _phrase_flag(tk, phrase, n)
    return flags


def _phrase_flag(tk: Tokens, phrase: list[tuple[int, float]], voters: int) -> list[Flag]:
    weight = sum(w for _, w in phrase)
    if not phrase or weight < MIN_WEIGHT:
        return []
    start, end = tk.starts[phrase[0][0]], tk.ends[phrase[-1][0]]
    odd = ", ".join(f"'{tk.words[i]}'" for i, _ in phrase[:4])
    return [make_flag(tk.text, start, end, "divergent", min(0.95, 0.45 + 0.25 * weight),
                      f"most of the {voters} other copies word this sentence without {odd}")]
