"""Flag garbled machine-translation phrasing: one document alone, or against its cluster's canonical copy.

>>> from dedupe.artifacts import ArtifactScorer
>>> flags, score = ArtifactScorer().fit(["Some text."]).score("A text with with a repeat.")
>>> [(f.kind, f.text) for f in flags]
[('duplicated', 'with with')]
"""
from .scorer import KINDS, ArtifactScorer

__all__ = ["ArtifactScorer", "KINDS"]
