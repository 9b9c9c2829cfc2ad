"""[untranslated]: spans in another language, or foreign site chrome, inside an English text.

Two kinds of evidence, cheapest first: letters of another script (Cyrillic, CJK...)
and words that are frequent in another language but not English (wordfreq lists).
A sentence with enough foreign words goes to langdetect, seeded so runs repeat.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import compress, count

import regex

from dedupe.types import Flag

from .lexicon import foreign_table
from .text import Tokens, make_flag

_OTHER_SCRIPT = regex.compile(
    r"[^\p{Latin}\p{Common}\p{Inherited}\s](?:[^\p{Latin}\n]*[^\p{Latin}\p{Common}\p{Inherited}\s])?")
#: langdetect reads at most this much of a sentence: as sure, and its cost grows with the text.
MAX_DETECT_CHARS = 300
#: An English word for this signal: Zipf >= this in English.
ENGLISH_ZIPF = 2.5


def detect_language(text: str, seed: int = 0) -> tuple[str, float]:
    """Most likely language of ``text`` and its probability (langdetect, seeded).

    >>> detect_language("Der Präsident hat heute in Berlin eine neue Regierung vorgestellt.")[0]
    'de'
    """
    from langdetect.lang_detect_exception import LangDetectException

    from dedupe import fastdetect
    from dedupe.language import langdetect_factory

    # the scan's own loaded profiles (loading them costs seconds), and langdetect's
    # default 7 trials computed in bulk (:mod:`dedupe.fastdetect`: the same
    # probabilities); the seed is per call, so langdetect's global state is never touched
    try:
        best = fastdetect.probabilities(langdetect_factory(), text, seed=seed, n_trial=7)[0]
    except (LangDetectException, IndexError):
        return "unknown", 0.0
    return best.lang, best.prob


def english_share(tk: Tokens) -> float:
    """Share of the words that are English words (Zipf >= ENGLISH_ZIPF).

    English news runs at 0.8-0.95 (names make the rest); a text in another
    language sits far lower, and the English signals do not apply to it.

    >>> english_share(Tokens("The talks ended.")), english_share(Tokens("Hann sagði frá því"))
    (1.0, 0.0)
    """
    return sum(map(ENGLISH_ZIPF.__le__, tk.zipfs())) / max(len(tk), 1)


def find_untranslated(tk: Tokens, *, seed: int = 0) -> list[Flag]:
    """Flag other-script runs and foreign sentences or lines of a tokenised text.

    A sentence is foreign when langdetect says so with probability >= 0.9, or, for
    short chrome lines where langdetect is blind, when foreign words outnumber
    English ones. Two or more foreign words in a row inside English are flagged
    on their own; a single foreign word (a loanword, a name) is not.

    >>> t = Tokens("Read the report.\\nKommentare: 3\\nThe banner said zobacz komentarze in red.")
    >>> [f.text for f in find_untranslated(t)]
    ['Kommentare: 3', 'zobacz komentarze']
    """
    foreign = foreign_table()
    text = tk.text
    flags = [make_flag(text, m.start(), m.end(), "untranslated", 0.9, "text in a non-Latin script inside English")
             for m in _OTHER_SCRIPT.finditer(text)] if not text.isascii() else []
    # per word: "en", a language code, or None (a name or unknown form: no evidence either way);
    # English words are most of any text, so only the others are looked up further, and
    # only sentences holding a foreign word are read (found by bisection, not per word)
    other = list(compress(count(), map(ENGLISH_ZIPF.__gt__, tk.zipfs())))
    langs_of = dict(zip(other, map(foreign.get, map(tk.lower.__getitem__, other))))
    marked = [i for i in other if langs_of[i]]
    if not marked:
        return flags
    for (s, e), (i0, i1) in zip(tk.sentences, tk.ranges):
        if bisect_left(marked, i1) == bisect_left(marked, i0):
            continue
        sk = [langs_of.get(i, "en") for i in range(i0, i1)]
        n_en = sk.count("en")
        n_foreign = len(sk) - n_en - sk.count(None)
        if not n_foreign:
            continue
        langs = sorted({k for k in sk if k not in (None, "en")})
        n = i1 - i0
        if n_foreign >= 2 and n_foreign * 2 >= n_en and n >= 5:
            lang, prob = detect_language(text[s:min(e, s + MAX_DETECT_CHARS)], seed)
            if lang != "en" and prob >= 0.9:
                flags.append(make_flag(text, s, e, "untranslated", prob,
                                       f"sentence detected as '{lang}' (p={prob:.2f}), not English"))
                continue
        if n_foreign > n_en and n <= 6:
            flags.append(make_flag(text, s, e, "untranslated", 0.8,
                                   f"{n_foreign} of {n} words are {'/'.join(langs)}, not English"))
            continue
        run: list[int] = []
        for i, k in enumerate(sk + ["en"], start=i0):
            # a run of lower-case foreign words; Title Case runs are names ("Banco Santander")
            if k not in (None, "en") and (not run or tk.words[i].islower()):
                run.append(i)
                continue
            if len(run) >= 2:
                flags.append(make_flag(text, tk.starts[run[0]], tk.ends[run[-1]], "untranslated", 0.7,
                                       f"{len(run)} words in a row are not English ({'/'.join(langs)})"))
            run = [i] if k not in (None, "en") else []
    return flags
