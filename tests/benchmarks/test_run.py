"""Smoke tests of benchmarks/run.py: the scores on hand-made clusterings, and the harness
end to end on tiny dumps (a generated one always; one from make_dump.py when the corpora
are here). Peers that are optional extras are skipped with the reason when absent."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
import pytest
from bench_modules import load
from sklearn.metrics import adjusted_rand_score



bench = load("bench_run", "run.py")
peers = sys.modules["peers"]


def truth_of(clusters: list[int], kinds: list[str]):
    return bench.Truth([f"d{i}" for i in range(len(clusters))], np.array(clusters), np.array(kinds, dtype=object), 0)


def test_pair_scores_count_pairs_from_the_contingency_table():
    # true: {0,1,2} {3,4} {5} ; predicted: {0,1} {2,3,4} {5}
    truth = truth_of([0, 0, 0, 1, 1, 2], ["original", "syndicated", "rewrite", "original", "syndicated", "singleton"])
    s = bench.pair_scores(np.array([7, 7, 9, 9, 9, 4]), truth)
    # predicted pairs 1 + 3 = 4, of which true: (0,1), (3,4) -> precision 2/4; true pairs 3 + 1 = 4 -> recall 2/4
    assert s["precision"] == pytest.approx(0.5) and s["recall"] == pytest.approx(0.5) and s["f1"] == pytest.approx(0.5)
    assert s["ari"] == pytest.approx(adjusted_rand_score([0, 0, 0, 1, 1, 2], [7, 7, 9, 9, 9, 4]))
    # doc 2 (rewrite) has 2 true partners, found 0; doc 1 (syndicated) 2 partners, found 1; doc 4: 1 of 1
    assert s["recall_by_kind"]["rewrite"] == 0.0
    assert s["recall_by_kind"]["syndicated"] == pytest.approx(2 / 3)
    assert s["f1_mt"] is None  # no mt document, no MT story


def test_f1_mt_charges_a_translation_merged_into_another_story():
    # MT story {0,1,2} (src + two mt); {3,4} an unrelated story
    truth = truth_of([0, 0, 0, 1, 1], ["original", "mt", "mt", "original", "syndicated"])
    perfect = bench.pair_scores(np.array([0, 0, 0, 1, 1]), truth)
    merged = bench.pair_scores(np.array([0, 0, 0, 0, 1]), truth)  # doc 3 wrongly joins the MT story
    assert perfect["f1_mt"] == 1.0
    # predicted pairs touching the MT story: 6, true ones 3 -> precision 0.5, recall 1
    assert merged["f1_mt"] == pytest.approx(2 * 0.5 / 1.5)
    assert merged["recall_by_kind"]["mt"] == 1.0


def test_language_scores_separate_cross_language_pairs():
    # story {0,1,2}: English src, English MT, Japanese MT; story {3,4} English; predicted: the
    # two English versions of story 0 together, the Japanese one alone, and {3,4} wrongly with 2
    truth = truth_of([0, 0, 0, 1, 1], ["original", "mt", "mt", "original", "syndicated"])
    truth.language = np.array([0, 0, 1, 0, 0])
    s = bench.pair_scores(np.array([5, 5, 6, 6, 6]), truth)
    # true pairs 3 + 1 = 4, of which (0,2) and (1,2) cross languages; found: (0,1), (3,4)
    assert s["cross_language_share"] == pytest.approx(0.5)
    assert s["recall_cross_language"] == 0.0
    # within one language: predicted (0,1), (3,4) both true; true (0,1), (3,4) -> F1 1
    assert s["f1_same_language"] == 1.0
    assert s["recall"] == pytest.approx(0.5)


def test_pair_scores_handle_a_huge_cluster_without_listing_pairs():
    n = 300_000
    truth = truth_of([0] * n, ["syndicated"] * n)
    s = bench.pair_scores(np.zeros(n, dtype=np.int64), truth)  # 4.5e10 pairs, never materialised
    assert s["f1"] == 1.0 and s["recall_by_kind"]["syndicated"] == 1.0


def write_dump(root: Path, *, stories: int = 12, singletons: int = 20, seed: int = 0) -> Path:
    """A generated dump in files format: each story an original, a verbatim reprint with
    other spacing, and a reprint with a sentence added; plus singletons."""
    rng = random.Random(seed)
    syllables = ("ka", "lo", "mi", "ne", "su", "ta", "ve", "zo", "rin", "dal", "mek", "pos", "tuv")
    vocab = sorted({"".join(rng.choice(syllables) for _ in range(3)) for _ in range(3000)})

    def article() -> str:
        return "\n\n".join(" ".join(rng.choice(vocab) for _ in range(40)) + "." for _ in range(4))

    docs, labels = [], {}
    for s in range(stories):
        body = article()
        docs += [(f"s{s}", "original", body), (f"s{s}", "syndicated", body.replace(" ", "  ")),
                 (f"s{s}", "rewrite", body + "\n\nAn added closing line.")]
    docs += [(f"x{i}", "singleton", article()) for i in range(singletons)]
    rng.shuffle(docs)
    (root / "docs").mkdir(parents=True)
    for i, (cluster, kind, text) in enumerate(docs):
        doc_id = f"doc-{i:07d}"
        (root / "docs" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        labels[doc_id] = {"cluster": cluster, "kind": kind, "source": cluster, "lang": "en", "detail": ""}
    (root / "labels.json").write_text(json.dumps({"documents": labels, "params": {"seed": seed}}))
    return root


def test_run_tier_scores_each_method_in_its_own_process_and_merges_results(tmp_path):
    dump = write_dump(tmp_path / "dump")
    out = tmp_path / "results"
    out.mkdir()
    earlier = dict.fromkeys(bench.FIELDS) | {"error": "timed out"}
    (out / "results.json").write_text(json.dumps({"tiers": {"other": {"exact": earlier}}}))
    entries = bench.run_tier(dump, tier="tiny", methods=["exact", "datasketch"], workers=1, out=out,
                             plots=False, logs=tmp_path / "logs", log=lambda _: None)
    exact = entries["exact"]
    assert exact["error"] is None and set(exact) == set(bench.FIELDS)
    # spacing is normalised away, so each original finds its verbatim reprint and only that
    assert exact["precision"] == 1.0 and exact["recall"] == pytest.approx(1 / 3)
    assert exact["recall_by_kind"]["syndicated"] == pytest.approx(0.5)
    assert exact["wall_s"] > 0 and exact["docs_per_s"] > 0 and exact["peak_rss_mb"] > 0
    assert {"load", "hash", "group"} <= set(exact["stages"])
    assert entries["datasketch"]["recall"] > exact["recall"]

    results = json.loads((out / "results.json").read_text())
    assert set(results["tiers"]) == {"other", "tiny"}  # tiers accumulate
    assert {"cpu", "cores", "ram_gb", "python", "date"} <= set(results["machine"])
    assert results["dumps"]["tiny"]["n_docs"] == 56 and results["dumps"]["tiny"]["true_pairs"] == 36
    table = (out / "results.md").read_text()
    assert "## tiny" in table and "| exact | 0.500 |" in table and "| exact | - |" in table


@pytest.mark.parametrize("argv, message", [
    (["--dump", "x", "--methods", "dedupe,minhashx"], "unknown minhashx; choose from dedupe,"),
    (["--all", "--tiers", "5k"], "--tiers 5k: choose from 10k,100k,1M"),
    (["--methods", "exact"], "give --dump DIR, or --all"),
])
def test_bad_arguments_name_the_valid_choices(argv, message, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert message in capsys.readouterr().err


def test_a_missing_peer_is_an_error_entry_with_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setitem(peers.REQUIRES, "rensa", "no_such_module_for_this_test")
    dump = write_dump(tmp_path / "dump", stories=2, singletons=2)
    result = tmp_path / "rensa.json"
    bench.run_one("rensa", peers.Inputs(dump=dump, work=tmp_path), workers=1, result_path=result)
    record = json.loads(result.read_text())
    assert "rensa is not installed here" in record["error"] and "[bench]" in record["error"]


def test_rensa_adapter_finds_verbatim_reprints(tmp_path):
    pytest.importorskip("rensa", reason="rensa not installed (pip install -e '.[bench]')")
    dump = write_dump(tmp_path / "dump")
    outcome = peers.run_rensa(peers.Inputs(dump=dump), workers=1)
    ids = [i for i, _ in peers.iter_dump(dump)]
    labels = json.loads((dump / "labels.json").read_text())["documents"]
    s = bench.pair_scores(outcome.labels, bench.load_truth(dump))
    assert len(outcome.labels) == len(ids) and s["precision"] == 1.0 and s["recall"] > 0
    assert {labels[i]["kind"] for i in ids} >= {"original", "singleton"}


def test_plots_are_written(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed (pip install -e '.[bench]')")
    plots = load("bench_plots", "plots.py")
    entry = {"f1": 0.9, "f1_mt": 0.8, "docs_per_s": 100.0, "wall_s": 2.0, "peak_rss_mb": 300.0}
    results = {"machine": {"cores": 2, "workers": 2},
               "tiers": {"10k": {"dedupe": entry, "rensa": {"f1": None, "error": "x"}}, "100k": {"dedupe": entry}},
               "dumps": {"10k": {"n_docs": 10_000}, "100k": {"n_docs": 100_000}}}
    for path in plots.write_plots(results, tmp_path):
        assert path.stat().st_size > 5000 and path.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.corpora
@pytest.mark.slow
def test_dedupe_beats_exact_hashing_on_a_real_tiny_dump(tmp_path):
    make_dump = load("make_dump_for_run", "make_dump.py")
    try:
        make_dump.find_corpora()
    except Exception as exc:  # noqa: BLE001 -- any reason the corpora are unusable is a skip
        pytest.skip(f"real corpora absent: {exc}")
    dump = tmp_path / "dump"
    # the default cache: the pool's near-duplicate pass is the slow part of a cold build
    make_dump.build_dump(n=60, seed=2, out=dump, fmt="jsonl", max_roundtrip=0, log=lambda _: None)
    entries = bench.run_tier(dump, tier="60", methods=["dedupe", "exact"], workers=1, out=tmp_path / "results",
                             plots=False, logs=tmp_path / "logs", log=lambda _: None)
    assert entries["dedupe"]["error"] is None, entries["dedupe"]["error"]
    assert entries["exact"]["precision"] == 1.0
    assert entries["dedupe"]["recall"] > entries["exact"]["recall"]
    assert set(entries["dedupe"]["stages"]) >= {"load", "analyse"}


def test_a_stopped_method_says_which_stage_it_reached(tmp_path):
    log = tmp_path / "1M-dedupe.log"
    log.write_text("[stage] load started\n[stage] load done in 2.500 s\n[stage] analyse started\nsome output\n")
    record = bench._stopped("timed out after 60 s", log)
    assert record["error"] == "timed out after 60 s in stage analyse (finished: load 2.5 s)"
    assert record["stages"] == {"load": 2.5}
