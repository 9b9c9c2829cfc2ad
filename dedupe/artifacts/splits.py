"""[improbable]: a contraction that a word-order error cut apart ("couldn'have t", "she'been s").

A contraction is one word to a tokeniser that keeps inner apostrophes, so a swap
of its second half with the next word leaves no odd word pair for the bigram
tests (:mod:`.lm`) to see. It leaves two odd forms instead:

* a word glued after an apostrophe where a contraction's ending belongs
  ("couldn'have", "they'a"), or a contraction's ending after a word that never
  takes one ("of's": a determiner or preposition), in a form the word list
  finds rare;
* a contraction's ending standing alone as a word after another word ("have t",
  "is s").

Both read only the word list, so they work on a one-document scan.
"""
from __future__ import annotations

import re

from dedupe.types import Flag

from .lexicon import FUNCTION_CLASS, FUNCTION_WORDS, english_table
from .text import Tokens, make_flag

#: What follows the apostrophe of an English contraction or possessive.
CLITICS = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})
#: Grammar-word classes that take no contraction ending ("of's", "in's").
NO_CLITIC = frozenset({"determiner", "preposition", "of", "to"})
#: A contraction-shaped form at least this frequent (Zipf) is a real word ("o'clock", "ma'am").
KNOWN_ZIPF = 3.0
#: The word after the apostrophe must be at least this frequent (Zipf) to count as a word
#: ("d'etre" ends in no English word).
WORD_ZIPF = 3.0
#: A head that opens a contraction this frequent (Zipf) is one ("it" of "it's").
OPENER_ZIPF = 3.5
#: Score of a flag: the form itself says what went wrong.
SCORE = 0.8

_APOSTROPHE = re.compile(r"['’]")


def cut_form(word: str) -> str | None:
    """Why ``word`` is half of a cut contraction, or None when it is not.

    >>> cut_form("couldn'have"), cut_form("of's"), cut_form("don't"), cut_form("O'Brien"), cut_form("y'all")
    ("'have' stands where a contraction ends", "'of' takes no contraction ending", None, None, None)
    """
    parts = _APOSTROPHE.split(word.lower())
    if len(parts) != 2 or not all(parts) or not word[-len(parts[1]):].islower():
        return None
    table = english_table()
    if table.get(word.lower().replace("’", "'"), 0.0) >= KNOWN_ZIPF:
        return None
    head, tail = parts
    if tail in CLITICS:
        return f"'{head}' takes no contraction ending" if FUNCTION_CLASS.get(head) in NO_CLITIC else None
    # the head must open a common contraction ("couldn" of "couldn't"): "y'all" is
    # a word of its own, and "y's" a rare plural
    opens = any(table.get(f"{head}'{c}", 0.0) >= OPENER_ZIPF for c in CLITICS)
    if opens and (tail in FUNCTION_WORDS or table.get(tail, 0.0) >= WORD_ZIPF):
        return f"'{tail}' stands where a contraction ends"
    return None


def _lone_clitic(tk: Tokens, i: int) -> bool:
    """Word ``i`` is a contraction's ending standing alone, one space after another word
    (not a prefix: "re-election", "T-shirt")."""
    text, start, end = tk.text, tk.starts[i], tk.ends[i]
    return (i > 0 and tk.words[i] in CLITICS and tk.ends[i - 1] == start - 1 and text[start - 1] == " "
            and text[end:end + 1] not in ("-", "'", "’"))


def find_cut_contractions(tk: Tokens) -> list[Flag]:
    """Flag the halves of contractions that a word-order error cut apart.

    >>> [f.text for f in find_cut_contractions(Tokens("If tired, he couldn'have t won. We're fine."))]
    ["couldn'have t"]
    >>> [f.text for f in find_cut_contractions(Tokens("The plan is s simple one."))]
    ['is s']
    """
    out: list[Flag] = []
    words, n = tk.words, len(tk)
    # only words with an apostrophe, or before a lone ending, can start a flag: one
    # comprehension finds them, so most texts cost no Python call per word
    starts = [i for i, w in enumerate(words) if "'" in w or "’" in w or (i + 1 < n and words[i + 1] in CLITICS)]
    done = -1
    for i in starts:
        if i <= done:
            continue
        why = cut_form(words[i]) if "'" in words[i] or "’" in words[i] else None
        lone = i + 1 < n and _lone_clitic(tk, i + 1)
        if why or lone:
            done = i + 1 if lone else i
            what = [why] if why else []
            if lone:
                what.append(f"'{words[i + 1]}' is a contraction's ending standing alone")
            out.append(make_flag(tk.text, tk.starts[i], tk.ends[done], "improbable", SCORE,
                                 "a contraction cut apart: " + "; ".join(what)))
    return out
