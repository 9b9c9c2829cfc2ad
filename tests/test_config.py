"""Tests for dedupe.config: frozen per-stage settings, flat names, early and named errors."""
from __future__ import annotations

import dataclasses
import re

import pytest

from dedupe.config import LSHConfig, ScanConfig, SignConfig, VerifyConfig
from dedupe.errors import ConfigError

CHANGED = {
    "text_field": "body", "id_field": "url", "max_bytes": 1000, "min_docs": 4, "use_prior": False,
    "kind": "word", "ngram": 3, "stem": 8, "max_zipf": 4.5, "num_perm": 256, "seed": 9, "max_df": 0.1, "min_df_cut": 20, "max_df_docs": 5000,
    "bands": 32, "rows": 8, "window": 10, "threshold": 0.5, "cross_threshold": 0.3,
    "low_threshold": 0.2, "margin": 3.0, "neighbours": 8, "zipf_ceiling": 6.5,
    "number_overlap": 0.3, "min_numbers": 5,
    "min_support": 0.25, "link_similarity": 0.1, "link_margin": 2.5, "language_seed": 4, "score": False, "min_score": 0.7,
}


def test_flat_names_every_parameter_once():
    config = ScanConfig()
    names = []
    for f in dataclasses.fields(config):
        part = getattr(config, f.name)
        names += [g.name for g in dataclasses.fields(part)] if dataclasses.is_dataclass(part) else [f.name]
    assert len(names) == len(set(names)), "two stages share a parameter name"
    assert set(config.flat()) == set(names) == set(CHANGED)


@pytest.mark.parametrize(
    "values", [{}, CHANGED, {"num_perm": 64, "bands": 32}], ids=["defaults", "all-changed", "some"]
)
def test_from_flat_round_trips(values):
    config = ScanConfig.from_flat(values)
    assert ScanConfig.from_flat(config.flat()) == config
    assert {k: config.flat()[k] for k in values} == values


def test_from_flat_routes_each_name_to_its_stage():
    config = ScanConfig.from_flat(CHANGED)
    assert config.sign == SignConfig(num_perm=256, seed=9, max_df=0.1, min_df_cut=20, max_df_docs=5000)
    assert config.lsh == LSHConfig(bands=32, rows=8, window=10)
    assert config.verify.margin == 3.0 and config.shingle.stem == 8 and config.read.max_bytes == 1000
    assert config.language_seed == 4 and config.score is False


def test_unknown_names_are_rejected_by_name():
    with pytest.raises(ConfigError, match=r"unknown parameter\(s\): num_perms, treshold"):
        ScanConfig.from_flat({"treshold": 0.4, "num_perms": 64, "bands": 32})


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ScanConfig().verify.threshold = 0.9


@pytest.mark.parametrize(
    "values, name",
    [
        ({"max_bytes": 0}, "max_bytes"),
        ({"kind": "char"}, "kind"),
        ({"ngram": 0}, "ngram"),
        ({"ngram": 10}, "ngram"),
        ({"stem": 2}, "stem"),
        ({"max_zipf": 0.5}, "max_zipf"),
        ({"num_perm": 8}, "num_perm"),
        ({"num_perm": 64}, "num_perm"),  # the default 64 bands x 2 rows no longer fit
        ({"bands": 65}, "bands"),
        ({"rows": 0}, "rows"),
        ({"window": 0}, "window"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": True}, "threshold"),
        ({"cross_threshold": -0.1}, "cross_threshold"),
        ({"low_threshold": 0.3}, "low_threshold"),
        ({"margin": 0.5}, "margin"),
        ({"neighbours": 0}, "neighbours"),
        ({"zipf_ceiling": 3.0}, "zipf_ceiling"),
    ],
)
def test_each_error_names_its_parameter(values, name):
    with pytest.raises(ConfigError, match=rf"\b{re.escape(name)}\b") as info:
        ScanConfig.from_flat(values)
    message = str(info.value)
    # The message also says what to do: a range, a default or a fix.
    assert re.search(r"default|must|use|lower|raise", message), message


def test_bands_message_suggests_the_fix():
    with pytest.raises(ConfigError, match=r"lower bands to 32 or raise num_perm"):
        ScanConfig.from_flat({"num_perm": 64})


def test_low_threshold_is_checked_against_both_thresholds():
    with pytest.raises(ConfigError, match="low_threshold=0.25"):
        VerifyConfig(low_threshold=0.25)  # above cross_threshold=0.2
    VerifyConfig(low_threshold=0.2)


@pytest.mark.parametrize("values, name", [({"min_docs": 1}, "min_docs"), ({"num_perm": 128.5}, "num_perm")])
def test_values_later_stages_reject_fail_at_construction(values, name):
    with pytest.raises(ConfigError, match=name):
        ScanConfig.from_flat(values)
