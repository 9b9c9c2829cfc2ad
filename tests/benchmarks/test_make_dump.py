"""Smoke tests of benchmarks/make_dump.py on tiny dumps built from the real corpora."""
from __future__ import annotations

import json
import random
from collections import defaultdict

import numpy as np
import pytest
from bench_modules import load

from dedupe.errors import ConfigError

make_dump = load("make_dump", "make_dump.py")

try:
    CORPORA = make_dump.find_corpora()
except ConfigError as exc:
    CORPORA = None
    NO_CORPORA = f"real corpora absent: {exc}"
else:
    NO_CORPORA = ""
needs_corpora = pytest.mark.skipif(CORPORA is None, reason=NO_CORPORA)
NO_APERTIUM = make_dump.apertium_available()


def jaccard(a: str, b: str) -> float:
    x, y = make_dump.shingle_set(a), make_dump.shingle_set(b)
    return len(x & y) / len(x | y)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for the module: the pool's near-duplicate pass is the slow part of a cold build."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, cache):
    """One n=200 dump in files format."""
    root = tmp_path_factory.mktemp("dump")
    params = make_dump.build_dump(n=200, seed=3, out=root / "out", cache_dir=cache, log=lambda _: None)
    labels = json.loads((root / "out" / "labels.json").read_text())
    texts = {p.stem: p.read_text() for p in (root / "out" / "docs").glob("*.txt")}
    return params, labels, texts, root


@needs_corpora
def test_every_document_has_one_label_and_counts_add_up(tiny):
    params, labels, texts, _ = tiny
    docs = labels["documents"]
    assert set(docs) == set(texts) and len(texts) == 200
    assert sum(params["counts"].values()) == 200
    assert {d["kind"] for d in docs.values()} <= set(make_dump.KINDS)
    assert labels["params"]["counts"] == params["counts"]
    for kind in ("original", "syndicated", "rewrite", "singleton"):
        assert params["counts"][kind] > 0, kind


@needs_corpora
def test_copies_resemble_their_own_original_not_other_stories(tiny):
    _, labels, texts, _ = tiny
    docs = labels["documents"]
    original = {d["cluster"]: i for i, d in docs.items() if d["kind"] == "original" and d["lang"] == "en"}
    others = [i for i, d in docs.items() if d["kind"] == "singleton"]
    rng = random.Random(0)
    for doc_id, d in docs.items():
        if d["kind"] in ("syndicated", "rewrite"):
            own = jaccard(texts[doc_id], texts[original[d["cluster"]]])
            stranger = jaccard(texts[doc_id], texts[rng.choice(others)])
            assert own > 0.2 > stranger, (doc_id, d, own, stranger)


@needs_corpora
def test_machine_translated_story_keeps_all_versions_in_one_cluster(tiny):
    _, labels, _, _ = tiny
    clusters = defaultdict(list)
    for d in labels["documents"].values():
        if d["cluster"].startswith("wmt:"):
            clusters[d["cluster"]].append(d)
    assert clusters, "the 10% MT share should hold at least one WMT story at n=200"
    for members in clusters.values():
        assert [m["detail"] for m in members].count("src") == 1
        assert sum(m["kind"] == "mt" for m in members) >= 5
        assert len({m["lang"] for m in members}) >= 2


@needs_corpora
def test_same_seed_gives_the_same_dump_in_either_format(tiny, tmp_path, cache):
    _, labels, texts, _ = tiny
    make_dump.build_dump(n=200, seed=3, out=tmp_path, fmt="jsonl", cache_dir=cache, log=lambda _: None)
    rows = [json.loads(line) for line in (tmp_path / "docs.jsonl").read_text().splitlines()]
    assert {r["id"]: r["text"] + "\n" for r in rows} == texts
    assert json.loads((tmp_path / "labels.json").read_text())["documents"] == labels["documents"]


@needs_corpora
def test_synthetic_filler_is_a_different_story_from_every_pool_article(cache):
    pool, _ = make_dump.load_pool(CORPORA, cache)
    small = pool[:1500]
    filler = make_dump.Filler(small, np.random.default_rng(0), batch=200)
    made = [next(filler) for _ in range(30)]
    assert len({body for _, body in made}) == 30
    pool_sets = [make_dump.shingle_set(o.body) for o in small]
    for _, body in made[:10]:
        assert len(body) > 200
        grams = make_dump.shingle_set(body)
        assert max(len(grams & p) / len(grams | p) for p in pool_sets) < 0.3


@pytest.mark.skipif(NO_APERTIUM is not None, reason=f"round trips need Apertium: {NO_APERTIUM}")
def test_apertium_batch_keeps_documents_apart():
    texts = ["Prices fell sharply in London on Monday.", "The company said profits rose last year.",
             "Officials met in Paris to discuss the new trade agreement."]
    out = make_dump._run_batch(texts, "spa")
    assert all(o and o != t for o, t in zip(out, texts))
    assert "London" in out[0] and "Paris" in out[2]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n": 10}, "n=10"), ({"n": 200, "fmt": "csv"}, "format='csv'"), ({"n": 200, "max_roundtrip": -1}, "max_roundtrip=-1")],
)
def test_bad_parameters_are_named(tmp_path, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        make_dump.build_dump(seed=1, out=tmp_path / "o", **kwargs)


def test_refuses_a_non_empty_output_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not empty"):
        make_dump.build_dump(n=200, seed=1, out=tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_mix_rejects_shares_that_leave_no_room_for_originals():
    with pytest.raises(ConfigError, match="sum to"):
        make_dump.Mix(syndicated=0.5, rewrite=0.4)
