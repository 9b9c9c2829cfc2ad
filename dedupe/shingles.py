"""Turn a document's text into terms and hashed shingles.

Copies of one story that went through different translators share almost no
word n-grams, but they keep the *salient* words: names, numbers and the rarer
content words ("liberation", "summit", "Donetsk"). So the default shingle is
the set of salient terms:

* words are NFKC-folded, case-folded and transliterated to ASCII (``anyascii``)
  so "Путин", "Pútin" and "Putin" meet, and cut to a ``stem``-character prefix
  so "liberation", "liberated" and Spanish "liberación" meet;
* each word's background frequency comes from ``wordfreq`` in the document's
  language; words more common than ``max_zipf`` (on the Zipf scale: 6 = once per
  thousand words) carry no evidence and are left out;
* numbers keep their digits ("10,000" -> "#10000"), single digits are dropped;
* Chinese and Japanese clauses are cut into words (see ``_words``).

``kind="word"`` gives classic word n-grams for comparison with other tools.

>>> terms = extract_terms("Putin praised the liberation of Kursk in 2024.", "en")
>>> [t.key for t in terms if t.zipf < 5.0]
['putin', 'praise', 'libera', 'kursk', '#2024']
"""
from __future__ import annotations

import bisect
import math
import re
from array import array

import regex
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import numpy as np
import xxhash
from anyascii import anyascii
from wordfreq import available_languages, cB_to_freq, get_frequency_list

from dedupe.errors import ConfigError
from dedupe.normalise import fold

# Letters with their combining marks, so Devanagari or Bengali words stay whole.
_WORD = regex.compile(r"\d+(?:[.,]\d{3})*(?:[.,]\d+)?|\p{L}[\p{L}\p{M}]*(?:['-]\p{L}[\p{L}\p{M}]*)*")
# Chinese and Japanese write no spaces: a "word" between two punctuation marks
# is a whole clause. It is cut where the script changes (Japanese katakana
# names and loanwords, kanji compounds), kanji runs into overlapping pairs of
# characters (most Chinese and Japanese words are two characters: the bigrams
# of CJK search engines); hiragana runs are particles and endings, dropped.
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_CJK_PIECE = regex.compile(r"(\p{Han}+)|\p{Hiragana}+|([\p{Katakana}\u30fc]+)|([^\p{Han}\p{Hiragana}\p{Katakana}\u30fc]+)")
_WORDFREQ_LANGS = frozenset(available_languages())
# A number's "frequency" for weighting: as telling as a fairly rare word.
NUMBER_ZIPF = 3.0


class Term(NamedTuple):
    """One word occurrence: its matching ``key``, its background Zipf frequency
    and the key's 32-bit ``hash``. (A tuple, so sets of terms hash in C.)"""

    key: str
    zipf: float
    hash: int


@dataclass(frozen=True, slots=True)
class Features:
    """What grouping keeps of one document, in compact arrays.

    ``shingles``: distinct shingle hashes to sign; ``terms``: distinct term
    hashes and ``zipfs`` their background frequencies, for verification.
    """

    shingles: np.ndarray
    terms: np.ndarray
    zipfs: np.ndarray


@lru_cache(maxsize=None)
def _frequencies(language: str) -> tuple[np.ndarray, np.ndarray]:
    """wordfreq's list for ``language`` as the sorted 64-bit hashes of its words
    and their frequencies (what ``get_frequency_dict`` maps them to): 16 bytes
    a word, where that dict holds ~130 -- the few lists each worker process
    loads (English, Russian, Chinese...) were 300 MB of its memory. Looked up
    directly rather than through wordfreq's ``zipf_frequency``, which
    re-tokenises every word and needs MeCab/jieba for Japanese and Chinese."""
    buckets = get_frequency_list(language)
    keys = np.fromiter((_word_hash(w) for bucket in buckets for w in bucket), dtype=np.uint64)
    freqs = np.repeat([cB_to_freq(-index) for index in range(len(buckets))], [len(b) for b in buckets])
    get_frequency_list.cache_clear()  # wordfreq keeps every list it loaded
    order = np.argsort(keys, kind="stable")
    keys, freqs = keys[order], freqs[order]
    last = np.append(keys[1:] != keys[:-1], True)  # a word listed twice: its last bucket, as the dict has it
    return keys[last], freqs[last]


def _word_hash(word: str) -> int:
    return xxhash.xxh3_64_intdigest(word.encode("utf-8", "surrogatepass"))


def zipf(word: str, language: str) -> float:
    """Zipf frequency of a case-folded ``word`` (0 for unknown words).

    >>> zipf("the", "en") > 7 > zipf("pyongyang", "en") > 0 == zipf("xqzzv", "en")
    True
    """
    keys, freqs = _frequencies(language if language in _WORDFREQ_LANGS else "en")
    key = np.uint64(_word_hash(word))  # a Python int would make numpy convert the whole array
    at = int(keys.searchsorted(key))
    return math.log10(freqs[at]) + 9.0 if at < len(keys) and keys[at] == key else 0.0


@lru_cache(maxsize=1 << 20)
def _term(word: str, language: str, stem: int) -> Term | None:
    if word[0].isdigit():
        digits = re.sub(r"\D", "", word)
        return Term("#" + digits, NUMBER_ZIPF, hash_key("#" + digits)) if len(digits) > 1 else None
    ascii_word = anyascii(word).lower().replace("'", "")
    if not ascii_word or not ascii_word[0].isalpha():
        return None
    key = ascii_word[:stem]
    return Term(key, zipf(word, language), hash_key(key))


class _Vocabulary:
    """Raw token -> ids of its terms, for one language and stem length.

    Tokens are split on white space (in C) and looked up in a dict; only a token
    never seen before goes through the word pattern, word frequencies and
    transliteration. Term hashes and frequencies sit in flat arrays, so a
    document's features are numpy lookups by id.
    """

    # Tokens remembered before the tables are emptied: bounds memory on dumps
    # full of distinct numbers.
    MAX_TOKENS = 2_000_000

    def __init__(self, language: str, stem: int):
        self.language = language
        self.stem = stem
        self.clear()

    def clear(self) -> None:
        self.token_ids: dict[str, tuple[int, ...]] = {}
        self.term_ids: dict[Term, int] = {}
        self.terms: list[Term] = []
        self.hashes = array("I")
        self.zipfs = array("f")

    def _learn(self, token: str) -> tuple[int, ...]:
        ids = []
        for word in _words(token):
            term = _term(word, self.language, self.stem)
            if term is None:
                continue
            tid = self.term_ids.get(term)
            if tid is None:
                tid = self.term_ids[term] = len(self.terms)
                self.terms.append(term)
                self.hashes.append(term.hash)
                self.zipfs.append(term.zipf)
            ids.append(tid)
        self.token_ids[token] = tuple(ids)
        return self.token_ids[token]

    def bound(self) -> None:
        """Empty the tables once they hold ``MAX_TOKENS`` tokens. Only between
        documents (or batches): ids handed out earlier mean nothing after it."""
        if len(self.token_ids) > self.MAX_TOKENS:
            self.clear()

    def lookup(self, tokens: Iterable[str]) -> list[tuple[int, ...]]:
        """Term ids of each token; a token met for the first time is learnt."""
        tokens = tokens if isinstance(tokens, list) else list(tokens)
        found = list(map(self.token_ids.get, tokens))
        if None in found:
            found = [ids if ids is not None else self._learn(tok) for ids, tok in zip(found, tokens)]
        return found

    def ids(self, text: str) -> np.ndarray:
        """Term ids of ``text`` in reading order."""
        self.bound()
        return np.fromiter(chain.from_iterable(self.lookup(fold(text).split())), dtype=np.int64)


def _words(token: str) -> Iterable[str]:
    """The words of one white-space token (see ``_CJK_PIECE`` for Chinese and Japanese).

    >>> list(_words("ウェストは結婚の暴露後"))
    ['ウェスト', '結婚', '暴露', '露後']
    """
    for word in _WORD.findall(token):
        if not _CJK.search(word):
            yield word
            continue
        for han, katakana, other in _CJK_PIECE.findall(word):
            if han:
                yield from (han[i : i + 2] for i in range(max(1, len(han) - 1)))
            elif katakana or other:
                yield katakana or other


@lru_cache(maxsize=None)
def _vocabulary(language: str, stem: int) -> _Vocabulary:
    return _Vocabulary(language, stem)


def _checked_vocabulary(language: str | None, stem: int) -> _Vocabulary:
    if stem < 3:
        raise ConfigError(f"stem={stem} is too short to keep words apart; use 3 or more (default 6)")
    return _vocabulary(language if language in _WORDFREQ_LANGS else "en", stem)


def extract_terms(text: str, language: str | None, *, stem: int = 6) -> list[Term]:
    """Terms of ``text`` in reading order. ``language`` picks the wordfreq list
    (English when unknown or unsupported)."""
    vocabulary = _checked_vocabulary(language, stem)
    return [vocabulary.terms[i] for i in vocabulary.ids(text).tolist()]


@lru_cache(maxsize=1 << 20)
def hash_key(key: str) -> int:
    """32-bit hash of a shingle, as datasketch's MinHash expects."""
    return xxhash.xxh32_intdigest(key.encode("utf-8"))


def shingles(
    terms: list[Term], *, kind: str = "salient", ngram: int = 1, max_zipf: float = 5.0
) -> np.ndarray:
    """Distinct 32-bit shingle hashes of one document (``uint64`` array, sorted).

    ``kind="salient"``: ``ngram``-grams of consecutive salient terms.
    ``kind="word"``: ``ngram``-grams of all terms (the classic setting).
    """
    if kind not in ("salient", "word"):
        raise ConfigError(f"shingle kind {kind!r} is unknown; use 'salient' or 'word'")
    if ngram < 1:
        raise ConfigError(f"ngram={ngram} must be 1 or more")
    chosen = [t for t in terms if kind == "word" or t.zipf < max_zipf]
    if ngram == 1:
        hashes = [t.hash for t in chosen]
    else:
        hashes = [hash_key(" ".join(t.key for t in chosen[i : i + ngram])) for i in range(len(chosen) - ngram + 1)]
    return np.unique(np.array(hashes, dtype=np.uint64))


def featurize(
    text: str,
    language: str | None,
    *,
    kind: str = "salient",
    ngram: int = 1,
    stem: int = 6,
    max_zipf: float = 5.0,
) -> Features:
    """Everything grouping needs from one (boilerplate-free) text.

    >>> f = featurize("Putin met Kim in Pyongyang; Putin left.", "en")
    >>> len(f.terms) == len(set(f.terms.tolist())), len(f.shingles)
    (True, 3)
    """
    return featurize_many([text], [language], kind=kind, ngram=ngram, stem=stem, max_zipf=max_zipf)[0]


def featurize_many(
    texts: Sequence[str],
    languages: Sequence[str | None],
    *,
    kind: str = "salient",
    ngram: int = 1,
    stem: int = 6,
    max_zipf: float = 5.0,
) -> list[Features]:
    """:func:`featurize` for many texts at once, with the same result per text.

    Each distinct token of a text is looked up once; then hashes, frequencies
    and the distinct terms of the whole batch are found by a few numpy calls,
    where one call per document would cost more than the lookups themselves.

    >>> a, b = featurize_many(["Putin met Kim in Pyongyang.", "It was in Lisbon."], ["en", "en"])
    >>> len(a.shingles), len(b.shingles)
    (3, 1)
    """
    if kind not in ("salient", "word"):
        raise ConfigError(f"shingle kind {kind!r} is unknown; use 'salient' or 'word'")
    if ngram < 1:
        raise ConfigError(f"ngram={ngram} must be 1 or more")
    if len(texts) != len(languages):
        raise ConfigError(f"{len(texts)} texts but {len(languages)} languages: give one language per text")
    vocabularies = [_checked_vocabulary(language, stem) for language in languages]
    if not texts:
        return []
    if ngram > 1:
        return [_featurize_ngrams(t, v, kind=kind, ngram=ngram, max_zipf=max_zipf) for t, v in zip(texts, vocabularies)]
    for vocabulary in set(vocabularies):
        vocabulary.bound()
    # Unigrams need no order: the distinct tokens of a text are enough.
    found = [list(chain.from_iterable(v.lookup(set(fold(t).split())))) for t, v in zip(texts, vocabularies)]
    doc = np.repeat(np.arange(len(texts)), [len(ids) for ids in found])
    hashes = np.empty(len(doc), dtype=np.uint32)
    zipfs = np.empty(len(doc), dtype=np.float32)
    for vocabulary in set(vocabularies):
        mine = np.array([v is vocabulary for v in vocabularies])
        ids = np.fromiter(chain.from_iterable(f for f, m in zip(found, mine) if m), dtype=np.int64)
        at = mine[doc]
        # Unnamed views, gone once indexed: a view kept in a local outlives the call
        # when a sampling profiler (Dask's workers run one) holds this frame, and the
        # next new word then cannot grow the arrays (BufferError).
        hashes[at] = np.frombuffer(vocabulary.hashes, dtype=np.uint32)[ids]
        zipfs[at] = np.frombuffer(vocabulary.zipfs, dtype=np.float32)[ids]
    # One key can carry two zipf values (two words with one stem): keep the
    # lowest, so the row does not depend on which word this process met first.
    order = np.lexsort((zipfs, hashes, doc))
    doc, hashes, zipfs = doc[order], hashes[order], zipfs[order]
    first = np.ones(len(doc), dtype=bool)
    first[1:] = (doc[1:] != doc[:-1]) | (hashes[1:] != hashes[:-1])
    doc, hashes, zipfs = doc[first], hashes[first], zipfs[first]
    chosen = np.ones(len(doc), dtype=bool) if kind == "word" else zipfs < max_zipf
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1))
    chosen_bounds = np.concatenate(([0], np.cumsum(chosen)))[bounds]
    sets = hashes[chosen].astype(np.uint64)
    return [
        Features(shingles=sets[c0:c1], terms=hashes[t0:t1], zipfs=zipfs[t0:t1])
        for t0, t1, c0, c1 in zip(bounds[:-1], bounds[1:], chosen_bounds[:-1], chosen_bounds[1:])
    ]


def pack_features(features: Sequence[Features]) -> tuple[np.ndarray, ...]:
    """Many documents' features as four flat arrays: what a worker process sends
    back for a chunk of documents. Pickling one object (and three arrays) per
    document costs tens of microseconds each; four arrays cost almost nothing.

    >>> features = featurize_many(["Kim met Putin.", ""], ["en", "en"])
    >>> [f.terms.tolist() for f in unpack_features(pack_features(features))] == [f.terms.tolist() for f in features]
    True
    """
    lengths = np.array([(len(f.shingles), len(f.terms)) for f in features], dtype=np.int64).reshape(-1, 2)
    if not len(features):
        return lengths, np.empty(0, np.uint64), np.empty(0, np.uint32), np.empty(0, np.float32)
    return (lengths, np.concatenate([f.shingles for f in features]), np.concatenate([f.terms for f in features]),
            np.concatenate([f.zipfs for f in features]))


def unpack_features(packed: tuple[np.ndarray, ...]) -> list[Features]:
    """The features :func:`pack_features` packed (views into its arrays)."""
    lengths, shingle_values, terms, zipfs = packed
    s_ends, t_ends = np.cumsum(lengths[:, 0]).tolist(), np.cumsum(lengths[:, 1]).tolist()
    return [Features(shingles=shingle_values[s0:s1], terms=terms[t0:t1], zipfs=zipfs[t0:t1])
            for s0, s1, t0, t1 in zip([0, *s_ends], s_ends, [0, *t_ends], t_ends)]


class FeatureTable(Sequence):
    """Many documents' features kept as the packs analysis returns them
    (:func:`pack_features`, shingles narrowed to their 32 bits), not as a
    :class:`Features` object per document: a million documents' features are
    a few flat arrays instead of four million small objects. Indexing gives a
    document's :class:`Features`; signing and term weighting read the packs.
    """

    def __init__(self) -> None:
        self.packs: list[tuple[np.ndarray, ...]] = []
        self._ends: list[int] = []

    def append(self, packed: tuple[np.ndarray, ...]) -> None:
        """Add the next documents' :func:`pack_features`."""
        lengths, shingle_values, terms, zipfs = packed
        self.packs.append((lengths, shingle_values.astype(np.uint32), terms, zipfs))
        self._ends.append(len(self) + len(lengths))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        k = bisect.bisect_right(self._ends, index)
        lengths, shingle_values, terms, zipfs = self.packs[k]
        row = index - (self._ends[k - 1] if k else 0)
        s0, t0 = lengths[:row].sum(axis=0).tolist() if row else (0, 0)
        s1, t1 = s0 + int(lengths[row, 0]), t0 + int(lengths[row, 1])
        return Features(shingles=shingle_values[s0:s1].astype(np.uint64), terms=terms[t0:t1], zipfs=zipfs[t0:t1])

    def shingle_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every document's shingles end to end (uint32), and each document's count."""
        if not self.packs:
            return np.empty(0, np.uint32), np.empty(0, np.int64)
        return (np.concatenate([p[1] for p in self.packs]),
                np.concatenate([p[0][:, 0] for p in self.packs]).astype(np.int64))

    def batches(self, size: int, *, release: bool = False) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """``(term counts, terms, zipfs)`` of consecutive runs of about ``size``
        documents (whole packs), in order. ``release``: each run's packs leave
        the table as it is given (the table is empty at the end)."""
        run: list[tuple[np.ndarray, ...]] = []
        held = 0
        packs = self._release() if release else iter(self.packs)
        for pack in packs:
            run.append(pack)
            held += len(pack[0])
            if held >= size:
                yield _term_arrays(run)
                run, held = [], 0
        if run:
            yield _term_arrays(run)

    def _release(self) -> Iterator[tuple[np.ndarray, ...]]:
        self.packs.reverse()  # popped from the end: each pop is O(1)
        self._ends = []
        while self.packs:
            yield self.packs.pop()


def _term_arrays(packs: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.concatenate([p[0][:, 1] for p in packs]).astype(np.int64), np.concatenate([p[2] for p in packs]),
            np.concatenate([p[3] for p in packs]))


def _featurize_ngrams(text: str, vocabulary: _Vocabulary, *, kind: str, ngram: int, max_zipf: float) -> Features:
    """:func:`featurize` with ``ngram > 1``: shingles need the terms in reading order."""
    ids = vocabulary.ids(text)
    distinct = np.unique(ids)
    hashes = np.frombuffer(vocabulary.hashes, dtype=np.uint32)[distinct]
    zipfs = np.frombuffer(vocabulary.zipfs, dtype=np.float32)[distinct]
    sets = shingles([vocabulary.terms[i] for i in ids.tolist()], kind=kind, ngram=ngram, max_zipf=max_zipf)
    order = np.lexsort((zipfs, hashes))
    hashes, first = np.unique(hashes[order], return_index=True)
    return Features(shingles=sets, terms=hashes, zipfs=zipfs[order][first])
