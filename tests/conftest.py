"""Shared fixtures: the seeds folder, the real corpora and a Redis server (skipped when absent)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import corpora_dir  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def table_cache(tmp_path_factory) -> Iterator[Path]:
    """The scorer's disk-cached word tables (dedupe.artifacts.tablecache) go to a folder
    of this run, not the user's cache: the tests build them, and read them back in
    subprocesses (which inherit the variable)."""
    folder = tmp_path_factory.mktemp("table-cache")
    previous = os.environ.get("DEDUPE_CACHE_DIR")
    os.environ["DEDUPE_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["DEDUPE_CACHE_DIR"]
    else:
        os.environ["DEDUPE_CACHE_DIR"] = previous


@pytest.fixture
def seeds_dir() -> Path:
    return ROOT / "seeds"


@pytest.fixture(scope="session")
def corpora() -> Path:
    path = corpora_dir()
    if path is None:
        pytest.skip("../shared/corpora is absent (set DEDUPE_CORPORA to run corpus tests)")
    return path


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[str]:
    """A real redis-server on 127.0.0.1 and a free port, for the session;
    yields its base URL. Skips where the binary or the client is missing, or
    the server does not start."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary (apt-get install redis-server): Redis index tests skipped")
    try:
        import redis
    except ImportError:
        pytest.skip("no redis client (pip install 'dedupe[redis]'): Redis index tests skipped")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir), "--save", "",
         "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                server.wait()
                pytest.skip(f"redis-server did not start on 127.0.0.1:{port}: Redis index tests skipped")
            time.sleep(0.05)
    client.close()
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server) -> str:
    """An empty Redis database of the session's server."""
    import redis

    url = f"{redis_server}/0"
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def index_location(request, tmp_path) -> str:
    """Where to keep a fresh index: an SQLite file, then an empty Redis database."""
    if request.param == "sqlite":
        return str(tmp_path / "news.db")
    return request.getfixturevalue("redis_url")
