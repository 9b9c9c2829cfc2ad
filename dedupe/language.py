"""Detect a document's language with langdetect, deterministically.

langdetect samples n-grams at random; its module-level ``detect`` reads a
global seed. We create one detector per call and give it our own seed, so
results are reproducible without touching langdetect's global state.
"""
from __future__ import annotations

from langdetect import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

# Detection on a few thousand characters is as good as on the whole article
# and keeps the cost flat for long documents.
_SAMPLE_CHARS = 3000

_factory: DetectorFactory | None = None


def _get_factory() -> DetectorFactory:
    global _factory
    if _factory is None:
        from langdetect.detector_factory import PROFILES_DIRECTORY

        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        _factory = factory
    return _factory


def detect_language(text: str, *, seed: int = 0) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when it has no letters.

    >>> detect_language("The talks ended this morning in the capital.")
    'en'
    """
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    detector = _get_factory().create()
    detector.seed = seed
    detector.append(sample)
    try:
        return detector.detect().split("-")[0]
    except LangDetectException:
        return None
