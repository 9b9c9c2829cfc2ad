"""[capitalisation]: a proper noun written lower-case where the corpus capitalises it.

A word list has no case, so every test reads the corpus's own counts
(:class:`~dedupe.artifacts.corpus.CorpusStats`), surest first: the form alone
("berlin"), the name it stands in ("Carrow road", "new York", "bank of England",
"Advertising standards Authority"), then its left neighbour ("prime minister").
"""
from __future__ import annotations

from collections import Counter
from itertools import compress, count
from operator import itemgetter

from dedupe.types import Flag

from .corpus import CorpusStats, case_key, case_keys
from .lexicon import FUNCTION_WORDS, english_table
from .lm import BigramModel
from .text import Tokens, make_flag

#: Mid-sentence capitalised uses a form needs before its lower-case use is suspicious.
MIN_CAPITALISED = 3
#: Below COMMON_ZIPF a form is a name from this many capitalised uses ("a name met twice").
MIN_CAPITALISED_RARE = 2
#: Lower-case uses allowed per capitalised use ("Bank of England" vs "a bank").
MAX_LOWER_SHARE = 0.03
#: From this English Zipf up a form is a common word too ("labour", "king"): demand more capitals.
COMMON_ZIPF = 4.0
#: Capitalised uses of the same pair that make it a name ("Carrow Road", "Bank of England").
MIN_PAIR = 3
#: Between two capitalised words, capitalised uses next to capitals needed per lower-case use there.
BETWEEN_RATIO = 10.0
#: After a word that takes a capital next ("Mr"): its capitalised followers needed, and per lower-case one.
MIN_FOLLOW = 5
FOLLOW_RATIO = 30.0


def _candidates(stats: CorpusStats) -> tuple[frozenset[str], frozenset[str]]:
    """Forms the tests of :func:`find_capitalisation` can flag, from the corpus counts alone.

    First the forms the corpus capitalises on their own (the word test), then those
    that only a capitalised neighbour can make suspicious (the name and neighbour tests).
    """
    low = stats.lowercase
    names = {w for w, cap in stats.capitalised.items()
             if cap >= MIN_CAPITALISED_RARE and low[w] <= MAX_LOWER_SHARE * cap + 1}
    parts = {w for (_, w), cap in stats.capitalised_after.items() if cap >= MIN_CAPITALISED}
    parts.update(w for pair, cap in stats.name_pairs.items() if cap >= MIN_PAIR for w in pair)
    parts.update(w for w, cap in stats.in_name.items() if cap >= MIN_CAPITALISED)
    # grammar words and short forms are never flagged: leave them out of the look-ups
    names = {w for w in names if len(w) >= 3 and w not in FUNCTION_WORDS}
    return frozenset(names), frozenset(w for w in parts - names if len(w) >= 3 and w not in FUNCTION_WORDS)


def possible_forms(stats) -> tuple[frozenset[str], frozenset[str]] | None:
    """The forms :func:`find_capitalisation` can flag in a fitted corpus (None for a corpus view).

    Only forms the corpus capitalises can be flagged; for a fitted corpus, only those
    that pass a test on the corpus counts (cached until it grows).

    >>> st = CorpusStats(); st.add(Tokens("we met Zorvia and then Zorvia left"))
    >>> possible_forms(st)[0]
    frozenset({'zorvia'})
    """
    if not isinstance(stats, CorpusStats):
        return None
    if "capitalisation" not in stats.derived:
        stats.derived["capitalisation"] = _candidates(stats)
    return stats.derived["capitalisation"]


class _Context:
    """The capitalised words around one lower-case word, as the corpus keys its name pairs.

    >>> tk = Tokens("the Crystal harmony sailed to the bank of England")
    >>> c = _Context(tk, case_keys(tk), set(), 2)
    >>> c.left, c.right, c.between
    (('crystal', 'harmony'), None, False)
    >>> _Context(tk, case_keys(tk), set(), 6).right
    ('bank', 'of', 'england')
    """

    __slots__ = ("left", "right", "between", "beside")

    def __init__(self, tk: Tokens, keys: list[str], openers: set[int], i: int):
        lower = tk.lower
        self.left = self.right = None
        direct_left = direct_right = False
        if i >= 1 and _joined(tk, i - 1) and i - 1 not in openers:
            if _capital(tk, i - 1):
                self.left, direct_left = (keys[i - 1], keys[i]), True
            elif i >= 2 and lower[i - 1] == "of" and _joined(tk, i - 2) and _capital(tk, i - 2) and i - 2 not in openers:
                self.left = (keys[i - 2], "of", keys[i])
        if i + 1 < len(tk) and _joined(tk, i):
            if _capital(tk, i + 1):
                self.right, direct_right = (keys[i], keys[i + 1]), True
            elif i + 2 < len(tk) and lower[i + 1] == "of" and _joined(tk, i + 1) and _capital(tk, i + 2):
                self.right = (keys[i], "of", keys[i + 2])
        # a name's part follows neither the sentence's first word nor a possessive
        self.between = (direct_left and direct_right and i - 1 not in openers
                        and case_key(lower[i - 1]) == lower[i - 1])
        self.beside = direct_left or direct_right


def _joined(tk: Tokens, a: int) -> bool:
    # words a and a + 1 with only spaces between them
    return tk.text[tk.ends[a]:tk.starts[a + 1]].isspace()


def _capital(tk: Tokens, j: int) -> bool:
    # capitalised, and not a grammar word: "The" or "In" opening a sentence is no name's part;
    # an opener such as "San" may be ("San andreas")
    return tk.words[j][0].isupper() and tk.lower[j] not in FUNCTION_WORDS


def find_capitalisation(tk: Tokens, stats: CorpusStats, model: BigramModel | None = None) -> list[Flag]:
    """Flag lower-case uses of forms the corpus (incl. this text) capitalises where they stand.

    Why: MT and careless rewrites lower-case names ("berlin", "ankara"), and the
    common words inside names ("the bank of england"). Tests, surest first:

    * an acronym beside it spells out a mostly capitalised name it belongs to
      ("World Trade organisation (WTO)": :func:`find_acronym_case`);

    * the form: the corpus capitalises it mid-sentence and (almost) never writes it
      lower-case; away from capitalised words only its capitalised uses away from
      them count ("Beverly Hills" says nothing about "hills");
    * the name it stands in: the same pair with a capitalised neighbour (directly, or
      across "of") is capitalised elsewhere and not lower-case ("Carrow road",
      "new York", "bank of England"); or it sits between capitalised words, the next
      of which ends names, and the corpus writes it capitalised next to capitals
      and not lower-case between them ("Advertising standards Authority"); a form
      the corpus (almost) only capitalises needs its pair written so just once;
    * the word before it: the corpus follows it with a capital (almost) always
      ("Mr myers"), for a form that is no common word and not usually lower-case;
    * its left neighbour: the corpus writes "Prime Minister" capitalised whenever
      "prime" precedes it (``model`` gives the lower-cased pair counts of all cases).

    >>> st = CorpusStats()
    >>> for s in ("talks in Zorvia went on", "then Zorvia said so", "we saw Zorvia too"): st.add(Tokens(s))
    >>> tk = Tokens("the talks in zorvia ended"); st.add(tk)
    >>> [f.text for f in find_capitalisation(tk, st)]
    ['zorvia']
    """
    words, lower, text = tk.words, tk.lower, tk.text
    keys = case_keys(tk)
    possible = possible_forms(stats)
    if possible is None:  # a corpus view: nothing cached, ask the counters
        names = parts = _Either(stats.capitalised, stats.in_name)
    else:
        names, parts = possible
    # C-level passes over the words; the few forms found are then checked one by one
    low = list(map(str.islower, words))
    up = list(map(str.isupper, map(itemgetter(0), words)))
    at = set(compress(count(), map(bool.__and__, map(names.__contains__, keys), low)))
    found = [i for i in compress(count(), map(bool.__and__, map(parts.__contains__, keys), low)) if i not in at]
    # every test but the word test needs a capitalised word within two words
    # ("Carrow road", "bank of England", "prime minister Tony")
    at.update(i for i in found if any(up[max(i - 2, 0):i + 3]))
    at.update(_after_capitals(tk, stats, low, up))
    at = [i for i in sorted(at) if len(keys[i]) >= 3 and keys[i] not in FUNCTION_WORDS]
    flags = find_acronym_case(tk)
    if not at:
        return flags
    table = english_table()
    # a sentence's first word is capitalised whatever it is: a name's part only if a name itself
    openers = {j for j in tk.sentence_starts() if not _named(keys[j], stats)}
    contexts = {i: _Context(tk, keys, openers, i) for i in at}
    own = _own_uses(tk, keys, contexts)
    flagged = {f.start for f in flags}
    by_neighbour = []
    for i, c in contexts.items():
        t = keys[i]
        if tk.starts[i] in flagged:
            continue
        # the word test passes only for forms in ``names`` (a corpus view's test says yes to all)
        hit = ((t in names and _by_word(t, stats, table, c.beside)) or _in_name(t, stats, c, own)
               or _after_capital(tk, i, stats, own, table))
        if hit:
            flags.append(make_flag(text, tk.starts[i], tk.ends[i], "capitalisation", *hit))
            continue
        if not i or model is None or c.left or tk.ends[i - 1] < tk.starts[i] - 1:
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if table.get(t, 0.0) >= COMMON_ZIPF and not nxt[:1].isupper():
            continue  # "the Russian president said": a title is capitalised only before a name
        if stats.capitalised_after[lower[i - 1], lower[i]] >= MIN_CAPITALISED:
            by_neighbour.append(i)
    if by_neighbour:
        pairs = model.pair_counts_of([(lower[i - 1], lower[i]) for i in by_neighbour])
        for i, n in zip(by_neighbour, pairs):
            cap = stats.capitalised_after[lower[i - 1], lower[i]]
            if n - cap - 1 <= MAX_LOWER_SHARE * cap:
                flags.append(make_flag(text, tk.starts[i], tk.ends[i], "capitalisation", min(0.95, 0.5 + 0.05 * cap),
                                       f"after '{words[i - 1]}' the corpus writes '{words[i].capitalize()}' {cap} "
                                       f"times, lower-case {n - cap - 1} times elsewhere"))
    return sorted(flags, key=lambda f: f.start)


class _Either:
    """Membership in either of two counters (a corpus view has no cached candidate set)."""

    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __contains__(self, key: str) -> bool:
        return key in self.a or key in self.b


def _named(t: str, stats, own: int = 0) -> bool:
    """Whether the corpus writes the form capitalised (almost) always: at least MIN_CAPITALISED
    times mid-sentence and lower-case (besides ``own`` uses) at most MAX_LOWER_SHARE as often."""
    cap = stats.capitalised[t]
    return cap >= MIN_CAPITALISED and stats.lowercase[t] - own <= MAX_LOWER_SHARE * cap


def _by_word(t: str, stats, table: dict[str, float], beside: bool) -> tuple[float, str] | None:
    """Score and reason when the corpus capitalises the form itself almost always.

    Away from other capitalised words only the form's own capitalised uses away
    from them count: "Hills" in "Beverly Hills" or "Irons" after "Jeremy" say
    nothing about "hills" or "irons" alone, while "Slovenia" alone does.
    """
    cap, low = stats.capitalised[t], stats.lowercase[t]
    if not beside:
        cap -= stats.in_name[t]
    z = table.get(t, 0.0)
    # this text's own lower-case use is counted in ``low``: one is allowed
    need = MIN_CAPITALISED * (10 if low > 1 else 1) if z >= COMMON_ZIPF else MIN_CAPITALISED_RARE
    if cap >= need and low <= MAX_LOWER_SHARE * cap + 1:
        alone = "" if beside else " away from other capitalised words"
        return (min(0.95, 0.5 + 0.05 * cap),
                f"the corpus writes '{t.capitalize()}' {cap} times mid-sentence{alone}, lower-case {low - 1} times elsewhere")
    return None


def _own_uses(tk: Tokens, keys: list[str], contexts: dict[int, _Context]) -> Counter:
    """This text's own lower-case uses in name contexts: counted in the corpus, but no evidence."""
    own: Counter = Counter()
    for i, c in contexts.items():
        own["after", c.left] += 1
        own["before", c.right] += 1
        own["between", keys[i]] += c.between
        if i and _capital(tk, i - 1) and _joined(tk, i - 1):
            own["follows", tk.lower[i - 1]] += 1
    return own


def _after_capitals(tk: Tokens, stats, low: list[bool], up: list[bool]) -> list[int]:
    """Lower-case words right after a capitalised word that :func:`_after_capital` may flag
    (``low``, ``up``: per word, lower-case / upper-case first letter)."""
    # a C-level pass finds the few lower-case words after a capital ("the" follows "The"
    # often, so the corpus test comes second)
    after = compress(count(1), map(bool.__and__, low[1:], up[:-1]))
    follows, lower = stats.cap_follows, tk.lower
    return [i for i in after if lower[i - 1] in follows and _capital(tk, i - 1) and _joined(tk, i - 1)]


def _after_capital(tk: Tokens, i: int, stats, own: Counter, table: dict[str, float]) -> tuple[float, str] | None:
    """Score and reason when the word before is (almost) always followed by a capital in the
    corpus ("Mr", "Dr") and this word is no common English word and is not written lower-case
    more often than capitalised elsewhere in the corpus ("Mr myers", not "Alan said" or
    "Lisa Marie retains").

    The word before may open its sentence: "Mr" is capitalised anyway, and so is its name.
    """
    t, left = tk.lower[i], tk.lower[i - 1] if i else ""
    if not (left and _capital(tk, i - 1) and _joined(tk, i - 1)) or case_key(left) != left \
            or table.get(t, 0.0) >= COMMON_ZIPF or stats.lowercase[t] - 1 > stats.capitalised[t]:
        return None
    cap, low = stats.cap_follows[left], stats.low_follows[left] - own["follows", left]
    if cap >= MIN_FOLLOW and low * FOLLOW_RATIO <= cap:
        return (min(0.9, 0.5 + 0.02 * cap),
                f"after '{tk.words[i - 1]}' the corpus writes a capitalised word {cap} times, lower-case {low} times elsewhere")
    return None


def find_acronym_case(tk: Tokens) -> list[Flag]:
    """Flag lower-case words inside a capitalised name that an acronym spells out.

    Why: an acronym in brackets after a name ("World Trade organisation (WTO)"),
    or a name in brackets after one, shows which words the name has; when most of
    them (or half) are capitalised, a lower-case one is a slip, whatever the corpus says.

    >>> tk = Tokens("The Zorvian Trade organisation (ZTO) met.")
    >>> [f.text for f in find_acronym_case(tk)]
    ['organisation']
    """
    words, text = tk.words, tk.text
    flags = []
    for j in compress(count(), map(str.isupper, words)):  # the few all-capital words
        w = words[j]
        if not (2 <= len(w) <= 6 and w.isalpha()):
            continue
        if text[tk.starts[j] - 1:tk.starts[j]] == "(" and text[tk.ends[j]:tk.ends[j] + 1] == ")":
            span = _spelled(words, w, range(j - 1, max(-1, j - 2 * len(w) - 1), -1))
        elif text[tk.ends[j]:tk.ends[j] + 2] == " (":
            span = _spelled(words, w[::-1], range(j + 1, min(len(words), j + 2 * len(w) + 1)))
        else:
            continue
        if span and 2 * sum(words[k][0].isupper() for k in span) >= len(span):
            flags += [make_flag(text, tk.starts[k], tk.ends[k], "capitalisation", 0.8,
                                f"'{w}' spells out a name whose other words are capitalised")
                      for k in span if words[k].islower() and len(words[k]) >= 3]
    return flags


def _spelled(words: list[str], letters: str, order: range) -> list[int] | None:
    """Indices of the words whose initials spell ``letters`` from its end, walking ``order``
    (backwards from an acronym) and skipping grammar words; None when they do not."""
    need, found = list(letters.lower()), []
    for k in order:
        if not need:
            break
        if words[k][0].lower() == need[-1]:
            found.append(k)
            need.pop()
        elif words[k].lower() not in FUNCTION_WORDS:
            return None
    return found if not need else None


def _in_name(t: str, stats, c: _Context, own: Counter) -> tuple[float, str] | None:
    """Score and reason when the name the form stands in is written capitalised elsewhere."""
    cap = low = 0
    if c.left:
        cap += stats.name_pairs[c.left]
        low += stats.lower_after_name[c.left] - own["after", c.left]
    if c.right:
        cap += stats.name_pairs[c.right]
        low += stats.lower_before_name[c.right] - own["before", c.right]
    # a form the corpus (almost) only capitalises needs its pair written so just once ("Brian harvey")
    if (cap >= MIN_PAIR or (cap and _named(t, stats, own=1))) and low <= MAX_LOWER_SHARE * cap:
        where = " ".join(dict.fromkeys((*(c.left or ()), *(c.right or ()))))
        return (min(0.9, 0.5 + 0.1 * cap),
                f"the corpus writes '{where}' with '{t.capitalize()}' capitalised {cap} times, lower-case {low} times elsewhere")
    if not c.between:
        return None
    # between two capitalised words, the next of which ends names ("Authority", "Award")
    # rather than starting one: inside a name, unless the corpus puts the form there
    # lower-case (a title before a name: "Cabinet minister Jack")
    nxt = case_key(c.right[1])
    cap, low = stats.in_name[t], stats.lower_between[t] - own["between", t]
    if cap >= MIN_CAPITALISED and low * BETWEEN_RATIO <= cap and stats.name_tail[nxt] * 2 >= stats.capitalised[nxt] > 0:
        return (min(0.9, 0.5 + 0.02 * cap),
                f"between capitalised words, the corpus writes '{t.capitalize()}' capitalised next to capitals "
                f"{cap} times and lower-case between capitals {low} times elsewhere")
    return None
