"""`lawgate produce` end to end: approved request → audited reads → sealed package an agency checks
with the real age, tar, sha256sum and ssh-keygen; refusals for anything not approved."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lawgate.auditlog import merkle, publish
from lawgate.auditlog.checkpoint import open_checkpoint
from lawgate.auditlog.models import AuditEntryRow
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.cli import app
from lawgate.config import Settings
from lawgate.domain import Agency, Decision, Request
from lawgate.errors import ConflictError, InvalidInputError
from lawgate.intake import services as intake
from lawgate.intake.models import AgencyRow
from lawgate.lifecycle import submission
from lawgate.lifecycle.production import CaseGate
from lawgate.production.models import ProductionRow
from lawgate.production.package import verify_package
from lawgate.production.produce import Production
from lawgate.production.sealing import sha256_file
from lawgate.production.signing import SigningKey
from lawgate.store.session import session_factory
from tests.demo.conftest import built, engine
from tests.factories import FBI, request_body, rule
from tests.production.test_package import PRINCIPAL, unpack_with_age
from tests.production.test_sealing import tool

__all__ = ["built", "engine"]

REVIEWER = "staff:rita"
TRAFFIC_REASON = {
    "category": "content",
    "code": "instrument_insufficient",
    "rule": "us.content.warrant",
    "citation": "18 U.S.C. 2703(a)",
    "message": "Content requires a search warrant.",
}


def file_request(
    factory: sessionmaker[Session], settings: Settings, recipient: str | None, **changes: Any
) -> str:
    """Register the FBI (with an age recipient) and file one request; returns its id."""
    with factory.begin() as session:
        if session.get(AgencyRow, FBI["id"]) is None:
            intake.register_agency(
                session, Agency.model_validate({**FBI, "age_recipient": recipient}), "test"
            )
        sender = intake.get_agency(session, FBI["id"])
        request = Request.model_validate(request_body(**changes))
        return submission.submit_request(session, request, sender, settings)


def decide(factory: sessionmaker[Session], request_id: str, verdicts: dict[str, str]) -> None:
    """Record a reviewer's ruling allowing and denying categories."""
    denied = [c for c, v in verdicts.items() if v == "deny"]
    allowed = [c for c, v in verdicts.items() if v == "allow"]
    outcome = "reject" if not allowed else ("partial" if denied else "approve")
    reasons = [{**TRAFFIC_REASON, "category": c} for c in denied]
    decision = Decision.model_validate(
        {"outcome": outcome, "categories": verdicts, "reasons": reasons}
    )
    with factory.begin() as session:
        rule(session, request_id, decision, REVIEWER)


@pytest.fixture
def factory(settings: Settings, session: Session) -> sessionmaker[Session]:
    """Sessions on the test store (the session fixture has migrated it)."""
    return session_factory(session.get_bind())  # type: ignore[arg-type]


@pytest.fixture
def production(
    factory: sessionmaker[Session], engine: sa.Engine, key: SigningKey, settings: Settings
) -> Production:
    """A production run on the small demo marketplace, anchored in the signed audit log."""
    log_key = publish.ensure_log_key(settings.home)
    return Production(
        factory,
        engine,
        key,
        actor=REVIEWER,
        case=CaseGate(),
        pseudonym_key=b"k" * 32,
        log_key=log_key,
    )


def approved(
    factory: sessionmaker[Session], settings: Settings, recipient: str, **changes: Any
) -> str:
    """A request for Seller One, subscriber and traffic approved, content denied."""
    request_id = file_request(factory, settings, recipient, **changes)
    decide(factory, request_id, {"subscriber": "allow", "traffic": "allow", "content": "deny"})
    return request_id


def trail(factory: sessionmaker[Session], request_id: str) -> list[AuditEntryRow]:
    """The audit entries about a request, oldest first."""
    with factory() as session:
        query = select(AuditEntryRow).where(AuditEntryRow.subject == request_id)
        return list(session.scalars(query.order_by(AuditEntryRow.index)))


def test_a_package_the_agency_can_check_with_real_tools(
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: tuple[str, Path],
    signers: Path,
    tmp_path: Path,
) -> None:
    """age decrypts, sha256sum -c passes, ssh-keygen verifies; the audit log has every step."""
    request_id = approved(factory, settings, agency[0])
    produced = production.run(request_id, tmp_path)
    assert produced.path == tmp_path / f"{request_id}.age"
    assert sha256_file(produced.path) == produced.sha256
    assert set(produced.rows) == {"users", "addresses", "orders", "payments", "messages"}
    root = unpack_with_age(produced.path, agency[1], tmp_path / "open", request_id)
    sums = subprocess.run([tool("sha256sum"), "-c", "SHA256SUMS"], cwd=root, check=False)
    assert sums.returncode == 0
    command = [tool("ssh-keygen"), "-Y", "verify", "-f", str(signers), "-I", PRINCIPAL]
    command += ["-n", "lawgate-production", "-s", "manifest.json.sig"]
    manifest_bytes = (root / "manifest.json").read_bytes()
    assert subprocess.run(command, input=manifest_bytes, cwd=root, check=False).returncode == 0
    manifest = json.loads(manifest_bytes)
    assert manifest["audit_index"] == produced.started_index
    assert manifest["scope"]["categories"] == ["subscriber", "traffic"]
    assert manifest["decision"]["decided_by"] == REVIEWER
    assert {t: manifest["tables"][t]["rows"] for t in manifest["tables"]} == produced.rows
    events = [(e.event, e.index) for e in trail(factory, request_id)]
    assert ("production:started", produced.started_index) in events
    assert ("production:sealed", produced.sealed_index) in events
    reads = [json.loads(e.canonical)["details"] for e in trail(factory, request_id)]
    assert {d["table"]: d["rows"] for d in reads if "table" in d} == produced.rows
    sealed = json.loads(trail(factory, request_id)[-1].canonical)["details"]
    assert sealed["sha256"] == produced.sha256
    report = verify_package(produced.path, agency[1].read_text(), signers, PRINCIPAL)
    assert report.ok and "audit log" in [c.name for c in report.checks]
    proof = manifest["audit_proof"]
    signed = open_checkpoint(proof["checkpoint"], proof["verifier_key"])
    assert signed is not None and proof["index"] == produced.started_index
    leaf = base64.b64decode(proof["leaf_hash"])
    path = [base64.b64decode(p) for p in proof["proof"]]
    assert merkle.verify_inclusion(leaf, proof["index"], signed.size, path, signed.root)


def test_the_audit_log_never_holds_user_data(
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: Any,
    tmp_path: Path,
) -> None:
    """Reads are logged with table names and counts, never e-mails, names or account ids."""
    request_id = approved(factory, settings, agency[0])
    production.run(request_id, tmp_path)
    text = " ".join(e.canonical for e in trail(factory, request_id))
    for secret in ("seller.one@example.com", "A000000001", "Sam O'Neil", "+14155550101"):
        assert secret not in text


def test_the_case_is_producing_with_one_recorded_package(
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: Any,
    tmp_path: Path,
) -> None:
    """After sealing the case waits for delivery; a second run is refused, naming the reason."""
    request_id = approved(factory, settings, agency[0])
    produced = production.run(request_id, tmp_path)
    with factory() as session:
        assert cases.locked_state(session, request_id) is CaseState.PRODUCING
        row = session.scalars(select(ProductionRow)).one()
    assert (row.sha256, row.file_name, row.sealed_index) == (
        produced.sha256,
        produced.path.name,
        produced.sealed_index,
    )
    other = tmp_path / "again"
    other.mkdir()
    with pytest.raises(ConflictError, match="already has a sealed package"):
        production.run(request_id, other)


@pytest.mark.parametrize(
    ("verdicts", "message"),
    [
        (None, "'in_review': no reviewer has approved it yet"),
        (
            {"subscriber": "deny", "traffic": "deny", "content": "deny"},
            "'rejected': nothing may be disclosed",
        ),
    ],
)
def test_anything_not_approved_is_refused_and_nothing_is_written(
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: Any,
    tmp_path: Path,
    verdicts: dict[str, str] | None,
    message: str,
) -> None:
    """Unreviewed or rejected requests produce nothing and read no user data."""
    request_id = file_request(factory, settings, agency[0])
    if verdicts:
        decide(factory, request_id, verdicts)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ConflictError, match=message):
        production.run(request_id, out)
    assert list(out.iterdir()) == []
    assert not [e for e in trail(factory, request_id) if e.event.startswith("production:")]


def test_preservation_is_held_not_produced(
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: Any,
    tmp_path: Path,
) -> None:
    """A granted preservation request never becomes a package."""
    preservation = {"kind": "preservation", "preservation": {"days": 90}}
    request_id = file_request(factory, settings, agency[0], **preservation)
    with pytest.raises(ConflictError, match="preservation"):
        production.run(request_id, tmp_path)


def test_an_agency_without_an_age_recipient_gets_nothing(
    production: Production, factory: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    """No recipient, no package: the refusal names the agency."""
    request_id = file_request(factory, settings, None)
    decide(factory, request_id, {"subscriber": "allow", "traffic": "allow", "content": "deny"})
    with pytest.raises(ConflictError, match="us-doj-fbi-nyfo has no age recipient"):
        production.run(request_id, tmp_path)


def test_an_unusable_output_folder_is_refused(
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: Any,
    tmp_path: Path,
) -> None:
    """A missing folder is named; the case stays approved."""
    request_id = approved(factory, settings, agency[0])
    with pytest.raises(InvalidInputError, match="is not a directory"):
        production.run(request_id, tmp_path / "missing")
    with factory() as session:
        assert cases.locked_state(session, request_id) is CaseState.PARTIALLY_APPROVED


def test_targets_matching_nothing_give_a_signed_no_data_answer(
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: Any,
    signers: Path,
    tmp_path: Path,
) -> None:
    """The agency receives a verifiable package with no tables and the 'no data' finding."""
    targets = [{"type": "email", "value": "nobody@nowhere.example"}]
    request_id = approved(factory, settings, agency[0], targets=targets)
    produced = production.run(request_id, tmp_path)
    assert produced.no_data and produced.rows == {}
    root = unpack_with_age(produced.path, agency[1], tmp_path / "open", request_id)
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["tables"] == {} and manifest["decision"]["no_data"] is True
    assert manifest["scope"]["targets"][0]["accounts"] == "0"
    assert verify_package(produced.path, agency[1].read_text(), signers, PRINCIPAL).ok


def test_a_failed_read_is_audited_leaves_nothing_and_can_be_run_again(
    factory: sessionmaker[Session],
    settings: Settings,
    agency: Any,
    key: SigningKey,
    built: Any,
    tmp_path: Path,
) -> None:
    """A broken platform database fails closed: no package, an audit entry, a clean re-run."""
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(Path(built.url.removeprefix("sqlite:///")).read_bytes())
    broken_engine = sa.create_engine(f"sqlite:///{broken}")
    with broken_engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE orders RENAME TO orders_gone"))
    out = tmp_path / "out"
    out.mkdir()
    request_id = approved(factory, settings, agency[0])
    failing = Production(factory, broken_engine, key, actor=REVIEWER, case=CaseGate())
    with pytest.raises(Exception, match="orders"):
        failing.run(request_id, out)
    assert list(out.iterdir()) == []
    assert trail(factory, request_id)[-1].event == "production:failed"
    with broken_engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE orders_gone RENAME TO orders"))
    assert failing.run(request_id, out).path.exists()


@pytest.fixture
def cli_env(settings: Settings, built: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lawgate` commands run in this process against the test's store and marketplace."""
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAWGATE_MARKETPLACE_URL", built.url)


@pytest.mark.usefixtures("cli_env")
def test_the_cli_produces_and_refuses(
    factory: sessionmaker[Session], settings: Settings, agency: Any, tmp_path: Path
) -> None:
    """`lawgate produce` prints the file, hash and rows; a second run names why it refuses."""
    request_id = approved(factory, settings, agency[0])
    runner = CliRunner()
    result = runner.invoke(app, ["produce", request_id, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"sealed {tmp_path / request_id}.age" in result.output
    assert "orders" in result.output and "sha256" in result.output
    again = runner.invoke(app, ["produce", request_id, "--out", str(tmp_path)])
    assert again.exit_code == 2 and "already has a sealed package" in again.output
    missing = runner.invoke(app, ["produce", "LG-NOPE0000", "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "no request with id" in missing.output
