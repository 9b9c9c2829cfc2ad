"""Normalise + sign throughput, side by side with stock datasketch, in one run.

    python benchmarks/bench_sign.py [--docs 5000]

Measures on real news articles (BBC and Reuters from ../shared/corpora), one
core, after a warm-up pass (word-frequency tables and caches loaded):

* ``dedupe``: ``featurize`` (normalise, tokenise, salient terms, shingle
  hashes) then ``Signer.sign_many`` at 128 permutations -- docs/s;
* ``datasketch``: the same shingle sets fed to ``datasketch.MinHash.update``
  one token at a time, as its README shows -- docs/s, and the signing-only
  speed-up of ``Signer`` over it on identical input (signatures are equal).

Writes ``benchmarks/results/sign.json``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
import xxhash
from datasketch import MinHash

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpora import corpora_dir, iter_corpus  # noqa: E402

from dedupe.shingles import featurize  # noqa: E402
from dedupe.sign import Signer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=5000)
    args = parser.parse_args()
    if corpora_dir() is None:
        sys.exit("skipped: ../shared/corpora is absent (set DEDUPE_CORPORA)")
    records = itertools.chain(iter_corpus("bbc"), (r for r in iter_corpus("reuters21578") if len(r["text"]) > 400))
    texts = [r["text"] for r in itertools.islice(records, args.docs)]
    signer = Signer(num_perm=128, seed=1)
    for text in texts[:500]:  # warm-up: tables and caches
        featurize(text, "en")

    start = time.perf_counter()
    features = [featurize(text, "en") for text in texts]
    featurize_s = time.perf_counter() - start
    start = time.perf_counter()
    ours = signer.sign_many([f.shingles for f in features])
    sign_s = time.perf_counter() - start

    sample = features[: max(1, len(features) // 10)]
    start = time.perf_counter()
    theirs = []
    for f in sample:
        m = MinHash(num_perm=128, seed=1, hashfunc=lambda b: int.from_bytes(b, "little"))
        for h in f.shingles.tolist():
            m.update(int(h).to_bytes(4, "little"))
        theirs.append(m.hashvalues)
    datasketch_s = (time.perf_counter() - start) * len(features) / len(sample)
    identical = bool(np.array_equal(np.array(theirs, dtype=np.uint32), ours[: len(sample)]))

    chars = sum(len(t) for t in texts)
    result = {
        "docs": len(texts),
        "mean_chars": round(chars / len(texts)),
        "dedupe_normalise_sign_docs_per_s": round(len(texts) / (featurize_s + sign_s)),
        "dedupe_sign_only_docs_per_s": round(len(texts) / sign_s),
        "datasketch_update_docs_per_s": round(len(texts) / datasketch_s),
        "sign_speedup_vs_datasketch": round(datasketch_s / sign_s, 1),
        "end_to_end_speedup_vs_datasketch_update": round(datasketch_s / (featurize_s + sign_s), 1),
        "signatures_identical": identical,
    }
    out = Path(__file__).resolve().parent / "results" / "sign.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:<42} {value}")


if __name__ == "__main__":
    main()
