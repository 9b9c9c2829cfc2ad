"""The dedupe.report/1 JSON report: fields, meanings, round trip, atomic writes.

``sample_result`` and ``fail_writes_halfway`` are shared with the other report tests.
"""
from __future__ import annotations

import errno
import json
import math
import os

import pytest

from dedupe.errors import DedupeError
from dedupe.report.json import SCHEMA, read_json, to_dict, write_json
from dedupe.types import BadFile, Cluster, Document, Flag, Pair, ScanResult, Span

HARBOUR_A = (
    "Dock workers strike at Rotterdam port over pay\n\n"
    "Thousands of dock workers at the port of Rotterdam walked off the job on Tuesday, "
    "halting container traffic at Europe's largest port, union officials said.\n\n"
    "The FNV union said talks with terminal operators had broken down over a proposed "
    "4% pay rise, which it called far below inflation.\n\n"
    "Share this article:"
)
HARBOUR_B = (
    "Rotterdam dockers walk out in pay dispute\n\n"
    "Thousands of dock workers at the port of Rotterdam left the job on Tuesday, "
    "stopping container traffic at Europe's biggest portThe FNV union said talks with "
    'terminal operators broke down over a 4% pay offer. <script>alert("x")</script>\n\n'
    "Leave a comment & subscribe"
)
RAIN = (
    "Heavy rain closes mountain roads in northern Italy\n\n"
    "Landslides blocked three passes in the Dolomites on Sunday after two days of "
    "storms, and rescuers evacuated 40 hikers from a refuge near Cortina."
)
BUDGET_DE = "Der Stadtrat hat am Montag den Haushalt für das kommende Jahr beschlossen."


def span(text: str, piece: str) -> Span:
    start = text.index(piece)
    return Span(start, start + len(piece), piece)


def flag(text: str, piece: str, kind: str, score: float, reason: str) -> Flag:
    start = text.index(piece)
    return Flag(start, start + len(piece), piece, kind, score, reason)


def sample_result() -> ScanResult:
    """Two copies of one story (b garbled), an unrelated story, a German note, one unreadable file."""
    docs = [
        Document(
            id="wire/harbour.txt",
            text=HARBOUR_A,
            language="en",
            boilerplate=[span(HARBOUR_A, "Share this article:")],
            artifact_score=0.0,
        ),
        Document(
            id="mirror/harbour.html",
            text=HARBOUR_B,
            language="en",
            boilerplate=[span(HARBOUR_B, "Leave a comment & subscribe")],
            flags=[
                flag(HARBOUR_B, '<script>alert("x")</script>', "debris", 0.97, "HTML <script> tag left in the text"),
                flag(HARBOUR_B, "portThe", "glued", 0.912345, "'port' and 'The' run together without a space"),
            ],
            artifact_score=7.123456,
        ),
        Document(id="other/rain, italy.txt", text=RAIN, language="en", artifact_score=0.5),
        Document(id="notes/städte.jsonl#3", text=BUDGET_DE, language="de"),
    ]
    clusters = [
        Cluster(id=4, members=[2], canonical=2, similarity={2: 1.0}),
        Cluster(id=0, members=[1, 0], canonical=0, pairs=[Pair(0, 1, 0.873456)], similarity={0: 1.0, 1: 0.873456}),
    ]
    errors = [BadFile("broken.json", "not valid JSON: Expecting value at line 1, column 9")]
    params = {"threshold": 0.123456, "num_perm": 128, "bands": (16, 8), "shingle": "word"}
    return ScanResult(docs, clusters, errors, params)


def fail_writes_halfway(monkeypatch) -> None:
    """Make the next file opened by the atomic writer store half its data, then fail like a full disk."""
    real_fdopen = os.fdopen

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        real_write = handle.write

        def write(data):
            real_write(data[: len(data) // 2])
            handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        handle.write = write
        return handle

    monkeypatch.setattr("dedupe.io.atomic.os.fdopen", fdopen)


def by_path(report: dict) -> dict[str, dict]:
    return {doc["path"]: doc for doc in report["documents"]}


def test_report_has_schema_tag_and_fields_in_fixed_order():
    report = to_dict(sample_result())
    assert list(report) == ["schema", "documents", "clusters", "errors", "params"]
    assert report["schema"] == SCHEMA == "dedupe.report/1"
    assert [d["path"] for d in report["documents"]] == [d.id for d in sample_result().documents]
    for doc in report["documents"]:
        assert {"path", "language", "chars", "cluster", "canonical", "boilerplate", "flags", "artifact_score"} <= set(doc)


def test_span_text_is_the_document_text_between_offsets():
    texts = {d.id: d.text for d in sample_result().documents}
    report = to_dict(sample_result())
    spans = [(doc["path"], s) for doc in report["documents"] for s in doc["boilerplate"] + doc["flags"]]
    assert len(spans) == 4
    for path, s in spans:
        assert s["text"] == texts[path][s["start"] : s["end"]]
    docs = by_path(report)
    assert docs["mirror/harbour.html"]["chars"] == len(HARBOUR_B)
    assert [f["kind"] for f in docs["mirror/harbour.html"]["flags"]] == ["glued", "debris"]  # by offset
    assert docs["mirror/harbour.html"]["flags"][0]["score"] == 0.9123
    assert set(docs["mirror/harbour.html"]["flags"][0]) == {"start", "end", "text", "kind", "score", "reason"}


def test_only_clusters_of_two_or_more_and_singletons_have_null_cluster():
    report = to_dict(sample_result())
    assert report["clusters"] == [
        {
            "id": 0,
            "size": 2,
            "canonical": "wire/harbour.txt",
            "members": ["wire/harbour.txt", "mirror/harbour.html"],
            "pairs": [{"a": "wire/harbour.txt", "b": "mirror/harbour.html", "similarity": 0.8735}],
        }
    ]
    docs = by_path(report)
    assert docs["wire/harbour.txt"]["cluster"] == docs["mirror/harbour.html"]["cluster"] == 0
    assert docs["wire/harbour.txt"]["canonical"] is True
    assert docs["mirror/harbour.html"]["canonical"] is False
    # The one-member cluster 4 is a document with no copy, not a group.
    assert docs["other/rain, italy.txt"]["cluster"] is None
    assert docs["other/rain, italy.txt"]["canonical"] is False
    assert docs["notes/städte.jsonl#3"]["cluster"] is None
    assert docs["mirror/harbour.html"]["similarity_to_canonical"] == 0.8735


def test_errors_and_params_are_reported_json_safe_and_rounded():
    report = to_dict(sample_result())
    assert report["errors"] == [{"path": "broken.json", "error": "not valid JSON: Expecting value at line 1, column 9"}]
    assert report["params"] == {"bands": [16, 8], "num_perm": 128, "shingle": "word", "threshold": 0.1235}
    assert list(report["params"]) == sorted(report["params"])
    assert by_path(report)["mirror/harbour.html"]["artifact_score"] == 7.1235
    assert by_path(report)["notes/städte.jsonl#3"]["artifact_score"] is None


def test_write_then_read_round_trips_and_is_byte_identical_across_runs(tmp_path):
    out = tmp_path / "report.json"
    write_json(sample_result(), out)
    first = out.read_bytes()
    assert read_json(out) == to_dict(sample_result())
    write_json(sample_result(), out)
    assert out.read_bytes() == first
    assert "städte" in first.decode("utf-8")  # readable UTF-8, not \u escapes


def test_not_a_number_score_is_written_as_null_so_the_file_stays_strict_json(tmp_path):
    result = sample_result()
    result.documents[2].artifact_score = math.nan
    out = tmp_path / "report.json"
    write_json(result, out)
    assert "NaN" not in out.read_text(encoding="utf-8")
    assert by_path(read_json(out))["other/rain, italy.txt"]["artifact_score"] is None


def test_span_whose_text_does_not_match_its_offsets_is_refused():
    result = sample_result()
    result.documents[0].boilerplate = [Span(0, 4, "Port")]
    with pytest.raises(DedupeError, match=r"wire/harbour.txt: boilerplate \[0, 4\) = 'Port'.*'Dock'"):
        to_dict(result)


@pytest.mark.parametrize(
    ("clusters", "message"),
    [
        ([Cluster(id=0, members=[0, 9], canonical=0)], "names document 9, but the scan has 4"),
        ([Cluster(id=0, members=[0, 1], canonical=2)], "canonical document 2 is not one of its members"),
        ([Cluster(id=0, members=[0, 1], canonical=0), Cluster(id=1, members=[1, 2], canonical=1)], "is in clusters 0 and 1"),
    ],
)
def test_inconsistent_clusters_are_refused_with_the_reason(clusters, message):
    result = sample_result()
    result.clusters = clusters
    with pytest.raises(DedupeError, match=message):
        to_dict(result)


def test_params_that_json_cannot_hold_are_named():
    result = sample_result()
    result.params = {"engine": {"pool": object()}}
    with pytest.raises(DedupeError, match=r"params\['engine'\]\['pool'\] is a object"):
        to_dict(result)


def test_read_json_rejects_another_schema_and_broken_files(tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"schema": "dedupe.report/0", "documents": []}), encoding="utf-8")
    with pytest.raises(DedupeError, match=r"other.json: schema is 'dedupe.report/0', expected 'dedupe.report/1'"):
        read_json(other)
    listing = tmp_path / "list.json"
    listing.write_text("[]", encoding="utf-8")
    with pytest.raises(DedupeError, match=r"schema is 'list'"):
        read_json(listing)
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": ', encoding="utf-8")
    with pytest.raises(DedupeError, match=r"broken.json: not valid JSON \(line 1, column 12"):
        read_json(broken)
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"schema": SCHEMA, "documents": [], "clusters": {}}), encoding="utf-8")
    with pytest.raises(DedupeError, match=r"missing or malformed fields: clusters, errors, params"):
        read_json(partial)
    with pytest.raises(DedupeError, match=r"cannot read the report"):
        read_json(tmp_path / "absent.json")


def test_write_leaves_only_the_report_in_the_folder(tmp_path):
    write_json(sample_result(), tmp_path / "report.json")
    assert os.listdir(tmp_path) == ["report.json"]


def test_failed_write_keeps_the_old_report_and_no_temp_file(tmp_path, monkeypatch):
    out = tmp_path / "report.json"
    out.write_text("old report", encoding="utf-8")
    fail_writes_halfway(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        write_json(sample_result(), out)
    assert out.read_text(encoding="utf-8") == "old report"
    assert os.listdir(tmp_path) == ["report.json"]
