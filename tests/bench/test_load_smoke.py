"""bench/load.py runs end to end: a real server (one worker or several, on SQLite or PostgreSQL),
signed calls, latencies reported, no errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests.bench.test_scale_smoke import _reachable as postgres_unreachable
from tests.conftest import PG_ADMIN_URL

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"


def test_a_short_low_rate_run_reports_latencies_and_no_errors(tmp_path: Path) -> None:
    figures_file = tmp_path / "load.json"
    command = [
        sys.executable,
        str(LOAD),
        "--duration=3",
        "--baseline-duration=1",
        "--submit-rate=3",
        "--poll-rate=10",
        "--agencies=2",
        "--progress=1",
        f"--json={figures_file}",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[load" in run.stdout, "no progress line while it ran"
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    operations = {**figures["baseline"], **figures["load"]}
    assert set(figures["load"]) == {"submit", "poll"}
    for name, data in operations.items():
        assert data["errors"] == 0, (name, data["error_kinds"])
        assert data["ok"] > 0, name
        assert 0 < data["p50_ms"] <= data["p95_ms"] <= data["p99_ms"] <= data["max_ms"], data
    assert figures["load"]["submit"]["p50_ratio"] > 0


def run_load(*options: str) -> subprocess.CompletedProcess[str]:
    """bench/load.py with these options, briefly and at a low rate."""
    command = [sys.executable, str(LOAD), "--duration=2", "--baseline-duration=1"]
    command += ["--submit-rate=2", "--poll-rate=6", "--agencies=2", *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.postgres
def test_it_runs_on_a_fresh_postgresql_database_with_two_workers(tmp_path: Path) -> None:
    why = postgres_unreachable()
    if why:
        pytest.skip(why)
    url = make_url(PG_ADMIN_URL).set(database="lawgate_bench_load_smoke")
    figures_file = tmp_path / "load.json"
    run = run_load(
        f"--database-url={url.render_as_string(hide_password=False)}",
        f"--admin-url={PG_ADMIN_URL}",
        "--workers=2",
        f"--json={figures_file}",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 worker(s), store lawgate_bench_load_smoke" in run.stdout
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert all(data["errors"] == 0 and data["ok"] > 0 for data in figures["load"].values())


def test_it_never_drops_a_database_it_does_not_own() -> None:
    run = run_load(f"--database-url={PG_ADMIN_URL}")
    assert run.returncode == 2
    assert "must name a database starting with 'lawgate_bench'" in run.stderr
