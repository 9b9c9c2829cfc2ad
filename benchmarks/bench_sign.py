"""Normalise + sign throughput, side by side with stock datasketch, in one run.

    python benchmarks/bench_sign.py [--docs 5000]

Measures on real news articles (BBC and Reuters from ../shared/corpora), one
process, after a warm-up pass (word-frequency tables and caches loaded), in
CPU seconds of this process (``time.process_time``: on a shared machine, wall
time counts other people's work too; wall figures are reported beside them):

* ``normalise_sign``: what the issue calls normalise+sign --
  ``featurize_many`` (fold, tokenise, stem, word frequencies, shingle hashes)
  in chunks of 256 with the language given, then ``Signer.sign_many`` at 128
  permutations;
* ``full_analysis``: everything the pipeline does per document before
  banding -- boilerplate spans from a model fitted on these texts, then
  ``pipeline.analyse_chunk`` (language detection, ``featurize_many``) then signing; this
  is the rate a scan actually gets per core;
* ``datasketch``: the same shingle sets fed to ``datasketch.MinHash.update``
  one token at a time, as its README shows; the signing-only speed-up of
  ``Signer`` over it on identical input (signatures are equal), and the
  normalise+sign speed-up (our normalising included, theirs not).

Writes ``benchmarks/results/sign.json``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpora import corpora_dir, iter_corpus  # noqa: E402

from dedupe.config import ScanConfig  # noqa: E402
from dedupe.language import warm_up  # noqa: E402
from dedupe.boilerplate import Boilerplate, strip  # noqa: E402
from dedupe.pipeline import analyse_chunk  # noqa: E402
from dedupe.shingles import featurize_many, unpack_features  # noqa: E402
from dedupe.sign import Signer  # noqa: E402

CHUNK = 256


def timed(func):
    """``(result, cpu_s, wall_s)`` of ``func()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = func()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def chunked(func, items):
    return [out for i in range(0, len(items), CHUNK) for out in func(items[i : i + CHUNK])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=5000)
    args = parser.parse_args()
    if corpora_dir() is None:
        sys.exit("skipped: ../shared/corpora is absent (set DEDUPE_CORPORA)")
    records = itertools.chain(iter_corpus("bbc"), (r for r in iter_corpus("reuters21578") if len(r["text"]) > 400))
    texts = [r["text"] for r in itertools.islice(records, args.docs)]
    english = ["en"] * len(texts)
    config = ScanConfig(score=False)
    signer = Signer(num_perm=128, seed=1)
    model = Boilerplate(min_docs=config.boilerplate.min_docs, use_prior=config.boilerplate.use_prior).fit(texts)

    def full_analysis(chunk):
        clean = [strip(t, s) for t, s in zip(chunk, model.spans_of(chunk, model.read_lines(chunk)))]
        return unpack_features(analyse_chunk(clean, config=config)[1])

    warm_up()
    full_analysis(texts[:500])  # warm-up: tables and caches
    featurize_many(texts, english)

    features, featurize_cpu, featurize_wall = timed(lambda: chunked(lambda t: featurize_many(t, english[: len(t)]), texts))
    ours, sign_cpu, sign_wall = timed(lambda: signer.sign_many([f.shingles for f in features]))
    analyses, analyse_cpu, analyse_wall = timed(lambda: chunked(full_analysis, texts))
    _, sign2_cpu, sign2_wall = timed(lambda: signer.sign_many([f.shingles for f in analyses]))

    sample = features[: max(1, len(features) // 10)]

    def datasketch_update():
        signatures = []
        for f in sample:
            m = MinHash(num_perm=128, seed=1, hashfunc=lambda b: int.from_bytes(b, "little"))
            for h in f.shingles.tolist():
                m.update(int(h).to_bytes(4, "little"))
            signatures.append(m.hashvalues)
        return signatures

    theirs, datasketch_cpu, _ = timed(datasketch_update)
    datasketch_cpu *= len(features) / len(sample)
    identical = bool(np.array_equal(np.array(theirs, dtype=np.uint32), ours[: len(sample)]))

    n = len(texts)
    result = {
        "docs": n,
        "mean_chars": round(sum(len(t) for t in texts) / n),
        "num_perm": 128,
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "normalise_sign_docs_per_cpu_s": round(n / (featurize_cpu + sign_cpu)),
        "normalise_sign_docs_per_wall_s": round(n / (featurize_wall + sign_wall)),
        "full_analysis_sign_docs_per_cpu_s": round(n / (analyse_cpu + sign2_cpu)),
        "full_analysis_sign_docs_per_wall_s": round(n / (analyse_wall + sign2_wall)),
        "sign_only_docs_per_cpu_s": round(n / sign_cpu),
        "datasketch_update_docs_per_cpu_s": round(n / datasketch_cpu),
        "sign_speedup_vs_datasketch_update": round(datasketch_cpu / sign_cpu, 1),
        "normalise_sign_speedup_vs_datasketch_update": round(datasketch_cpu / (featurize_cpu + sign_cpu), 1),
        "signatures_identical": identical,
    }
    out = Path(__file__).resolve().parent / "results" / "sign.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:<46} {value}")


if __name__ == "__main__":
    main()
