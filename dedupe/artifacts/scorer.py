"""ArtifactScorer: fit corpus evidence once, then flag garbled spans document by document."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import xxhash

from dedupe.errors import ConfigError
from dedupe.types import Flag, Span

from .align import find_divergent
from .casing import find_capitalisation
from .consensus import MIN_VOTERS, Copy, find_consensus, votes
from .corpus import CorpusStats, CorpusView
from .debris import find_debris
from .foreign import english_share, find_untranslated
from .grammar import find_dropped, find_duplicated
from .lexicon import english_table
from .lm import MIN_EXPECTED, BigramModel, find_improbable
from .text import Tokens
from .words import RARE_ZIPF, find_glued, find_misspellings, rare_words

#: Texts whose single-document flags are kept: the pipeline scores every copy
#: alone, then again against its cluster (a few flags per text: small).
CACHE_SIZE = 200_000
#: Other copies that vote on a copy's wording: enough for a clear majority, and a
#: story with dozens of copies costs members x MAX_VOTERS alignments, not members squared.
MAX_VOTERS = 6
#: Below this share of English words a text is in another language, not English with foreign spans.
MIN_ENGLISH_SHARE = 0.5

#: Every flag kind, in the order the README documents them.
KINDS = ("glued", "misspelling", "dropped", "duplicated", "debris", "untranslated",
         "capitalisation", "improbable", "divergent", "name")


class ArtifactScorer:
    """Flag garbled phrasing in a document, alone or against its cluster's canonical copy.

    ``fit`` reads the scanned corpus once for the evidence that no word list holds:
    which unknown forms are names or terms (capitalised, or used in several
    documents), how names are capitalised, and a bigram model for [improbable].
    ``score`` then returns the flags of one text and its ``artifact_score``: the
    summed score of its flags per 1,000 characters (0 for a clean text).

    >>> scorer = ArtifactScorer().fit(["The talks ended.", "Talks resumed on Monday."])
    >>> flags, score = scorer.score("The talks ended the of week.")
    >>> [(f.kind, f.text) for f in flags], round(score, 1)
    ([('dropped', 'the of')], 26.8)
    """

    def __init__(self, *, min_score: float = 0.5, seed: int = 0, kinds: Sequence[str] = KINDS,
                 min_expected: float = MIN_EXPECTED):
        if not isinstance(min_score, (int, float)) or not 0.0 <= min_score <= 1.0:
            raise ConfigError(f"min_score={min_score!r} is outside [0, 1]; flag scores are in [0, 1], try 0.5")
        if not isinstance(seed, int) or seed < 0:
            raise ConfigError(f"seed={seed!r} must be a non-negative int (it seeds langdetect), e.g. 0")
        if isinstance(kinds, str) or not set(kinds) <= set(KINDS) or not kinds:
            raise ConfigError(f"kinds={kinds!r} must be a non-empty list drawn from {', '.join(KINDS)}")
        if not isinstance(min_expected, (int, float)) or min_expected <= 0:
            raise ConfigError(f"min_expected={min_expected!r} must be > 0 (expected pair count, e.g. 20.0)")
        self.min_score = float(min_score)
        self.seed = seed
        self.kinds = frozenset(kinds)
        self.min_expected = float(min_expected)
        self._stats = CorpusStats()
        self._model = BigramModel()
        self._fitted: set[int] = set()
        self._copies: dict[int, tuple[Tokens, Copy]] = {}
        self._alone: dict[int, list[Flag]] = {}

    def _prepared(self, text: str) -> tuple[Tokens, Copy]:
        # every member of a cluster is scored against the same reference and others
        key = hash(text)
        hit = self._copies.get(key)
        if hit is None:
            if len(self._copies) >= 256:
                self._copies.clear()
            tk = Tokens(text)
            hit = self._copies[key] = (tk, Copy(tk))
        return hit

    def fit(self, texts: Iterable[str]) -> ArtifactScorer:
        """Count the corpus: name evidence, capitalisation and the bigram model. Returns self."""
        if isinstance(texts, str):
            raise ConfigError("fit() takes an iterable of documents, not one string; wrap it: fit([text])")
        for text in texts:
            tk = Tokens(text)
            self._stats.add(tk)
            self._model.add(tk)
            self._fitted.add(_text_key(text))
        self._alone.clear()
        return self

    def score(self, text: str, *, reference: str | None = None, skip: Sequence[Span] = (),
              others: Sequence[str] = ()) -> tuple[list[Flag], float]:
        """Flags on ``text`` (none inside ``skip`` spans) and the document's artifact_score.

        ``reference`` is the canonical copy's text; it enables [divergent] and [name].
        ``others`` are the texts of the cluster's other copies (the reference may be
        among them): with MIN_VOTERS or more, their consensus wording adds [divergent]
        flags (see :mod:`dedupe.artifacts.consensus`).
        """
        if isinstance(others, str):
            raise ConfigError("others= takes a list of the other copies' texts, not one string; wrap it: others=[text]")
        copies = [c for c in dict.fromkeys([reference, *others]) if c is not None and c != text]
        cluster = reference is not None or len(copies) >= MIN_VOTERS
        key = hash(text)
        cached = self._alone.get(key)
        tk = None
        if cached is None or cluster:
            tk = self._prepared(text)[0] if cluster else Tokens(text)
        if cached is None:
            cached = self._single(tk, _text_key(text) in self._fitted)
            if len(self._alone) >= CACHE_SIZE:
                self._alone.clear()
            self._alone[key] = cached
        flags = list(cached)
        on = self.kinds
        if reference is not None and on & {"divergent", "name"}:
            ref_tk, ref_copy = self._prepared(reference)
            flags += [f for f in find_divergent(tk, ref_tk, self._model, doc_stems=self._prepared(text)[1].stems,
                                                ref_stems=ref_copy.stems) if f.kind in on]
        if "divergent" in on and len(copies) >= MIN_VOTERS:
            stems = self._prepared(text)[1].stems
            flags += find_consensus(tk, votes(stems, [self._prepared(c)[1] for c in copies[:MAX_VOTERS]]))
        kept = _resolve(flags, skip, self.min_score)
        return kept, 1000.0 * sum(f.score for f in kept) / max(len(text), 1)

    def __getstate__(self) -> dict:
        # Sent to other processes (Dask workers): the caches are keyed by hash(),
        # which differs from process to process, so only the fitted evidence goes.
        state = self.__dict__.copy()
        state["_copies"], state["_alone"] = {}, {}
        return state

    def _single(self, tk: Tokens, fitted: bool) -> list[Flag]:
        """Flags of the signals that read one document alone."""
        if fitted:
            stats = self._stats
        else:
            extra = CorpusStats()
            extra.add(tk)
            stats = CorpusView(self._stats, extra)
        on, text = self.kinds, tk.text
        flags: list[Flag] = []
        if "debris" in on:
            flags += find_debris(text)
        if english_share(tk) < MIN_ENGLISH_SHARE:
            return flags  # not an English text: every other signal reads English
        rare = rare_words(tk, RARE_ZIPF)
        table = english_table()
        glued = find_glued(tk, stats, [i for i in rare if tk.lower[i] not in table]) if "glued" in on else []
        flags += glued
        if "misspelling" in on:
            flags += find_misspellings(tk, stats, frozenset(f.start for f in glued), rare)
        if "dropped" in on:
            flags += find_dropped(text)
        if "duplicated" in on:
            flags += find_duplicated(tk)
        if "untranslated" in on:
            flags += find_untranslated(tk, seed=self.seed)
        if "capitalisation" in on:
            flags += find_capitalisation(tk, stats, self._model)
        if "improbable" in on:
            flags += find_improbable(tk, self._model, fitted=fitted, min_expected=self.min_expected)
        return flags


def _text_key(text: str) -> int:
    """A key for a fitted text that is the same in every process (``hash`` of a
    str is salted per process), so a scorer fitted here and unpickled on a Dask
    worker still recognises the texts it was fitted on.

    >>> _text_key("Kim met Putin.") == _text_key("Kim met " + "Putin.")
    True
    """
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def _resolve(flags: list[Flag], skip: Sequence[Span], min_score: float) -> list[Flag]:
    """Keep the surest of overlapping flags, drop weak ones and those inside boilerplate."""
    kept: list[Flag] = []
    for f in sorted(flags, key=lambda f: (-f.score, f.start)):
        if f.score < min_score or any(f.start < s.end and s.start < f.end for s in skip):
            continue
        if not any(f.start < k.end and k.start < f.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)
