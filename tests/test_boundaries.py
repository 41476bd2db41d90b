"""The package boundaries the build enforces (import-linter): they pass, and a breach fails them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "lawgate"
LINT = Path(sys.executable).with_name("lint-imports")


def _copy(tmp_path: Path) -> Path:
    """A copy of the package and of pyproject.toml, to break without touching the real tree."""
    shutil.copytree(SOURCE, tmp_path / "src" / "lawgate", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on a tree, its own copy of lawgate first on the path."""
    if not LINT.exists():
        pytest.fail(f"{LINT} is missing; `make test` installs import-linter (dev extra)")
    env = {"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"}
    command = [str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"]
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=300)


def _breach(tree: Path, module: str, line: str) -> None:
    """Add one import to a module of the copy."""
    path = tree / "src" / "lawgate" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    """The package as it is passes: every contract KEPT."""
    done = _lint(_copy(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout and "KEPT" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("policy/facts.py", "import lawgate.cases.services", "The law stands alone"),
        ("auditlog/log.py", "import lawgate.intake.services", "The audit log knows nothing"),
        ("holds/services.py", "import fastapi", "The core imports no web"),
        ("production/collect.py", "import lawgate.holds.services", "Production works from"),
        ("notices/services.py", "import lawgate.intake.models", "Rows of intake stay in intake"),
        ("intake/services.py", "import lawgate.lifecycle.submission", "Layers"),
    ],
)
def test_a_forbidden_import_fails_the_build(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    """Each kind of breach an engineer might commit breaks the contract that names it."""
    tree = _copy(tmp_path)
    _breach(tree, module, line)
    done = _lint(tree)
    assert done.returncode != 0
    _, found, broken = done.stdout.partition("Broken contracts")
    assert found, done.stdout
    assert any(row.startswith(contract) for row in broken.splitlines()), done.stdout
