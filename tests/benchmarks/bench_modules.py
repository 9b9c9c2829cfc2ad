"""Load a script of benchmarks/ as a module (benchmarks/ is not a package)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def load(name: str, file: str):
    """``benchmarks/<file>`` imported under ``name`` (registered, so its own imports of it resolve).

    >>> load("bench_run", "run.py").pair_scores  # doctest: +SKIP
    """
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
