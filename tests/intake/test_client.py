"""`lawgate client` as an agency runs it, against a real server: submit and follow a request with
an OpenSSH key, see a revoked key refused, and get clear errors for every local mistake."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import Result
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import tests.test_cli as cli
from lawgate.cli import app
from lawgate.config import Settings
from tests.factories import FBI, agency_key_id, register, request_body, write_key_file
from tests.production.test_sealing import tool
from tests.servers import free_port
from tests.web.conftest import live_server

__all__ = ["live_server"]


def lawgate(settings: Settings, *args: str) -> Result:
    """Run the CLI in this process against the test's store."""
    env = {"LAWGATE_HOME": str(settings.home), "LAWGATE_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(app, list(args), env=env)


def ssh_key(folder: Path) -> Path:
    """An Ed25519 key pair made by the real ssh-keygen; returns the private key file."""
    private = folder / "id_ed25519"
    command = [tool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", str(private)]
    subprocess.run(command, check=True, capture_output=True)
    return private


def test_an_agency_submits_and_follows_a_request_with_its_ssh_key(
    live_server: str, settings: Settings, session: Session, tmp_path: Path
) -> None:
    register(session)
    private = ssh_key(tmp_path)
    added = cli.run(
        settings, "agencies", "key", "add", FBI["id"], "--key-id", "fbi-ssh",
        "--public-key", f"{private}.pub",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    request = cli.write(tmp_path / "request.json", request_body())
    signing = ["--key", str(private), "--key-id", "fbi-ssh", "--url", live_server]
    submitted = cli.run(settings, "client", "submit", str(request), "--agency", FBI["id"], *signing)
    assert submitted.returncode == 0, submitted.stderr
    request_id = submitted.stdout.strip()
    assert request_id.startswith("LG-") and "state: in_review" in submitted.stderr
    status = cli.run(settings, "client", "status", request_id, *signing)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["state"] == "in_review"

    nothing = lawgate(settings, "client", "download", request_id, "--out", str(tmp_path), *signing)
    assert nothing.exit_code == 1 and "404" in nothing.stderr
    assert f"request {request_id} has no sealed package yet" in nothing.stderr
    unknown = lawgate(settings, "client", "status", "LG-AAAAAAAA", *signing)
    assert unknown.exit_code == 1 and "no request with id 'LG-AAAAAAAA'" in unknown.stderr

    assert lawgate(settings, "agencies", "key", "revoke", "fbi-ssh").exit_code == 0
    refused = lawgate(settings, "client", "submit", str(request), "--agency", FBI["id"], *signing)
    assert refused.exit_code == 1
    assert "401" in refused.stderr and "key 'fbi-ssh' was revoked" in refused.stderr


def test_local_mistakes_are_named_before_anything_is_sent(
    live_server: str, settings: Settings, session: Session, tmp_path: Path
) -> None:
    register(session)
    key = write_key_file(tmp_path / "fbi.pem")
    request = cli.write(tmp_path / "request.json", request_body())
    key_id = agency_key_id(FBI["id"])

    def submit(*options: str) -> Result:
        return lawgate(settings, "client", "submit", str(request), "--agency", *options)

    nowhere = f"http://127.0.0.1:{free_port()}"
    down = submit(FBI["id"], "--key", str(key), "--key-id", key_id, "--url", nowhere)
    assert down.exit_code == 2 and f"cannot reach {nowhere}" in down.stderr
    other = submit("us-ca-lasd", "--key", str(key), "--key-id", key_id, "--url", live_server)
    assert other.exit_code == 2 and "agency_id is 'us-doj-fbi-nyfo' but --agency" in other.stderr
    keyless = submit(
        FBI["id"], "--key", str(tmp_path / "none.pem"), "--key-id", key_id, "--url", live_server
    )
    assert keyless.exit_code == 2 and "none.pem: cannot be read" in keyless.stderr
    ftp = submit(FBI["id"], "--key", str(key), "--key-id", key_id, "--url", "ftp://x")
    assert ftp.exit_code == 2 and "must start with http://" in ftp.stderr
    bad = cli.write(tmp_path / "bad.json", request_body(purpose="curiosity"))
    named = lawgate(
        settings, "client", "submit", str(bad), "--agency", FBI["id"],
        "--key", str(key), "--key-id", key_id, "--url", live_server,
    )  # fmt: skip
    assert named.exit_code == 1 and "422" in named.stderr and "purpose:" in named.stderr
