"""The CSV report: one row per document that the csv module reads back, written atomically."""
from __future__ import annotations

import csv
import os

import pytest

from dedupe.report.csv import COLUMNS, write_csv
from dedupe.report.json import to_dict
from test_json import HARBOUR_A, fail_writes_halfway, sample_result


def read_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == COLUMNS
        return list(reader)


def test_rows_parse_back_one_per_document_with_the_report_values(tmp_path):
    out = tmp_path / "report.csv"
    write_csv(sample_result(), out)
    rows = read_rows(out)
    assert [r["path"] for r in rows] == [d.id for d in sample_result().documents]
    canonical, copy, rain, note = rows
    assert canonical == {
        "path": "wire/harbour.txt",
        "cluster": "0",
        "canonical": "true",
        "similarity_to_canonical": "1.0",
        "language": "en",
        "chars": str(len(HARBOUR_A)),
        "artifact_score": "0.0",
        "n_flags": "0",
        "n_boilerplate": "1",
    }
    assert (copy["cluster"], copy["canonical"], copy["similarity_to_canonical"]) == ("0", "false", "0.8735")
    assert (copy["artifact_score"], copy["n_flags"], copy["n_boilerplate"]) == ("7.1235", "2", "1")
    # A comma in a path is quoted, not a column break; no cluster and no score are empty cells.
    assert rain["path"] == "other/rain, italy.txt"
    assert (rain["cluster"], rain["canonical"], rain["similarity_to_canonical"]) == ("", "false", "")
    assert (note["language"], note["artifact_score"]) == ("de", "")


def test_csv_agrees_with_the_json_report(tmp_path):
    out = tmp_path / "report.csv"
    write_csv(sample_result(), out)
    for row, doc in zip(read_rows(out), to_dict(sample_result())["documents"], strict=True):
        assert row["path"] == doc["path"]
        assert int(row["chars"]) == doc["chars"]
        assert int(row["n_flags"]) == len(doc["flags"])
        assert row["cluster"] == ("" if doc["cluster"] is None else str(doc["cluster"]))


def test_write_leaves_only_the_report_in_the_folder(tmp_path):
    write_csv(sample_result(), tmp_path / "report.csv")
    assert os.listdir(tmp_path) == ["report.csv"]


def test_failed_write_keeps_the_old_csv_and_no_temp_file(tmp_path, monkeypatch):
    out = tmp_path / "report.csv"
    out.write_text("path\nold.txt\n", encoding="utf-8")
    fail_writes_halfway(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        write_csv(sample_result(), out)
    assert out.read_text(encoding="utf-8") == "path\nold.txt\n"
    assert os.listdir(tmp_path) == ["report.csv"]
