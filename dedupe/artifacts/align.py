"""[divergent] and [name]: compare a copy with the canonical copy of its cluster.

Sentences are aligned by shared content words, in order (a monotone alignment,
as translations keep the order of a wire report); aligned sentences are diffed
word by word. A short replaced phrase is divergent when its words are rarer than
the canonical's, or form a pair the corpus model never saw while the canonical's
wording is familiar; a name or number replaced by something else is a [name] flag.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from itertools import chain, repeat

from dedupe.types import Flag

from .lexicon import FUNCTION_WORDS, english_table
from .lm import BigramModel
from .text import Tokens, make_flag

_TOKEN = re.compile(r"[^\W_]+(?:['’.,][^\W_]+)*")
#: Cosine of content-word stems from which two sentences may be aligned.
MIN_SIMILARITY = 0.3
#: Longest replaced phrase (words, either side) the diff judges; longer blocks are rewrites.
MAX_PHRASE = 4
#: Zipf drop (canonical minus copy, per content word) from which a phrase is divergent.
RARER_BY = 1.0


def content_stems(text: str) -> set[str]:
    """Content-word stems of a sentence: what alignment compares.

    A stem is the first five letters: enough to match "liberation" and
    "liberated", and cheaper than a stemmer.

    >>> sorted(content_stems("The talks on trade ended in Paris."))
    ['ended', 'paris', 'talks', 'trade']
    """
    return {w[:5] for w in _TOKEN.findall(text.lower()) if w not in FUNCTION_WORDS and (len(w) >= 3 or w.isdigit())}


def sentence_stems(tk: Tokens) -> list[set[str]]:
    """:func:`content_stems` of every sentence of a tokenised text."""
    return [content_stems(tk.text[s:e]) for s, e in tk.sentences]


StemIndex = tuple[dict[str, list[int]], list[float]]


def stem_index(ref: Sequence[set[str]]) -> StemIndex:
    """What :func:`align_sentences` reads of the copy aligned to: the sentences holding
    each stem, and each sentence's norm (the root of its stem count). Build it once
    for a copy that others are aligned to many times.

    >>> stem_index([{"a", "b"}, {"b"}])[0]["b"]
    [0, 1]
    """
    holding: dict[str, list[int]] = {}
    for j, b in enumerate(ref):
        for stem in b:
            holding.setdefault(stem, []).append(j)
    return holding, [math.sqrt(len(b)) for b in ref]


def align_sentences(doc: Sequence[set[str]], ref: Sequence[set[str]], *,
                    index: StemIndex | None = None) -> list[tuple[int, int]]:
    """Monotone alignment maximising summed cosine similarity; pairs (doc index, ref index).
    ``index`` is ``stem_index(ref)``, when already built.

    >>> align_sentences([{"a", "b"}, {"x"}, {"c", "d"}], [{"c", "d"}, {"a", "b"}])
    [(0, 1)]
    """
    # The best monotone chain of the few pairs similar enough to align (sparse: a
    # Fenwick tree of prefix maxima over ref positions), not a DP over every pair.
    # Shared stems are counted through an index of the ref sentences holding each
    # stem: a stem is in a few of them, so this skips the pairs that share nothing.
    holding, norms = stem_index(ref) if index is None else index
    m = len(norms)
    tree = [(0.0, -1)] * (m + 1)
    chosen: list[tuple[int, int, int]] = []  # (doc index, ref index, previous entry)
    for i, a in enumerate(doc):
        if not a:
            continue
        floor = MIN_SIMILARITY * math.sqrt(len(a))
        # shared stems over |ref sentence| ** 0.5; the cosine divides by |a| ** 0.5 too
        counts = Counter(chain.from_iterable(map(holding.get, a, repeat(()))))
        shared = [(j, counts[j] / norms[j]) for j in sorted(counts)]
        row = []
        for j, half in shared:
            if half >= floor:
                best, prev = _prefix_max(tree, j)  # chains ending before ref sentence j
                row.append((best + half / math.sqrt(len(a)), j, prev))
        for total, j, prev in row:  # update after the whole row: one ref sentence per doc sentence
            chosen.append((i, j, prev))
            _raise(tree, j + 1, (total, len(chosen) - 1))
    pairs, at = [], _prefix_max(tree, m)[1]
    while at >= 0:
        i, j, at = chosen[at]
        pairs.append((i, j))
    return pairs[::-1]


def _prefix_max(tree: list[tuple[float, int]], n: int) -> tuple[float, int]:
    best = (0.0, -1)
    while n > 0:
        if tree[n][0] > best[0]:
            best = tree[n]
        n -= n & -n
    return best


def _raise(tree: list[tuple[float, int]], n: int, value: tuple[float, int]) -> None:
    while n < len(tree):
        if value[0] > tree[n][0]:
            tree[n] = value
        n += n & -n


def _is_name(text: str, start: int, word: str) -> bool:
    # capitalised and not opening its sentence, or not a plain lower-case dictionary word
    return word[:1].isupper() and not word.isupper() and start > 0


def _mean_zipf(words: Sequence[str]) -> float | None:
    table = english_table()
    content = [w for w in words if w not in FUNCTION_WORDS and w.isalpha()]
    return sum(table.get(w, 0.0) for w in content) / len(content) if content else None


def _unseen_pairs(words: Sequence[str], model: BigramModel | None) -> int:
    if model is None or model.total == 0:
        return 0
    return sum(model.pair_count(a, b) == 0 for a, b in zip(words, words[1:]))


def diff_sentence(doc: str, ds: int, de: int, ref: str, rs: int, re_: int,
                  model: BigramModel | None = None) -> list[Flag]:
    """Word diff of one aligned sentence pair; flags on the copy ``doc[ds:de]``.

    >>> d = "The mayor praised the salutation of the guests and who said 12 came."
    >>> r = "The mayor praised the welcome of the guests and Lee said 15 came."
    >>> [(f.kind, f.text) for f in diff_sentence(d, 0, len(d), r, 0, len(r))]
    [('divergent', 'salutation'), ('name', 'who'), ('name', '12')]
    """
    if doc[ds:de] == ref[rs:re_]:
        return []  # syndicated copies share most sentences word for word
    dt = [(m.start(), m.group()) for m in _TOKEN.finditer(doc, ds, de)]
    rt = [(m.start(), m.group()) for m in _TOKEN.finditer(ref, rs, re_)]
    dl, rl = [w.lower() for _, w in dt], [w.lower() for _, w in rt]
    flags = []
    blocks = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, rl, dl, autojunk=False).get_opcodes():
        if op != "replace" or max(i2 - i1, j2 - j1) > MAX_PHRASE:
            continue
        # equal-length blocks are word-for-word substitutions: judge each word on its own
        if i2 - i1 == j2 - j1:
            blocks.extend((i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1))
        else:
            blocks.append((i1, i2, j1, j2))
    for i1, i2, j1, j2 in blocks:
        # judge only substitutions anchored by the same word on both sides; anything
        # else is a rewrite, which independent translations make all the time
        if not (i1 and j1 and i2 < len(rl) and j2 < len(dl) and rl[i1 - 1] == dl[j1 - 1] and rl[i2] == dl[j2]):
            continue
        ref_words, doc_words = rt[i1:i2], dt[j1:j2]
        start, end = doc_words[0][0], doc_words[-1][0] + len(doc_words[-1][1])
        ref_phrase = ref[ref_words[0][0]:ref_words[-1][0] + len(ref_words[-1][1])]
        ref_numbers = {w for _, w in ref_words if w[0].isdigit()}
        doc_numbers = {w for _, w in doc_words if w[0].isdigit()}
        ref_names = [w for s, w in ref_words if _is_name(ref, s - rs, w)]
        if ref_numbers and doc_numbers and ref_numbers != doc_numbers:
            flags.append(make_flag(doc, start, end, "name", 0.8,
                                   f"the canonical copy has '{ref_phrase}' here: the number differs"))
        elif (len(ref_names) == len(ref_words) == len(doc_words)
              and all(w.islower() or w.isupper() for _, w in doc_words)
              and all(english_table().get(w.lower(), 0.0) >= 3.5 for _, w in doc_words)
              and not {w.lower() for w in ref_names} & set(dl)):
            # a name rendered word for word as common words ("Kim" as "who"), and not
            # merely moved within the sentence; a paraphrase ("the two countries" for
            # "Russia and North Korea") changes the word count or replaces non-names too
            flags.append(make_flag(doc, start, end, "name", 0.75,
                                   f"the canonical copy has the name '{' '.join(ref_names)}' here, "
                                   f"this copy the common word(s) '{doc[start:end]}'"))
        elif not ref_names and not ref_numbers and not doc_numbers:
            zr, zd = _mean_zipf(rl[i1:i2]), _mean_zipf(dl[j1:j2])
            context_d = dl[max(j1 - 1, 0):j2 + 1]
            context_r = rl[max(i1 - 1, 0):i2 + 1]
            worse_lm = _unseen_pairs(context_d, model) > _unseen_pairs(context_r, model)
            if zr is not None and zd is not None and (zr - zd >= RARER_BY or (worse_lm and zr - zd > 0)):
                flags.append(make_flag(doc, start, end, "divergent", min(0.9, 0.5 + 0.2 * (zr - zd) + 0.2 * worse_lm),
                                       f"the canonical copy says '{ref_phrase}'; '{doc[start:end]}' is rarer"
                                       + (" and unseen in this context" if worse_lm else "")))
    return flags


def find_divergent(doc: Tokens, ref: Tokens, model: BigramModel | None = None, *,
                   pairs: Sequence[tuple[int, int]] | None = None) -> list[Flag]:
    """Align the copy's sentences to the canonical's and diff each aligned pair.

    Pass ``pairs`` (:func:`align_sentences` of their :func:`sentence_stems`) when already computed.

    >>> d = Tokens("Talks ended in Rome. The mayor praised the salutation of the guests.")
    >>> r = Tokens("Talks ended in Rome today. The mayor praised the welcome of the guests.")
    >>> [f.text for f in find_divergent(d, r)]
    ['salutation']
    """
    if pairs is None:
        pairs = align_sentences(sentence_stems(doc), sentence_stems(ref))
    flags = []
    for i, j in pairs:
        (ds, de), (rs, re_) = doc.sentences[i], ref.sentences[j]
        flags.extend(diff_sentence(doc.text, ds, de, ref.text, rs, re_, model))
    for i, j in heading_pairs(doc, ref, pairs):
        flags.extend(heading_names(doc, i, ref, j))
    return flags


#: Most words a line may have to be read as a heading.
MAX_HEADING = 8
#: Zipf from which a heading's word is common enough to be a name translated as a word.
COMMON_ZIPF = 3.5
_OPENS_NAME = "(?<=[a-z,] )"


def is_heading(tk: Tokens, i: int) -> bool:
    """Sentence ``i`` is a line of its own, of at most MAX_HEADING words, with no closing
    punctuation: a subheading.

    >>> tk = Tokens("Talks ended.\\n\\nPEACE AT LAST\\n\\nThe mayor spoke.")
    >>> [is_heading(tk, i) for i in range(3)]
    [False, True, False]
    """
    s, e = tk.sentences[i]
    i0, i1 = tk.ranges[i]
    text = tk.text
    alone = (s == 0 or text[s - 1] == "\n") and (e == len(text) or text[e:e + 1] == "\n")
    return alone and 0 < i1 - i0 <= MAX_HEADING and text[s:e].rstrip()[-1:] not in ".!?:;,\"”’)"


def heading_pairs(doc: Tokens, ref: Tokens, pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Subheadings of the same section in both copies (doc index, ref index): two aligned
    headings, or the headings right before two aligned sentences.

    Why: a heading is a few words, often rewritten or translated word by word, so it
    seldom shares enough content words to align by itself; the paragraph it opens does.
    """
    candidates = set(pairs) | {(i - 1, j - 1) for i, j in pairs if i and j}
    return sorted((i, j) for i, j in candidates if is_heading(doc, i) and is_heading(ref, j))


def _plain(word: str) -> str:
    """A word lower-cased, its apostrophes straight and a possessive 's dropped: its dictionary form."""
    w = word.lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


def heading_names(doc: Tokens, i: int, ref: Tokens, j: int) -> list[Flag]:
    """[name] flags in the copy's heading ``i`` against the canonical's heading ``j`` of the
    same section: where the canonical's heading has a name that the copy uses in its text
    but not in this heading, and the copy's heading has a common word in its place.

    A name translated as a word ("Kim", Turkish for "who") leaves the copy's text with
    the name wherever the translator kept it, and its heading with the word.

    >>> ref = Tokens("Talks ended.\\n\\nRose thanks the volunteers\\n\\nThe mayor, Rose, spoke.")
    >>> doc = Tokens("Talks ended.\\n\\nPINK THANKS VOLUNTEERS\\n\\nThe mayor, Rose, spoke.")
    >>> [(f.kind, f.text) for f in heading_names(doc, 1, ref, 1)]
    [('name', 'PINK')]
    """
    (ds, de), (rs, re_) = doc.sentences[i], ref.sentences[j]
    doc_words = [(m.start(), m.group()) for m in _TOKEN.finditer(doc.text, ds, de)]
    ref_words = [m.group() for m in _TOKEN.finditer(ref.text, rs, re_)]
    in_heading = {_plain(w) for _, w in doc_words}
    flags = []
    for k, name in enumerate(ref_words[:len(doc_words)]):
        start, word = doc_words[k]
        if not (name[:1].isupper() and name[1:].islower() and _plain(name) not in in_heading
                and re.search(_OPENS_NAME + re.escape(name) + r"\b", doc.text)):
            continue  # not a name the copy knows, or the copy's heading has it
        plain = _plain(word)
        if plain.isalpha() and english_table().get(plain, 0.0) >= COMMON_ZIPF and not _is_name_in(doc.text, word):
            flags.append(make_flag(doc.text, start, start + len(word), "name", 0.6,
                                   f"the canonical copy's heading of this section has the name '{name}' here, "
                                   f"which this copy writes elsewhere; this heading has the common word '{word}'"))
    return flags


def _is_name_in(text: str, word: str) -> bool:
    """The text writes ``word`` capitalised inside a sentence: a name there, not a word."""
    title = word[:1].upper() + word[1:].lower()
    return bool(re.search(_OPENS_NAME + re.escape(title) + r"\b", text))
