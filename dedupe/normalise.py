"""Normalise text for hashing: pure ``str -> str`` functions.

Hashing must not care about typography: NFKC folds compatibility forms
(ligatures, full-width letters), case folding removes case, typographic quotes
and dashes become ASCII, and runs of white space become one space.
``normalise_with_offsets`` does the same and remembers, for every character of
the result, where it came from, so spans found on normalised text can be shown
on the original.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np

# Typographic variants that NFKC leaves alone but a copy-editor changes freely.
_PUNCT = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC, typographic punctuation unified, case folded; white space kept as is.

    >>> fold("“Liberation”\\u2014Day  ﬁx")
    '"liberation"-day  fix'
    """
    if text.isascii():
        # NFKC and the punctuation table leave ASCII alone and case folding is
        # lower-casing there: most news text takes this path, several times faster.
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_PUNCT).casefold()


def normalise(text: str) -> str:
    """Fold ``text`` for hashing, white space collapsed.

    >>> normalise("“Liberation”\\u2014Day  ﬁx")
    '"liberation"-day fix'
    """
    return _SPACE.sub(" ", fold(text)).strip()


def normalise_with_offsets(text: str) -> tuple[str, np.ndarray]:
    """Return ``(normalised, origin)`` where ``origin[i]`` is the index in ``text``
    of the character that produced ``normalised[i]``.

    Slower than :func:`normalise` (one step per character), so the pipeline uses
    it only where a span must be mapped back.

    >>> norm, origin = normalise_with_offsets("A  “B”")
    >>> norm, [int(i) for i in origin]
    ('a "b"', [0, 1, 3, 4, 5])
    """
    out: list[str] = []
    origin: list[int] = []
    space_at = -1  # index of the first white space of a pending run, or -1
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            if out and space_at < 0:
                space_at = i
            i += 1
            continue
        # A base character folds together with the combining marks after it,
        # as it does when the whole string is normalised.
        end = i + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        piece = unicodedata.normalize("NFKC", text[i:end]).translate(_PUNCT).casefold()
        if piece:
            if space_at >= 0:
                out.append(" ")
                origin.append(space_at)
            out.append(piece)
            origin.extend([i] * len(piece))
            space_at = -1
        i = end
    return "".join(out), np.asarray(origin, dtype=np.int64)
