"""ArtifactScorer: fit corpus evidence once, then flag garbled spans document by document."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from dedupe.errors import ConfigError
from dedupe.types import Flag, Span

from .align import content_stems, find_divergent
from .consensus import MIN_VOTERS, Copy, find_consensus, votes
from .casing import find_capitalisation
from .corpus import CorpusStats, CorpusView
from .debris import find_debris
from .foreign import find_untranslated
from .grammar import find_dropped, find_duplicated
from .lm import MIN_EXPECTED, BigramModel, find_improbable
from .text import Token, sentences, words
from .words import find_glued, find_misspellings

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
        self._copies: dict[int, Copy] = {}

    def _copy(self, text: str) -> Copy:
        # every member of a cluster is scored against the same others: prepare each once
        key = hash(text)
        copy = self._copies.get(key)
        if copy is None:
            if len(self._copies) >= 256:
                self._copies.clear()
            spans = sentences(text)
            copy = self._copies[key] = Copy(text, spans, [words(text, s, e) for s, e in spans])
        return copy

    def fit(self, texts: Iterable[str]) -> ArtifactScorer:
        """Count the corpus: name evidence, capitalisation and the bigram model. Returns self."""
        if isinstance(texts, str):
            raise ConfigError("fit() takes an iterable of documents, not one string; wrap it: fit([text])")
        for text in texts:
            sents = _sentence_tokens(text)
            self._stats.add(sents)
            self._model.add(sents)
            self._fitted.add(hash(text))
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
        spans = sentences(text)
        sents = [words(text, s, e) for s, e in spans]
        tokens = [t for s in sents for t in s]
        fitted = hash(text) in self._fitted
        if fitted:
            stats, own = self._stats, Counter(p for s in sents for p in zip((t.lower for t in s), (t.lower for t in s[1:])))
        else:
            extra = CorpusStats()
            extra.add(sents)
            stats, own = CorpusView(self._stats, extra), None
        starts = frozenset(s[0].start for s in sents if s)
        on = self.kinds
        flags: list[Flag] = []
        if "debris" in on:
            flags += find_debris(text)
        glued = find_glued(tokens, text, stats) if "glued" in on else []
        flags += glued
        if "misspelling" in on:
            flags += find_misspellings(tokens, text, stats, starts, frozenset(f.start for f in glued))
        if "dropped" in on:
            flags += find_dropped(text)
        if "duplicated" in on:
            flags += find_duplicated(text)
        if "untranslated" in on:
            flags += find_untranslated(text, [(s, e, t) for (s, e), t in zip(spans, sents)], seed=self.seed)
        if "capitalisation" in on:
            flags += find_capitalisation(tokens, text, stats, self._model.bigrams)
        if "improbable" in on:
            flags += find_improbable(sents, text, self._model, own, min_expected=self.min_expected)
        if reference is not None and on & {"divergent", "name"}:
            flags += [f for f in find_divergent(text, spans, reference, sentences(reference), self._model)
                      if f.kind in on]
        copies = [c for c in dict.fromkeys([reference, *others]) if c is not None and c != text]
        if "divergent" in on and len(copies) >= MIN_VOTERS:
            stems = [content_stems(text[s:e]) for s, e in spans]
            flags += find_consensus(text, sents, votes(stems, [self._copy(c) for c in copies]))
        kept = _resolve(flags, skip, self.min_score)
        return kept, 1000.0 * sum(f.score for f in kept) / max(len(text), 1)


def _sentence_tokens(text: str) -> list[list[Token]]:
    return [words(text, s, e) for s, e in sentences(text)]


def _resolve(flags: list[Flag], skip: Sequence[Span], min_score: float) -> list[Flag]:
    """Keep the surest of overlapping flags, drop weak ones and those inside boilerplate."""
    kept: list[Flag] = []
    for f in sorted(flags, key=lambda f: (-f.score, f.start)):
        if f.score < min_score or any(f.start < s.end and s.start < f.end for s in skip):
            continue
        if not any(f.start < k.end and k.start < f.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)
