"""The fast paths give exactly the flags of the plain ones: batches of documents,
a fit split into merged shares, and scoring in worker processes."""
import multiprocessing

import pytest

from dedupe import pipeline
from dedupe.canonical import choose_canonical
from dedupe.artifacts import ArtifactScorer
from dedupe.artifacts.lm import BigramModel, find_improbable, find_improbable_many
from dedupe.artifacts.text import Tokens
from dedupe.config import ScanConfig
from dedupe.engines.local import map_chunks
from dedupe.types import Cluster, Document, Span

# Hand-written for these tests (nothing from the seeds or the harness): a ferry
# story in three copies and five other stories, with artifacts of most kinds.
FERRY = ("The Valmora council voted on Tuesday to expand the harbour ferry service.\n"
         "Officials said the new timetable would start in March, adding 3 morning crossings.\n"
         "Critics argued the plan ignored residents of the northern districts, who have waited years for a bus link.\n"
         "Mayor Elena Ostrava defended the decision and said the budget had been approved by a wide margin.")
COPIES = [
    FERRY.replace("expand", "widen").replace("decision", "adjudication").replace("3 morning", "8 morning"),
    FERRY.replace("Officials said", "Officials said that").replace("bus link", "bus linkThe")
         .replace("said the budget", "said the the budget"),
    FERRY.replace("waited years", "waited yeras").replace("for a bus link", "for a bus link of ,"),
]
OTHERS = [
    "Heavy rain closed the coastal road near Valmora on Monday. Drivers were told to use the inland route "
    "while crews cleared the debris.\nThe road authority said the road would reopen by Friday, and residents "
    "of valmora were asked to stay at home.",
    "Grain prices rose for a third week as dry weather hit the southern plains. Traders said the new the "
    "harvest forecast had been cut twice since May.\nPovezane vijesti: Ostavite komentar",
    "The museum in Valmora opened its new wing to the public on Saturday. Visitors queued for hours to see "
    "the collection, which the city bought from a private owner.<div class=\"promo-slot\"> Tickets are free.",
    "Union leaders met the transport minister to discuss the pay offer. They said the talks were useful but "
    "that no agreement had been reached, and further meetings were planned for next month.",
    "The hospital board approved plans for a new children's ward. The project will cost about 40 million "
    "and is expected to open in two years, the board said in a statement on Thursday.",
]
TEXTS = [FERRY, *COPIES, *OTHERS]


@pytest.fixture(scope="module")
def fitted():
    return ArtifactScorer().fit(TEXTS)


def test_batch_scoring_gives_the_flags_of_scoring_one_by_one(fitted):
    skips = [[Span(0, 11, TEXTS[0][:11])]] + [[] for _ in TEXTS[1:]]
    unseen = "A text the scorer was not fitted on, with with a repeat and goverment spelling."
    one_by_one = ArtifactScorer().fit(TEXTS)
    expected = [one_by_one.score(t, skip=s) for t, s in zip(TEXTS, skips)] + [one_by_one.score(unseen)]
    assert fitted.score_many([*TEXTS, unseen], skips=[*skips, []]) == expected
    kinds = {f.kind for flags, _ in expected for f in flags}
    assert {"glued", "misspelling", "dropped", "duplicated", "debris", "untranslated"} <= kinds, kinds


def test_score_many_refuses_mismatched_skips(fitted):
    with pytest.raises(Exception, match="skips= holds 1 span lists for 2 texts"):
        fitted.score_many(["a", "b"], skips=[[]])


def test_the_language_model_batch_equals_one_document_at_a_time():
    tks = [Tokens(t) for t in (*TEXTS, "", "Word", "He said the of the plan and the new the budget.")]
    model = BigramModel().fit(tks[:6])
    fitted = [i < 6 for i in range(len(tks))]
    alone = [find_improbable(tk, model, fitted=f) for tk, f in zip(tks, fitted)]
    assert find_improbable_many(tks, model, fitted=fitted) == alone
    assert any(alone), "the texts should give the model something to flag"


def test_merged_shares_score_as_one_fit():
    whole = ArtifactScorer().fit(TEXTS)
    merged = ArtifactScorer().fit(TEXTS[:3]).merge(ArtifactScorer().fit(TEXTS[3:6])).merge(ArtifactScorer().fit(TEXTS[6:]))
    for text in TEXTS:
        assert merged.score(text) == whole.score(text)
    for copy in COPIES:
        assert merged.score(copy, reference=FERRY, others=COPIES) == whole.score(copy, reference=FERRY, others=COPIES)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs forked workers")
def test_worker_processes_score_exactly_as_one_process(monkeypatch):
    # a small corpus: let it use the workers anyway
    monkeypatch.setattr(pipeline, "_PARALLEL_MIN_SCORED", 1)
    monkeypatch.setattr(pipeline, "_FIT_CHUNK", 3)
    monkeypatch.setattr(pipeline, "CHUNK", 2)

    def run(workers):
        docs = [Document(str(i), t) for i, t in enumerate(TEXTS)]
        scorer = pipeline.fit_scorer((d.text for d in docs), ScanConfig(), workers=workers)
        pipeline.score_artifacts(docs, scorer, range(len(docs)), workers=workers)
        clusters = [Cluster(id=1, members=[0, 1, 2, 3], canonical=0)]
        pipeline.score_artifacts(docs, scorer, [0, 1, 2, 3], clusters, workers=workers)
        return [(d.flags, d.artifact_score) for d in docs]

    one, two = run(1), run(2)
    assert one == two
    assert {f.kind for flags, _ in one[:4] for f in flags} >= {"divergent", "name"}


def _two_passes(docs, scorer, groups):
    # every document alone, the cleanest of a group as its canonical, then the
    # members again against it: the order of the stages of a scan, spelt out
    pipeline.score_artifacts(docs, scorer, range(len(docs)))
    canonicals = [choose_canonical(docs, members) for members in groups]
    clusters = [Cluster(id=k + 1, members=members, canonical=c) for k, (members, c) in enumerate(zip(groups, canonicals))]
    pipeline.score_artifacts(docs, scorer, [m for members in groups for m in members], clusters)
    return canonicals


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs forked workers")
def test_one_task_per_group_gives_the_flags_and_canonicals_of_two_passes(monkeypatch):
    monkeypatch.setattr(pipeline, "_PARALLEL_MIN_SCORED", 1)
    monkeypatch.setattr(pipeline, "CHUNK", 3)
    # the ferry copies, and a group of two other stories' texts with an exact repeat in it
    groups = [[0, 1, 2, 3], [5, 6, 9]]
    texts = [*TEXTS, TEXTS[6]]
    expected_docs = [Document(str(i), t) for i, t in enumerate(texts)]
    scorer = pipeline.fit_scorer(texts, ScanConfig())
    expected = _two_passes(expected_docs, scorer, groups)
    for workers in (1, 2):
        docs = [Document(str(i), t) for i, t in enumerate(texts)]
        canonicals = pipeline.score_groups(docs, pipeline.fit_scorer(texts, ScanConfig()), groups, workers=workers)
        assert canonicals == expected
        assert [(d.flags, d.artifact_score) for d in docs] == [(d.flags, d.artifact_score) for d in expected_docs]
    assert expected[0] != 0, "the canonical should not be the first copy, or the choice is untested"
    assert {f.kind for d in expected_docs[:4] for f in d.flags} >= {"divergent", "name"}


class _Unpicklable:
    """Stands for a fitted model that must reach the workers without being pickled per task."""

    def __reduce__(self):
        raise AssertionError("the shared object was pickled")

    def add(self, chunk):
        return sum(chunk)


def _add(chunk, shared):
    return shared.add(chunk)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs forked workers")
def test_shared_object_reaches_forked_workers_without_pickling():
    chunks = [[i, i + 1] for i in range(20)]
    assert list(map_chunks(_add, chunks, workers=2, shared=_Unpicklable())) == [sum(c) for c in chunks]
