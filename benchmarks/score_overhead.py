"""How much artifact scoring adds to a scan: the same corpus scanned with and without it.

Run: ``python benchmarks/score_overhead.py [--docs N] [--dump DIR] [--repeat N]``

The corpus is the 10k-document benchmark dump (``--dump``, default /tmp/m10w,
made by benchmarks/make_dump.py: its ``docs/*.txt``); without it, BBC articles
plus lightly edited copies of some of them, so that clusters (and the second,
against-the-canonical scoring pass) exist. Both scans run in this process, one
worker, alternating ``--repeat`` times; the ratio is the median scored CPU time
over the median plain CPU time. Both are timed warm: a small plain scan first loads what
every scan loads once (language profiles, word lists), then a small scored scan
loads what only scoring needs (its word tables); that second, one-time cost is
added to the scored time for the reported ratio, as a real scan pays it.
Acceptance: ratio <= 2.0.

Results go to benchmarks/results/score_overhead.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dedupe import Document, ScanConfig, scan_documents  # noqa: E402
from dedupe.io.atomic import write_atomic  # noqa: E402

#: Acceptance: scoring may at most double the time of a plain scan.
MAX_RATIO = 2.0


def dump_texts(dump: Path, limit: int | None) -> list[tuple[str, str]]:
    """(id, text) of the dump's documents, in name order."""
    files = sorted((dump / "docs").glob("*.txt"))[:limit]
    return [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in files]


def bbc_texts(limit: int | None, seed: int = 0) -> list[tuple[str, str]]:
    """BBC articles plus an edited copy (a sentence dropped, one word changed) of every fifth one."""
    for base in (ROOT.parent / "shared" / "corpora", Path("/work/shared/corpora")):
        if (base / "bbc.jsonl.gz").is_file():
            break
    else:
        raise SystemExit("skipped: neither the dump nor ../shared/corpora/bbc.jsonl.gz was found")
    rng = random.Random(seed)
    with gzip.open(base / "bbc.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    out = [(f"bbc-{i}", t) for i, t in enumerate(texts)]
    for i, t in enumerate(texts[::5]):
        sents = t.split(". ")
        if len(sents) > 3:
            del sents[rng.randrange(1, len(sents))]
        out.append((f"copy-{i}", ". ".join(sents).replace(" the ", " a ", 1)))
    return out[:limit]


def timed_scan(texts: list[tuple[str, str]], score: bool) -> tuple[float, int, int]:
    """CPU seconds of one single-worker scan, with the cluster and flag counts it found.

    CPU time of this process, not wall time: on a shared machine the wall clock
    also counts the time other processes held the cores, which differs between
    the two runs being compared.
    """
    docs = [Document(id=i, text=t) for i, t in texts]
    t0 = time.process_time()
    result = scan_documents(docs, ScanConfig(score=score), workers=1)
    seconds = time.process_time() - t0
    return seconds, len(result.clusters), sum(len(d.flags) for d in result.documents)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", type=Path, default=Path("/tmp/m10w"), help="benchmark dump with docs/*.txt")
    ap.add_argument("--docs", type=int, default=None, help="use only the first N documents")
    ap.add_argument("--repeat", type=int, default=1, help="alternating plain/scored runs (median is reported)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "score_overhead.json")
    args = ap.parse_args(argv)
    if (args.dump / "docs").is_dir():
        texts, source = dump_texts(args.dump, args.docs), str(args.dump)
    else:
        texts, source = bbc_texts(args.docs), "bbc + edited copies"
    kb = sum(len(t) for _, t in texts) / 1000
    warm = texts[:50]
    plain_warm_up = timed_scan(warm, score=False)[0]
    one_time = max(timed_scan(warm, score=True)[0] - timed_scan(warm, score=False)[0], 0.0)
    plain, scored = [], []
    for _ in range(args.repeat):
        seconds, clusters, _ = timed_scan(texts, score=False)
        plain.append(seconds)
        seconds, clusters_scored, flags = timed_scan(texts, score=True)
        scored.append(seconds)
    p, s = statistics.median(plain), statistics.median(scored) + one_time
    result = {
        "corpus": source, "docs": len(texts), "kb": round(kb), "clusters": clusters,
        "clusters_scored": clusters_scored, "flags": flags,
        "plain_seconds": [round(x, 2) for x in plain], "scored_seconds": [round(x, 2) for x in scored],
        "plain_warm_up_seconds": round(plain_warm_up, 2), "scoring_one_time_seconds": round(one_time, 2),
        "plain_ms_per_doc": round(1000 * p / len(texts), 3), "scored_ms_per_doc": round(1000 * s / len(texts), 3),
        "scoring_ms_per_kb": round(1000 * (s - p) / kb, 3),
        "ratio": round(s / p, 3), "max_ratio": MAX_RATIO, "passed": s / p <= MAX_RATIO,
        "python": platform.python_version(), "workers": 1,
    }
    print(f"{len(texts)} docs ({kb:.0f} KB) from {source}: plain {p:.1f}s, scored {s:.1f}s CPU "
          f"(incl. {one_time:.1f}s loading the scorer's tables), "
          f"ratio {s / p:.2f} (<= {MAX_RATIO}: {'ok' if s / p <= MAX_RATIO else 'FAIL'}); "
          f"scoring costs {result['scoring_ms_per_kb']} ms per KB")
    write_atomic(args.out, json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
