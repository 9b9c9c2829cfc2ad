"""[capitalisation]: a proper noun written lower-case where the corpus capitalises it."""
from __future__ import annotations

from dedupe.types import Flag

from .corpus import CorpusStats
from .lexicon import FUNCTION_WORDS, english_table
from .lm import BigramModel
from .text import Tokens, make_flag

#: Mid-sentence capitalised uses a form needs before its lower-case use is suspicious.
MIN_CAPITALISED = 3
#: Lower-case uses allowed per capitalised use ("Bank of England" vs "a bank").
MAX_LOWER_SHARE = 0.03
#: From this English Zipf up a form is a common word too ("labour", "king"): demand more capitals.
COMMON_ZIPF = 4.0


def _candidates(stats: CorpusStats) -> frozenset[str]:
    """Forms either test of :func:`find_capitalisation` can flag, from the corpus counts alone."""
    low = stats.lowercase
    names = {w for w, cap in stats.capitalised.items() if cap >= MIN_CAPITALISED and low[w] <= MAX_LOWER_SHARE * cap + 1}
    parts = {w for (_, w), cap in stats.capitalised_after.items() if cap >= MIN_CAPITALISED}
    return frozenset(names | parts)


def find_capitalisation(tk: Tokens, stats: CorpusStats, model: BigramModel | None = None) -> list[Flag]:
    """Flag lower-case uses of forms the corpus (incl. this text) almost always capitalises.

    Why: MT and careless rewrites lower-case names ("berlin", "ankara"); a word list
    has no case, so the evidence has to come from the corpus. A common word that is
    also part of a name ("minister", "times") is judged by its left neighbour: the
    corpus writes "Prime Minister" capitalised whenever "prime" precedes it.
    ``model`` gives the corpus's lower-cased pair counts (all cases together).

    >>> st = CorpusStats()
    >>> for s in ("talks in Zorvia went on", "then Zorvia said so", "we saw Zorvia too"): st.add(Tokens(s))
    >>> tk = Tokens("the talks in zorvia ended"); st.add(tk)
    >>> [f.text for f in find_capitalisation(tk, st)]
    ['zorvia']
    """
    capitalised, after = stats.capitalised, stats.capitalised_after
    words, lower, text = tk.words, tk.lower, tk.text
    table = english_table()
    flags, by_neighbour = [], []
    # one C-level pass: only forms the corpus capitalises mid-sentence can be flagged
    # (for a fitted corpus, only those that pass either test below on the corpus counts)
    possible = stats.derived.get("capitalisation") if isinstance(stats, CorpusStats) else capitalised
    if possible is None:
        possible = stats.derived["capitalisation"] = _candidates(stats)
    known = {w for w in set(words) if w in possible}
    for i in [i for i, w in enumerate(words) if w in known] if known else ():
        t = words[i]
        if len(t) < 3 or not t.islower() or t in FUNCTION_WORDS:
            continue
        cap, low = capitalised[t], stats.lowercase[t]
        common = table.get(t, 0.0) >= COMMON_ZIPF
        # this text's own lower-case use is counted in ``low``: one is allowed
        need = MIN_CAPITALISED * (10 if common and low > 1 else 1)
        if cap >= need and low <= MAX_LOWER_SHARE * cap + 1:
            flags.append(make_flag(text, tk.starts[i], tk.ends[i], "capitalisation", min(0.95, 0.5 + 0.05 * cap),
                                   f"the corpus writes '{t.capitalize()}' {cap} times mid-sentence, "
                                   f"lower-case {low - 1} times elsewhere"))
            continue
        if not i or model is None or tk.ends[i - 1] < tk.starts[i] - 1:
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if common and not nxt[:1].isupper():
            continue  # "the Russian president said": a title is capitalised only before a name
        if after[lower[i - 1], t] >= MIN_CAPITALISED:
            by_neighbour.append(i)
    if by_neighbour:
        pairs = model.pair_counts_of([(lower[i - 1], lower[i]) for i in by_neighbour])
        for i, n in zip(by_neighbour, pairs):
            cap = after[lower[i - 1], lower[i]]
            if n - cap - 1 <= MAX_LOWER_SHARE * cap:
                flags.append(make_flag(text, tk.starts[i], tk.ends[i], "capitalisation", min(0.95, 0.5 + 0.05 * cap),
                                       f"after '{words[i - 1]}' the corpus writes '{words[i].capitalize()}' {cap} "
                                       f"times, lower-case {n - cap - 1} times elsewhere"))
    return sorted(flags, key=lambda f: f.start)
