"""[dropped] and [duplicated]: the traces a lost or a doubled word leaves in a sentence."""
from __future__ import annotations

from itertools import compress, count
from operator import eq

import regex

from dedupe.types import Flag

from .lexicon import FUNCTION_WORDS
from .text import Tokens, make_flag

_DET = r"(?:the|a|an)"
# A determiner or "of" cannot end a clause; a space before a comma means a token
# between them was lost (MT placeholders for names are the usual case). Each
# pattern comes with the strings it cannot match without (one must be in the
# text; none listed: always searched): a space before punctuation is rare in
# edited text, so most texts skip that scan. The regex module scans these
# patterns a quarter faster than re (the same matches on the 10k benchmark dump).
_DROPPED = [
    # found from the space and widened back to the word before it
    (regex.compile(r"(?<=[\w’']) +[,;:.](?=[\s\"”’']|$)", regex.M), 0.85,
     "space before the punctuation: a word was dropped", (" ,", " ;", " :", " .")),
    (regex.compile(r"\b(?:the|an|a|of|its|their|our|your)(?![.’']\w)(?=[,;:.!?)])"), 0.85,
     "a determiner or 'of' right before punctuation: the word it introduces is missing", ()),
    (regex.compile(r"\b(?:to|in|for|with|from|at|by)(?=[,;:])"), 0.6,
     "a preposition right before a comma: its object is missing", ()),
    (regex.compile(rf"\b{_DET} (?:of|the|a|an|and|or|but|to|in|on|at|for|into|is|are|was|were|has|have|had|would|which|with|from|by)\b(?![-’'])"),
     0.75, "a determiner followed by a grammar word: the noun between them is missing", ()),
    (regex.compile(r"[,;] *[,;.]|\( *\)|“ *”|\[ *\]"), 0.75, "empty punctuation: the words between were dropped", ()),
]


def _word_start(text: str, end: int) -> int:
    # start of the word that ends at ``end``
    s = end
    while s and (text[s - 1].isalnum() or text[s - 1] in "_’'"):
        s -= 1
    return s


def find_dropped(text: str) -> list[Flag]:
    """Flag the shapes a dropped word leaves: "the terms of ,", "by the .", "the of", ", ,".

    >>> [f.text for f in find_dropped("Prices rose after the decision of , and the of it.")]
    ['of ,', 'the of']
    """
    flags, taken = [], []
    for pattern, score, reason, needs in _DROPPED:
        if needs and not any(n in text for n in needs):
            continue
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            if text[s] == " ":
                s = _word_start(text, s)
            if m.group().lower() in ("a.", "a,") and text[e:e + 1].isalpha():
                continue  # "a.m."
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            flags.append(make_flag(text, s, e, "dropped", score, reason))
    return sorted(flags, key=lambda f: f.start)


#: Reduplications that are grammatical ("had had", "that that").
_GRAMMATICAL_REPEATS = frozenset({"had", "that", "is", "do", "ha", "bye", "no", "yes"})
#: Coordination and ranges legitimately repeat a word: "more music and more", "number one to number two".
_COORDINATION = frozenset({"and", "or", "to", "than", "nor", "but", "vs", "versus", "from", "on"})
#: Longest phrase said twice in a row that is looked for (words).
MAX_REPEAT = 3


def _joined(tk: Tokens, i: int, j: int) -> bool:
    # words i..j sit on one line with only spaces between: a repeat across
    # punctuation ("no, no") or a line break (a heading, then its text) is not an error
    return all(not tk.text[tk.ends[k]:tk.starts[k + 1]].strip(" \t") for k in range(i, j))


def find_duplicated(tk: Tokens) -> list[Flag]:
    """Flag a phrase of one to three words said twice in a row, or a content word back two or three words later.

    Repeats across punctuation, of names, or joined by "and", "or", "to" (ranges,
    coordination) are left alone; one word between is an idiom ("step by step").
    Only positions where a word recurs one to four words later are examined: a
    few per text.

    >>> t = Tokens("They agreed to to meet and keep a closer keep on it, step by step.")
    >>> [f.text for f in find_duplicated(t)]
    ['to to', 'keep a closer keep']
    """
    low, n = tk.lower, len(tk)
    # C-level comparisons of the text with itself shifted by k words
    recur = sorted({i for k in range(1, MAX_REPEAT + 2) for i in compress(count(), map(eq, low, low[k:]))})
    flags, taken = [], -1
    for i in recur:
        if i <= taken:
            continue
        for k in range(MAX_REPEAT, 0, -1):
            # the longest phrase first, as a reader would see it
            if i + 2 * k <= n and low[i:i + k] == low[i + k:i + 2 * k] and _joined(tk, i, i + 2 * k - 1):
                taken = i + 2 * k - 1
                if not (k == 1 and low[i] in _GRAMMATICAL_REPEATS):
                    phrase = " ".join(tk.words[i:i + k])
                    flags.append(make_flag(tk.text, tk.starts[i], tk.ends[taken], "duplicated", 0.9,
                                           f"'{phrase}' is repeated"))
                break
    for i in recur:
        w = tk.words[i]
        if len(w) < 3 or low[i] in FUNCTION_WORDS or w[0].isupper():
            continue
        for k in (4, 3):
            j = i + k
            if j < n and low[j] == low[i] and _joined(tk, i, j):
                between = low[i + 1:j]
                if _COORDINATION.intersection(between):
                    break
                s, e = tk.starts[i], tk.ends[j]
                if not any(s < f.end and f.start < e for f in flags):
                    flags.append(make_flag(tk.text, s, e, "duplicated", 0.7,
                                           f"'{w}' comes back {len(between)} words later"))
                break
    return sorted(flags, key=lambda f: f.start)
