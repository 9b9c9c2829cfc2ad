"""The scan pipeline: small stages over plain data, run in order by :func:`scan`.

read -> strip boilerplate -> detect language -> extract terms -> sign -> band
-> verify -> cluster -> score artifacts -> choose canonical -> ScanResult.

Each stage is a function of its inputs and its own settings, so it can be
tested alone and run by another engine (a Dask partition calls the same ones).
Long stages report progress through a ``track`` callable (a no-op by default;
the CLI passes a rich progress bar).

>>> from dedupe.types import Document
>>> docs = [Document("a", "Kim and Putin met in Pyongyang and signed a defence treaty."),
...         Document("b", "Putin and Kim signed a defence treaty at their Pyongyang meeting."),
...         Document("c", "Heavy rain flooded the coastal road near Lisbon on Tuesday.")]
>>> result = scan_documents(docs, ScanConfig(score=False))
>>> [[result.documents[i].id for i in c.members] for c in result.clusters]
[['a', 'b']]
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np

from dedupe.boilerplate import Boilerplate, strip
from dedupe.canonical import choose_canonical
from dedupe.cluster import connected_components
from dedupe.config import ScanConfig
from dedupe.io.readers import read_paths
from dedupe.language import detect_language
from dedupe.lsh import candidate_pairs
from dedupe.shingles import Term, extract_terms, shingles
from dedupe.sign import Signer
from dedupe.types import BadFile, Cluster, Document, Pair, ScanResult
from dedupe.verify import TermWeights, accept_pairs, pair_similarity

T = TypeVar("T")
Track = Callable[..., Iterable]


def no_progress(items: Iterable[T], *, description: str = "", total: int | None = None) -> Iterable[T]:
    """The default ``track``: shows nothing."""
    return items


def read(paths: Sequence[str | os.PathLike], config: ScanConfig, track: Track = no_progress):
    """Stage 1: documents and the inputs that could not be read."""
    documents: list[Document] = []
    errors: list[BadFile] = []
    cfg = config.read
    items = read_paths(paths, text_field=cfg.text_field, id_field=cfg.id_field, max_bytes=cfg.max_bytes)
    for item in track(items, description="reading"):
        (errors if isinstance(item, BadFile) else documents).append(item)
    return documents, errors


def mark_boilerplate(documents: list[Document], config: ScanConfig) -> list[str]:
    """Stage 2: fill ``doc.boilerplate``; return each text with its boilerplate blanked."""
    model = Boilerplate(min_docs=config.boilerplate.min_docs, use_prior=config.boilerplate.use_prior)
    model.fit(d.text for d in documents)
    cleaned = []
    for doc in documents:
        doc.boilerplate = model.spans(doc.text)
        cleaned.append(strip(doc.text, doc.boilerplate))
    return cleaned


def detect_languages(documents: list[Document], cleaned: Sequence[str], config: ScanConfig, track: Track = no_progress) -> None:
    """Stage 3: fill ``doc.language`` from the text without boilerplate."""
    for doc, text in track(zip(documents, cleaned), description="detecting language", total=len(documents)):
        doc.language = detect_language(text, seed=config.language_seed)


def find_pairs(
    documents: Sequence[Document], term_lists: Sequence[list[Term]], config: ScanConfig
) -> tuple[list[Pair], TermWeights]:
    """Stages 5-7: sign, band, verify. Returns the verified pairs and the fitted weights."""
    sets = [shingles(t, kind=config.shingle.kind, ngram=config.shingle.ngram, max_zipf=config.shingle.max_zipf) for t in term_lists]
    signatures = Signer(num_perm=config.sign.num_perm, seed=config.sign.seed).sign_many(sets)
    candidates = candidate_pairs(signatures, bands=config.lsh.bands, rows=config.lsh.rows, window=config.lsh.window)
    weights = TermWeights(zipf_ceiling=config.verify.zipf_ceiling).fit(term_lists)
    matrix = weights.transform(term_lists)
    similarity = pair_similarity(matrix, candidates)
    languages = np.array([d.language or "" for d in documents], dtype=object)
    cross = languages[candidates[:, 0]] != languages[candidates[:, 1]]
    cfg = config.verify
    keep = accept_pairs(
        candidates,
        similarity,
        len(documents),
        threshold=np.where(cross, cfg.cross_threshold, cfg.threshold),
        low_threshold=cfg.low_threshold,
        margin=cfg.margin,
        neighbours=cfg.neighbours,
    )
    pairs = [Pair(int(a), int(b), float(s)) for (a, b), s in zip(candidates[keep], similarity[keep])]
    return pairs, matrix


def build_clusters(documents: Sequence[Document], pairs: list[Pair], matrix) -> list[Cluster]:
    """Stages 8 and 10: connected components, canonical copy, similarity to it."""
    edges = np.array([[p.a, p.b] for p in pairs], dtype=np.int64).reshape(-1, 2)
    clusters = []
    for cid, members in enumerate(connected_components(len(documents), edges), start=1):
        canonical = choose_canonical(documents, members)
        member_set = set(members)
        sims = pair_similarity(matrix, np.array([[m, canonical] for m in members]))
        clusters.append(
            Cluster(
                id=cid,
                members=members,
                canonical=canonical,
                pairs=[p for p in pairs if p.a in member_set],
                similarity={m: (1.0 if m == canonical else float(s)) for m, s in zip(members, sims)},
            )
        )
    return clusters


def fit_scorer(cleaned: Iterable[str], config: ScanConfig):
    """The artifact scorer fitted on the corpus (its language model and name evidence)."""
    from dedupe.artifacts import ArtifactScorer

    return ArtifactScorer(min_score=config.min_score, seed=config.language_seed).fit(cleaned)


def score_artifacts(
    documents: Sequence[Document],
    scorer,
    indices: Sequence[int],
    references: dict[int, int],
    track: Track = no_progress,
) -> None:
    """Stage 9: flags and artifact score for ``documents[indices]``, each against its
    cluster's canonical copy (``references``: doc -> canonical) or alone."""
    for i in track(indices, description="scoring artifacts", total=len(indices)):
        doc = documents[i]
        reference = documents[references[i]].text if i in references else None
        doc.flags, doc.artifact_score = scorer.score(doc.text, reference=reference, skip=doc.boilerplate)


def scan_documents(
    documents: list[Document],
    config: ScanConfig | None = None,
    *,
    errors: Sequence[BadFile] = (),
    track: Track = no_progress,
) -> ScanResult:
    """Group already-read documents into clusters of copies (the library entry point)."""
    config = config or ScanConfig()
    if not documents:
        return ScanResult(documents=[], clusters=[], errors=list(errors), params=config.flat())
    cleaned = mark_boilerplate(documents, config)
    detect_languages(documents, cleaned, config, track)
    term_lists = [
        extract_terms(text, doc.language, stem=config.shingle.stem)
        for doc, text in track(zip(documents, cleaned), description="extracting terms", total=len(documents))
    ]
    pairs, matrix = find_pairs(documents, term_lists, config)
    if config.score:
        # The canonical copy is the one that scores cleanest alone; then every
        # other copy is scored again, against it.
        scorer = fit_scorer(cleaned, config)
        score_artifacts(documents, scorer, range(len(documents)), {}, track)
    clusters = build_clusters(documents, pairs, matrix)
    if config.score:
        copies = {m: c.canonical for c in clusters for m in c.members if m != c.canonical}
        score_artifacts(documents, scorer, list(copies), copies, track)
    return ScanResult(documents=documents, clusters=clusters, errors=list(errors), params=config.flat())


def scan(paths: Sequence[str | os.PathLike], config: ScanConfig | None = None, *, track: Track = no_progress) -> ScanResult:
    """Read ``paths`` and group the copies of each story.

    >>> result = scan(["seeds"], ScanConfig(score=False))  # doctest: +SKIP
    """
    config = config or ScanConfig()
    documents, errors = read(paths, config, track)
    return scan_documents(documents, config, errors=errors, track=track)
