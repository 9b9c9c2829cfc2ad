"""Word-frequency look-ups shared by the signals: English, and frequent words of other languages.

The English list is wordfreq's ``best`` list (about 320k forms, Zipf scale: 7 for
"the", 3 for a word seen once per million words, 0 for a form it has never seen).
Other languages use wordfreq's ``small`` lists, kept only for words that are
frequent there and rare in English, so a word such as "hinterlassen" or "muchas" can be
recognised as foreign without a hand-written list.

Tables load on first use and are cached for the process: importing this module
costs nothing.
"""
from __future__ import annotations

from functools import lru_cache

#: Languages whose frequent words mark a Latin-script span as untranslated.
FOREIGN_LANGUAGES = (
    "es", "pt", "fr", "de", "it", "nl", "tr", "sh", "pl", "cs", "sk", "sl",
    "ro", "sv", "da", "nb", "fi", "hu", "id", "ca", "lt", "lv",
)

#: Closed-class English words: grammar, not content. Used to tell content words
#: apart (alignment, repeats) and to read the shape of a dropped word.
FUNCTION_WORDS = frozenset(
    """a an the this that these those my your his her its our their some any no every each
    of to in on at by for with from into onto upon about over under after before between
    through during without within against among toward towards across behind beyond near
    and or but nor so yet if than as because while although though whether since until
    i you he she it we they me him us them who whom whose which what where when why how
    is are was were be been being am has have had do does did will would shall should can
    could may might must not also very just only even then there here too""".split()
)


#: A word counts as frequent in another language from this Zipf up.
FOREIGN_ZIPF = 3.3


def _buckets(lang: str, wordlist: str) -> list[list[str]]:
    # Read the packed list directly: wordfreq's own dict loaders cache for the whole
    # process, which would hold every language in memory twice.
    import wordfreq

    return wordfreq.read_cBpack(wordfreq.available_languages(wordlist)[lang])


def _zipf_of_bucket(index: int) -> float:
    # bucket i holds the words of frequency 10 ** (-i / 100), i.e. Zipf 9 - i / 100
    return round(9 - index / 100, 2)


@lru_cache(maxsize=1)
def english_table() -> dict[str, float]:
    """Zipf frequency of every English form wordfreq knows.

    >>> english_table()["the"] > 7
    True
    """
    return {w: _zipf_of_bucket(i) for i, bucket in enumerate(_buckets("en", "best")) for w in bucket}


@lru_cache(maxsize=1)
def foreign_table() -> dict[str, str]:
    """Map a word that is frequent in another language but rare in English to that language.

    Built once from wordfreq's small lists; a word kept here has Zipf >= FOREIGN_ZIPF in its
    language and < 2.5 in English, so "vas" (Serbo-Croatian "you", also English "vas")
    is not taken as foreign while "hinterlassen" is.

    >>> foreign_table()["hinterlassen"]
    'de'
    """
    english = english_table()
    table: dict[str, str] = {}
    for lang in FOREIGN_LANGUAGES:
        for i, bucket in enumerate(_buckets(lang, "small")):
            z = _zipf_of_bucket(i)
            if z < FOREIGN_ZIPF:
                break
            for w in bucket:
                if len(w) >= 2 and english.get(w, 0.0) < 2.5:
                    table.setdefault(w, lang)
    return table


def zipf(word: str) -> float:
    """English Zipf frequency of ``word`` (lower-cased), 0.0 when unknown.

    >>> zipf("Relations") > 4, zipf("relationsof")
    (True, 0.0)
    """
    return english_table().get(word.lower(), 0.0)
