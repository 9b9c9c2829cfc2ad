"""The scan pipeline: small stages over plain data, run in order by :func:`scan`.

read -> fit boilerplate -> analyse (boilerplate spans, language, terms and
shingles; per document, in worker processes or Dask tasks) -> sign -> band
-> verify -> cluster -> link groups across languages -> score artifacts, a
cluster at a time: each copy alone, choose the canonical (the cleanest), each
copy against it -> ScanResult.

Each stage is a function of its inputs and its own settings, so it can be
tested alone and run by another engine (``mapper``: Dask calls the same ones).
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

import gc
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import lru_cache, partial
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from dedupe.boilerplate import Boilerplate, LineTable, strip
from dedupe.canonical import choose_canonical, cleanliness_key
from dedupe.cluster import cluster_pairs
from dedupe.config import ScanConfig
from dedupe.crosslingual import link_languages
from dedupe.engines.local import check_workers, map_chunks, started_chunks
from dedupe.errors import ConfigError
from dedupe.io.readers import read_paths
from dedupe.io.stream import JsonlSource, StreamedDocuments
from dedupe.language import detect_language, warm_up
from dedupe.lsh import candidate_blocks
from dedupe.numberset import DocumentNumbers, drop_disagreeing, groups_agree, number_keys, number_set
from dedupe.shingles import Features, FeatureTable, featurize_many, pack_features
from dedupe.sign import Signer
from dedupe.types import BadFile, Cluster, Document, Pair, ScanResult, Span
from dedupe.verify import accept_pairs, merge_best, pair_similarity, used_columns, weighted_rows

T = TypeVar("T")
Track = Callable[..., Iterable]
# An engine: maps a function over chunks and yields the results in order.
Mapper = Callable[[Callable, list], Iterable]
# Documents per unit of work sent to a worker: large enough that sending the
# texts costs little next to analysing them.
CHUNK = 256
# Below this many documents, starting worker processes costs more than it saves.
_PARALLEL_MIN_DOCS = 2000
# Candidate pairs per similarity task: a task of this size takes a few tenths of a
# second and its pairs are a few MB to send.
PAIR_CHUNK = 200_000
# First documents per block of candidates (:func:`find_pairs`): what a block
# holds grows with the corpus (a document has about 110 candidates at 100k
# documents, 800 at 1M), so 10k documents' pairs: 13M at 1M, 200 MB to deduplicate.
BLOCK_DOCS = 10_000


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


def find_boilerplate(
    documents: list[Document],
    config: ScanConfig,
    *,
    workers: int = 1,
    mapper: Mapper | None = None,
) -> Boilerplate:
    """Stage 2: learn the corpus's repeated site lines and fill each ``doc.boilerplate``.

    Each text's lines are normalised and hashed once, in ``workers`` processes
    (or through ``mapper``), into a :class:`~dedupe.boilerplate.LineTable`; the
    model is fitted here on the whole table (it counts lines over the corpus)
    and marks the same table, so no line is normalised twice.
    """
    cfg = config.boilerplate
    model = Boilerplate(min_docs=cfg.min_docs, use_prior=cfg.use_prior)
    table = read_line_table(documents, model, workers=workers, mapper=mapper)
    model.fit_lines(table)
    _fill_spans(documents, model, table)
    return model


def mark_spans(documents: list[Document], model: Boilerplate, *, table: LineTable | None = None, workers: int = 1,
               mapper: Mapper | None = None) -> None:
    """Fill ``doc.boilerplate`` with the spans of a model fitted elsewhere (an
    index's); ``table``: the documents' :func:`read_line_table`, when read already."""
    if table is None:
        table = read_line_table(documents, model, workers=workers, mapper=mapper)
    _fill_spans(documents, model, table)


def read_line_table(documents: list[Document], model: Boilerplate, *, workers: int = 1,
                    mapper: Mapper | None = None) -> LineTable:
    """The documents' :class:`~dedupe.boilerplate.LineTable` (``model`` need not be
    fitted), read in ``workers`` processes."""
    chunks = [[d.text for d in documents[i : i + CHUNK]] for i in range(0, len(documents), CHUNK)]
    return LineTable.concat(list(_map(model.read_lines, chunks, len(documents), workers=workers, mapper=mapper)))


def _fill_spans(documents: list[Document], model: Boilerplate, table: LineTable) -> None:
    for doc, spans in zip(documents, model.spans_of([d.text for d in documents], table)):
        doc.boilerplate = spans


def _map(func: Callable, chunks: Iterable, n_docs: int, *, workers: int, mapper: Mapper | None) -> Iterable:
    """``func`` over ``chunks`` through ``mapper``, or in ``workers`` local
    processes (one for a corpus too small to repay starting them)."""
    if mapper is not None:
        return mapper(func, chunks)
    return map_chunks(func, chunks, workers=1 if n_docs < _PARALLEL_MIN_DOCS else workers)


@lru_cache(maxsize=4)
def _signer(num_perm: int, seed: int) -> Signer:
    return Signer(num_perm=num_perm, seed=seed)


def analyse_chunk(texts: Sequence[str], *, config: ScanConfig) -> tuple[list[str | None], tuple[np.ndarray, ...]]:
    """Stages 3-4 on a chunk of texts with their boilerplate blanked (:func:`strip`):
    languages, and terms and shingles featurised as one batch, packed
    (:func:`dedupe.shingles.pack_features`). A pure function, so any engine can run it."""
    languages = [detect_language(text, seed=config.language_seed) for text in texts]
    cfg = config.shingle
    features = featurize_many(texts, languages, kind=cfg.kind, ngram=cfg.ngram, stem=cfg.stem, max_zipf=cfg.max_zipf)
    return languages, pack_features(features)


def analyse(
    documents: list[Document],
    config: ScanConfig,
    *,
    workers: int = 1,
    mapper: Mapper | None = None,
    track: Track = no_progress,
) -> list[Features]:
    """Run :func:`analyse_chunk` over all documents, whose ``boilerplate`` is
    known (:func:`find_boilerplate`) -- in ``workers`` local processes, or
    through ``mapper(func, chunks)`` (another engine, e.g. Dask); fills
    ``doc.language``; returns their features (a :class:`~dedupe.shingles.FeatureTable`)."""
    return _analyse(documents, partial(analyse_chunk, config=config), workers=workers, mapper=mapper, track=track)[0]


def analyse_numbers(documents: list[Document], config: ScanConfig, *, workers: int = 1,
                    track: Track = no_progress) -> tuple[FeatureTable, list[frozenset[str]]]:
    """:func:`analyse`, and each document's numbers outside boilerplate
    (:func:`dedupe.numberset.document_numbers`), found in the same workers from
    the same stripped text: what an index stores for the number checks of later runs."""
    return _analyse(documents, partial(_analyse_numbers_chunk, config=config), workers=workers, mapper=None,
                    track=track)


def _analyse_numbers_chunk(texts: Sequence[str], *, config: ScanConfig):
    return (*analyse_chunk(texts, config=config), [number_set(text) for text in texts])


def _analyse(documents: list[Document], func: Callable, *, workers: int, mapper: Mapper | None,
             track: Track) -> tuple[FeatureTable, list[frozenset[str]]]:
    """``func`` (:func:`analyse_chunk`, or with numbers) over the stripped texts:
    the features, and the numbers when ``func`` gives them."""
    # Stripped lazily: the workers start on the first chunks while the rest are made.
    chunks = ([strip(d.text, d.boilerplate) for d in documents[i : i + CHUNK]] for i in range(0, len(documents), CHUNK))
    if mapper is None and workers > 1 and len(documents) >= _PARALLEL_MIN_DOCS:
        warm_up()
    results = _map(func, chunks, len(documents), workers=workers, mapper=mapper)
    features, numbers = FeatureTable(), []
    for languages, packed, *found in track(results, description="analysing", total=-(-len(documents) // CHUNK)):
        for i, language in enumerate(languages, start=len(features)):
            documents[i].language = language
        features.append(packed)
        numbers += found[0] if found else []
    return features, numbers


def sign(features: Sequence[Features], config: ScanConfig) -> np.ndarray:
    """Stage 5: MinHash signatures of the shingle sets, leaving out shingles found
    in more than ``max_df`` of the corpus (at least ``min_df_cut`` documents):
    "mln" or "shares" in a business feed tie thousands of unrelated documents
    into candidates and tell nothing about which are copies."""
    flat, lengths = _flat(features)
    keep = ~_too_common(flat, len(features), config)
    return _signer(config.sign.num_perm, config.sign.seed).sign_flat(flat[keep], _kept_lengths(keep, lengths))


def _flat(features: Sequence[Features]) -> tuple[np.ndarray, np.ndarray]:
    """Every document's shingles end to end, and each document's count. Shingle
    hashes are 32-bit: one flat uint32 array takes half the memory of the uint64
    sets, and one vectorised membership test serves every document."""
    if isinstance(features, FeatureTable):
        return features.shingle_arrays()
    lengths = np.fromiter((len(f.shingles) for f in features), dtype=np.int64, count=len(features))
    sets = [f.shingles for f in features] or [np.empty(0, np.uint32)]
    return np.concatenate(sets, dtype=np.uint32, casting="unsafe"), lengths


def _too_common(flat: np.ndarray, n_docs: int, config: ScanConfig) -> np.ndarray:
    """Mask over ``flat``: the shingles found in more than ``max_df`` of the corpus
    (or in more than ``max_df_docs`` documents; see :class:`~dedupe.config.SignConfig`)."""
    values, counts = np.unique(flat, return_counts=True)
    cfg = config.sign
    common = values[counts > max(min(cfg.max_df * n_docs, cfg.max_df_docs), cfg.min_df_cut)]
    if not len(common):
        return np.zeros(len(flat), dtype=bool)
    # A binary search in the few common values (sorted by np.unique): np.isin sorts all of ``flat``.
    at = np.minimum(np.searchsorted(common, flat), len(common) - 1)
    return common[at] == flat


def _kept_lengths(keep: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per document, how many of its shingles ``keep`` (a mask over the flat array) keeps."""
    kept_before = np.concatenate(([0], np.cumsum(keep)))
    return np.diff(kept_before[np.concatenate(([0], np.cumsum(lengths)))])


def cut_masks(features: Sequence[Features], config: ScanConfig) -> list[np.ndarray]:
    """Per document, which of its shingles :func:`sign` leaves out as too common in this corpus."""
    if not features:
        return []
    flat, lengths = _flat(features)
    return np.split(_too_common(flat, len(features), config), np.cumsum(lengths)[:-1])


def sign_kept(features: Sequence[Features], cuts: Sequence[np.ndarray], config: ScanConfig) -> np.ndarray:
    """Signatures of each document's shingles outside its cut mask (:func:`cut_masks`)."""
    flat, lengths = _flat(features)
    keep = ~np.concatenate(cuts) if len(cuts) else np.ones(0, dtype=bool)
    return _signer(config.sign.num_perm, config.sign.seed).sign_flat(flat[keep], _kept_lengths(keep, lengths))


def find_pairs(
    documents: Sequence[Document],
    features: Sequence[Features],
    signatures: np.ndarray,
    config: ScanConfig,
    *,
    workers: int = 1,
    numbers: DocumentNumbers | None = None,
) -> tuple[list[Pair], sp.csr_matrix]:
    """Stages 6-7: band, verify (the pair similarities in ``workers`` processes).
    Returns the verified pairs and the term matrix. ``numbers``: as in :func:`verify_blocks`.

    Candidates are banded into blocks of first documents kept in a scratch
    folder (:func:`dedupe.lsh.candidate_blocks`) and verified a block at a
    time (:func:`verify_blocks`), so only one block's pairs are in memory.
    """
    with tempfile.TemporaryDirectory(prefix="dedupe-pairs-") as scratch:
        blocks, matrix = band_and_weigh(features, signatures, config, scratch)
        return verify_blocks(documents, blocks, matrix, config, workers=workers, numbers=numbers), matrix


def band_and_weigh(features: Sequence[Features], signatures: np.ndarray, config: ScanConfig, folder: str, *,
                   release: bool = False) -> tuple[list[tuple[str, int]], sp.csr_matrix]:
    """Stages 6 and 7a side by side: the candidate blocks (:func:`dedupe.lsh.candidate_blocks`,
    saved in ``folder``) and the term matrix (:func:`term_matrix`; ``release`` as there)."""
    # Banding in a thread while this one builds the term matrix: both are mostly
    # numpy sorts and sparse-matrix work, which run without the interpreter lock.
    lsh = config.lsh
    with ThreadPoolExecutor(1) as pool:
        banding = pool.submit(candidate_blocks, signatures, bands=lsh.bands, rows=lsh.rows, window=lsh.window,
                              block_docs=BLOCK_DOCS, folder=folder)
        matrix = term_matrix(features, config, release=release)
        return banding.result(), matrix


def verify_blocks(documents: Sequence[Document], blocks: Sequence[tuple[str, int]], matrix: sp.csr_matrix,
                  config: ScanConfig, *, workers: int = 1, numbers: DocumentNumbers | None = None) -> list[Pair]:
    """Stage 7 over candidate blocks (``(path, count)``, as :func:`dedupe.lsh.candidate_blocks`
    saves them): the pairs :func:`accept_candidates` accepts of all the
    candidates together, with only what it needs held. Per block: each
    document's best similarities so far (:func:`dedupe.verify.merge_best`) and
    the pairs that reach the lower threshold (no other can be accepted), taken
    PAIR_CHUNK candidates at a time; once every block is in, the rule -- which
    given those best similarities judges each pair alone -- runs over the kept
    pairs a chunk at a time.
    Similarities are computed in chunks of PAIR_CHUNK pairs over ``workers``
    processes, which inherit the term matrix when they fork and read their
    chunk from the block's file (at 100k documents, 11M candidates, this is
    the longest step after analysis). Each pair's value is computed alone, so
    the result does not depend on ``workers``. ``numbers``: the number cache
    to fill (one for all chunks, and for the links that follow: a document's
    text is read and its numbers found once)."""
    cfg = config.verify
    languages = _language_codes(documents)
    best = np.zeros((len(documents), cfg.neighbours + 1))
    kept: list[tuple[np.ndarray, np.ndarray]] = []
    for pairs, similarity in _chunk_similarities(blocks, matrix, workers=workers):
        merge_best(best, pairs, similarity)
        cross = languages[pairs[:, 0]] != languages[pairs[:, 1]]
        floor = np.minimum(np.where(cross, cfg.cross_threshold, cfg.threshold), cfg.low_threshold)
        keep = similarity >= floor
        # int32 halves what the kept pairs hold (a corpus has far fewer than 2**31 documents)
        kept.append((pairs[keep].astype(np.int32), similarity[keep]))
    accepted: list[Pair] = []
    numbers = numbers or DocumentNumbers(documents)
    for pairs, similarity in kept:
        accepted += accept_candidates(documents, pairs, similarity, config, best=best, numbers=numbers,
                                      languages=languages)
    return accepted


def _chunk_similarities(blocks: Sequence[tuple[str, int]], matrix: sp.csr_matrix, *,
                        workers: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(pairs, similarity)`` of consecutive chunks of PAIR_CHUNK candidates of
    the blocks, in order; each block's file is removed once read."""
    chunks = [(path, low, min(low + PAIR_CHUNK, count)) for path, count in blocks for low in range(0, count, PAIR_CHUNK)]
    if check_workers(workers) == 1 or len(chunks) < 2:
        results = (_chunk_similarity(chunk, matrix) for chunk in chunks)
    else:
        results = map_chunks(_chunk_similarity, chunks, workers=workers, shared=matrix)
    counts = dict(blocks)
    for (path, low, high), similarity in zip(chunks, results):
        yield np.array(np.load(path, mmap_mode="r")[low:high]), similarity
        if high == counts[path]:
            os.remove(path)
    if hasattr(results, "close"):
        results.close()  # the pool stops here, not when the generator is collected


def similarities(matrix: sp.csr_matrix, pairs: np.ndarray, *, workers: int = 1) -> np.ndarray:
    """:func:`dedupe.verify.pair_similarity` of pairs held in memory (an index
    update's), in chunks of PAIR_CHUNK over ``workers`` processes; each
    pair's value is computed alone, so it does not depend on ``workers``.

    The pairs may come in any order: an update's are mostly those of its new
    documents, each the second of a pair with a hundred old ones. They are
    computed with their busier document first, grouped by it (what
    pair_similarity's table is fast for: one spread row serves all its pairs,
    a pair's value does not depend on which document comes first), and the
    values returned in the order given."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    ends = np.bincount(pairs.ravel(), minlength=matrix.shape[0])
    flip = ends[pairs[:, 1]] > ends[pairs[:, 0]]
    firsts, seconds = np.where(flip, pairs[:, 1], pairs[:, 0]), np.where(flip, pairs[:, 0], pairs[:, 1])
    order = np.lexsort((seconds, firsts))
    grouped = np.stack([firsts[order], seconds[order]], axis=1)
    if check_workers(workers) == 1 or len(pairs) < 2 * PAIR_CHUNK:
        values = pair_similarity(matrix, grouped)
    else:
        chunks = [grouped[i : i + PAIR_CHUNK] for i in range(0, len(grouped), PAIR_CHUNK)]
        values = np.concatenate(list(map_chunks(_pairs_similarity, chunks, workers=workers, shared=matrix)))
    out = np.empty(len(pairs))
    out[order] = values
    return out


def _pairs_similarity(pairs: np.ndarray, matrix: sp.csr_matrix) -> np.ndarray:
    return pair_similarity(matrix, pairs)


def _chunk_similarity(chunk: tuple[str, int, int], matrix: sp.csr_matrix) -> np.ndarray:
    path, low, high = chunk
    return pair_similarity(matrix, np.load(path, mmap_mode="r")[low:high])


def term_matrix(features: Sequence[Features], config: ScanConfig, *, release: bool = False) -> sp.csr_matrix:
    """Stage 7a: the weighted, L2-normalised term rows that verification compares,
    narrowed to the columns some document uses (:func:`dedupe.verify.used_columns`:
    the same similarities, found faster). ``release``: empty a
    :class:`~dedupe.shingles.FeatureTable` as its rows are built."""
    return used_columns(weighted_rows(features, zipf_ceiling=config.verify.zipf_ceiling, release=release)[1])


def accept_candidates(
    documents: Sequence[Document], candidates: np.ndarray, similarity: np.ndarray, config: ScanConfig,
    *, best: np.ndarray | None = None, numbers: DocumentNumbers | None = None, languages: np.ndarray | None = None,
) -> list[Pair]:
    """Stage 7b: the candidate pairs whose similarity makes them copies (pairs in
    two languages need less: translations share names and numbers, not words),
    less those whose numbers disagree (:mod:`dedupe.numberset`). ``best``: as in
    :func:`dedupe.verify.accept_pairs`, when ``candidates`` are some of them;
    ``numbers``: as in :func:`dedupe.numberset.numbers_disagree`; ``languages``:
    the documents' :func:`_language_codes`, when the caller has them."""
    cfg = config.verify
    keep = accept_pairs(
        candidates,
        similarity,
        len(documents),
        threshold=pair_thresholds(documents, candidates, config, languages=languages),
        low_threshold=cfg.low_threshold,
        margin=cfg.margin,
        neighbours=cfg.neighbours,
        best=best,
    )
    return kept_pairs(documents, candidates, keep, similarity, config, numbers=numbers)


def pair_thresholds(documents: Sequence[Document], candidates: np.ndarray, config: ScanConfig, *,
                    languages: np.ndarray | None = None) -> np.ndarray:
    """Each candidate's similarity threshold: lower for two documents in two languages
    (``languages``: the documents' :func:`_language_codes`, found here when None)."""
    languages = _language_codes(documents) if languages is None else languages
    cross = languages[candidates[:, 0]] != languages[candidates[:, 1]]
    return np.where(cross, config.verify.cross_threshold, config.verify.threshold)


def kept_pairs(documents: Sequence[Document], candidates: np.ndarray, keep: np.ndarray, similarity: np.ndarray,
               config: ScanConfig, *, numbers: DocumentNumbers | None = None) -> list[Pair]:
    """The accepted candidates (``keep``) as Pairs, less those whose numbers disagree."""
    cfg = config.verify
    keep = drop_disagreeing(documents, candidates, keep, min_numbers=cfg.min_numbers, min_overlap=cfg.number_overlap,
                            numbers=numbers)
    return [Pair(a, b, s) for (a, b), s in zip(candidates[keep].tolist(), similarity[keep].tolist())]


def _languages(documents: Sequence[Document]) -> list[str | None]:
    """Each document's language (streamed documents know them without reading their texts)."""
    if isinstance(documents, StreamedDocuments):
        return documents.languages
    return [d.language for d in documents]


def _language_codes(documents: Sequence[Document]) -> np.ndarray:
    """Each document's language as a small integer: comparing millions of pairs
    of str objects is slow."""
    codes: dict[str, int] = {}
    return np.fromiter((codes.setdefault(language or "", len(codes)) for language in _languages(documents)),
                       dtype=np.int32, count=len(documents))


def build_clusters(documents: Sequence[Document], pairs: list[Pair], matrix, config: ScanConfig, *,
                   numbers: DocumentNumbers | None = None) -> list[Cluster]:
    """Stages 8-10: supported merges into clusters, links across languages,
    canonical copy, similarity to it (``numbers``: as in :func:`link_groups`)."""
    groups, pairs = link_groups(documents, group_pairs(len(documents), pairs, config), pairs, matrix, config,
                                numbers=numbers)
    canonicals = [choose_canonical(documents, members) for members in groups]
    return assemble_clusters(groups, canonicals, pairs, matrix)


def link_groups(
    documents: Sequence[Document], groups: list[list[int]], pairs: list[Pair], matrix, config: ScanConfig, *,
    numbers: DocumentNumbers | None = None,
) -> tuple[list[list[int]], list[Pair]]:
    """Stage 9: join groups in other languages to their story (:mod:`dedupe.crosslingual`),
    unless their numbers disagree (:func:`dedupe.numberset.groups_agree`);
    returns the groups and the pairs with each link's pair added. ``numbers``:
    the sets the pair check found (:class:`~dedupe.numberset.DocumentNumbers`)."""
    cfg = config.cluster
    if cfg.link_similarity >= 1.0:
        return groups, pairs
    allow = groups_agree(documents, min_numbers=config.verify.min_numbers, min_overlap=config.verify.number_overlap,
                         numbers=numbers)
    linked, links = link_languages(groups, _languages(documents), matrix,
                                   min_similarity=cfg.link_similarity, margin=cfg.link_margin, allow=allow)
    return linked, pairs + links


def pair_edges(pairs: Sequence[Pair]) -> tuple[np.ndarray, np.ndarray]:
    """``(edges, similarity)`` arrays of ``pairs``, as :func:`dedupe.cluster.cluster_pairs` takes them."""
    edges = np.array([[p.a, p.b] for p in pairs], dtype=np.int64).reshape(-1, 2)
    return edges, np.array([p.similarity for p in pairs], dtype=np.float64)


def group_pairs(n_docs: int, pairs: Sequence[Pair], config: ScanConfig) -> list[list[int]]:
    """Stage 8: the groups of two or more documents that supported merges make."""
    edges, similarity = pair_edges(pairs)
    return cluster_pairs(n_docs, edges, similarity, min_support=config.cluster.min_support)


def assemble_clusters(
    groups: Sequence[list[int]], canonicals: Sequence[int], pairs: Sequence[Pair], matrix
) -> list[Cluster]:
    """Stage 10: a Cluster per group, numbered from 1 in group order, with its own
    verified pairs and each member's similarity to the canonical copy."""
    cluster_of = {m: cid for cid, members in enumerate(groups) for m in members}
    pairs_of: dict[int, list[Pair]] = {}
    for p in pairs:
        cid = cluster_of.get(p.a)
        if cid is not None and cid == cluster_of.get(p.b):
            pairs_of.setdefault(cid, []).append(p)
    # Canonical first: pair_similarity spreads each distinct first row once, and a
    # cluster's links share their canonical (members first, it took 3.6 s at 100k).
    links = np.array([[c, m] for members, c in zip(groups, canonicals) for m in members], dtype=np.int64).reshape(-1, 2)
    sims = iter(pair_similarity(matrix, links).tolist())
    clusters = []
    for cid, (members, canonical) in enumerate(zip(groups, canonicals)):
        similarity_to_canonical = {m: next(sims) for m in members}
        similarity_to_canonical[canonical] = 1.0
        clusters.append(
            Cluster(
                id=cid + 1,
                members=list(members),
                canonical=canonical,
                pairs=pairs_of.get(cid, []),
                similarity=similarity_to_canonical,
            )
        )
    return clusters


# Fewest documents a scoring pass (or the scorer's fit) sends to worker processes:
# scoring costs a few milliseconds per document, so a pool pays for itself from a few hundred.
_PARALLEL_MIN_SCORED = 500
# Documents per share of a parallel fit: each share's counts are merged here at a
# cost that grows with its distinct words, so shares are larger than CHUNK.
_FIT_CHUNK = 1024
# A scoring job: texts scored alone, as (text, boilerplate spans); and clusters, as
# (every member's text, the canonical text, [(member position, spans, is canonical)]).
ScoringJob = tuple[list[tuple[str, list[Span]]], list[tuple[list[str], str, list[tuple[int, list[Span], bool]]]]]
# A scoring unit: one cluster's members, or one document alone, as (document
# index, text, boilerplate spans) in document order.
ScoringUnit = list[tuple[int, str, list[Span]]]


def fit_scorer(texts: Iterable[str], config: ScanConfig, *, workers: int = 1):
    """The artifact scorer fitted on the corpus (its language model and name
    evidence). Fit on the texts as read, the same ones it will score: it
    recognises a scored text by its content, to leave it out of its own evidence.

    With ``workers`` > 1 each worker fits a share of the corpus and the shares
    are merged here in corpus order, which gives the scorer one fit gives.
    """
    with fitting_scorer(texts, config, workers=workers) as fitted:
        return fitted()


@contextmanager
def fitting_scorer(texts: Iterable[str], config: ScanConfig, *, workers: int = 1) -> Iterator[Callable[[], object]]:
    """:func:`fit_scorer` started now, in ``workers`` processes, and finished by
    the function this yields: a scan calls it after the stages that run in this
    process alone (signing, pair verification, grouping), whose time the workers
    spend counting the corpus instead of waiting."""
    from dedupe.artifacts import ArtifactScorer
    from dedupe.artifacts.scorer import load_tables

    scorer = ArtifactScorer(min_score=config.min_score, seed=config.language_seed)
    texts = list(texts)
    if len(texts) < _PARALLEL_MIN_SCORED or check_workers(workers) == 1:
        yield lambda: scorer.fit(texts)
        return
    chunks = [texts[s:s + _FIT_CHUNK] for s in range(0, len(texts), _FIT_CHUNK)]
    with started_chunks(partial(_fit_part, params=scorer.get_params()), chunks, workers=workers) as parts:

        def fitted():
            for k, part in enumerate(parts):
                scorer.merge(part)
                if k == 0:
                    load_tables()  # here, while the workers count the other shares, not after
            return scorer

        yield fitted


def _fit_part(texts: list[str], *, params: dict):
    """A scorer with ``params`` fitted on ``texts`` only: one share of a parallel fit."""
    from dedupe.artifacts import ArtifactScorer

    return ArtifactScorer(**params).fit(texts)


def score_artifacts(
    documents: Sequence[Document],
    scorer,
    indices: Sequence[int],
    clusters: Sequence[Cluster] = (),
    track: Track = no_progress,
    *,
    workers: int = 1,
) -> None:
    """Stage 9: flags and artifact score for ``documents[indices]``; a member of
    one of ``clusters`` is scored against its canonical copy and the other copies.

    Documents alone are scored in batches (``scorer.score_many``), a cluster's
    members together (its texts are tokenised once), in ``workers`` processes
    that get the fitted scorer once each; the result does not depend on
    ``workers``. The single-document flags found in the workers are kept here
    (``scorer.remember``), so the cluster pass that follows -- in this process
    or in workers forked from it -- adds only the cluster signals.
    """
    jobs = _scoring_jobs(documents, indices, clusters)
    if check_workers(workers) > 1 and len(indices) < _PARALLEL_MIN_SCORED:
        workers = 1
    elif workers > 1:
        scorer.warm()  # load the tables once, here, not in every worker
    results = map_chunks(_score_job, [job for job, _ in jobs], workers=workers, shared=scorer)
    for (job, targets), (alone, candidates, members) in zip(jobs, track(results, description="scoring artifacts",
                                                                         total=len(jobs))):
        scorer.remember([text for text, _ in job[0]], candidates)
        for i, (flags, score) in zip(targets, [*alone, *members]):
            documents[i].flags, documents[i].artifact_score = flags, score


def _scoring_jobs(documents: Sequence[Document], indices: Sequence[int],
                  clusters: Sequence[Cluster]) -> list[tuple[ScoringJob, list[int]]]:
    """:func:`score_artifacts`'s work in jobs of about CHUNK scored documents, each
    with the indices its results belong to (documents alone first, then members)."""
    cluster_of = {m: k for k, c in enumerate(clusters) for m in c.members}
    lone = [i for i in indices if i not in cluster_of]
    jobs: list[tuple[ScoringJob, list[int]]] = [
        (([(documents[i].text, documents[i].boilerplate) for i in part], []), part)
        for part in (lone[s:s + CHUNK] for s in range(0, len(lone), CHUNK))]
    scored: dict[int, list[int]] = {}
    for i in indices:
        if i in cluster_of:
            scored.setdefault(cluster_of[i], []).append(i)
    units, targets = [], []
    for k, chosen in scored.items():
        c = clusters[k]
        position = {m: j for j, m in enumerate(c.members)}
        units.append(([documents[m].text for m in c.members], documents[c.canonical].text,
                      [(position[i], documents[i].boilerplate, i == c.canonical) for i in chosen]))
        targets += chosen
        if len(targets) >= CHUNK:
            jobs.append((([], units), targets))
            units, targets = [], []
    if units:
        jobs.append((([], units), targets))
    return jobs


def _score_job(job: ScoringJob, scorer) -> tuple[list, list, list]:
    """Run one :data:`ScoringJob`: ``(flags, score)`` of the texts alone, their
    single-document flags (for ``scorer.remember``), then ``(flags, score)`` of
    the cluster members in job order."""
    alone, units = job
    texts = [text for text, _ in alone]
    results = scorer.score_many(texts, skips=[skip for _, skip in alone])
    # the members' single-document flags in one batch (kept already if the alone pass ran here)
    scorer.candidates([member_texts[j] for member_texts, _, chosen in units for j, _, _ in chosen])
    members = []
    for member_texts, canonical, chosen in units:
        for j, skip, is_canonical in chosen:
            others = [t for m, t in enumerate(member_texts) if m != j]
            members.append(scorer.score(member_texts[j], reference=None if is_canonical else canonical,
                                        skip=skip, others=others))
    return results, scorer.candidates(texts), members


def score_groups(
    documents: Sequence[Document],
    scorer,
    groups: Sequence[list[int]],
    track: Track = no_progress,
    *,
    workers: int = 1,
) -> list[int]:
    """Stage 9 with the canonical choice: flags and artifact score of every
    document, and the canonical copy of each of ``groups`` (returned, in group order).

    A group's members are scored in one task (:func:`score_units`), so each text
    is tokenised once for its single-document and its cluster signals and only
    flags come back; documents in no group are scored alone, in batches. Tasks
    run in ``workers`` processes forked with the fitted scorer and the documents,
    so a task is a list of indices; the result does not depend on ``workers``.
    """
    batches = unit_batches(len(documents), groups)
    if check_workers(workers) > 1 and len(documents) < _PARALLEL_MIN_SCORED:
        workers = 1
    elif workers > 1:
        scorer.warm()  # load the tables once, here, not in every worker
    results = map_chunks(_score_batch, batches, workers=workers, shared=(scorer, documents))
    return fill_scores(documents, batches, track(results, description="scoring artifacts", total=len(batches)))


def unit_batches(n_docs: int, groups: Sequence[list[int]]) -> list[list[list[int]]]:
    """The scoring units -- each group, then each document in none, alone -- in
    batches of about CHUNK documents (a group is never split)."""
    grouped = {m for members in groups for m in members}
    units = [list(members) for members in groups] + [[i] for i in range(n_docs) if i not in grouped]
    batches: list[list[list[int]]] = [[]]
    size = 0
    for unit in units:
        if size >= CHUNK:
            batches.append([])
            size = 0
        batches[-1].append(unit)
        size += len(unit)
    return batches


def fill_scores(documents: Sequence[Document], batches: Sequence[list[list[int]]], results: Iterable) -> list[int]:
    """Set each document's flags and artifact score from the :func:`score_units`
    results of ``batches``; returns the canonical document of each group."""
    canonicals = []
    for batch, scored in zip(batches, results):
        for unit, (members, canonical) in zip(batch, scored):
            for i, (flags, score) in zip(unit, members):
                documents[i].flags, documents[i].artifact_score = flags, score
            if len(unit) > 1:
                canonicals.append(unit[canonical])
    return canonicals


def _score_batch(batch: list[list[int]], shared: tuple) -> list[tuple[list[tuple[list, float]], int]]:
    """:func:`score_units` of a batch of units given by document indices (a worker
    inherits the documents: no text is sent to it)."""
    scorer, documents = shared
    return score_units([[(i, documents[i].text, documents[i].boilerplate) for i in unit] for unit in batch],
                       scorer=scorer)


def score_units(units: Sequence[ScoringUnit], *, scorer) -> list[tuple[list[tuple[list, float]], int]]:
    """Score each unit -- one cluster's members, or one document alone: every copy
    alone, the cleanest (:func:`dedupe.canonical.cleanliness_key`) becomes the
    canonical copy, then each member against it and the other copies. Returns per
    unit ``(flags, artifact_score)`` of each member and the canonical's position.

    The copies of every unit are first scored alone in one batch
    (``scorer.score_many``: one set of language-model look-ups); the scorer keeps
    their tokens and single-document flags for the cluster signals that follow.
    A pure function of its input and the fitted scorer, so any engine can run it.
    """
    alone = scorer.score_many([text for unit in units for _, text, _ in unit],
                              skips=[skip for unit in units for _, _, skip in unit])
    out = []
    at = 0
    for unit in units:
        scores, at = alone[at:at + len(unit)], at + len(unit)
        if len(unit) == 1:
            out.append((scores, 0))
            continue
        canonical = min(range(len(unit)), key=lambda j: cleanliness_key(
            Document("", unit[j][1], boilerplate=unit[j][2], artifact_score=scores[j][1]), unit[j][0]))
        texts = [text for _, text, _ in unit]
        out.append(([scorer.score(text, reference=None if j == canonical else texts[canonical], skip=skip,
                                  others=texts[:j] + texts[j + 1:])
                     for j, (_, text, skip) in enumerate(unit)], canonical))
    return out


def scan_documents(
    documents: list[Document],
    config: ScanConfig | None = None,
    *,
    errors: Sequence[BadFile] = (),
    workers: int = 1,
    mapper: Mapper | None = None,
    track: Track = no_progress,
) -> ScanResult:
    """Group already-read documents into clusters of copies (the library entry point).

    ``workers`` processes (or the engine behind ``mapper``) run the
    per-document stages; the result does not depend on either.
    """
    config = config or ScanConfig()
    if not documents:
        return ScanResult(documents=[], clusters=[], errors=list(errors), params=config.flat())
    with collector_paused(), ExitStack() as stack:
        find_boilerplate(documents, config, workers=workers, mapper=mapper)
        features = analyse(documents, config, workers=workers, mapper=mapper, track=track)
        if config.score:
            fitted = stack.enter_context(fitting_scorer((d.text for d in documents), config, workers=workers))
        signatures = sign(features, config)
        numbers = DocumentNumbers(documents)  # for the pair check, then the links
        pairs, matrix = find_pairs(documents, features, signatures, config, workers=workers, numbers=numbers)
        del features, signatures
        if not config.score:
            clusters = build_clusters(documents, pairs, matrix, config, numbers=numbers)
        else:
            groups, pairs = link_groups(documents, group_pairs(len(documents), pairs, config), pairs, matrix, config,
                                        numbers=numbers)
            scorer = fitted()
            stack.close()  # the fitting workers' pool, before the scoring one starts
            canonicals = score_groups(documents, scorer, groups, track, workers=workers)
            clusters = assemble_clusters(groups, canonicals, pairs, matrix)
    return ScanResult(documents=documents, clusters=clusters, errors=list(errors), params=config.flat())


def scan_jsonl(
    path: str | os.PathLike | JsonlSource,
    config: ScanConfig | None = None,
    *,
    text_field: str = "text",
    id_field: str = "id",
    workers: int = 1,
    track: Track = no_progress,
) -> ScanResult:
    """The clusters :func:`scan_documents` finds in a JSONL dump's records (``text_field``,
    ``id_field``; or an indexed :class:`~dedupe.io.stream.JsonlSource`), without
    holding their texts: a million news articles.

    The file is read twice, in ``workers`` processes that each read their own
    chunks (:class:`~dedupe.io.stream.JsonlSource`): once to fit the
    boilerplate model (:func:`fit_boilerplate_streamed`), once to analyse
    (:func:`analyse_streamed`). Features are kept flat and dropped once
    signed and weighted; candidates are banded to disk and verified block by
    block (:func:`verify_blocks`). What later stages need of each text --
    its numbers, for the number checks, and its length outside boilerplate,
    for the canonical choice -- the analysis workers hand back, so no text is
    read a third time.
    Grouping only: ``config.score`` must be False (scoring reads every text
    with its cluster's). Meant for dumps a program wrote: a record that is not
    JSON or has no text stops the scan (:class:`~dedupe.errors.BadInputError`
    naming the file and the records' range) instead of being listed as a
    :class:`~dedupe.types.BadFile`, as :func:`scan` lists them.
    """
    config = config or ScanConfig(score=False)
    if config.score:
        raise ConfigError("scan_jsonl groups without scoring: pass ScanConfig(score=False), or read the "
                          "documents and use scan_documents to score them")
    source = path if isinstance(path, JsonlSource) else JsonlSource(path, text_field=text_field, id_field=id_field)
    if not len(source):
        return ScanResult(documents=[], clusters=[], errors=[], params=config.flat())
    with collector_paused(), tempfile.TemporaryDirectory(prefix="dedupe-pairs-") as scratch:
        model = fit_boilerplate_streamed(source, config, workers=workers)
        documents, features = analyse_streamed(source, model, config, workers=workers, track=track)
        signatures = sign(features, config)
        blocks, matrix = band_and_weigh(features, signatures, config, scratch, release=True)
        del signatures
        numbers = DocumentNumbers(documents)  # for the pair check, then the links
        pairs = verify_blocks(documents, blocks, matrix, config, workers=workers, numbers=numbers)
        clusters = build_clusters(documents, pairs, matrix, config, numbers=numbers)
    return ScanResult(documents=documents, clusters=clusters, errors=[], params=config.flat())


def _source_chunks(source: JsonlSource) -> list[tuple[int, int]]:
    return [(start, min(start + CHUNK, len(source))) for start in range(0, len(source), CHUNK)]


def fit_boilerplate_streamed(source: JsonlSource, config: ScanConfig, *, workers: int = 1) -> Boilerplate:
    """:func:`find_boilerplate`'s model, fitted on the distinct lines of each
    text (:meth:`~dedupe.boilerplate.LineTable.distinct_lines`), which the
    workers read and hash from ``source`` themselves."""
    cfg = config.boilerplate
    model = Boilerplate(min_docs=cfg.min_docs, use_prior=cfg.use_prior)
    parts = list(map_chunks(_distinct_lines, _source_chunks(source), shared=(source, model),
                            workers=1 if len(source) < _PARALLEL_MIN_DOCS else workers))
    offsets = np.cumsum([0] + [len(hashes) for hashes, _, _ in parts])
    ptr = np.concatenate([[0]] + [p[1:] + o for (_, _, p), o in zip(parts, offsets)])
    return model.fit_distinct(np.concatenate([h for h, _, _ in parts]), np.concatenate([w for _, w, _ in parts]), ptr)


def _distinct_lines(chunk: tuple[int, int], shared: tuple[JsonlSource, Boilerplate]):
    source, model = shared
    return model.read_lines(source.texts(*chunk)).distinct_lines()


def analyse_streamed(source: JsonlSource, model: Boilerplate, config: ScanConfig, *, workers: int = 1,
                     track: Track = no_progress) -> tuple[StreamedDocuments, FeatureTable]:
    """:func:`mark_spans` and :func:`analyse` of ``source``'s texts, read again
    by the workers: the documents (languages and boilerplate spans kept, texts
    left on disk) and their features."""
    if workers > 1 and len(source) >= _PARALLEL_MIN_DOCS:
        warm_up()
    results = map_chunks(_analyse_streamed_chunk, _source_chunks(source), shared=(source, model, config),
                         workers=1 if len(source) < _PARALLEL_MIN_DOCS else workers)
    features = FeatureTable()
    languages: list[str | None] = []
    counts, bounds, number_counts, numbers, content = [], [], [], [], []
    for chunk_languages, packed, span_counts, span_bounds, keys, key_counts, chars in track(
            results, description="analysing", total=-(-len(source) // CHUNK)):
        languages += chunk_languages
        features.append(packed)
        counts.append(span_counts)
        bounds.append(span_bounds)
        numbers.append(keys)
        number_counts.append(key_counts)
        content.append(chars)
    return StreamedDocuments(source, languages, _pointers(counts), np.concatenate(bounds),
                             number_keys=(_pointers(number_counts), np.concatenate(numbers)),
                             content_chars=np.concatenate(content)), features


def _pointers(counts: list[np.ndarray]) -> np.ndarray:
    """Where each document's rows start in a flat array, from the chunks' per-document counts."""
    return np.concatenate(([0], np.cumsum(np.concatenate(counts))))


def _analyse_streamed_chunk(chunk: tuple[int, int], shared: tuple[JsonlSource, Boilerplate, ScanConfig]):
    source, model, config = shared
    texts = source.texts(*chunk)
    spans = model.spans_of(texts, model.read_lines(texts))
    stripped = [strip(t, s) for t, s in zip(texts, spans)]
    languages, packed = analyse_chunk(stripped, config=config)
    bounds = np.array([(span.start, span.end) for found in spans for span in found], dtype=np.int64).reshape(-1, 2)
    chars = np.array([len(t) - sum(s.end - s.start for s in found) for t, found in zip(texts, spans)], dtype=np.int64)
    return (languages, packed, np.array([len(found) for found in spans], dtype=np.int64), bounds,
            *number_keys(stripped), chars)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a scan (and the workers it forks). A scan
    makes millions of small objects that form no cycles -- spans, features, term
    tables, pairs -- and each collection walks every live one again: ~5% of a
    100k scan's CPU time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def scan(
    paths: Sequence[str | os.PathLike],
    config: ScanConfig | None = None,
    *,
    workers: int = 1,
    mapper: Mapper | None = None,
    track: Track = no_progress,
) -> ScanResult:
    """Read ``paths`` and group the copies of each story.

    >>> result = scan(["seeds"], ScanConfig(score=False))  # doctest: +SKIP
    """
    config = config or ScanConfig()
    documents, errors = read(paths, config, track)
    return scan_documents(documents, config, errors=errors, workers=workers, mapper=mapper, track=track)
