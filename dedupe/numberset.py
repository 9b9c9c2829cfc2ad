"""Numbers a copy keeps: the check that splits two stories told on one template.

Copies of one story -- reprints, rewrites, machine translations -- report the
same figures, dates and scores; wire services also file many *different*
stories on one template ("X issues 150 mln dlr eurobond due 1992 ... lead
manager Y said"), which share nearly every word but few numbers. So a pair
whose documents both give at least ``min_numbers`` distinct numbers, and share
less than ``min_overlap`` of the smaller set, is not a copy, however similar
its words.

>>> sorted(number_set("Sales rose 12.5 pct to 1,250 mln dlrs on 05.08.1986 (1 250 in Paris). ID A7731"))
['12.5', '1250', '1986']
>>> number_set("a coupon of 8-1/4 pct") == number_set("a coupon of 8 1/4 pct") == number_set("8,25 posto") == {"8.25"}
True
>>> a = number_set("150 mln dlr bond due April 2, 1992, priced at 101-3/4")
>>> b = number_set("100 mln dlr bond due March 30, 1992, priced at par 2-3/4")
>>> sorted(a), sorted(b)
(['101.75', '150', '1992'], ['100', '1992', '2.75', '30'])
>>> sorted(a & b), round(overlap(a, b), 2)
(['1992'], 0.33)
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
import xxhash

from dedupe.boilerplate import strip
from dedupe.types import Document

# A number with thousands separators ("1,250", "1.250", "1 250": each locale
# writes one) is one key; any other separator splits, so a date "15.08.2022"
# gives what "August 15, 2022" gives, and decimals keep their integer part.
# One-digit numbers (counts, the parts of "7-3/4") are in every story; digits
# right after a letter are part of an identifier ("Story ID: FD7873A6..."), not a figure.
_NUMBER = re.compile(r"\d(?<!\w\d)(?:\d{0,2}(?:[ ,.]\d{3})+(?!\d)|\d*)")
_MIN_DIGITS = 2
# A figure with a fractional part is one value however it is written: a coupon
# "8-1/4", "8 1/4" or "8.25" pct, a rate "6.21" or (decimal comma) "6,21". Two
# stories on one template differ in exactly these ("6.21 pct" one day, "6.25"
# the next; coupons "8-1/4" and "8-3/4"), which the integer parts alone ("21",
# or nothing for one digit) do not tell apart. Fractions are the market ones
# (halves to 64ths), so "12/31" stays two numbers; a decimal has one or two
# digits after its mark (three are a thousands group) and is not part of a
# date ("05.08.1986").
# Like _NUMBER, both start with a digit (the look-behind after it), so the scan
# jumps from digit to digit (twice as fast as a leading look-behind).
_FRACTION = re.compile(r"(\d(?<![\w.,/]\d)\d*)(?:[- ](\d{1,2}))?/(2|4|8|16|32|64)(?![\w/]|[.,]\d)")
_DECIMAL = re.compile(r"(\d(?<![\w.,]\d)\d*)[.,](\d{1,2})(?!\w|[.,]\d)")


def _value(number: float) -> str:
    return f"{number:.4f}".rstrip("0").rstrip(".")


def number_set(text: str) -> frozenset[str]:
    """The distinct numbers in ``text``: integers of two or more digits (leading
    zeros and thousands separators dropped; full-width digits count as ASCII
    ones) and figures with a fractional part, as their value ("8-1/4" and
    "8.25" are "8.25")."""
    text = unicodedata.normalize("NFKC", text).replace("\u2044", "/")  # NFKC writes "¼" as "1⁄4"
    found = set()

    def fraction(m: re.Match) -> str:
        whole, numerator, denominator = m.groups()
        if numerator is None:  # a bare fraction, "3/4"
            whole, numerator = "0", whole
            if len(numerator) > 2:
                return m.group(0)
        found.add(_value(int(whole) + int(numerator) / int(denominator)))
        return " "

    def decimal(m: re.Match) -> str:
        found.add(_value(float(f"{m.group(1)}.{m.group(2)}")))
        return " "

    text = _DECIMAL.sub(decimal, _FRACTION.sub(fraction, text))
    keys = (re.sub(r"\D", "", m).lstrip("0") for m in _NUMBER.findall(text))
    return frozenset(found.union(k for k in keys if len(k) >= _MIN_DIGITS))


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set found in the other (1.0 when either is empty)."""
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 1.0


def number_keys(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The :func:`number_set` of each text as 64-bit hashes, end to end, and
    how many each text has: what a worker hands back of a streamed chunk, so the
    number checks need not read the texts again (a million documents' sets as
    Python strings would take a gigabyte).

    >>> keys, counts = number_keys(["Sales rose 12.5 pct in 1986.", "Rain."])
    >>> counts.tolist(), len(keys)
    ([2, 0], 2)
    """
    sets = [number_set(text) for text in texts]
    keys = np.fromiter((xxhash.xxh3_64_intdigest(n.encode()) for found in sets for n in found), dtype=np.uint64)
    return keys, np.array([len(found) for found in sets], dtype=np.int64)


def document_numbers(document: Document) -> frozenset[str]:
    """The numbers of ``document`` outside its boilerplate: what the checks compare."""
    return number_set(strip(document.text, document.boilerplate))


class DocumentNumbers:
    """Each document's numbers outside boilerplate, found once per document.
    ``known``: sets found before, by document index (an index keeps them).
    Documents that carry ``number_keys`` (``(ptr, keys)``: document ``i``'s
    :func:`number_keys` are ``keys[ptr[i]:ptr[i + 1]]``, as a streamed scan's
    analysis finds them) are looked up there, as sets of hashes.

    One instance serves every check of a scan -- the pairs' and the links' --
    so no document's text is read for its numbers twice.
    """

    def __init__(self, documents: Sequence[Document], known: dict[int, frozenset[str]] | None = None):
        self.documents = documents
        self.keys = getattr(documents, "number_keys", None)
        self.sets: dict[int, frozenset] = dict(known or {})

    def _find(self, i: int) -> frozenset:
        if self.keys is not None:
            ptr, keys = self.keys
            return frozenset(keys[ptr[i] : ptr[i + 1]].tolist())
        return document_numbers(self.documents[i])

    def of(self, members: Sequence[int]) -> frozenset:
        """The numbers of all ``members`` together."""
        for i in members:
            if i not in self.sets:
                self.sets[i] = self._find(i)
        return frozenset().union(*(self.sets[i] for i in members))


def _disagree(a: frozenset[str], b: frozenset[str], min_numbers: int, min_overlap: float) -> bool:
    return min_overlap > 0 and min(len(a), len(b)) >= min_numbers and overlap(a, b) < min_overlap


def numbers_disagree(
    documents: Sequence[Document], pairs: np.ndarray, *, min_numbers: int, min_overlap: float,
    numbers: DocumentNumbers | None = None,
) -> np.ndarray:
    """Boolean mask of the ``(a, b)`` index pairs whose documents' numbers (outside
    boilerplate) disagree: both give ``min_numbers`` or more, and they share less
    than ``min_overlap`` of the smaller set. ``min_overlap=0`` vetoes nothing.
    ``numbers``: the sets found so far, shared by calls on parts of one corpus."""
    if min_overlap <= 0:
        return np.zeros(len(pairs), dtype=bool)
    numbers = numbers or DocumentNumbers(documents)
    return np.array([_disagree(numbers.of([a]), numbers.of([b]), min_numbers, min_overlap)
                     for a, b in pairs.tolist()], dtype=bool)


def drop_disagreeing(documents: Sequence[Document], pairs: np.ndarray, keep: np.ndarray, *,
                     min_numbers: int, min_overlap: float, numbers: DocumentNumbers | None = None) -> np.ndarray:
    """``keep`` (a mask over ``pairs``) less the kept pairs whose numbers disagree."""
    kept = np.flatnonzero(keep)
    keep = keep.copy()
    keep[kept[numbers_disagree(documents, pairs[kept], min_numbers=min_numbers, min_overlap=min_overlap,
                               numbers=numbers)]] = False
    return keep


def groups_agree(documents: Sequence[Document], *, min_numbers: int, min_overlap: float,
                 numbers: DocumentNumbers | None = None) -> Callable[[Sequence[int], Sequence[int]], bool]:
    """A test of two groups of document indices: False when the numbers of the
    two groups (each the union of its members') disagree as in
    :func:`numbers_disagree` -- what the cross-language links ask before joining.
    ``numbers``: the sets the pair check found (see :class:`DocumentNumbers`)."""
    numbers = numbers or DocumentNumbers(documents)
    return lambda a, b: not _disagree(numbers.of(a), numbers.of(b), min_numbers, min_overlap)
