"""bench/recheck.py runs end to end: the sweep against the bare policy, then every case lapses."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

RECHECK = Path(__file__).resolve().parents[2] / "bench" / "recheck.py"


def test_a_small_run_prints_both_figures_their_ratio_and_every_lapse() -> None:
    command = [sys.executable, str(RECHECK), "--cases=12", "--rounds=1"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"sweep \(lawgate\): [\d.]+ ms per case", run.stdout)
    assert re.search(r"baseline \(engine\.evaluate in memory\): [\d.]+ ms per case", run.stdout)
    assert re.search(r"ratio: [\d.]+x the bare policy", run.stdout)
    assert "sweep past expiry: 12 lapses recorded" in run.stdout
