"""The law stands alone: importing every policy module loads no store, data, production or case."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lawgate.policy

FORBIDDEN = ("lawgate.cases", "lawgate.store", "lawgate.datamap", "lawgate.production")
POLICY = Path(lawgate.policy.__file__).parent


def test_policy_imports_nothing_of_the_stages_above_it() -> None:
    modules = sorted(
        f"lawgate.policy.{p.stem}" for p in POLICY.glob("*.py") if p.stem != "__init__"
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert len(modules) >= 9
    assert result.stdout.strip() == "[]"
