"""The public log endpoints, checked as an outside auditor would: only with the verifier key."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from lawgate.auditlog import merkle, note
from lawgate.auditlog.checkpoint import open_checkpoint
from lawgate.cli import app
from lawgate.config import Settings
from tests.auditlog.test_verify import build


def _hash(text: str) -> bytes:
    """A base64 hash from the API."""
    return base64.b64decode(text)


def test_no_checkpoint_yet_is_a_clear_404(client: TestClient) -> None:
    """Before the first checkpoint there is nothing to serve, and the error says so."""
    response = client.get("/log/checkpoint")
    assert response.status_code == 404
    assert "no checkpoint" in response.json()["errors"][0]["message"]


def test_an_auditor_checks_checkpoint_proofs_and_entries(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    """Checkpoint signature, inclusion of every entry, consistency, entry contents: all check."""
    build(engine, settings)
    vkey = client.get("/log/key").text.strip()
    assert note.parse_verifier_key(vkey) is not None
    signed = client.get("/log/checkpoint")
    assert signed.headers["content-type"].startswith("text/plain")
    renamed = vkey.replace(vkey.split("+")[0], "another.example/log")
    assert open_checkpoint(signed.text, renamed) is None  # the name is part of the key
    checkpoint = open_checkpoint(signed.text, vkey)
    assert checkpoint is not None and checkpoint.size == 40
    entries = client.get("/log/entries", params={"start": 0, "end": 40}).json()
    assert [e["index"] for e in entries] == list(range(40))
    for entry in entries:
        leaf = merkle.leaf_hash(entry["entry"].encode())
        assert base64.b64encode(leaf).decode() == entry["leaf_hash"]
        proof = client.get("/log/proof/inclusion", params={"index": entry["index"], "size": 40})
        body = proof.json()
        path = [_hash(p) for p in body["proof"]]
        assert merkle.verify_inclusion(leaf, entry["index"], 40, path, checkpoint.root)
    step = client.get("/log/proof/consistency", params={"from": 10, "to": 40}).json()
    assert (step["from"], step["to"]) == (10, 40)
    root10 = merkle.root_of([merkle.leaf_hash(e["entry"].encode()) for e in entries[:10]])
    path = [_hash(p) for p in step["proof"]]
    assert merkle.verify_consistency(10, 40, path, root10, checkpoint.root)


def test_bad_parameters_name_the_parameter(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    """Out-of-range sizes and indexes are 4xx errors naming the field, never 500."""
    build(engine, settings, sizes=(5,))
    cases = [
        ("/log/proof/inclusion", {"index": 5, "size": 5}, "index"),
        ("/log/proof/inclusion", {"index": 0, "size": 6}, "size"),
        ("/log/proof/inclusion", {"index": -1, "size": 5}, "index"),
        ("/log/proof/consistency", {"from": 4, "to": 3}, "from"),
        ("/log/entries", {"start": 0, "end": 6}, "end"),
        ("/log/entries", {"start": "x", "end": 2}, "start"),
    ]
    for path, params, field in cases:
        response = client.get(path, params=params)
        assert 400 <= response.status_code < 500, (path, params)
        assert field in response.json()["errors"][0]["field"], (path, params)


def test_the_cli_proves_and_checkpoints(
    engine: Engine, settings: Settings, monkeypatch: object
) -> None:
    """`lawgate audit proof` prints a proof that verifies; `checkpoint` prints a signed note."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    vkey = build(engine, settings, sizes=(7,))
    runner = CliRunner()
    proof = runner.invoke(app, ["audit", "proof", "3"])
    assert proof.exit_code == 0, proof.output
    assert "size       7" in proof.output and "verifies   yes" in proof.output
    made = runner.invoke(app, ["audit", "checkpoint"])
    assert made.exit_code == 0, made.output
    assert made.output.startswith(f"{settings.log_origin}\n7\n")
    assert note.verify(made.output[: made.output.index("verifier key:")], vkey)
    beyond = runner.invoke(app, ["audit", "proof", "9"])
    assert beyond.exit_code == 2 and "index must be between 0 and 6" in beyond.output
