"""A small run of benchmarks/artifacts_eval.py on injection seed 11 (tuning used 1 and 2)."""
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))
artifacts_eval = pytest.importorskip("artifacts_eval")


@pytest.mark.corpora
def test_small_harness_run_meets_recall_and_false_flag_targets():
    corpora = artifacts_eval.corpora_dir()
    if corpora is None:
        pytest.skip("../shared/corpora absent: the harness needs the BBC and WMT corpora")
    tally = artifacts_eval.Tally()
    artifacts_eval.run_injection(corpora, seed=11, articles=48, stories=20, tally=tally, pool=500)
    rows = tally.table()["kinds"]
    assert rows["overall"]["clean_flag_rate"] <= 0.05
    assert rows["overall"]["recall"] >= 0.6
    for kind in ("glued", "misspelling", "debris", "name"):
        assert rows[kind]["recall"] >= 0.7, (kind, rows[kind])
    for kind, row in rows.items():
        assert row["clean_flag_rate"] is None or row["clean_flag_rate"] <= 0.05, (kind, row)
