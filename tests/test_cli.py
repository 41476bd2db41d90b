"""The `lawgate` command, run as a user runs it: a real process on a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lawgate.config import Settings
from tests.conftest import corpus_files
from tests.factories import FBI, request_body

LAWGATE = str(Path(sys.executable).with_name("lawgate"))


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run lawgate against the test's store."""
    env = {
        **os.environ,
        "LAWGATE_HOME": str(settings.home),
        "LAWGATE_DATABASE_URL": settings.database_url,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [LAWGATE, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def write(path: Path, value: object) -> Path:
    """Write JSON to a file and return its path."""
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_register_submit_list_and_show(settings: Settings, tmp_path: Path) -> None:
    added = run(settings, "agencies", "add", str(write(tmp_path / "fbi.json", FBI)))
    assert added.returncode == 0, added.stderr
    assert "us-doj-fbi-nyfo" in run(settings, "agencies", "list").stdout

    submitted = run(settings, "requests", "submit", str(write(tmp_path / "r.json", request_body())))
    assert submitted.returncode == 0, submitted.stderr
    request_id = submitted.stdout.strip()

    listed = json.loads(run(settings, "requests", "list", "--json").stdout)
    assert [row["id"] for row in listed] == [request_id]
    assert listed[0]["state"] == "in_review"
    assert listed[0]["recommendation"] == "approve"
    assert "approve" in run(settings, "requests", "list").stdout

    shown = run(settings, "requests", "show", request_id)
    assert shown.returncode == 0
    assert "FBI New York Field Office" in shown.stdout and "request:received" in shown.stdout
    detail = json.loads(run(settings, "requests", "show", request_id, "--json").stdout)
    assert detail["request"]["targets"][0]["value"] == "seller.one@example.com"
    assert detail["request"]["date_range"]["from"] == "2026-01-01"


def test_a_corpus_case_file_can_be_submitted_as_is(settings: Settings) -> None:
    files = corpus_files()
    if not files:
        pytest.skip("../shared/corpus is absent")
    case = json.loads(files[0].read_text())
    assert run(settings, "agencies", "add", str(files[0])).returncode == 0
    submitted = run(settings, "requests", "submit", str(files[0]))
    assert submitted.returncode == 0, submitted.stderr
    listed = json.loads(run(settings, "requests", "list", "--json").stdout)
    assert listed[0]["agency_id"] == case["agency"]["id"]


def test_a_bad_request_file_names_the_file_and_field(settings: Settings, tmp_path: Path) -> None:
    run(settings, "agencies", "add", str(write(tmp_path / "fbi.json", FBI)))
    body = request_body(purpose="curiosity")
    del body["legal_process"]["issued_on"]
    result = run(settings, "requests", "submit", str(write(tmp_path / "bad.json", body)))
    assert result.returncode == 2
    assert "bad.json" in result.stderr
    assert "purpose" in result.stderr and "legal_process.issued_on" in result.stderr
    assert json.loads(run(settings, "requests", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("{oops", "not valid JSON")],
)
def test_unreadable_files_are_reported(
    settings: Settings, tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "request.json"
    if content is not None:
        path.write_text(content)
    result = run(settings, "requests", "submit", str(path))
    assert result.returncode == 2
    assert message in result.stderr


def test_an_unregistered_agency_and_unknown_id_are_reported(
    settings: Settings, tmp_path: Path
) -> None:
    result = run(settings, "requests", "submit", str(write(tmp_path / "r.json", request_body())))
    assert result.returncode == 2
    assert "agency_id" in result.stderr and "us-doj-fbi-nyfo" in result.stderr
    missing = run(settings, "requests", "show", "LG-NOTTHERE")
    assert missing.returncode == 2 and "LG-NOTTHERE" in missing.stderr


def test_a_bad_environment_variable_is_named(settings: Settings) -> None:
    env = {**os.environ, "LAWGATE_PORT": "http"}
    result = subprocess.run(
        [LAWGATE, "requests", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "LAWGATE_PORT" in result.stderr
