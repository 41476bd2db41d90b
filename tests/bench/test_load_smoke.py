"""bench/load.py runs end to end: a real server, signed calls, latencies reported, no errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
