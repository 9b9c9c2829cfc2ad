"""One frozen settings object per pipeline stage, checked when it is made.

Each stage receives only its own settings; :class:`ScanConfig` bundles them
for the driver and flattens them into the report's ``params``.

>>> ScanConfig().verify.threshold
0.35
>>> ScanConfig.from_flat({"num_perm": 64, "bands": 32})
... # doctest: +ELLIPSIS
ScanConfig(read=..., sign=SignConfig(num_perm=64, seed=1, max_df=0.03, min_df_cut=50, max_df_docs=3000), lsh=LSHConfig(bands=32, rows=2, window=64), ...)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from dedupe.errors import ConfigError
from dedupe.lsh import check_bands


def _check_range(name: str, value: float, low: float, high: float, default: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(f"{name}={value!r} must be a number from {low} to {high} (default {default})")


@dataclass(frozen=True)
class ReadConfig:
    """What to read: JSON field names and the per-file size limit."""

    text_field: str | None = None
    id_field: str | None = None
    max_bytes: int = 50_000_000

    def __post_init__(self):
        if self.max_bytes < 1:
            raise ConfigError(f"max_bytes={self.max_bytes} must be positive (default 50,000,000)")


@dataclass(frozen=True)
class BoilerplateConfig:
    """Lines repeated in ``min_docs`` or more unrelated documents are site chrome."""

    min_docs: int = 3
    use_prior: bool = True

    def __post_init__(self):
        if isinstance(self.min_docs, bool) or not isinstance(self.min_docs, int) or self.min_docs < 2:
            raise ConfigError(f"min_docs={self.min_docs!r} must be an integer of 2 or more (default 3)")


@dataclass(frozen=True)
class ShingleConfig:
    """How documents become shingle sets (see :mod:`dedupe.shingles`)."""

    kind: str = "salient"
    ngram: int = 1
    stem: int = 6
    max_zipf: float = 5.0

    def __post_init__(self):
        if self.kind not in ("salient", "word"):
            raise ConfigError(f"shingle kind {self.kind!r} is unknown; use 'salient' or 'word'")
        if not 1 <= self.ngram <= 9:
            raise ConfigError(f"ngram={self.ngram} must be from 1 to 9 (default 1)")
        if not 3 <= self.stem <= 40:
            raise ConfigError(f"stem={self.stem} must be from 3 to 40 (default 6)")
        _check_range("max_zipf", self.max_zipf, 1.0, 9.0, 5.0)


@dataclass(frozen=True)
class SignConfig:
    """MinHash size and seed; shingles in more than ``max_df`` of the documents
    (and more than ``min_df_cut`` documents), or in more than ``max_df_docs``
    documents, are left out of signatures. The absolute cap is for large
    corpora: a shingle's candidate pairs grow with the square of its document
    count, so a share of the corpus lets them grow with its size (the cap
    changes nothing up to ``max_df_docs / max_df`` documents, 100k by default)."""

    num_perm: int = 128
    seed: int = 1
    max_df: float = 0.03
    min_df_cut: int = 50
    max_df_docs: int = 3000

    def __post_init__(self):
        if isinstance(self.num_perm, bool) or not isinstance(self.num_perm, int) or not 16 <= self.num_perm <= 1024:
            raise ConfigError(f"num_perm={self.num_perm} must be from 16 to 1024 (default 128)")
        _check_range("max_df", self.max_df, 0.0, 1.0, 0.03)
        if self.min_df_cut < 1:
            raise ConfigError(f"min_df_cut={self.min_df_cut} must be 1 or more (default 50)")
        if self.max_df_docs < self.min_df_cut:
            raise ConfigError(f"max_df_docs={self.max_df_docs} must be at least min_df_cut={self.min_df_cut} "
                              "(default 3000)")


@dataclass(frozen=True)
class LSHConfig:
    """``bands`` x ``rows`` of the signature; ``window`` caps pairs per huge bucket."""

    bands: int = 64
    rows: int = 2
    window: int = 64

    def __post_init__(self):
        if self.window < 1:
            raise ConfigError(f"window={self.window} must be 1 or more (default 64)")


@dataclass(frozen=True)
class VerifyConfig:
    """When a candidate pair counts as a copy (see :func:`dedupe.verify.accept_pairs`).

    ``threshold``: cosine that is enough on its own; ``cross_threshold`` replaces
    it for pairs in different languages, which share only names, numbers and
    cognates. ``low_threshold``, ``margin`` and ``neighbours``: a weaker pair is
    accepted when it stands out ``margin`` times over each document's next
    ``neighbours`` candidates. ``number_overlap`` and ``min_numbers``: a pair
    whose documents both give ``min_numbers`` distinct numbers but share less
    than ``number_overlap`` of them is two stories on one template
    (:mod:`dedupe.numberset`; 0 turns the check off). Defaults measured by
    ``benchmarks/calibrate.py``.
    """

    threshold: float = 0.35
    cross_threshold: float = 0.2
    low_threshold: float = 0.15
    margin: float = 2.0
    neighbours: int = 5
    zipf_ceiling: float = 7.0
    number_overlap: float = 0.5
    min_numbers: int = 3

    def __post_init__(self):
        _check_range("threshold", self.threshold, 0.0, 1.0, 0.35)
        _check_range("cross_threshold", self.cross_threshold, 0.0, 1.0, 0.2)
        _check_range("low_threshold", self.low_threshold, 0.0, 1.0, 0.15)
        _check_range("margin", self.margin, 1.0, 100.0, 2.0)
        _check_range("zipf_ceiling", self.zipf_ceiling, 4.0, 9.0, 7.0)
        _check_range("number_overlap", self.number_overlap, 0.0, 1.0, 0.5)
        if not 1 <= self.min_numbers <= 1000:
            raise ConfigError(f"min_numbers={self.min_numbers} must be from 1 to 1000 (default 3)")
        if not 1 <= self.neighbours <= 100:
            raise ConfigError(f"neighbours={self.neighbours} must be from 1 to 100 (default 5)")
        if self.low_threshold > min(self.threshold, self.cross_threshold):
            raise ConfigError(
                f"low_threshold={self.low_threshold} is above threshold={self.threshold} or "
                f"cross_threshold={self.cross_threshold}; lower it"
            )


@dataclass(frozen=True)
class ClusterConfig:
    """A verified pair merges two clusters only if ``min_support`` of their cross
    pairs are verified too (0: plain connected components). Then a group in a
    language other than the corpus's most common one joins its best match in
    another language when their similarity reaches ``link_similarity`` and is
    ``link_margin`` times the next best (see :mod:`dedupe.crosslingual`; a
    ``link_similarity`` of 1 turns it off)."""

    min_support: float = 0.5
    link_similarity: float = 0.08
    link_margin: float = 1.5

    def __post_init__(self):
        _check_range("min_support", self.min_support, 0.0, 1.0, 0.5)
        _check_range("link_similarity", self.link_similarity, 0.0, 1.0, 0.08)
        _check_range("link_margin", self.link_margin, 1.0, 100.0, 1.5)


@dataclass(frozen=True)
class ScanConfig:
    """Every setting of a scan. ``from_flat`` builds one from CLI-style names."""

    read: ReadConfig = field(default_factory=ReadConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    sign: SignConfig = field(default_factory=SignConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    language_seed: int = 0
    score: bool = True
    min_score: float = 0.5

    def __post_init__(self):
        check_bands(self.sign.num_perm, self.lsh.bands, self.lsh.rows)
        _check_range("min_score", self.min_score, 0.0, 1.0, 0.5)

    def flat(self) -> dict:
        """Every parameter under one flat name, as written to the report."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if hasattr(value, "__dataclass_fields__"):
                out.update(asdict(value))
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_flat(cls, values: dict) -> "ScanConfig":
        """Build from flat names (``num_perm``, ``threshold``...); unknown names are an error."""
        config = cls()
        remaining = dict(values)
        parts = {}
        for f in fields(cls):
            part = getattr(config, f.name)
            if hasattr(part, "__dataclass_fields__"):
                mine = {k: remaining.pop(k) for k in list(remaining) if k in part.__dataclass_fields__}
                parts[f.name] = replace(part, **mine)
        top = {k: remaining.pop(k) for k in list(remaining) if k in ("language_seed", "score", "min_score")}
        if remaining:
            raise ConfigError(f"unknown parameter(s): {', '.join(sorted(remaining))}")
        return cls(**parts, **top)
