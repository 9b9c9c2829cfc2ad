"""Detect a document's language: a fast function-word vote, then langdetect.

(Kana and hangul settle Japanese and Korean without either.)

langdetect costs ~5 ms a document whatever its length, which would be most
of a scan's time on a news dump. Most documents settle it in their first
words: running text is about 40% function words ("the", "of", "de", "la"...),
and which language's function words those are is rarely in doubt. So a
document whose function words vote clearly for one language gets it at once;
every other document (short, mixed, a script without such words) goes to
langdetect, which samples n-grams at random: we give each call its own seed so
results are reproducible without touching langdetect's global state.
``tests/test_language.py`` measures that the vote agrees with langdetect.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import regex
from langdetect import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from wordfreq import get_frequency_list, top_n_list

from dedupe import fastdetect

# The vote reads a few thousand characters; langdetect, whose cost grows with
# the text, is as sure on one thousand.
_SAMPLE_CHARS = 3000
_LANGDETECT_CHARS = 1000
# Languages voted on: those langdetect knows and wordfreq has word lists for,
# written with spaces between words.
_VOTING = ("en", "es", "fr", "de", "it", "pt", "nl", "sv", "da", "nb", "fi", "is", "pl", "cs", "sk", "sl",
           "sh", "ro", "hu", "tr", "id", "lt", "lv", "ru", "uk", "bg", "mk", "el", "ca", "vi")
# wordfreq's Serbo-Croatian list is what langdetect calls Croatian.
_LANGDETECT_NAME = {"sh": "hr"}
# Scripts that name their language outright.
_SCRIPTS = (("ja", regex.compile(r"[\p{Hiragana}\p{Katakana}]")), ("ko", regex.compile(r"\p{Hangul}")))
_FUNCTION_WORDS = 40
_MIN_WORDS = 12
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’]*")
# _WORD on lower-cased ASCII text, where the standard library's engine is twice as fast.
_ASCII_WORD = re.compile(r"[a-z][a-z']*")

_factory: DetectorFactory | None = None


def langdetect_factory() -> DetectorFactory:
    """langdetect's profiles, loaded once per process and shared (the scorer uses them too)."""
    global _factory
    if _factory is None:
        from langdetect.detector_factory import PROFILES_DIRECTORY

        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        _factory = factory
    return _factory


@lru_cache(maxsize=1)
def _function_words() -> dict[str, tuple[str, ...]]:
    """word -> the languages among whose most frequent words it is."""
    owners: dict[str, list[str]] = {}
    for lang in _VOTING:
        # The small lists have the same top words as the default (large) ones
        # (tests/test_language.py checks) and load five times faster: this runs
        # before the worker processes start, while the other cores wait.
        for word in top_n_list(lang, _FUNCTION_WORDS, wordlist="small"):
            owners.setdefault(word, []).append(lang)
        # wordfreq keeps every list it loaded (tens of MB each): keep only ours.
        get_frequency_list.cache_clear()
        top_n_list.cache_clear()
    return {w: tuple(langs) for w, langs in owners.items()}


def vote_language(text: str) -> str | None:
    """The language whose function words clearly dominate ``text``, else ``None``.

    Clearly: at least 12 words, a fifth of them function words of the winner,
    and the winner at least twice as frequent as the runner-up.

    >>> vote_language("The council said that it would vote on the plan at the end of the month, and " * 3)
    'en'
    >>> vote_language("Kim Jong Un") is None
    True
    """
    sample = text[:_SAMPLE_CHARS].lower()
    words = (_ASCII_WORD if sample.isascii() else _WORD).findall(sample)
    if len(words) < _MIN_WORDS:
        return None
    owners = _function_words()
    counts = Counter(words)
    votes: Counter[str] = Counter()
    # Only the distinct function words cost a Python step. The order of the
    # votes does not matter: a tie at the top is never a clear winner.
    for word in counts.keys() & owners.keys():
        for lang in owners[word]:
            votes[lang] += counts[word]
    ranked = votes.most_common(2)
    if not ranked:
        return None
    best, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if count >= 0.2 * len(words) and count >= 2 * runner_up:
        return _LANGDETECT_NAME.get(best, best)
    return None


def script_language(text: str) -> str | None:
    """``ja`` or ``ko`` when a fifth of the sample's letters are kana or hangul.

    >>> script_language("東京で会議が開かれました。首相は記者会見を行った。")
    'ja'
    """
    sample = text[:_SAMPLE_CHARS]
    letters = sum(map(str.isalpha, sample))
    for language, pattern in _SCRIPTS:
        if letters and len(pattern.findall(sample)) >= 0.2 * letters:
            return language
    return None


def langdetect_language(text: str, *, seed: int = 0) -> str | None:
    """langdetect's answer for ``text`` with a private seed, or ``None`` without letters."""
    sample = text[:_LANGDETECT_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    # 3 random trials instead of 7: 1.7x faster, and the same answer for 99%
    # of the documents the fast paths leave to langdetect (Reuters, WMT).
    try:
        return fastdetect.detect(langdetect_factory(), sample, seed=seed, n_trial=3).split("-")[0]
    except LangDetectException:
        return None


def detect_language(text: str, *, seed: int = 0) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when it has no letters.

    >>> detect_language("The talks ended this morning in the capital.")
    'en'
    """
    return vote_language(text) or script_language(text) or langdetect_language(text, seed=seed)


def warm_up() -> None:
    """Load the word lists and profiles now, e.g. before forking workers, so
    each worker does not load its own copy."""
    _function_words()
    langdetect_factory()
