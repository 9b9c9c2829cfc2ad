"""langdetect's ``Detector.detect``, computed faster, with the same answers.

langdetect spends most of a call in pure-Python loops: every character goes
through ``NGram.add_char`` (a Unicode-block lookup, then the n-gram buffer),
and every random trial updates 55 language probabilities one by one. Here
the same steps are taken in bulk: characters are normalised through a
``str.translate`` table filled on first use, the n-grams of a word are
worked out once per distinct word (a word's n-grams do not depend on its
neighbours: the buffer restarts at every space), and a trial multiplies
numpy rows. The random draws, the order of the n-grams, every product and
the sequential sums are langdetect's own, so the probabilities are equal to
the last bit (``tests/test_language.py`` compares both on real text).

>>> from dedupe.language import langdetect_factory
>>> detect(langdetect_factory(), "Die Regierung hat am Montag neue Regeln beschlossen.", seed=0, n_trial=3)
'de'
"""
from __future__ import annotations

import random
import re
from collections import Counter

import numpy as np
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.language import Language
from langdetect.utils.ngram import NGram

_SPACES = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")
# Distinct words whose n-grams are remembered before the table is emptied.
_MAX_WORDS = 200_000


class _Normalised(dict):
    """``ord(ch) -> NGram.normalize(ch)``, for ``str.translate``; filled on first use."""

    def __missing__(self, code: int) -> str:
        value = self[code] = NGram.normalize(chr(code))
        return value


_NORMALISED = _Normalised()
_grams: dict[tuple[str, bool], list[str]] = {}
_rows: dict[int, dict[str, np.ndarray]] = {}


def _word_grams(word: str, spaced: bool, known: dict) -> list[str]:
    """The n-grams langdetect takes from ``word`` (no spaces; ``spaced``: a space
    follows it), in its order: for each character, the 1-, 2- and 3-gram ending
    there, skipping the second and later letters of a run of capitals."""
    s = " " + word + (" " if spaced else "")
    found = []
    for j in range(1, len(s)):
        if s[j].isupper() and s[j - 1].isupper():
            continue
        buffer = s[max(0, j - 2) : j + 1]
        for n in range(1, len(buffer) + 1):
            gram = buffer[-n:]
            if gram != " " and gram in known:
                found.append(gram)
    return found


def _ngrams(text: str, known: dict) -> list[str]:
    """``Detector._extract_ngrams`` of the appended, cleaned ``text``."""
    if len(_grams) > _MAX_WORDS:
        _grams.clear()
    words = text.translate(_NORMALISED).split(" ")
    found: list[str] = []
    last = len(words) - 1
    for k, word in enumerate(words):
        if word:
            key = (word, k < last)
            grams = _grams.get(key)
            if grams is None:
                grams = _grams[key] = _word_grams(word, k < last, known)
            found += grams
    return found


def _clean(text: str) -> str:
    """``Detector.append`` then ``cleaning_text``: URLs and e-mail addresses
    blanked, Vietnamese marks composed, runs of spaces collapsed; Latin letters
    dropped from a text mostly in another script. (langdetect means to spare
    the Latin Extended Additional block there, but compares its number with a
    name, so it counts every character from U+0300.)"""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = _SPACES.sub(" ", NGram.normalize_vi(text)[:10_000])
    counts = Counter(text)
    latin = sum(c for ch, c in counts.items() if "A" <= ch <= "z")
    other = sum(c for ch, c in counts.items() if not "A" <= ch <= "z" and ch >= "\u0300")
    return _LATIN.sub("", text) if latin * 2 < other else text


def _row(factory, gram: str) -> np.ndarray:
    rows = _rows.setdefault(id(factory), {})
    row = rows.get(gram)
    if row is None:
        row = rows[gram] = np.array(factory.word_lang_prob_map[gram], dtype=np.float64)
    return row


def probabilities(factory, text: str, *, seed: int, n_trial: int) -> list[Language]:
    """``factory.create()`` with ``seed`` and ``n_trial``, ``append(text)``,
    ``get_probabilities()``: the likely languages, likeliest first, with the
    same probabilities; raises ``LangDetectException`` where langdetect does
    (a text without n-grams).

    >>> from dedupe.language import langdetect_factory
    >>> probabilities(langdetect_factory(), "Die Regierung hat neue Regeln beschlossen.", seed=0, n_trial=7)[0].lang
    'de'
    """
    ngrams = _ngrams(_clean(text), factory.word_lang_prob_map)
    if not ngrams:
        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    langs = factory.langlist
    langprob = np.zeros(len(langs))
    rng = random.Random()
    rng.seed(seed)
    for _ in range(n_trial):
        prob = np.full(len(langs), 1.0 / len(langs))
        weight = (Detector.ALPHA_DEFAULT + rng.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH) / Detector.BASE_FREQ
        i = 0
        while True:
            prob *= weight + _row(factory, rng.choice(ngrams))
            if i % 5 == 0:
                prob /= sum(prob.tolist())  # langdetect's sequential sum of a list
                if prob.max() > Detector.CONV_THRESHOLD or i >= Detector.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / n_trial
    result = [Language(lang, p) for lang, p in zip(langs, langprob.tolist()) if p > Detector.PROB_THRESHOLD]
    result.sort(reverse=True)
    return result


def detect(factory, text: str, *, seed: int, n_trial: int) -> str:
    """``factory.create()`` with ``seed`` and ``n_trial``, ``append(text)``, ``detect()``:
    the same language (``"unknown"`` when none is likely); raises
    ``LangDetectException`` where langdetect does (a text without n-grams)."""
    result = probabilities(factory, text, seed=seed, n_trial=n_trial)
    return result[0].lang if result else Detector.UNKNOWN_LANG
