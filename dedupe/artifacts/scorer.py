"""ArtifactScorer: fit corpus evidence once, then flag garbled spans document by document."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import xxhash

from dedupe.errors import ConfigError
from dedupe.types import Flag, Span

from .align import find_divergent
from .background import background
from .casing import find_capitalisation, possible_forms
from .consensus import MIN_VOTERS, Copy, find_consensus, votes
from .corpus import CorpusStats, CorpusView
from .debris import find_debris
from .foreign import english_share, find_untranslated
from .grammar import find_dropped, find_duplicated
from .lexicon import english_table, foreign_table
from .lm import MIN_EXPECTED, BigramModel, find_improbable_many
from .splits import find_cut_contractions
from .text import Tokens
from .words import RARE_ZIPF, deletion_index, find_glued, find_misspellings, rare_words

#: Texts whose single-document flags are kept: a copy is scored alone (for the
#: canonical choice), then again against its cluster (a few flags per text: small).
CACHE_SIZE = 200_000
#: Tokenised texts kept: more than one scoring task of the pipeline holds, so a
#: text is tokenised once for its single-document and its cluster signals
#: (tens of KB each: the words, their offsets and sentence ranges).
TOKENS_CACHE = 1024
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
        self._tokens: dict[int, Tokens] = {}
        self._copies: dict[int, Copy] = {}
        self._alone: dict[int, list[Flag]] = {}

    def _tokenised(self, text: str) -> Tokens:
        # the single-document and the cluster signals of a text read the same Tokens
        key = hash(text)
        tk = self._tokens.get(key)
        if tk is None:
            if len(self._tokens) >= TOKENS_CACHE:
                # the older half goes: the texts of the task at hand stay for its cluster signals
                for old in list(self._tokens)[:TOKENS_CACHE // 2]:
                    del self._tokens[old]
                    self._copies.pop(old, None)
            tk = self._tokens[key] = Tokens(text)
        return tk

    def _prepared(self, text: str) -> tuple[Tokens, Copy]:
        # every member of a cluster is scored against the same reference and others
        tk = self._tokenised(text)
        copy = self._copies.get(key := hash(text))
        if copy is None:
            copy = self._copies[key] = Copy(tk)
        return tk, copy

    def get_params(self) -> dict:
        """The settings this scorer was made with: ``ArtifactScorer(**s.get_params())`` is an unfitted copy.

        >>> ArtifactScorer(min_score=0.7).get_params()["min_score"]
        0.7
        """
        return {"min_score": self.min_score, "seed": self.seed, "kinds": tuple(k for k in KINDS if k in self.kinds),
                "min_expected": self.min_expected}

    def merge(self, other: ArtifactScorer) -> ArtifactScorer:
        """Add the evidence of ``other``, a scorer fitted on other documents (a worker's
        share of the corpus). Shares merged in corpus order make the scorer that one
        ``fit`` over the whole corpus makes. Returns self.

        >>> parts = [ArtifactScorer().fit([t]) for t in ("The talks ended.", "Talks resumed on Monday.")]
        >>> merged = parts[0].merge(parts[1])
        >>> [(f.kind, f.text) for f in merged.score("The talks ended the of week.")[0]]
        [('dropped', 'the of')]
        """
        self._stats.merge(other._stats)
        self._model.merge(other._model)
        self._fitted |= other._fitted
        self._alone.clear()
        return self

    def fit(self, texts: Iterable[str]) -> ArtifactScorer:
        """Count the corpus: name evidence, capitalisation and the bigram model. Returns self."""
        if isinstance(texts, str):
            raise ConfigError("fit() takes an iterable of documents, not one string; wrap it: fit([text])")
        for text in texts:
            tk = self._tokenised(text)  # kept for scoring it in this process
            self._stats.add(tk)
            self._model.add(tk)
            self._fitted.add(_text_key(text))
        self._alone.clear()
        return self

    def warm(self) -> ArtifactScorer:
        """Load every table scoring reads (:func:`load_tables`) and finish the fitted
        counts now, e.g. before forking worker processes, so that each worker does
        not redo it. Returns self.

        >>> ArtifactScorer().fit(["The talks ended."]).warm().score("The talks ended.")
        ([], 0.0)
        """
        load_tables()
        self._model.ready()
        possible_forms(self._stats)
        return self

    def score(self, text: str, *, reference: str | None = None, skip: Sequence[Span] = (),
              others: Sequence[str] = ()) -> tuple[list[Flag], float]:
        """Flags on ``text`` (none inside ``skip`` spans) and the document's artifact_score.

        ``reference`` is the canonical copy's text; it enables [divergent] and [name].
        ``others`` are the texts of the cluster's other copies (the reference may be
        among them): with MIN_VOTERS or more, their consensus wording adds [divergent]
        flags (see :mod:`dedupe.artifacts.consensus`). The single-document flags of a
        text are kept (:meth:`candidates`), so scoring it again against its cluster
        runs only the cluster signals.
        """
        if isinstance(others, str):
            raise ConfigError("others= takes a list of the other copies' texts, not one string; wrap it: others=[text]")
        copies = [c for c in dict.fromkeys([reference, *others]) if c is not None and c != text]
        on = self.kinds
        divergent = reference is not None and bool(on & {"divergent", "name"})
        consensus = "divergent" in on and len(copies) >= MIN_VOTERS
        if divergent or consensus:
            tk, copy = self._prepared(text)  # tokenised once for the single and the cluster signals
        flags = list(self.candidates([text])[0])
        if divergent:
            ref_tk, ref_copy = self._prepared(reference)
            flags += [f for f in find_divergent(tk, ref_tk, self._model, pairs=copy.aligned(ref_copy)) if f.kind in on]
        if consensus:
            flags += find_consensus(tk, votes(copy, [self._prepared(c)[1] for c in copies[:MAX_VOTERS]]))
        return self._finish(text, flags, skip)

    def score_many(self, texts: Sequence[str], *, skips: Sequence[Sequence[Span]] | None = None
                   ) -> list[tuple[list[Flag], float]]:
        """``score(text, skip=skip)`` of each text alone, in one batch: the same flags, for
        less work (see :meth:`candidates`).

        >>> scorer = ArtifactScorer().fit(["The talks ended.", "Talks resumed on Monday."])
        >>> [[f.text for f in flags] for flags, _ in scorer.score_many(["Talks ended the of week.", "Talks ended."])]
        [['the of'], []]
        """
        if isinstance(texts, str):
            raise ConfigError("score_many() takes a list of texts, not one string; wrap it: score_many([text])")
        skips = [()] * len(texts) if skips is None else skips
        if len(skips) != len(texts):
            raise ConfigError(f"skips= holds {len(skips)} span lists for {len(texts)} texts; give one per text")
        return [self._finish(text, list(flags), skip)
                for text, flags, skip in zip(texts, self.candidates(texts), skips)]

    def candidates(self, texts: Sequence[str]) -> list[list[Flag]]:
        """Each text's flags from the signals that read one document alone, before
        overlapping and weak ones are resolved; kept per text (up to CACHE_SIZE texts).

        Texts not seen before are tested together: the language-model look-ups of a
        whole batch are one set of numpy calls (:func:`.lm.find_improbable_many`),
        not dozens of tiny ones per text.

        >>> ArtifactScorer().fit(["A text."]).candidates(["It it rained.", "Fine."])[1]
        []
        """
        found = [self._alone.get(hash(t)) for t in texts]
        todo = [i for i, flags in enumerate(found) if flags is None]
        if todo:
            tks = [self._tokenised(texts[i]) for i in todo]
            fresh = self._single_many(tks, [_text_key(tk.text) in self._fitted for tk in tks])
            self.remember([tk.text for tk in tks], fresh)
            for i, flags in zip(todo, fresh):
                found[i] = flags
        return found

    def remember(self, texts: Sequence[str], candidates: Sequence[list[Flag]]) -> None:
        """Keep :meth:`candidates` that another process (a worker) found for ``texts``,
        so that scoring them against their cluster here does not find them again.

        >>> scorer = ArtifactScorer().fit(["A text."])
        >>> scorer.remember(["Some text."], [[]]); scorer.candidates(["Some text."])
        [[]]
        """
        for text, flags in zip(texts, candidates):
            if len(self._alone) >= CACHE_SIZE:
                self._alone.clear()
            self._alone[hash(text)] = flags

    def _finish(self, text: str, flags: list[Flag], skip: Sequence[Span]) -> tuple[list[Flag], float]:
        # the kept flags and the artifact_score they make
        kept = _resolve(flags, skip, self.min_score)
        return kept, 1000.0 * sum(f.score for f in kept) / max(len(text), 1)

    def __getstate__(self) -> dict:
        # Sent to other processes (Dask workers): the caches are keyed by hash(),
        # which differs from process to process, so only the fitted evidence goes.
        state = self.__dict__.copy()
        state["_tokens"], state["_copies"], state["_alone"] = {}, {}, {}
        return state

    def _single_many(self, tks: Sequence[Tokens], fitted: Sequence[bool]) -> list[list[Flag]]:
        """Flags of the signals that read one document alone, for each document; [improbable] in one batch."""
        out, english = [], []
        for tk, fit in zip(tks, fitted):
            flags, is_english = self._single(tk, fit)
            out.append(flags)
            english.append(is_english)
        if "improbable" in self.kinds:
            at = [i for i, e in enumerate(english) if e]
            found = find_improbable_many([tks[i] for i in at], self._model, fitted=[fitted[i] for i in at],
                                         min_expected=self.min_expected)
            for i, flags in zip(at, found):
                out[i] += flags
        return out

    def _single(self, tk: Tokens, fitted: bool) -> tuple[list[Flag], bool]:
        """Flags of the single-document signals but [improbable], and whether the text is English."""
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
            return flags, False  # not an English text: every other signal reads English
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
            flags += find_cut_contractions(tk)  # the word pairs of the batch follow in _single_many
        return flags, True


def load_tables() -> None:
    """Load the word lists, word-pair counts and language profiles scoring reads
    (seconds of work, cached for the process; each loads on first use anyway).

    Why: call it where the time is free or before forking workers, so that each
    worker does not load its own copy.
    """
    from dedupe.language import warm_up

    english_table()
    foreign_table()
    background()
    deletion_index()
    warm_up()  # langdetect's profiles, for [untranslated]


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
