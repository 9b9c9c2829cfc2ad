"""[untranslated]: spans in another language, or foreign site chrome, inside an English text.

Two kinds of evidence, cheapest first: letters of another script (Cyrillic, CJK...)
and words that are frequent in another language but not English (wordfreq lists).
A sentence with enough foreign words goes to langdetect, seeded so runs repeat.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import regex

from dedupe.types import Flag

from .lexicon import english_table, foreign_table
from .text import Token, make_flag

_OTHER_SCRIPT = regex.compile(
    r"[^\p{Latin}\p{Common}\p{Inherited}\s](?:[^\p{Latin}\n]*[^\p{Latin}\p{Common}\p{Inherited}\s])?")
#: An English word for this signal: Zipf >= this in English.
ENGLISH_ZIPF = 2.5


@lru_cache(maxsize=4)
def _detector_factory(seed: int):
    # A private factory: langdetect's module-level one is global state shared with callers.
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(seed)
    return factory


def detect_language(text: str, seed: int = 0) -> tuple[str, float]:
    """Most likely language of ``text`` and its probability (langdetect, seeded).

    >>> detect_language("Der Präsident hat heute in Berlin eine neue Regierung vorgestellt.")[0]
    'de'
    """
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory(seed).create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return "unknown", 0.0
    return best.lang, best.prob


def _classify(tok: Token, english: dict[str, float], foreign: dict[str, str]) -> str | None:
    if english.get(tok.lower, 0.0) >= ENGLISH_ZIPF:
        return "en"
    if tok.lower in foreign:
        return foreign[tok.lower]
    return None  # a name or an unknown form: no evidence either way


def find_untranslated(text: str, segments: Sequence[tuple[int, int, list[Token]]], *, seed: int = 0) -> list[Flag]:
    """Flag other-script runs and foreign segments (sentences or lines with their tokens).

    A segment is foreign when langdetect says so with probability >= 0.9, or, for
    short chrome lines where langdetect is blind, when foreign words outnumber
    English ones. Two or more foreign words in a row inside English are flagged
    on their own; a single foreign word (a loanword, a name) is not.

    >>> from dedupe.artifacts.text import words, sentences
    >>> t = "Read the report.\\nKommentare: 3\\nThe banner said zobacz komentarze in red."
    >>> segs = [(s, e, words(t, s, e)) for s, e in sentences(t)]
    >>> [f.text for f in find_untranslated(t, segs)]
    ['Kommentare: 3', 'zobacz komentarze']
    """
    english, foreign = english_table(), foreign_table()
    flags = [make_flag(text, m.start(), m.end(), "untranslated", 0.9, "text in a non-Latin script inside English")
             for m in _OTHER_SCRIPT.finditer(text)]
    for s, e, toks in segments:
        kinds = [_classify(t, english, foreign) for t in toks]
        n_en = kinds.count("en")
        n_foreign = len(kinds) - n_en - kinds.count(None)
        if not n_foreign:
            continue
        langs = sorted({k for k in kinds if k not in (None, "en")})
        if n_foreign * 4 >= n_en and len(toks) >= 5:
            lang, prob = detect_language(text[s:e], seed)
            if lang != "en" and prob >= 0.9:
                flags.append(make_flag(text, s, e, "untranslated", prob,
                                       f"sentence detected as '{lang}' (p={prob:.2f}), not English"))
                continue
        if n_foreign > n_en and len(toks) <= 6:
            flags.append(make_flag(text, s, e, "untranslated", 0.8,
                                   f"{n_foreign} of {len(toks)} words are {'/'.join(langs)}, not English"))
            continue
        run: list[int] = []
        for i, k in enumerate(kinds + ["en"]):
            # a run of lower-case foreign words; Title Case runs are names ("Banco Santander")
            if k not in (None, "en") and (not run or toks[i].text.islower()):
                run.append(i)
                continue
            if len(run) >= 2:
                a, b = toks[run[0]], toks[run[-1]]
                flags.append(make_flag(text, a.start, b.end, "untranslated", 0.7,
                                       f"{len(run)} words in a row are not English ({'/'.join(langs)})"))
            run = [i] if k not in (None, "en") else []
    return flags
