"""`lawgate notices` with a bad setting: one line naming it and exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawgate.cli import app


@pytest.mark.parametrize("command", [["list"], ["send"], ["create", "LG-AAAAAAAA"]])
def test_a_bad_setting_is_named_not_a_traceback(tmp_path: Path, command: list[str]) -> None:
    """The marketplace URL is checked before anything opens, and the message says which."""
    env = {"LAWGATE_HOME": str(tmp_path), "LAWGATE_MARKETPLACE_URL": "nonsense"}
    result = CliRunner().invoke(app, ["notices", *command], env=env)
    assert result.exit_code == 2, result.output
    assert "LAWGATE_MARKETPLACE_URL" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []  # no store was made for a command that cannot run
