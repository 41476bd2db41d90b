"""bench/scale.py at a small scale, so the long benchmark cannot rot unnoticed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from tests.conftest import PG_ADMIN_URL

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "scale.py"
SMALL = ["--users", "50000", "--orders", "500000", "--messages", "200000"]
SMALL += ["--seller-orders", "10000"]
"""Big enough that PostgreSQL would rather read whole tables for the power seller (2% of orders):
before owner checks were per-row probes, messages' owner join became a sequential scan of orders."""


def _reachable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    dsn = sa.make_url(PG_ADMIN_URL).set(drivername="postgresql")
    try:
        with psycopg.connect(dsn.render_as_string(hide_password=False), connect_timeout=2):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}"


@pytest.mark.postgres
def test_scale_bench_runs_at_small_scale(tmp_path: Path) -> None:
    """Build, measure storage, resolve every target type, check the collector's plans.

    Productions are left out (--skip-production): they start eight processes (about 10 s);
    bench/production.py runs the same steps in `make bench`.
    """
    why = _reachable()
    if why:
        pytest.skip(why)
    figures = tmp_path / "scale.json"
    command = [sys.executable, str(SCRIPT), *SMALL, "--samples", "20", "--misses", "5"]
    command += ["--skip-production"]
    command += ["--admin-url", PG_ADMIN_URL, "--database", "lawgate_bench_scale_smoke"]
    done = subprocess.run(
        [*command, "--json", str(figures)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(figures.read_text(encoding="utf-8"))
    per_type = {r["type"]: r for r in found["resolution"]["per_type"]}
    assert set(per_type) == {
        "account_id",
        "email",
        "phone",
        "username",
        "order_id",
        "listing_id",
        "payment_reference",
        "ip_address",
    }
    assert all(r["wrong"] == 0 and r["hits"] == 20 and r["misses"] == 5 for r in per_type.values())
    assert all(r["ratio_p50"] > 0 for r in per_type.values())
    assert found["resolution"]["seq_scans_large_tables"] == 0
    collected = found["plans"]["targets"]["power seller"]["tables"]
    assert set(collected) == {"orders", "payments", "messages"}
    reads = [r for rs in collected.values() for r in rs]
    assert {r["table"] for r in reads} >= {"orders", "messages"}
    assert not [r for r in reads if r["whole"]], reads
    assert found["plans"]["whole_table_reads"] == 0
    heights = [i["height"] for i in found["storage"]["indexes"]]
    assert len(heights) == 26 and all(h is None or h >= 1 for h in heights)
    assert "target resolution" in done.stdout and "production" not in found
