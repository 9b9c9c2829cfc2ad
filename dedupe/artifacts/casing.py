"""[capitalisation]: a proper noun written lower-case where the corpus capitalises it."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from dedupe.types import Flag

from .corpus import CorpusStats
from .lexicon import FUNCTION_WORDS, zipf
from .text import Token, make_flag

#: Mid-sentence capitalised uses a form needs before its lower-case use is suspicious.
MIN_CAPITALISED = 3
#: Lower-case uses allowed per capitalised use ("Bank of England" vs "a bank").
MAX_LOWER_SHARE = 0.03
#: From this English Zipf up a form is a common word too ("labour", "king"): demand more capitals.
COMMON_ZIPF = 4.0


def find_capitalisation(tokens: Sequence[Token], text: str, stats: CorpusStats,
                        pairs: Mapping[tuple[str, str], int] | None = None) -> list[Flag]:
    """Flag lower-case uses of forms the corpus (incl. this text) almost always capitalises.

    Why: MT and careless rewrites lower-case names ("berlin", "ankara"); a word list
    has no case, so the evidence has to come from the corpus. A common word that is
    also part of a name ("minister", "times") is judged by its left neighbour: the
    corpus writes "Prime Minister" capitalised whenever "prime" precedes it.
    ``pairs`` holds the corpus's lower-cased bigram counts (all cases together).

    >>> from dedupe.artifacts.text import words
    >>> st = CorpusStats()
    >>> st.add([words("talks in Zorvia went on"), words("then Zorvia said so"), words("we saw Zorvia too")])
    >>> t = "the talks in zorvia ended"; st.add([words(t)])
    >>> [f.text for f in find_capitalisation(words(t), t, st)]
    ['zorvia']
    """
    flags = []
    for i, t in enumerate(tokens):
        p = tokens[i - 1] if i else None
        if len(t.text) < 3 or not t.text.islower() or t.lower in FUNCTION_WORDS:
            continue
        name = t.text[0].upper() + t.text[1:]
        cap, low = stats.capitalised[t.lower], stats.lowercase[t.lower]
        # this text's own lower-case use is counted in ``low``: one is allowed
        need = MIN_CAPITALISED * (10 if zipf(t.lower) >= COMMON_ZIPF and low > 1 else 1)
        if cap >= need and low <= MAX_LOWER_SHARE * cap + 1:
            flags.append(make_flag(text, t.start, t.end, "capitalisation", min(0.95, 0.5 + 0.05 * cap),
                                   f"the corpus writes '{name}' {cap} times mid-sentence, lower-case {low - 1} times elsewhere"))
            continue
        if p is None or pairs is None or p.end < t.start - 1:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if zipf(t.lower) >= COMMON_ZIPF and not (nxt and nxt.text[0].isupper()):
            continue  # "the Russian president said": a title is capitalised only before a name
        key = (p.lower, t.lower)
        cap = stats.capitalised_after[key]
        if cap >= MIN_CAPITALISED and pairs[key] - cap - 1 <= MAX_LOWER_SHARE * cap:
            flags.append(make_flag(text, t.start, t.end, "capitalisation", min(0.95, 0.5 + 0.05 * cap),
                                   f"after '{p.text}' the corpus writes '{name}' {cap} times, lower-case "
                                   f"{pairs[key] - cap - 1} times elsewhere"))
    return flags
