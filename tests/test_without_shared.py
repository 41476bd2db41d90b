"""A clone without ../shared collects the suite: vector-backed tests skip when run, saying so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a subprocess with ../shared pointed at a folder that does not exist."""
    env = {**os.environ, "LAWGATE_SHARED": str(tmp_path / "no-shared-here")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_suite_collects_without_shared(tmp_path: Path) -> None:
    run = run_pytest(tmp_path, "--collect-only", "-q")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "error" not in run.stdout.lower().split("collected")[-1]


def test_vector_tests_skip_with_a_reason_when_run(tmp_path: Path) -> None:
    run = run_pytest(tmp_path, "-q", "-rs", "tests/auditlog/test_merkle.py", "tests/reports")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "vectors are not on this machine" in run.stdout
    assert "no-shared-here" in run.stdout
