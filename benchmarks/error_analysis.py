"""Where dedupe's pair errors come from on a labelled dump (make_dump.py output).

    python benchmarks/error_analysis.py --dump /tmp/m10w [--cache /tmp/ea-10k] [--top 15]

Runs the scan's stages one by one (``dedupe.pipeline``: boilerplate, analysis,
signing, banding, term matrix, pair similarity), keeps what they give (in
``--cache``, so a later run with other decision code starts from the same
candidates), then the decision stages (acceptance, number check, supported
merges, links across languages) with their intermediate results, and scores
against ``labels.json``:

* **False positives** grouped by the wrong merge: each predicted cluster that
  holds documents of two or more true stories, the FP pairs it causes, the
  stories' sizes, kinds and languages, and what joined them -- the verified
  pairs or cross-language links between the parts (similarity; one bridge
  document or many).
* **False negatives** by kind: each true story split over several predicted
  clusters, each pair of its fragments classified by the strongest evidence
  between them: no candidate pair at all (LSH never proposed one), candidates
  rejected by acceptance, accepted but vetoed by the number check, verified
  but the supported merge refused, -- split by same / cross language.

The scores are the benchmark's (``benchmarks/run.py:pair_scores``), so the
figures match ``run.py --methods dedupe`` for the same code.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402
from run import Truth, load_truth, pair_scores  # noqa: E402


def prepare(dump: Path, cache: Path | None, workers: int, bp_overlap: float | None = None):
    """Documents (with boilerplate and language), candidates, their similarity and the
    term matrix: read from ``cache`` if it holds them, else computed (and stored)."""
    if cache is not None and (cache / "stages.pkl").is_file():
        with open(cache / "stages.pkl", "rb") as fh:
            return pickle.load(fh)
    import dedupe.pipeline as pl
    from dedupe import Document, ScanConfig
    from dedupe.lsh import candidate_pairs

    config = ScanConfig(score=False)
    if bp_overlap is not None:  # an experiment: another boilerplate copy-overlap cut
        import dedupe.boilerplate as bp
        bp.Boilerplate.__init__.__kwdefaults__["max_copy_overlap"] = bp_overlap
    t = time.time()
    documents = [Document(id=i, text=x) for i, x in peers.iter_dump(dump)]
    pl.find_boilerplate(documents, config, workers=workers)
    features = pl.analyse(documents, config, workers=workers)
    signatures = pl.sign(features, config)
    candidates = candidate_pairs(signatures, bands=config.lsh.bands, rows=config.lsh.rows,
                                 window=config.lsh.window)
    matrix = pl.term_matrix(features, config)
    del features
    similarity = pl.similarities(matrix, candidates, workers=workers)
    print(f"stages in {time.time() - t:.1f} s: {len(candidates):,} candidates", file=sys.stderr)
    state = {"documents": documents, "signatures": signatures, "candidates": candidates,
             "similarity": similarity, "matrix": matrix}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        with open(cache / "stages.pkl", "wb") as fh:
            pickle.dump(state, fh, protocol=5)
    return state


def decide(state, config):
    """The decision stages of ``dedupe.pipeline`` with their intermediate results."""
    import dedupe.pipeline as pl
    from dedupe.verify import accept_pairs
    from dedupe.numberset import drop_disagreeing

    documents, candidates, similarity = state["documents"], state["candidates"], state["similarity"]
    codes: dict[str, int] = {}
    languages = np.fromiter((codes.setdefault(d.language or "", len(codes)) for d in documents),
                            dtype=np.int32, count=len(documents))
    cross = languages[candidates[:, 0]] != languages[candidates[:, 1]]
    cfg = config.verify
    accepted = accept_pairs(candidates, similarity, len(documents),
                            threshold=np.where(cross, cfg.cross_threshold, cfg.threshold),
                            low_threshold=cfg.low_threshold, margin=cfg.margin, neighbours=cfg.neighbours)
    kept = drop_disagreeing(documents, candidates, accepted, min_numbers=cfg.min_numbers,
                            min_overlap=cfg.number_overlap)
    pairs = pl.accept_candidates(documents, candidates, similarity, config)
    groups = pl.group_pairs(len(documents), pairs, config)
    linked, all_pairs = pl.link_groups(documents, groups, pairs, state["matrix"], config)
    return {"languages": languages, "accepted": accepted, "kept": kept, "pairs": pairs,
            "groups": groups, "linked": linked, "link_pairs": all_pairs[len(pairs):]}


def labels_of(groups, n: int) -> np.ndarray:
    labels = np.arange(n, dtype=np.int64)
    for k, g in enumerate(groups):
        labels[g] = n + k
    return labels


def _pairs(x) -> int:
    x = np.asarray(x, dtype=np.int64)
    return int((x * (x - 1) // 2).sum())


def describe_story(members, truth: Truth, lang_names):
    kinds = Counter(truth.kind[members].tolist())
    langs = Counter(lang_names[truth.language[members]].tolist())
    return {"size": len(members), "kinds": dict(kinds.most_common()), "langs": dict(langs.most_common())}


def false_positives(pred: np.ndarray, truth: Truth, decided, lang_names, top: int):
    """Predicted clusters holding several true stories, worst first."""
    by_pred = defaultdict(list)
    for i, p in enumerate(pred.tolist()):
        by_pred[p].append(i)
    edges = [(p.a, p.b, p.similarity, "pair") for p in decided["pairs"]]
    edges += [(p.a, p.b, p.similarity, "link") for p in decided["link_pairs"]]
    edges_of = defaultdict(list)
    for a, b, s, how in edges:
        if pred[a] == pred[b] and truth.cluster[a] != truth.cluster[b]:
            edges_of[pred[a]].append((a, b, s, how))
    rows, total_fp = [], 0
    for p, members in by_pred.items():
        if len(members) < 2:
            continue
        members = np.array(members)
        stories = Counter(truth.cluster[members].tolist())
        if len(stories) < 2:
            continue
        fp = _pairs(len(members)) - _pairs(list(stories.values()))
        total_fp += fp
        cross = edges_of.get(p, [])
        bridges = Counter()
        for a, b, _, _ in cross:
            bridges[a] += 1
            bridges[b] += 1
        rows.append({
            "fp_pairs": fp, "size": len(members), "n_stories": len(stories),
            "stories": [describe_story(members[truth.cluster[members] == c], truth, lang_names)
                        for c, _ in stories.most_common(4)],
            "joining_edges": len(cross),
            "joined_by": Counter(how for *_, how in cross),
            "max_sim": max((s for _, _, s, _ in cross), default=None),
            "min_sim": min((s for _, _, s, _ in cross), default=None),
            "bridge_docs": len(bridges), "top_bridge_degree": bridges.most_common(1)[0][1] if bridges else 0,
            "example": [(truth.ids[a], truth.ids[b], round(s, 3), how) for a, b, s, how in sorted(cross, key=lambda e: -e[2])[:3]],
        })
    rows.sort(key=lambda r: -r["fp_pairs"])
    return total_fp, rows[:top], rows


def false_negatives(pred: np.ndarray, truth: Truth, state, decided, lang_names):
    """Each true story split over predicted clusters: its fragments' pairs by cause."""
    n = truth.n
    cand = state["candidates"]
    sim = state["similarity"]
    accepted, kept = decided["accepted"], decided["kept"]
    same_story = truth.cluster[cand[:, 0]] == truth.cluster[cand[:, 1]]
    apart = pred[cand[:, 0]] != pred[cand[:, 1]]
    # Evidence per (fragment, fragment) of one story, strongest wins:
    # 3 verified (merge refused), 2 number veto, 1 candidate rejected.
    level = np.where(kept, 3, np.where(accepted, 2, 1))
    evidence: dict[tuple[int, int], tuple[int, float]] = {}
    for k in np.flatnonzero(same_story & apart):
        a, b = int(cand[k, 0]), int(cand[k, 1])
        key = (min(pred[a], pred[b]), max(pred[a], pred[b]), int(truth.cluster[a]))
        old = evidence.get(key)
        new = (int(level[k]), float(sim[k]))
        if old is None or new > old:
            evidence[key] = new
    # Fragments of each true story.
    frag = defaultdict(Counter)
    for i in range(n):
        frag[int(truth.cluster[i])][int(pred[i])] += 1
    names = {0: "no candidate", 1: "candidates rejected (similarity)", 2: "number check veto",
             3: "verified, merge refused (support)"}
    by_cause = Counter()
    by_cause_lang = Counter()
    by_kind_cause = defaultdict(Counter)
    sims_rejected = []
    # Per fragment pair, the kinds / languages of the documents on both sides.
    docs_of = defaultdict(list)
    for i in range(n):
        docs_of[(int(truth.cluster[i]), int(pred[i]))].append(i)
    for story, parts in frag.items():
        if len(parts) < 2:
            continue
        keys = sorted(parts)
        for x in range(len(keys)):
            for y in range(x + 1, len(keys)):
                p, q = keys[x], keys[y]
                lvl, s = evidence.get((min(p, q), max(p, q), story), (0, 0.0))
                A, B = docs_of[(story, p)], docs_of[(story, q)]
                la, lb = truth.language[A], truth.language[B]
                same = int((la[:, None] == lb[None, :]).sum())
                cnt = len(A) * len(B)
                by_cause[names[lvl]] += cnt
                by_cause_lang[(names[lvl], "same-lang")] += same
                by_cause_lang[(names[lvl], "cross-lang")] += cnt - same
                if lvl == 1:
                    sims_rejected.append((s, cnt))
                ka, kb = Counter(truth.kind[A].tolist()), Counter(truth.kind[B].tolist())
                for k, c in ka.items():
                    by_kind_cause[k][names[lvl]] += c * len(B)
                for k, c in kb.items():
                    by_kind_cause[k][names[lvl]] += c * len(A)
    return by_cause, by_cause_lang, by_kind_cause, sims_rejected


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", type=Path, required=True)
    ap.add_argument("--cache", type=Path, help="folder to keep the stage results in (reused when present)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bp-overlap", type=float, help="experiment: Boilerplate(max_copy_overlap=...)")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--json", type=Path, help="write the full analysis here")
    args = ap.parse_args(argv)

    from dedupe import ScanConfig

    truth = load_truth(args.dump)
    labels_json = json.loads((args.dump / "labels.json").read_text())["documents"]
    lang_names = np.array(sorted({v.get("lang", "") for v in labels_json.values()}), dtype=object)
    state = prepare(args.dump, args.cache, args.workers, args.bp_overlap)
    config = ScanConfig(score=False)
    decided = decide(state, config)
    pred = labels_of(decided["linked"], truth.n)
    scores = pair_scores(pred, truth)
    print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in scores.items()
                      if k != "recall_by_kind"}))
    print("recall by kind:", {k: round(v, 3) for k, v in scores["recall_by_kind"].items()})

    true_pairs = _pairs(np.bincount(truth.cluster))
    total_fp, worst, fp_rows = false_positives(pred, truth, decided, lang_names, args.top)
    print(f"\n== false positives: {total_fp:,} FP pairs in {len(fp_rows)} mixed clusters "
          f"(true pairs {true_pairs:,})")
    sizes = [r["fp_pairs"] for r in fp_rows]
    if sizes:
        cum = np.cumsum(sizes)
        for share in (0.5, 0.8):
            print(f"   {np.searchsorted(cum, share * cum[-1]) + 1} clusters hold {share:.0%} of FP pairs")
        print("   joined by:", sum((r["joined_by"] for r in fp_rows), Counter()))
    for r in worst:
        print(f"  fp={r['fp_pairs']:>6} size={r['size']:>4} stories={r['n_stories']:>3} "
              f"edges={r['joining_edges']} ({dict(r['joined_by'])}) sim {r['min_sim'] and round(r['min_sim'], 3)}-"
              f"{r['max_sim'] and round(r['max_sim'], 3)} bridges={r['bridge_docs']} maxdeg={r['top_bridge_degree']}")
        for s in r["stories"]:
            print(f"        story size {s['size']}: {s['kinds']} {s['langs']}")
        print(f"        e.g. {r['example'][:2]}")

    by_cause, by_cause_lang, by_kind_cause, sims_rejected = false_negatives(pred, truth, state, decided, lang_names)
    fn = sum(by_cause.values())
    print(f"\n== false negatives: {fn:,} FN pairs")
    for cause, c in by_cause.most_common():
        print(f"  {cause:40s} {c:>8,}  same-lang {by_cause_lang[(cause, 'same-lang')]:>8,}  "
              f"cross-lang {by_cause_lang[(cause, 'cross-lang')]:>8,}")
    print("  by kind (document-side links missed):")
    for k, causes in sorted(by_kind_cause.items()):
        print(f"    {k:12s} " + ", ".join(f"{c}: {v:,}" for c, v in causes.most_common()))
    if sims_rejected:
        s = np.array([x for x, _ in sims_rejected]); w = np.array([c for _, c in sims_rejected])
        for lo, hi in ((0, 0.1), (0.1, 0.15), (0.15, 0.2), (0.2, 0.25), (0.25, 0.3), (0.3, 0.35), (0.35, 1.01)):
            m = (s >= lo) & (s < hi)
            print(f"    rejected, best similarity {lo:.2f}-{hi:.2f}: {int(w[m].sum()):,} FN pairs")
    if args.json:
        args.json.write_text(json.dumps({"scores": scores, "fp_total": total_fp,
                                         "fp_clusters": fp_rows, "fn_by_cause": by_cause,
                                         "fn_by_kind": by_kind_cause}, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
