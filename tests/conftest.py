"""Shared fixtures: the seeds folder and the real corpora (skipped when absent)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import corpora_dir  # noqa: E402


@pytest.fixture
def seeds_dir() -> Path:
    return ROOT / "seeds"


@pytest.fixture(scope="session")
def corpora() -> Path:
    path = corpora_dir()
    if path is None:
        pytest.skip("../shared/corpora is absent (set DEDUPE_CORPORA to run corpus tests)")
    return path
