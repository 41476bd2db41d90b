"""Conformance: every corpus case, through the real CLI, gives its expected outcome and reasons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lawgate.domain import Decision
from tests.conftest import corpus_params

LAWGATE = str(Path(sys.executable).with_name("lawgate"))


def evaluate(path: Path) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """Run `lawgate policy evaluate CASE --json` as a user would."""
    result = subprocess.run(
        [LAWGATE, "policy", "evaluate", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return (json.loads(result.stdout) if result.returncode == 0 else {}), result


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_case(path: Path) -> None:
    expect = json.loads(path.read_text())["expect"]
    decision, result = evaluate(path)
    assert result.returncode == 0, result.stderr
    Decision.model_validate(decision)
    assert decision["outcome"] == expect["outcome"]
    for category, verdict in expect.get("categories", {}).items():
        assert decision["categories"][category] == verdict, category
    codes = {reason["code"] for reason in decision["reasons"]}
    assert set(expect.get("reasons", [])) <= codes, decision["reasons"]
    assert set(decision) == {"outcome", "categories", "reasons", "findings", "deadline"}
    for reason in decision["reasons"]:
        assert reason["citation"] and reason["message"] and reason["rule"]


def test_explain_shows_each_category_rule_and_citation(tmp_path: Path) -> None:
    cases = [p for p in corpus_params() if p.values[0] is not None]
    if not cases:
        pytest.skip("../shared/corpus is absent")
    path = next(p.values[0] for p in cases if p.values[0].stem == "us-subpoena-content")
    result = subprocess.run(
        [LAWGATE, "policy", "explain", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    assert "Outcome: partial" in result.stdout
    assert "subscriber: allow" in result.stdout and "content: deny" in result.stdout
    assert "us.content.warrant" in result.stdout
    assert "Warshak" in result.stdout


def test_a_bad_case_file_is_an_error_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps({"today": "2026-11-28", "agency": {}, "verification": {}, "request": {}})
    )
    _, result = evaluate(path)
    assert result.returncode == 2
    assert "case.json" in result.stderr and "verification.requester" in result.stderr
    assert result.stdout == ""
