"""Word-frequency look-ups shared by the signals: English, and frequent words of other languages.

The English list is wordfreq's ``best`` list (about 320k forms, Zipf scale: 7 for
"the", 3 for a word seen once per million words, 0 for a form it has never seen).
Other languages use wordfreq's lists too, kept only for words that are
frequent there and rare in English, so a word such as "hinterlassen" or "muchas" can be
recognised as foreign without a hand-written list.

Tables load on first use and are cached for the process: importing this module
costs nothing.
"""
from __future__ import annotations

from functools import lru_cache

from .tablecache import disk_cached

#: Languages whose frequent words mark a Latin-script span as untranslated.
FOREIGN_LANGUAGES = (
    "es", "pt", "fr", "de", "it", "nl", "tr", "sh", "pl", "cs", "sk", "sl",
    "ro", "sv", "da", "nb", "fi", "hu", "id", "ca", "lt", "lv",
)

#: Closed-class English words by grammatical class: grammar, not content. Used to
#: tell content words apart (alignment, repeats), to read the shape of a dropped
#: word, and as word classes for [improbable] (a noun is seldom followed by *any*
#: determiner, which a corpus can show even for a noun it has seen only 100 times).
FUNCTION_CLASSES = {
    "determiner": "a an the this these those my your his its our their some any no every each",
    # "that" and "her" each play two parts (determiner and conjunction, or pronoun): each its own class
    "that": "that",
    "her": "her",
    "of": "of",
    "to": "to",
    "preposition": """in on at by for with from into onto upon about over under after before between
        through during without within against among toward towards across behind beyond near""",
    "conjunction": "and or but nor so yet if than as because while although though whether since until",
    "pronoun": "i you he she it we they me him us them who whom whose which what where when why how",
    "auxiliary": """is are was were be been being am has have had do does did will would shall
        should can could may might must not""",
    "adverb": "also very just only even then there here too",
}
#: Word -> class name; a word listed in two classes keeps the first.
FUNCTION_CLASS = {w: c for c, ws in reversed(FUNCTION_CLASSES.items()) for w in ws.split()}
FUNCTION_WORDS = frozenset(FUNCTION_CLASS)


#: A word counts as frequent in another language from this Zipf up.
FOREIGN_ZIPF = 3.3


def _buckets(lang: str, wordlist: str = "best") -> list[list[str]]:
    # wordfreq's bucket lists (cached by wordfreq)
    import wordfreq

    return wordfreq.get_frequency_list(lang, wordlist=wordlist)


def _zipf_of_bucket(index: int) -> float:
    # bucket i holds the words of frequency 10 ** (-i / 100), i.e. Zipf 9 - i / 100
    return round(9 - index / 100, 2)


@lru_cache(maxsize=1)
def english_table() -> dict[str, float]:
    """Zipf frequency of every English form wordfreq knows.

    >>> english_table()["the"] > 7
    True
    """
    table: dict[str, float] = {}
    for i, bucket in enumerate(_buckets("en")):
        table.update(dict.fromkeys(bucket, _zipf_of_bucket(i)))  # C-level: the list has 320k forms
    return table


@lru_cache(maxsize=1)
@disk_cached("foreign", sources=[__file__], packages=["wordfreq"])
def foreign_table() -> dict[str, str]:
    """Map a word that is frequent in another language but rare in English to that language.

    Built once from wordfreq's lists, then read from the disk cache (:mod:`.tablecache`).
    A word kept here has Zipf >= FOREIGN_ZIPF in its language and < 2.5 in English,
    so "vas" (Serbo-Croatian "you", also English "vas") is not taken as foreign while
    "hinterlassen" is.

    >>> foreign_table()["hinterlassen"]
    'de'
    """
    english = english_table()
    # set operations, not a loop per word: the lists hold about a million forms
    known = {w for w, z in english.items() if z >= 2.5}
    table: dict[str, str] = {}
    for lang in FOREIGN_LANGUAGES:
        frequent = set()
        # the "small" lists hold every word down to Zipf 3 with the frequencies of the
        # full ones, and read several times faster
        for i, bucket in enumerate(_buckets(lang, "small")):
            if _zipf_of_bucket(i) < FOREIGN_ZIPF:
                break
            frequent.update(bucket)
        frequent -= known
        # a word frequent in two languages keeps the first; testing this language's
        # words against the table, not the growing table against them
        table.update(dict.fromkeys((w for w in frequent if len(w) >= 2 and w not in table), lang))
    return table


def zipf(word: str) -> float:
    """English Zipf frequency of ``word`` (lower-cased), 0.0 when unknown.

    >>> zipf("Relations") > 4, zipf("relationsof")
    (True, 0.0)
    """
    return english_table().get(word.lower(), 0.0)
