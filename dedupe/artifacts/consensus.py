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

from collections.abc import Sequence

from dedupe.types import Flag

from .align import align_sentences, content_stems
from .text import Token, make_flag

#: A word is divergent when at most this share of the voting copies contain it.
MAX_SHARE = 0.45
#: Fewest copies that must vote on a sentence before their consensus counts.
MIN_VOTERS = 3
#: Words of other kinds allowed inside one divergent phrase ("the [release] of [Kursk]").
MAX_GAP = 2
#: Summed weight (1.0 = a word no other copy uses) from which a phrase is flagged.
MIN_WEIGHT = 0.8


class Copy:
    """Another copy of the story, prepared once for aligning against every member.

    >>> c = Copy("Talks ended. The city was freed.", [(0, 12), (13, 32)])
    >>> c.words[1]
    frozenset({'the', 'city', 'was', 'freed'})
    """

    __slots__ = ("stems", "words")

    def __init__(self, text: str, spans: Sequence[tuple[int, int]], tokens: Sequence[Sequence[Token]] | None = None):
        from .text import words as tokenize

        toks = tokens if tokens is not None else [tokenize(text, s, e) for s, e in spans]
        self.stems = [content_stems(text[s:e]) for s, e in spans]
        self.words = [frozenset(t.lower for t in ts) for ts in toks]


def votes(doc_stems: Sequence[set[str]], copies: Sequence[Copy]) -> list[list[frozenset[str]]]:
    """Per sentence of the copy being scored, the word sets of the other copies' aligned sentences.

    >>> a = Copy("The city was freed.", [(0, 19)])
    >>> votes([{"city", "freed"}], [a, a])
    [[frozenset({'the', 'city', 'was', 'freed'}), frozenset({'the', 'city', 'was', 'freed'})]]
    """
    out: list[list[frozenset[str]]] = [[] for _ in doc_stems]
    for c in copies:
        for i, j in align_sentences(doc_stems, c.stems):
            out[i].append(c.words[j])
    return out


def find_consensus(text: str, sentence_tokens: Sequence[Sequence[Token]],
                   voters: Sequence[Sequence[frozenset[str]]]) -> list[Flag]:
    """Flag phrases whose words most other copies' aligned sentences do not contain.

    >>> from dedupe.artifacts.text import words
    >>> t = "The army completed the release of the city."
    >>> others = [frozenset(words("the army completed the liberation of the city")[i].lower for i in range(8))] * 4
    >>> [f.text for f in find_consensus(t, [words(t)], [others])]
    ['release']
    """
    flags = []
    for toks, sets in zip(sentence_tokens, voters):
        n = len(sets)
        if n < MIN_VOTERS or not toks:
            continue
        limit = MAX_SHARE * n
        phrase: list[tuple[Token, float, int]] = []
        for i, t in enumerate(toks):
            support = sum(t.lower in s for s in sets)
            if support <= limit:
                weight = 1.0 - support / (limit + 1.0)
                if phrase and i - phrase[-1][2] > MAX_GAP + 1:
                    flags += _phrase_flag(text, phrase, n)
                    phrase = []
                phrase.append((t, weight, i))
        flags += _phrase_flag(text, phrase, n)
    return flags


def _phrase_flag(text: str, phrase: list[tuple[Token, float, int]], voters: int) -> list[Flag]:
    weight = sum(w for _, w, _ in phrase)
    if not phrase or weight < MIN_WEIGHT:
        return []
    start, end = phrase[0][0].start, phrase[-1][0].end
    odd = ", ".join(f"'{t.text}'" for t, _, _ in phrase[:4])
    return [make_flag(text, start, end, "divergent", min(0.95, 0.45 + 0.25 * weight),
                      f"most of the {voters} other copies word this sentence without {odd}")]
