"""`lawgate serve --workers N` (bench/load.py passes it on): checked, and as fast as one process."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from lawgate.cli import app
from tests.servers import free_port

LAWGATE = str(Path(sys.executable).with_name("lawgate"))


def test_serve_refuses_a_worker_count_below_one() -> None:
    result = CliRunner().invoke(app, ["serve", "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[str]:
    """`lawgate serve --workers 2` on an empty store, stopped by its own pid afterwards."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWGATE_")}
    env |= {"LAWGATE_HOME": str(tmp_path), "LAWGATE_PORT": str(port)}
    command = [LAWGATE, "serve", "--no-demo", "--no-worker", "--workers", "2"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(f"{base}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_keep_alive_calls_are_not_held_back_by_nagle(two_workers: str) -> None:
    """Each response on a kept-alive connection waited ~40 ms for a delayed ACK (uvicorn #3149)."""
    with httpx.Client(base_url=two_workers, timeout=10) as client:
        client.get("/openapi.json")
        took = []
        for _ in range(15):
            started = time.perf_counter()
            assert client.get("/openapi.json").status_code == 200
            took.append(time.perf_counter() - started)
    assert statistics.median(took) < 0.030, took
