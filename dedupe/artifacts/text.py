"""Tokens and sentences with character offsets, so every flag can point into the text."""
from __future__ import annotations

import re
from typing import NamedTuple

from dedupe.types import Flag

# Letters with inner apostrophes ("Kim's", "don't"); hyphens and digits split words,
# so "well-knwon" yields "well" and "knwon".
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


class Token(NamedTuple):
    """A word with its offsets; ``lower`` is the look-up key (a tuple: cheap to make by the thousand)."""

    start: int
    end: int
    text: str
    lower: str


def words(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of ``text[start:end]`` with absolute offsets.

    >>> [t.text for t in words("Kim's self-made plan, 2019.")]
    ["Kim's", 'self', 'made', 'plan']
    """
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group(), m.group().lower()) for m in WORD_RE.finditer(text, start, end)]


def lines(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) with surrounding spaces trimmed.

    >>> lines("a b\\n\\n  c \\n")
    [(0, 3), (7, 8)]
    """
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentences as (start, end): lines split after . ! ? followed by a capital or digit.

    Scraped pages put headings and captions on their own lines, so a line break
    always ends a sentence.

    >>> [ "Hi there. It works.\\nNext"[s:e] for s, e in sentences("Hi there. It works.\\nNext")]
    ['Hi there.', 'It works.', 'Next']
    """
    out = []
    for ls, le in lines(text):
        s = ls
        for m in _SENTENCE_END.finditer(text, ls, le):
            out.append((s, m.start() + len(m.group().rstrip())))
            s = m.end()
        out.append((s, le))
    return out


def make_flag(text: str, start: int, end: int, kind: str, score: float, reason: str) -> Flag:
    """A Flag whose ``text`` is exactly ``text[start:end]`` and whose score is clipped to [0, 1].

    >>> make_flag("a bb c", 2, 4, "glued", 1.3, "why").text
    'bb'
    """
    return Flag(start, end, text[start:end], kind, round(min(1.0, max(0.0, score)), 3), reason)
