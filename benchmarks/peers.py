"""One small adapter per deduplication method compared by ``benchmarks/run.py``.

Each adapter runs one method at its documented defaults on a dump and returns a
:class:`Outcome`: a cluster label per document (in dump order; documents left
alone get a label of their own) and the wall time of each stage. Adapters read the
dump themselves (timed as stage ``load``) so every method pays for its input.

>>> out = ADAPTERS["exact"](Inputs(dump=Path("/tmp/dump-10k")), workers=1)  # doctest: +SKIP
>>> out.labels.shape, sorted(out.stages)                                      # doctest: +SKIP
((10000,), ['group', 'hash', 'load'])

Why adapters live beside the benchmark and not in the package: the peers are
optional extras (``pip install -e '.[bench]'``); the library never imports them.
"""
from __future__ import annotations

import json
import os
import pickle
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xxhash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

BENCH_EXTRA = "pip install -e '.[bench]'"


@dataclass(slots=True)
class Inputs:
    """Where a method finds the dump: the dump folder, and the JSONL forms the harness
    prepared (untimed) for the peers that only read JSONL.

    ``jsonl`` is one file with every document in dump order; ``shards`` a folder of
    ``workers`` files that, read in name order, give the documents in dump order
    (datatrove gives each task one file).
    """

    dump: Path
    jsonl: Path | None = None
    shards: Path | None = None
    work: Path | None = None


@dataclass(slots=True)
class Outcome:
    """A method's clustering (``labels[i]`` = cluster of document ``i``), its stage
    times in seconds and a line saying what exactly ran."""

    labels: np.ndarray
    stages: dict[str, float] = field(default_factory=dict)
    notes: str = ""


class Stages:
    """Stage stopwatch: ``with stages("sign"): ...`` adds the block's wall time.

    Each start and end is also written to standard error (``[stage] sign started``,
    ``[stage] sign done in 1.234 s``): a method stopped half way (timeout, memory) leaves
    in its log which stage it had reached (:func:`stages_reached`).

    >>> s = Stages()
    >>> with s("load"):
    ...     pass
    >>> list(s.times)
    ['load']
    """

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        print(f"[stage] {name} started", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - start
            self.times[name] = self.times.get(name, 0.0) + took
            print(f"[stage] {name} done in {took:.3f} s", file=sys.stderr, flush=True)


_STAGE_LINE = re.compile(r"^\[stage\] (\S+) (?:(started)|done in ([0-9.]+) s)$", re.M)


def stages_reached(log: str) -> tuple[dict[str, float], str | None]:
    """From a method's log (:class:`Stages` lines): the finished stages' times, and the
    stage it was in when the log ends (None if none was running).

    >>> stages_reached("[stage] load started\\n[stage] load done in 2.000 s\\n[stage] sign started\\n")
    ({'load': 2.0}, 'sign')
    """
    done: dict[str, float] = {}
    running: list[str] = []
    for name, started, took in _STAGE_LINE.findall(log):
        if started:
            running.append(name)
        else:
            done[name] = done.get(name, 0.0) + float(took)
            if name in running:
                running.remove(name)
    return done, running[-1] if running else None


def dump_format(root: Path) -> str:
    """``jsonl`` when the dump is ``docs.jsonl``, ``files`` when it is ``docs/*.txt``."""
    if (root / "docs.jsonl").is_file():
        return "jsonl"
    if (root / "docs").is_dir():
        return "files"
    raise FileNotFoundError(f"{root} holds neither docs.jsonl nor docs/: not a dump from benchmarks/make_dump.py")


def iter_dump(root: Path) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for every document, in dump order (JSONL line order, or file names sorted).

    Everything that compares methods relies on this one order.
    """
    if dump_format(root) == "jsonl":
        with open(root / "docs.jsonl", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                yield record["id"], record["text"]
    else:
        for path in sorted((root / "docs").glob("*.txt")):
            yield path.stem, path.read_text(encoding="utf-8")


def components(n: int, edges: list[tuple[int, int]] | np.ndarray) -> np.ndarray:
    """Connected components of ``n`` documents linked by ``edges``: one label per document.

    Iterative (scipy), so long chains cannot overflow a recursion limit.

    >>> components(4, [(0, 2)]).tolist()
    [0, 1, 0, 2]
    """
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(e), dtype=np.int8), (e[:, 0], e[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


# --- this project -------------------------------------------------------------------------

# Stage functions of dedupe.pipeline that scan_documents and scan_jsonl call through
# the module's globals, and the stage each one times: wrapping them there times each
# stage of the real entry point. scan_jsonl's two reads of the file are its boilerplate
# and analysis stages; what find_pairs does in one stage (banding in a thread beside the
# term matrix, then verification) it does as three.
DOCUMENT_STAGES = {"find_boilerplate": "find_boilerplate", "analyse": "analyse", "sign": "sign",
                   "find_pairs": "find_pairs", "build_clusters": "build_clusters", "fit_scorer": "fit_scorer",
                   "score_artifacts": "score_artifacts"}
STREAMED_STAGES = {"fit_boilerplate_streamed": "find_boilerplate", "analyse_streamed": "analyse", "sign": "sign",
                   "candidate_blocks": "band", "term_matrix": "term_matrix", "verify_blocks": "verify",
                   "build_clusters": "build_clusters"}


def run_dedupe(inputs: Inputs, *, workers: int) -> Outcome:
    """This project, grouping only (``ScanConfig(score=False)``; artifact scoring flags
    garbled phrasing and does not change the clusters): ``scan_jsonl`` on a JSONL dump,
    which reads the file twice instead of holding its texts, ``scan_documents`` on the
    documents of a folder dump.
    """
    import dedupe.pipeline as pipeline
    from dedupe import Document, ScanConfig, scan_documents
    from dedupe.io.stream import JsonlSource

    streamed = dump_format(inputs.dump) == "jsonl"
    stages = Stages()
    names = STREAMED_STAGES if streamed else DOCUMENT_STAGES
    originals = {name: getattr(pipeline, name) for name in names}
    for name, func in originals.items():
        setattr(pipeline, name, _timed(func, stages, names[name]))
    try:
        with stages("load"):
            if streamed:
                source = JsonlSource(inputs.dump / "docs.jsonl")
            else:
                documents = [Document(id=doc_id, text=text) for doc_id, text in iter_dump(inputs.dump)]
        if streamed:
            result = pipeline.scan_jsonl(source, ScanConfig(score=False), workers=workers)
            notes = f"dedupe scan_jsonl (texts read twice, not held), ScanConfig(score=False), workers={workers}"
        else:
            result = scan_documents(documents, ScanConfig(score=False), workers=workers)
            notes = f"dedupe scan_documents, ScanConfig(score=False), workers={workers}"
    finally:
        for name, func in originals.items():
            setattr(pipeline, name, func)
    # Both keep the dump's order, so a member's index is its position in the dump.
    labels = np.arange(len(result.documents), dtype=np.int64)
    for cluster in result.clusters:
        labels[cluster.members] = len(result.documents) + cluster.id
    return Outcome(labels, stages.times, notes)


def _timed(func: Callable, stages: Stages, name: str) -> Callable:
    def wrapper(*args, **kwargs):
        with stages(name):
            return func(*args, **kwargs)

    wrapper.__wrapped__ = func
    return wrapper


# --- datasketch ---------------------------------------------------------------------------

def word_5grams(text: str) -> set[str]:
    """Distinct word 5-grams (whitespace words; a shorter text is one shingle).

    >>> sorted(word_5grams("a b c d e f"))
    ['a b c d e', 'b c d e f']
    """
    words = text.split()
    return {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def run_datasketch(inputs: Inputs, *, workers: int, shingles: str = "words") -> Outcome:
    """Stock datasketch as its README shows: ``MinHash(num_perm=128)``, ``m.update(s.encode('utf8'))``
    for each distinct token, ``MinHashLSH(threshold=0.5, num_perm=128)``, insert all, query
    each; every hit is a link. Tokens are whitespace words as in the README
    (``shingles="words"``), or word 5-grams (``"5gram"``, the usual near-duplicate
    shingle). Single process (datasketch has no workers)."""
    from datasketch import MinHash, MinHashLSH

    tokens = word_5grams if shingles == "5gram" else (lambda text: set(text.split()))
    stages = Stages()
    with stages("load"):
        texts = [text for _, text in iter_dump(inputs.dump)]
    with stages("sign"):
        sketches = []
        for text in texts:
            m = MinHash(num_perm=128)
            for token in tokens(text):
                m.update(token.encode("utf8"))
            sketches.append(m)
    with stages("index"):
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        for i, m in enumerate(sketches):
            lsh.insert(i, m)
    with stages("query+cluster"):
        edges = [(i, j) for i, m in enumerate(sketches) for j in lsh.query(m) if j != i]
        labels = components(len(texts), edges)
    unit = "word 5-grams" if shingles == "5gram" else "word tokens (README)"
    return Outcome(labels, stages.times, f"datasketch: {unit}, num_perm=128, MinHashLSH threshold=0.5")


def run_datasketch_5gram(inputs: Inputs, *, workers: int) -> Outcome:
    """:func:`run_datasketch` on word 5-grams."""
    return run_datasketch(inputs, workers=workers, shingles="5gram")


# --- rensa --------------------------------------------------------------------------------

def run_rensa(inputs: Inputs, *, workers: int) -> Outcome:
    """rensa as its README shows: ``RMinHashDeduplicator(threshold=0.8, num_perm=128, use_lsh=True)``
    over ``text.split()`` tokens, seed 42. To get clusters and not only keep flags, each
    document asks ``get_duplicates`` (LSH candidates checked against the threshold)
    before it is added; every duplicate found is a link."""
    from rensa import RMinHash, RMinHashDeduplicator

    stages = Stages()
    with stages("load"):
        texts = [text for _, text in iter_dump(inputs.dump)]
    with stages("sign"):
        sketches = []
        for text in texts:
            m = RMinHash(num_perm=128, seed=42)
            m.update(text.split())
            sketches.append(m)
    with stages("dedup+cluster"):
        dedup = RMinHashDeduplicator(threshold=0.8, num_perm=128, use_lsh=True)
        edges = []
        for i, m in enumerate(sketches):
            edges.extend((i, int(key)) for key in dedup.get_duplicates(m))
            dedup.add(str(i), m)
        labels = components(len(texts), edges)
    return Outcome(labels, stages.times, "rensa README: RMinHashDeduplicator(threshold=0.8, num_perm=128, use_lsh=True), split() tokens")


# --- exact hash ---------------------------------------------------------------------------

def normalise_for_exact(text: str) -> str:
    """NFKC, lower case, runs of whitespace as one space: copies differing only in
    spacing or case are still one text.

    >>> normalise_for_exact("Oil  PRICES\\n rose")
    'oil prices rose'
    """
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def run_exact(inputs: Inputs, *, workers: int) -> Outcome:
    """xxh3-64 of the normalised text; identical hashes are one cluster."""
    stages = Stages()
    with stages("load"):
        texts = [text for _, text in iter_dump(inputs.dump)]
    with stages("hash"):
        digests = np.fromiter((xxhash.xxh3_64_intdigest(normalise_for_exact(t).encode("utf-8")) for t in texts),
                              dtype=np.uint64, count=len(texts))
    with stages("group"):
        labels = np.unique(digests, return_inverse=True)[1].astype(np.int64)
    return Outcome(labels, stages.times, "xxh3-64 of NFKC + lower-cased + whitespace-collapsed text")


# --- text-dedup ---------------------------------------------------------------------------

def run_text_dedup(inputs: Inputs, *, workers: int) -> Outcome:
    """text-dedup's MinHash CLI (``python -m text_dedup.minhash``) at its defaults (word
    5-grams, 250 permutations, threshold 0.7, sha1, bands/rows from its optimiser),
    called in this process on the dump as JSONL through HF ``datasets`` (offline),
    ``--num_proc N --debug``: debug mode saves the union-find of its clusters, which is
    read back. Its own timers give the stages; the run includes saving the
    deduplicated dataset, as the CLI always does."""
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["HF_HOME"] = str(inputs.work / "hf")
    import text_dedup.minhash as tdm

    times: dict[str, float] = {}

    class CapturingTimer(tdm.Timer):
        """text-dedup's Timer, writing its stage times where this adapter can read them."""

        def __init__(self) -> None:
            self.elapsed_times = times

    tdm.Timer = CapturingTimer
    out = inputs.work / "text-dedup-out"
    n = _count_lines(inputs.jsonl)
    tdm.main.main(
        args=["--path", "json", "--data_files", str(inputs.jsonl), "--split", "train",
              "--cache_dir", str(inputs.work / "text-dedup-cache"), "--output", str(out),
              "--column", "text", "--num_proc", str(workers), "--debug"],
        standalone_mode=False,
    )
    with open(out / "uf.pkl", "rb") as fh:
        uf = pickle.load(fh)  # noqa: S301 -- text-dedup's own debug output, written just now
    labels = np.arange(n, dtype=np.int64)
    for index in list(uf.parent):
        labels[index] = uf.find(index)
    stages = {k.lower(): v for k, v in times.items() if k != "Total"}
    return Outcome(labels, stages, "text-dedup 0.4 minhash CLI defaults: ngram 5, num_perm 250, threshold 0.7, sha1")


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


# --- datatrove ----------------------------------------------------------------------------

def run_datatrove(inputs: Inputs, *, workers: int) -> Outcome:
    """datatrove's MinHash dedup as in its ``examples/minhash_deduplication.py``, default
    ``MinhashConfig()`` (word 5-grams, 14 buckets x 8 hashes): signatures (one task per
    shard), buckets (one task per bucket), cluster (one task, ``save_cluster_id=True`` so
    the clusters can be scored), filter + JSONL writer. ``LocalPipelineExecutor`` with
    ``workers`` processes. Stage 3 writes ``{rank:06d}.clusters``: (doc index within the
    shard, cluster id) for every document in a cluster of two or more."""
    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter

    _encode_strings_for_xxhash4()
    config = MinhashConfig()
    work = inputs.work / "datatrove"
    shard_files = sorted(inputs.shards.glob("*.jsonl"))
    tasks = len(shard_files)
    stages = Stages()

    def execute(name: str, pipeline: list, n_tasks: int) -> None:
        with stages(name):
            # fork (not datatrove's default forkserver) so workers inherit the xxhash shim
            LocalPipelineExecutor(pipeline=pipeline, tasks=n_tasks, workers=min(workers, n_tasks),
                                  logging_dir=str(work / "logs" / name), start_method="fork").run()

    execute("signatures", [JsonlReader(str(inputs.shards)),
                           MinhashDedupSignature(output_folder=str(work / "signatures"), config=config)], tasks)
    execute("buckets", [MinhashDedupBuckets(input_folder=str(work / "signatures"),
                                            output_folder=str(work / "buckets"), config=config)], config.num_buckets)
    execute("cluster", [MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove"),
                                            config=config, save_cluster_id=True)], 1)
    execute("filter", [JsonlReader(str(inputs.shards)), MinhashDedupFilter(input_folder=str(work / "remove")),
                       JsonlWriter(str(work / "deduplicated"))], tasks)
    offsets = np.cumsum([0] + [_count_lines(p) for p in shard_files])
    labels = np.arange(offsets[-1], dtype=np.int64)
    for rank in range(tasks):
        path = work / "remove" / f"{rank:06d}.clusters"
        if path.exists():
            pairs = np.fromfile(path, dtype="<u4").reshape(-1, 2).astype(np.int64)
            labels[offsets[rank] + pairs[:, 0]] = offsets[-1] + pairs[:, 1]
    return Outcome(labels, stages.times, f"datatrove MinhashConfig() defaults: 5-grams, 14x8 hashes, {tasks} shard(s)")


def _encode_strings_for_xxhash4() -> None:
    """datatrove hashes shingles as ``str``; xxhash 4 (this project's) accepts only bytes,
    and datatrove pins ``xxhash<4`` only in its ``processing`` extra. xxhash 3 hashed a
    ``str`` as its UTF-8 bytes, so encoding first gives datatrove's intended hashes."""
    import xxhash as xx
    from datatrove.utils.hashes import xxhash as dt_xxhash

    dt_xxhash.xxhash32 = lambda data: xx.xxh32_intdigest(data.encode("utf-8") if isinstance(data, str) else data)
    dt_xxhash.xxhash64 = lambda data: xx.xxh64_intdigest(data.encode("utf-8") if isinstance(data, str) else data)


# --- TF-IDF cosine (quality ceiling) ------------------------------------------------------

# Pairs below this cosine are never links at any threshold tried; keeping only the
# rest bounds memory (unrelated news articles score ~0.05-0.15).
TFIDF_FLOOR = 0.2
TFIDF_THRESHOLDS = np.round(np.arange(TFIDF_FLOOR, 0.951, 0.025), 3)
TFIDF_BLOCK = 512


def run_tfidf(inputs: Inputs, *, workers: int, oracle: Callable[[np.ndarray], float]) -> Outcome:
    """scikit-learn ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)``, cosine of every
    pair by brute force (blocks of rows), links at cosine >= t, connected components.

    ``t`` is an ORACLE: the threshold in :data:`TFIDF_THRESHOLDS` with the best ``oracle``
    score (F1 against the labels). The sweep is timed as ``oracle_sweep`` and left out of
    the wall time; the result is a quality ceiling, not a method one could deploy.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    stages = Stages()
    with stages("load"):
        texts = [text for _, text in iter_dump(inputs.dump)]
    with stages("vectorise"):
        matrix = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    with stages("similarity"):
        rows, cols, sims = [], [], []
        for start in range(0, matrix.shape[0], TFIDF_BLOCK):
            block = (matrix[start : start + TFIDF_BLOCK] @ matrix.T).tocoo()
            keep = (block.data >= TFIDF_FLOOR) & (block.row + start < block.col)
            rows.append(block.row[keep] + start)
            cols.append(block.col[keep])
            sims.append(block.data[keep])
        edges = np.column_stack([np.concatenate(rows), np.concatenate(cols)])
        sims = np.concatenate(sims)
    with stages("oracle_sweep"):
        scores = [oracle(components(len(texts), edges[sims >= t])) for t in TFIDF_THRESHOLDS]
        best = float(TFIDF_THRESHOLDS[int(np.argmax(scores))])
    with stages("components"):
        labels = components(len(texts), edges[sims >= best])
    return Outcome(labels, stages.times,
                   f"ORACLE threshold cosine >= {best} (best F1 on this tier); word 1-2 grams, sublinear tf")


ADAPTERS: dict[str, Callable[..., Outcome]] = {
    "dedupe": run_dedupe,
    "datasketch": run_datasketch,
    "datasketch-5gram": run_datasketch_5gram,
    "text-dedup": run_text_dedup,
    "datatrove": run_datatrove,
    "rensa": run_rensa,
    "exact": run_exact,
    "tfidf": run_tfidf,
}
# The Python module each method needs beyond this project's own dependencies.
REQUIRES = {"text-dedup": "text_dedup", "datatrove": "datatrove", "rensa": "rensa"}
# Stages timed but not part of the method's own wall time.
UNTIMED_STAGES = {"oracle_sweep"}
