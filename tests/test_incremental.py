"""Incremental indexing must group exactly like one scan of everything."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from dedupe.config import ScanConfig
from dedupe.errors import DedupeError
from dedupe.incremental import index_add, index_export, index_remove, index_stats
from dedupe.pipeline import read, scan_documents

CONFIG = ScanConfig(score=False)


def _site(name: str) -> tuple[str, str]:
    """Made-up site chrome: a header and a footer block."""
    header = f"{name}\nHome | World | Business | Sport | Weather\nSubscribe to the {name} newsletter"
    footer = f"Copyright {name} Media Group. All rights reserved.\nFollow {name} on social media"
    return header, footer


def _page(site: str, text: str) -> str:
    header, footer = _site(site)
    return f"{header}\n\n{text}\n\n{footer}\n"


def _reprint(text: str) -> str:
    """A syndicated copy: the last paragraph cut, as reprints often are."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "\n".join(paragraphs[:-1] if len(paragraphs) > 3 else paragraphs)


def _ids(result) -> set[frozenset[str]]:
    return {frozenset(result.documents[m].id for m in c.members) for c in result.clusters}


@pytest.fixture
def two_days(corpora, tmp_path) -> tuple[Path, Path]:
    """Day 1 and day 2 folders of BBC articles on made-up sites, with reprints
    within each day and reprints in day 2 of day-1 stories. The site
    "Valley Echo" has two pages on day 1 and more on day 2, so its chrome is
    recognised as boilerplate only once day 2 is added."""
    from corpora import iter_corpus

    articles = [r["text"] for r in itertools.islice(iter_corpus("bbc"), 400, 520)]
    sites = ["Harbour Times", "Daily Post", "Northern Ledger"]
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    day1.mkdir()
    day2.mkdir()
    for k, text in enumerate(articles[:60]):
        (day1 / f"d1-{k:03d}.txt").write_text(_page(sites[k % 3], text))
    for k in range(8):  # reprints within day 1
        (day1 / f"d1-copy-{k:03d}.txt").write_text(_page(sites[(k + 1) % 3], _reprint(articles[k])))
    for k in (50, 51):
        (day1 / f"d1-echo-{k:03d}.txt").write_text(_page("Valley Echo", _reprint(articles[k])))
    for k, text in enumerate(articles[60:], start=60):
        (day2 / f"d2-{k:03d}.txt").write_text(_page(sites[k % 3], text))
    for k in range(10, 25):  # reprints of day-1 stories
        (day2 / f"d2-copy-{k:03d}.txt").write_text(_page(sites[(k + 2) % 3], _reprint(articles[k])))
    for k in range(60, 66):  # reprints within day 2, some on the late-recognised site
        (day2 / f"d2-copy-{k:03d}.txt").write_text(_page("Valley Echo", _reprint(articles[k])))
    return day1, day2


@pytest.mark.corpora
def test_day_by_day_index_equals_one_scan(two_days, index_location):
    day1, day2 = two_days
    index = index_location
    first = index_add([day1], index, CONFIG)
    second = index_add([day2], index, CONFIG)

    documents, _ = read([day1, day2], CONFIG)
    whole = scan_documents(documents, CONFIG)
    assert _ids(second.result) == _ids(whole)
    assert [d.id for d in second.result.documents] == [d.id for d in whole.documents]
    # Same analysis per document, so the cached features are the ones a scan computes.
    assert [(d.boilerplate, d.language) for d in second.result.documents] == [
        (d.boilerplate, d.language) for d in whole.documents
    ]
    assert len(first.result.clusters) >= 6
    # Day 2 really tested the incremental path: stories met old copies, and
    # the late-recognised chrome forced old documents to be re-analysed.
    assert len(second.joined) >= 10 and len(second.formed) >= 3
    assert second.reanalysed >= 2
    joined = {c.id: c for c in second.result.clusters}[second.joined[0]]
    assert any(m not in second.new for m in joined.members)
    # Stored clusters are the ones just computed.
    assert _ids(index_export(index)) == _ids(whole)


@pytest.mark.corpora
def test_adding_a_folder_again_changes_nothing(two_days, index_location):
    day1, _ = two_days
    index = index_location
    first = index_add([day1], index, CONFIG)
    again = index_add([day1], index, CONFIG)
    assert again.new == [] and again.joined == [] and again.formed == []
    assert len(again.already_indexed) == len(first.result.documents)
    assert _ids(again.result) == _ids(first.result)


def _write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text)
    return folder


# Hand-written stories, not tuned on: two reprints of a dam story, one of a strike.
STORIES = {
    "dam-a.txt": "Engineers opened the floodgates of the Kariba dam on Monday after the Zambezi rose "
    "four metres, and villages downstream near Chirundu were evacuated by boat.",
    "dam-b.txt": "Villages near Chirundu were evacuated by boat on Monday as engineers opened the Kariba "
    "dam floodgates, the Zambezi having risen four metres.",
    "dam-c.txt": "The Zambezi rose four metres and engineers opened Kariba dam's floodgates on Monday; "
    "boats evacuated villages downstream of Chirundu.",
    "strike.txt": "Dockworkers in Rotterdam began a 48-hour strike over pay, leaving container ships "
    "anchored offshore and freight delayed across the Netherlands.",
}


def test_report_lists_joined_clusters_with_old_members(tmp_path, index_location):
    index = index_location
    index_add([_write(tmp_path / "d1", {k: STORIES[k] for k in ("dam-a.txt", "strike.txt")})], index, CONFIG)
    update = index_add([_write(tmp_path / "d2", {"dam-b.txt": STORIES["dam-b.txt"]})], index, CONFIG)
    report = update.report()
    assert [sorted(report.documents[m].id for m in c.members) for c in report.clusters] == [["dam-a.txt", "dam-b.txt"]]
    assert update.joined == [report.clusters[0].id] and update.formed == []
    assert "strike.txt" not in {d.id for d in report.documents}


def test_stats_export_and_remove(tmp_path, index_location):
    index = index_location
    index_add([_write(tmp_path / "in", STORIES)], index, CONFIG)
    stats = index_stats(index)
    assert (stats["documents"], stats["clusters"], stats["clustered_documents"]) == (4, 1, 3)
    assert stats["languages"] == {"en": 4} and stats["params"]["num_perm"] == 128

    exported = index_export(index)
    (cluster,) = exported.clusters
    assert {exported.documents[m].id for m in cluster.members} == {"dam-a.txt", "dam-b.txt", "dam-c.txt"}
    assert cluster.similarity[cluster.canonical] == 1.0

    after = index_remove(["dam-b.txt"], index)
    assert _ids(after.result) == {frozenset({"dam-a.txt", "dam-c.txt"})}
    assert index_stats(index)["documents"] == 3
    index_remove(["dam-c.txt"], index)
    assert index_stats(index)["clusters"] == 0 and index_export(index).clusters == []


def test_remove_unknown_id_deletes_nothing(tmp_path, index_location):
    index = index_location
    index_add([_write(tmp_path / "in", STORIES)], index, CONFIG)
    with pytest.raises(DedupeError, match="not in .*nope.txt"):
        index_remove(["dam-a.txt", "nope.txt"], index)
    assert index_stats(index)["documents"] == 4


def test_missing_index_is_not_created(tmp_path):
    with pytest.raises(DedupeError, match="no such index"):
        index_stats(tmp_path / "absent.db")
    assert not (tmp_path / "absent.db").exists()


def test_other_grouping_parameters_are_refused(tmp_path, index_location):
    index = index_location
    index_add([_write(tmp_path / "in", STORIES)], index, CONFIG)
    other = ScanConfig.from_flat({"num_perm": 64, "bands": 32, "score": False})
    with pytest.raises(DedupeError, match=r"bands=64 \(given 32\), num_perm=128 \(given 64\)"):
        index_add([tmp_path / "in"], index, other)
    # Read and scoring settings do not change grouping, so they may differ.
    index_add([tmp_path / "in"], index, ScanConfig.from_flat({"score": False, "max_bytes": 10_000}))
