"""Run an index writer in a child process and SIGKILL it in the middle of a batch."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kill_mid_batch(script: str, target: str, *, committed: int = 3) -> int:
    """Run ``script`` (argv[1] = ``target``); once it has printed ``committed`` times
    "committed" and then "mid-batch", kill it. Returns its exit status.

    >>> kill_mid_batch(WRITER, str(tmp_path / "i.db"))  # doctest: +SKIP
    -9
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", script, target], stdout=subprocess.PIPE, text=True, env=env)
    try:
        lines = [writer.stdout.readline().strip() for _ in range(committed + 1)]
        assert lines == ["committed"] * committed + ["mid-batch"], lines
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    return writer.returncode
