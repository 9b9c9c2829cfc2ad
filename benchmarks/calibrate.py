"""Measure the grouping decision on real corpora and pick the verify thresholds.

Builds a labelled development corpus (never the seeds) from ../shared/corpora:

* ``mt``: up to four English versions (human and machine translations) of each
  WMT news story;
* ``partial``: two *partial* versions of each WMT story -- different
  translations, each keeping a different ~60% of the sentences -- the way two
  outlets rewrite one wire report;
* ``cross``: the WMT story's source-language text (Russian, Japanese, ...);
* ``foreign``: the source texts of a third as many other WMT stories, without
  their translations: documents in another language that copy nothing here;
* ``syndicated``: BBC articles reprinted with other headlines, chrome and a
  paragraph dropped;
* distractors: Reuters and BBC articles, one story each; many share actors and
  vocabulary with each other (the same companies, ministers, markets).

Then runs the pipeline's stages up to the candidate pairs, scores every
candidate, and prints precision/recall/F1 per threshold for same-language and
cross-language pairs, plus LSH recall.

    python benchmarks/calibrate.py [--seed 7] [--stories 300]
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import corpora_dir, iter_corpus, wmt_stories  # noqa: E402

from dedupe.cluster import cluster_pairs  # noqa: E402
from dedupe.config import ClusterConfig, ScanConfig, VerifyConfig  # noqa: E402
from dedupe.crosslingual import link_languages  # noqa: E402
from dedupe.lsh import candidate_pairs  # noqa: E402
from dedupe.engines.local import default_workers  # noqa: E402
from dedupe.pipeline import analyse, find_boilerplate, sign  # noqa: E402
from dedupe.types import Document  # noqa: E402
from dedupe.numberset import drop_disagreeing, groups_agree  # noqa: E402
from dedupe.verify import TermWeights, accept_pairs, pair_similarity, used_columns  # noqa: E402

CHROME = [
    ["World News Today", "Home | Politics | Business", "Share this article", "Comments (0)"],
    ["THE DAILY WIRE SERVICE", "Follow us on social media", "Related stories", "Leave a comment"],
    ["Metro Courier", "Advertisement", "Read more", "All rights reserved."],
]


def _sentences(text: str) -> list[str]:
    import re

    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def build(seed: int, stories: int) -> tuple[list[Document], list[str], list[str]]:
    """Documents, their story labels and their copy kinds."""
    rng = random.Random(seed)
    docs, labels, kinds = [], [], []

    def add(text, label, kind):
        docs.append(Document(id=f"{kind}-{len(docs)}", text=text))
        labels.append(label)
        kinds.append(kind)

    groups = list(wmt_stories().items())
    rng.shuffle(groups)
    for group, records in groups[:stories]:
        english = [r for r in records if r["lang"] == "en"]
        rng.shuffle(english)
        for r in english[:4]:
            add(r["text"], group, "mt")
        for r in english[4:6]:
            sents = _sentences(r["text"])
            keep = sorted(rng.sample(range(len(sents)), max(1, int(len(sents) * 0.6))))
            add(" ".join(sents[i] for i in keep), group, "partial")
        for r in records:
            if r["variant"] == "src":
                add(r["text"], group, "cross")
    # Source texts of stories whose translations are left out: documents in
    # another language with no copy here, which a cross-language link must not join.
    for group, records in groups[stories : stories + stories // 3]:
        for r in records:
            if r["variant"] == "src":
                add(r["text"], group, "foreign")
    seen = set()
    pool = [r for r in iter_corpus("bbc")] + [r for r in iter_corpus("reuters21578") if len(r["text"]) > 400]
    rng.shuffle(pool)
    for r in pool[: stories * 6]:
        digest = hashlib.sha1(r["text"][:400].encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        add(r["text"], r["id"], "original")
        if r["source"] == "bbc" and rng.random() < 0.3:
            paras = [p for p in r["text"].split("\n\n") if p.strip()]
            if len(paras) > 3:
                del paras[rng.randrange(1, len(paras))]
            chrome = rng.choice(CHROME)
            add("\n\n".join([chrome[0], chrome[1], r["title"].upper()] + paras + chrome[2:]), r["id"], "syndicated")
    return docs, labels, kinds


def cluster_pair_scores(groups: list[list[int]], labels: list[str]) -> tuple[float, float]:
    """Pair precision and recall of ``groups`` against the story ``labels``."""
    from collections import Counter

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    found = sum(pairs(len(g)) for g in groups)
    right = sum(pairs(c) for g in groups for c in Counter(labels[i] for i in g).values())
    true = sum(pairs(c) for c in Counter(labels).values())
    return right / max(1, found), right / max(1, true)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stories", type=int, default=300)
    args = parser.parse_args()
    if corpora_dir() is None:
        sys.exit("skipped: ../shared/corpora is absent (set DEDUPE_CORPORA)")
    config = ScanConfig(score=False)
    docs, labels, kinds = build(args.seed, args.stories)
    find_boilerplate(docs, config, workers=default_workers())
    features = analyse(docs, config, workers=default_workers())
    sigs = sign(features, config)
    cand = candidate_pairs(sigs, bands=config.lsh.bands, rows=config.lsh.rows, window=config.lsh.window)
    matrix = used_columns(TermWeights().fit(features).transform(features))
    sims = pair_similarity(matrix, cand)
    labels_arr = np.array(labels, dtype=object)
    langs = np.array([d.language or "" for d in docs], dtype=object)
    truth = labels_arr[cand[:, 0]] == labels_arr[cand[:, 1]]
    cross = langs[cand[:, 0]] != langs[cand[:, 1]]
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    lang_of = list(langs)
    total_same = sum(
        1 for m in by_label.values() for a in range(len(m)) for b in range(a + 1, len(m)) if lang_of[m[a]] == lang_of[m[b]]
    )
    total_cross = sum(
        1 for m in by_label.values() for a in range(len(m)) for b in range(a + 1, len(m)) if lang_of[m[a]] != lang_of[m[b]]
    )
    print(f"{len(docs)} documents, {len(cand)} candidate pairs")
    print(f"LSH recall: same-language {truth[~cross].sum() / total_same:.3f}, cross-language {truth[cross].sum() / max(1, total_cross):.3f}")
    for name, mask, total in (("same-language", ~cross, total_same), ("cross-language", cross, total_cross)):
        print(f"\n{name}: threshold  precision  recall  F1")
        for th in np.arange(0.05, 0.61, 0.05):
            hit = mask & (sims >= th)
            tp = int((hit & truth).sum())
            p = tp / max(1, int(hit.sum()))
            r = tp / max(1, total)
            print(f"  {th:.2f}  {p:.3f}  {r:.3f}  {2 * p * r / max(1e-9, p + r):.3f}")
    default = VerifyConfig()
    print("\nthe default decision (threshold, or low_threshold + mutual best + margin over neighbours):")
    for low, margin in ((default.threshold, 1.0), (default.low_threshold, default.margin), (0.1, 2.0), (0.15, 1.5), (0.15, 3.0)):
        keep = accept_pairs(
            cand, sims, len(docs), threshold=np.where(cross, default.cross_threshold, default.threshold),
            low_threshold=min(low, default.threshold), margin=margin, neighbours=default.neighbours,
        )
        for name, mask, total in (("same-language", ~cross, total_same), ("cross-language", cross, total_cross)):
            tp = int((keep & mask & truth).sum())
            p = tp / max(1, int((keep & mask).sum()))
            r = tp / max(1, total)
            print(f"  low {low:.2f} margin {margin:.1f} {name:<15} P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f}")
    accepted = accept_pairs(
        cand, sims, len(docs), threshold=np.where(cross, default.cross_threshold, default.threshold),
        low_threshold=default.low_threshold, margin=default.margin, neighbours=default.neighbours,
    )
    print("\nthe number check on the default decision (dedupe/numberset.py), clusters at the default min_support:")
    for overlap in (0.0, 0.3, default.number_overlap, 0.7):
        keep = drop_disagreeing(docs, cand, accepted, min_numbers=default.min_numbers, min_overlap=overlap)
        groups = cluster_pairs(len(docs), cand[keep], sims[keep], min_support=ClusterConfig().min_support)
        p, r = cluster_pair_scores(groups, labels)
        print(f"  number_overlap {overlap:.1f}: {int((accepted & ~keep).sum())} pairs dropped, "
              f"pair P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f}")
    print("\nclusters (default decision and number check, then merges needing min_support of cross pairs):")
    keep = drop_disagreeing(docs, cand, accepted, min_numbers=default.min_numbers, min_overlap=default.number_overlap)
    for support in (0.0, 0.3, ClusterConfig().min_support, 0.7):
        groups = cluster_pairs(len(docs), cand[keep], sims[keep], min_support=support)
        p, r = cluster_pair_scores(groups, labels)
        print(f"  min_support {support:.1f}: pair P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f}")
    print("\ncross-language links after the default clusters (see dedupe/crosslingual.py):")
    groups = cluster_pairs(len(docs), cand[keep], sims[keep], min_support=ClusterConfig().min_support)
    p, r = cluster_pair_scores(groups, labels)
    print(f"  no links:                 pair P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f}")
    for similarity in (0.03, 0.05, 0.08, 0.12):
        for margin in (1.2, 1.5, 2.0, 3.0):
            linked, found = link_languages(groups, list(langs), matrix, min_similarity=similarity, margin=margin)
            p, r = cluster_pair_scores(linked, labels)
            right = sum(labels[q.a] == labels[q.b] for q in found)
            strays = sum(kinds[q.a] == "foreign" or kinds[q.b] == "foreign" for q in found)
            print(f"  similarity {similarity:.2f} margin {margin:.1f}: pair P {p:.3f} R {r:.3f} "
                  f"F1 {2 * p * r / max(1e-9, p + r):.3f}  links {len(found)} ({right} right, "
                  f"{strays} of the {kinds.count('foreign')} foreign documents joined)")
    for overlap in (0.3, 0.5):
        allow = groups_agree(docs, min_numbers=default.min_numbers, min_overlap=overlap)
        linked, found = link_languages(groups, list(langs), matrix, min_similarity=ClusterConfig().link_similarity,
                                       margin=ClusterConfig().link_margin, allow=allow)
        p, r = cluster_pair_scores(linked, labels)
        strays = sum(kinds[q.a] == "foreign" or kinds[q.b] == "foreign" for q in found)
        print(f"  defaults, links need number_overlap {overlap:.1f}: pair P {p:.3f} R {r:.3f} "
              f"F1 {2 * p * r / max(1e-9, p + r):.3f}  links {len(found)} ({strays} foreign joined)")
    kinds_arr = np.array(kinds, dtype=object)
    print("\nsame-language positives by kind (5th / 50th percentile of similarity):")
    for kind in ("mt", "partial", "syndicated"):
        m = truth & ~cross & ((kinds_arr[cand[:, 0]] == kind) | (kinds_arr[cand[:, 1]] == kind))
        if m.any():
            print(f"  {kind:<11} {np.percentile(sims[m], 5):.3f} {np.percentile(sims[m], 50):.3f}  n={int(m.sum())}")
    neg = ~truth & ~cross
    print(f"  negatives   99th {np.percentile(sims[neg], 99):.3f}  99.9th {np.percentile(sims[neg], 99.9):.3f}  n={int(neg.sum())}")


if __name__ == "__main__":
    main()
