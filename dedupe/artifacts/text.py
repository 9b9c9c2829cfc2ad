"""Tokens and sentences with character offsets, so every flag can point into the text.

A text is tokenised once (:class:`Tokens`) into plain parallel lists (words, their
lower-case forms, offsets, sentence ranges); every signal reads those lists.
Building them takes a few C-level calls per text instead of one object per word,
which is what keeps scoring a corpus cheap.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate, repeat

from dedupe.types import Flag

from .lexicon import english_table

# Letters with inner apostrophes ("Kim's", "don't"); hyphens and digits split words,
# so "well-knwon" yields "well" and "knwon".
WORD = r"[^\W\d_]+(?:['’][^\W\d_]+)*"
# split() with one capturing group alternates gap, word, gap, word... so the offsets
# of every word follow from the running sum of the parts' lengths
_SPLIT = re.compile(f"({WORD})")
# the same split for an ASCII text, where a letter is [A-Za-z] and no ’ occurs: a
# range test per character instead of a Unicode category look-up (a quarter faster)
_SPLIT_ASCII = re.compile(r"([A-Za-z]+(?:'[A-Za-z]+)*)")
# group 1: what ends a sentence after its . ! or ? (closing quotes, then spaces).
# [^\S\n]: the spaces of one line, so a match never crosses a line break and one
# search of the whole text finds what a search line by line finds; the pattern
# opens with the punctuation (not a look-behind) so the search skips to it fast
_SENTENCE_END = re.compile(r"[.!?]([\"”’')\]]*[^\S\n]+)(?=[\"“‘'(\[]?[A-Z0-9])")
# a line's text without the spaces around it: group 1
_LINE = re.compile(r"[^\S\n]*(\S(?:[^\n]*\S)?)")


class Tokens:
    """The words of a text as parallel lists, with sentence ranges.

    ``words[i]`` is the i-th word, ``lower[i]`` its look-up key, ``starts[i]``/``ends[i]``
    its offsets; ``sentences`` are the (start, end) character spans of
    :func:`sentences` and ``ranges`` the matching word-index ranges ``(i0, i1)``.

    >>> tk = Tokens("Kim's plan.\\nIt works.")
    >>> tk.words, tk.starts, tk.ranges
    (["Kim's", 'plan', 'It', 'works'], [0, 6, 12, 15], [(0, 2), (2, 4)])
    """

    __slots__ = ("text", "words", "lower", "starts", "ends", "sentences", "ranges", "_zipfs")

    def __init__(self, text: str):
        parts = (_SPLIT_ASCII if text.isascii() else _SPLIT).split(text)
        cum = list(accumulate(map(len, parts)))
        self.text = text
        self.words: list[str] = parts[1::2]
        self.lower: list[str] = list(map(str.lower, self.words))
        self.starts: list[int] = cum[0:-1:2]
        self.ends: list[int] = cum[1::2]
        self.sentences = sentences(text)
        self.ranges = [(bisect_left(self.starts, s), bisect_left(self.starts, e)) for s, e in self.sentences]
        self._zipfs: list[float] | None = None

    def zipfs(self) -> list[float]:
        """English Zipf frequency of every word (0.0 when unknown), looked up once per text."""
        if self._zipfs is None:
            table = english_table()
            self._zipfs = list(map(table.get, self.lower, repeat(0.0)))
        return self._zipfs

    def __len__(self) -> int:
        return len(self.words)

    def sentence_starts(self) -> set[int]:
        """Indices of the words that open a sentence."""
        return {i0 for i0, i1 in self.ranges if i1 > i0}


def lines(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) with surrounding spaces trimmed.

    >>> lines("a b\\n\\n  c \\n")
    [(0, 3), (7, 8)]
    """
    return [m.span(1) for m in _LINE.finditer(text)]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentences as (start, end): lines split after . ! ? followed by a capital or digit.

    Scraped pages put headings and captions on their own lines, so a line break
    always ends a sentence.

    >>> [ "Hi there. It works.\\nNext"[s:e] for s, e in sentences("Hi there. It works.\\nNext")]
    ['Hi there.', 'It works.', 'Next']
    """
    out = []
    ends = [m.span(1) for m in _SENTENCE_END.finditer(text)]
    k = 0
    for ls, le in lines(text):
        s = ls
        # a match ends where its line's content does, at the latest: spaces after it
        # precede a line break, never a capital
        while k < len(ends) and ends[k][1] <= le:
            ms, me = ends[k]
            out.append((s, ms + len(text[ms:me].rstrip())))
            s = me
            k += 1
        out.append((s, le))
    return out


def make_flag(text: str, start: int, end: int, kind: str, score: float, reason: str) -> Flag:
    """A Flag whose ``text`` is exactly ``text[start:end]`` and whose score is clipped to [0, 1].

    >>> make_flag("a bb c", 2, 4, "glued", 1.3, "why").text
    'bb'
    """
    return Flag(start, end, text[start:end], kind, round(min(1.0, max(0.0, score)), 3), reason)
