"""Add documents to a persistent index and regroup everything seen so far.

The index keeps every document's text as read, its cached analysis and what
the corpus-wide steps decided for it (:class:`dedupe.index.Cached`), so a new
day's folder is grouped with all earlier ones by the *same* stages as one scan
of everything (:func:`dedupe.pipeline.scan_documents`), in the same corpus
order, while the work grows with the new documents:

* the boilerplate model is refitted from the stored line tables plus the new
  documents' (no old text is read or normalised again); a stored document is
  re-analysed only when the refitted model marks its lines differently
  (otherwise its cached spans, language, features and numbers are exactly what
  a full scan computes). Most of those are documents holding a line that the
  new day's copies lift to ``min_docs`` documents, so they grow with the new day;
* the too-common shingles are recounted over all stored features; a stored
  document is signed again only when its cut changed (and only its signing is
  rewritten);
* the term weights are the last run's document frequencies moved by the new
  and re-analysed documents; similarities are computed only where the last
  run's stored bounds leave a decision open (:mod:`dedupe.pairbounds`), and
  the number checks read the stored numbers;
* banding, the accept rule and clustering run over all documents (vectorised).

So an index built from day 1, then given day 2, holds the clusters one scan of
both folders finds.

>>> update = index_add(["day2"], "news.index", ScanConfig(score=False))  # doctest: +SKIP
>>> [[update.result.documents[m].id for m in update.result.clusters[c - 1].members]
...  for c in update.joined]                                              # doctest: +SKIP
[['day1/a.txt', 'day2/b.txt']]
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from dedupe.config import ScanConfig
from dedupe.errors import DedupeError
import numpy as np

from dedupe.boilerplate import Boilerplate
from dedupe.index import open_store
from dedupe.index.base import Cached, IndexStore, StoredDocument, check_batch, check_params, grouping_params
from dedupe.pipeline import (
    Track,
    analyse_numbers,
    build_clusters,
    collector_paused,
    cut_masks,
    fit_scorer,
    kept_pairs,
    mark_spans,
    no_progress,
    pair_thresholds,
    read,
    read_line_table,
    score_artifacts,
    sign_kept,
    similarities,
)
from dedupe.lsh import candidate_pairs
from dedupe.numberset import DocumentNumbers
from dedupe.pairbounds import PairBounds, verify_with_bounds
from dedupe.types import BadFile, Cluster, Document, Pair, ScanResult

BATCH = 1000
# The stored blob of the last run's pair similarity bounds.
_BOUNDS = "pair_bounds"


@dataclass(slots=True)
class IndexUpdate:
    """What one change to an index did.

    ``result`` covers every indexed document (in index order) and every cluster;
    ``new`` are the indices (into ``result.documents``) of the documents this
    call added; ``joined`` are the ids of clusters in which a new document meets
    stored ones, ``formed`` of clusters of new documents only;
    ``already_indexed`` the ids of inputs that were in the index already (skipped);
    ``reanalysed`` how many stored documents had to be analysed again because
    the grown corpus changed their boilerplate, ``resigned`` how many stored
    documents had to be signed again (re-analysed ones, and those whose too-common
    shingles changed), ``computed_pairs`` how many candidate similarities were
    computed (the others were decided by the last run's bounds).
    """

    result: ScanResult
    new: list[int] = field(default_factory=list)
    joined: list[int] = field(default_factory=list)
    formed: list[int] = field(default_factory=list)
    already_indexed: list[str] = field(default_factory=list)
    reanalysed: int = 0
    resigned: int = 0
    computed_pairs: int = 0

    def report(self) -> ScanResult:
        """A ScanResult of the new documents and of every cluster they joined or
        formed, with all members, old and new: what ``dedupe scan NEW --index``
        reports. Cluster ids are kept; document indices are renumbered."""
        touched = set(self.joined) | set(self.formed)
        clusters = [c for c in self.result.clusters if c.id in touched]
        keep = sorted(set(self.new) | {m for c in clusters for m in c.members})
        where = {old: new for new, old in enumerate(keep)}
        return ScanResult(
            documents=[self.result.documents[i] for i in keep],
            clusters=[_renumber(c, where) for c in clusters],
            errors=self.result.errors,
            params=self.result.params,
        )


def _renumber(cluster: Cluster, where: dict[int, int]) -> Cluster:
    return Cluster(
        id=cluster.id,
        members=[where[m] for m in cluster.members],
        canonical=where[cluster.canonical],
        pairs=[Pair(where[p.a], where[p.b], p.similarity) for p in cluster.pairs],
        similarity={where[m]: s for m, s in cluster.similarity.items()},
    )


def open_index(
    index_path: str | os.PathLike, config: ScanConfig | None = None, *, create: bool = True
) -> tuple[IndexStore, ScanConfig]:
    """Open (or create) an index and the config to group it with.

    ``config=None`` takes the index's own grouping parameters (ScanConfig
    defaults for a new index); a config whose grouping parameters differ from
    the stored ones is a :class:`DedupeError` naming each difference.

    >>> store, config = open_index("news.index")   # doctest: +SKIP
    """
    store = open_store(index_path, create=create)
    stored = store.params()
    try:
        if stored is None:
            config = config or ScanConfig()
            store.set_params(grouping_params(config))
        elif config is None:
            config = ScanConfig.from_flat(stored)
        else:
            check_params(stored, config, os.fspath(index_path))
    except BaseException:
        store.close()
        raise
    return store, config


def index_add(
    paths: Sequence[str | os.PathLike],
    index_path: str | os.PathLike,
    config: ScanConfig | None = None,
    *,
    workers: int = 1,
    batch: int = BATCH,
    track: Track = no_progress,
) -> IndexUpdate:
    """Read ``paths``, add their documents to the index and regroup all of them.

    ``config`` must group like the index was built (None: the index's own
    parameters); its read settings (JSON fields, size limit) apply to ``paths``.
    Documents already indexed (same source file and id) are skipped, so adding
    a folder twice changes nothing.
    """
    with _opened(index_path, config, batch) as (store, config):
        documents, errors = read(paths, config, track)
        return _update(store, config, documents, errors, workers=workers, batch=batch, track=track)


def index_add_documents(
    documents: list[Document],
    index_path: str | os.PathLike,
    config: ScanConfig | None = None,
    *,
    errors: Sequence[BadFile] = (),
    workers: int = 1,
    batch: int = BATCH,
    track: Track = no_progress,
) -> IndexUpdate:
    """:func:`index_add` for documents already read (the library entry point)."""
    with _opened(index_path, config, batch) as (store, config):
        return _update(store, config, documents, errors, workers=workers, batch=batch, track=track)


@contextmanager
def _opened(index_path: str | os.PathLike, config: ScanConfig | None, batch: int):
    """The open index and the config it groups with; closed on exit."""
    check_batch(batch)
    store, config = open_index(index_path, config)
    try:
        yield store, config
    finally:
        store.close()


def index_remove(
    ids: Sequence[str],
    index_path: str | os.PathLike,
    *,
    workers: int = 1,
    batch: int = BATCH,
    track: Track = no_progress,
) -> IndexUpdate:
    """Delete documents by id (every stored source of that id) and regroup the rest.

    An id that is not in the index is an error, and then nothing is deleted.
    """
    if isinstance(ids, str):
        raise DedupeError(f"ids must be a list of document ids, got the single string {ids!r}; pass [{ids!r}]")
    check_batch(batch)
    store, config = open_index(index_path, create=False)
    try:
        keys = store.keys_of_ids(ids)
        missing = [i for i, k in keys.items() if not k]
        if missing:
            raise DedupeError(f"not in {os.fspath(index_path)}: {', '.join(missing)}; see `dedupe index export`")
        store.remove([k for ks in keys.values() for k in ks])
        return _update(store, config, [], [], workers=workers, batch=batch, track=track)
    finally:
        store.close()


def index_stats(index_path: str | os.PathLike) -> dict:
    """Counts (documents, clusters, clustered documents, sources, languages),
    format version, grouping parameters and file size of an index."""
    store = open_store(index_path, create=False)
    try:
        return store.stats()
    finally:
        store.close()


def index_export(index_path: str | os.PathLike) -> ScanResult:
    """The index's documents and last clusters as a ScanResult, for any report
    writer. Flags and verified pairs are not stored, so they are empty."""
    store = open_store(index_path, create=False)
    try:
        stored = store.load()
        params = store.params() or {}
    finally:
        store.close()
    return ScanResult(
        documents=[s.document for s in stored], clusters=_stored_clusters(stored), errors=[], params=params
    )


def _stored_clusters(stored: Sequence[StoredDocument]) -> list[Cluster]:
    members: dict[int, list[int]] = {}
    for i, s in enumerate(stored):
        if s.cluster is not None:
            members.setdefault(s.cluster, []).append(i)
    clusters = []
    for cid in sorted(members):
        group = members[cid]
        canonical = next((m for m in group if stored[m].canonical), group[0])
        similarity = {m: stored[m].similarity for m in group if stored[m].similarity is not None}
        clusters.append(Cluster(id=cid, members=group, canonical=canonical, similarity=similarity))
    return clusters


def _update(
    store: IndexStore,
    config: ScanConfig,
    incoming: list[Document],
    errors: Sequence[BadFile],
    *,
    workers: int,
    batch: int,
    track: Track,
) -> IndexUpdate:
    """Store ``incoming`` and regroup everything, as scan_documents would on the whole corpus."""
    with collector_paused():
        return _regroup(store, config, incoming, errors, workers=workers, batch=batch, track=track)


def _regroup(store: IndexStore, config: ScanConfig, incoming: list[Document], errors: Sequence[BadFile], *,
             workers: int, batch: int, track: Track) -> IndexUpdate:
    stored = store.load()
    seen = store.keys_of((d.source, d.id) for d in incoming)
    new_docs, skipped = [], []
    for doc in incoming:
        key = (doc.source, doc.id)
        (skipped if key in seen else new_docs).append(doc)
        seen.setdefault(key, -1)  # a repeat within this input is skipped too
    skipped_ids = [d.id for d in skipped]

    old_docs = [s.document for s in stored]
    documents = old_docs + new_docs
    params = config.flat()
    if not documents:
        store.set_clusters({})
        return IndexUpdate(ScanResult([], [], list(errors), params), already_indexed=skipped_ids)

    n_old = len(old_docs)
    new_idx = list(range(n_old, len(documents)))
    cfg = config.boilerplate
    model = Boilerplate(min_docs=cfg.min_docs, use_prior=cfg.use_prior)
    # The new documents' lines are read once: counted for the fit, then marked.
    new_lines = read_line_table(new_docs, model, workers=workers)
    hashes, weights, ptr = new_lines.distinct_lines()
    tables = [(s.cached.lines, s.cached.weights) for s in stored]
    tables += [(hashes[a:b], weights[a:b]) for a, b in zip(ptr[:-1].tolist(), ptr[1:].tolist())]
    model.fit_tables(tables)
    marked = _split(model.marks(np.concatenate([h for h, _ in tables])), [len(h) for h, _ in tables])
    # A stored document whose lines the refitted model marks as before has, by
    # construction, the spans, language and features a full scan would compute.
    changed = _differing(marked, [s.cached.marked for s in stored], range(n_old))
    mark_spans(new_docs, model, table=new_lines)
    mark_spans([old_docs[i] for i in changed], model, workers=workers)
    again = [old_docs[i] for i in changed] + new_docs
    fresh, fresh_numbers = analyse_numbers(again, config, workers=workers, track=track)
    features = [s.cached.features for s in stored] + fresh[len(changed) :]
    for i, f in zip(changed, fresh):
        features[i] = f

    cuts = cut_masks(features, config)
    unchanged = sorted(set(range(n_old)) - set(changed))
    resign = sorted(changed + _differing(cuts, [s.cached.cut for s in stored], unchanged)) + new_idx
    signatures = np.empty((len(documents), config.sign.num_perm), dtype=np.uint32)
    if stored:
        signatures[:n_old] = np.stack([s.cached.signature for s in stored])
    signatures[resign] = sign_kept([features[i] for i in resign], [cuts[i] for i in resign], config)
    numbers = [s.cached.numbers for s in stored] + [None] * len(new_docs)
    for i, found in zip(changed + new_idx, fresh_numbers):
        numbers[i] = found

    scorer = None
    if config.score:
        # Stored documents keep the score they were given alone when added;
        # new ones are scored alone now, before the canonical choice, as in a scan.
        scorer = fit_scorer((d.text for d in documents), config)
        score_artifacts(documents, scorer, new_idx, track=track)
    rewrite = [i for i in resign if i < n_old]

    def cached(i: int) -> Cached:
        return Cached(features[i], *tables[i], marked[i], cuts[i], signatures[i], numbers[i])

    store.update_analysis([stored[i].key for i in changed], [old_docs[i] for i in changed],
                          [cached(i) for i in changed], batch=batch)
    signed = sorted(set(rewrite) - set(changed))  # signed again, analysis unchanged
    store.update_signing([stored[i].key for i in signed], [cached(i) for i in signed], batch=batch)
    keys = [s.key for s in stored] + store.add(new_docs, [cached(i) for i in new_idx], batch=batch)

    known = DocumentNumbers(documents, dict(enumerate(numbers)))
    previous = [s.cached.features for s in stored] + [None] * len(new_docs)
    pairs, matrix, computed = _find_pairs(store, documents, features, previous, signatures, keys, config, known,
                                          workers=workers)
    del signatures
    clusters = build_clusters(documents, pairs, matrix, config, numbers=known)
    store.set_clusters({keys[m]: (c.id, m == c.canonical, c.similarity[m]) for c in clusters for m in c.members})

    new_set = set(new_idx)
    joined = [c.id for c in clusters if new_set & set(c.members) and not new_set >= set(c.members)]
    formed = [c.id for c in clusters if new_set >= set(c.members)]
    if scorer is not None:
        # The reported clusters' members are scored against their canonical copy.
        touched = set(joined) | set(formed)
        members = [m for c in clusters if c.id in touched for m in c.members]
        score_artifacts(documents, scorer, members, clusters, track)
    result = ScanResult(documents=documents, clusters=clusters, errors=list(errors), params=params)
    return IndexUpdate(result, new=new_idx, joined=joined, formed=formed, already_indexed=skipped_ids,
                       reanalysed=len(changed), resigned=len(rewrite), computed_pairs=computed)


def _find_pairs(store: IndexStore, documents: Sequence[Document], features, previous, signatures: np.ndarray,
                keys: Sequence[int], config: ScanConfig, numbers: DocumentNumbers, *, workers: int):
    """Stages 6-7 as :func:`dedupe.pipeline.find_pairs` gives them, computing
    only the similarities the last run's bounds leave open (:mod:`dedupe.pairbounds`;
    ``previous``: each document's features in the last run, as
    :func:`~dedupe.pairbounds.verify_with_bounds` takes them); stores the new
    bounds. Returns the pairs, the term matrix and how many similarities were computed."""
    cfg = config.lsh
    candidates = candidate_pairs(signatures, bands=cfg.bands, rows=cfg.rows, window=cfg.window)
    stored = store.get_blob(_BOUNDS)
    bounds = PairBounds.empty() if stored is None else PairBounds.from_bytes(stored)
    keep, similarity, matrix, bounds, computed = verify_with_bounds(
        features, candidates, pair_thresholds(documents, candidates, config), np.asarray(keys, dtype=np.int64),
        bounds, config, partial(similarities, workers=workers), previous)
    store.set_blob(_BOUNDS, bounds.to_bytes())
    return kept_pairs(documents, candidates, keep, similarity, config, numbers=numbers), matrix, computed


def _differing(new: Sequence[np.ndarray], old: Sequence[np.ndarray], docs: Sequence[int]) -> list[int]:
    """Those of ``docs`` whose ``new`` and ``old`` masks (of one length each) differ,
    compared in one vectorised pass."""
    if not len(docs):
        return []
    lengths = np.fromiter((len(old[i]) for i in docs), dtype=np.int64, count=len(docs))
    differ = np.concatenate([new[i] for i in docs]) != np.concatenate([old[i] for i in docs])
    owners = np.searchsorted(np.cumsum(lengths), np.flatnonzero(differ), side="right")
    return np.asarray(docs)[np.unique(owners)].tolist()


def _split(flat: np.ndarray, lengths: Sequence[int]) -> list[np.ndarray]:
    """``flat`` cut into consecutive pieces of ``lengths``."""
    return np.split(flat, np.cumsum(lengths)[:-1]) if lengths else []
