"""kill -9 `lawgate produce` mid-collection and between sealing and recording, then rerun it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lawgate.auditlog import publish
from lawgate.auditlog.models import AuditEntryRow
from lawgate.auditlog.verify import verify_log
from lawgate.cases.workflow import CaseState
from lawgate.cli import app
from lawgate.config import Settings
from lawgate.errors import NotFoundError
from lawgate.production.delivery import productions_dir, sealed_package
from lawgate.production.models import ProductionRow
from tests.jobs.conftest import ALLOW_TWO, file, rule
from tests.resilience.conftest import (
    Start,
    install_stall,
    lawgate_env,
    remove_stall,
    stalled,
    wait_for,
)

READ = "NEW.event = 'production:read'"


@dataclass(frozen=True)
class Observed:
    """What a crash left, then what a rerun did: one crash per scenario, inspected by many tests."""

    request_id: str
    package_after_kill: bool
    plaintext_after_kill: bool
    rows_after_kill: int
    deliverable_after_kill: str
    log_problems_after_kill: list[str]
    events_after_kill: list[str]
    rerun_exit: int
    rerun_output: str
    rows_after_rerun: int
    plaintext_after_rerun: bool


def plaintext(settings: Settings) -> bool:
    """Whether an unsealed working folder (user data in the clear) is in the productions folder."""
    return any(productions_dir(settings.home).glob(".lawgate-*"))


def package(settings: Settings, request_id: str) -> Path:
    """Where `lawgate produce` puts the request's sealed package."""
    return productions_dir(settings.home) / f"{request_id}.age"


def records(factory: sessionmaker[Session], request_id: str) -> int:
    """The request's production records."""
    with factory() as db:
        query = select(ProductionRow.id).where(ProductionRow.request_id == request_id)
        return len(db.scalars(query).all())


def deliverable(factory: sessionmaker[Session], settings: Settings, request_id: str) -> str:
    """What the agency API's lookup says: the package's digest, or why there is none."""
    with factory() as db:
        try:
            return sealed_package(db, request_id, settings.home).sha256
        except NotFoundError as exc:
            return exc.message


def log_problems(factory: sessionmaker[Session], settings: Settings) -> list[str]:
    """Everything `lawgate audit verify` would complain about."""
    key = publish.ensure_log_key(settings.home)
    with factory() as db:
        return verify_log(db, publish.verifier_key(settings.log_origin, key)).problems


def crash(
    factory: sessionmaker[Session],
    store: Settings,
    processes: Start,
    table: str,
    when: str,
    moment: str,
) -> Observed:
    """Run `lawgate produce`, stall it at an insert, kill -9 at the moment, observe, re-run."""
    recipient = str(pyrage.x25519.Identity.generate().to_public())
    request_id = file(factory, store, recipient=recipient)
    assert rule(factory, request_id, ALLOW_TWO) is CaseState.PARTIALLY_APPROVED
    engine = factory.kw["bind"]
    assert isinstance(engine, sa.Engine)
    reached = {
        "working": lambda: plaintext(store),
        "sealed": lambda: package(store, request_id).is_file(),
    }[moment]
    install_stall(engine, table, when)
    try:
        producer = processes(store, "produce", request_id)
        wait_for(lambda: stalled(engine) and reached(), f"the producer to reach '{moment}'")
        producer.kill()
    finally:
        remove_stall(engine, table)
    with factory() as db:
        query = select(AuditEntryRow.event).where(AuditEntryRow.subject == request_id)
        events = list(db.scalars(query.order_by(AuditEntryRow.index)))
    after_kill = {
        "package_after_kill": package(store, request_id).is_file(),
        "plaintext_after_kill": plaintext(store),
        "rows_after_kill": records(factory, request_id),
        "deliverable_after_kill": deliverable(factory, store, request_id),
        "log_problems_after_kill": log_problems(factory, store),
        "events_after_kill": events,
    }
    rerun = CliRunner().invoke(app, ["produce", request_id], env=lawgate_env(store))
    return Observed(
        request_id,
        **after_kill,  # type: ignore[arg-type]
        rerun_exit=rerun.exit_code,
        rerun_output=rerun.output,
        rows_after_rerun=records(factory, request_id),
        plaintext_after_rerun=plaintext(store),
    )


@pytest.fixture(scope="module")
def mid_collection(
    module_factory: sessionmaker[Session], module_store: Settings, module_processes: Start
) -> Observed:
    """Killed while the first table's read is being logged: data half-written, nothing sealed."""
    return crash(module_factory, module_store, module_processes, "audit_entries", READ, "working")


@pytest.fixture(scope="module")
def sealed_unrecorded(
    module_factory: sessionmaker[Session], module_store: Settings, module_processes: Start
) -> Observed:
    """Killed once the sealed file is in place but before its record commits."""
    return crash(module_factory, module_store, module_processes, "productions", "1 = 1", "sealed")


def test_a_kill_mid_collection_leaves_nothing_deliverable(mid_collection: Observed) -> None:
    """No package, no record, nothing for the agency API to hand over; the log verifies."""
    assert mid_collection.plaintext_after_kill, "the kill came before collection started"
    assert not mid_collection.package_after_kill
    assert mid_collection.rows_after_kill == 0
    assert "no sealed package yet" in mid_collection.deliverable_after_kill
    assert mid_collection.log_problems_after_kill == []
    assert "production:read" not in mid_collection.events_after_kill
    assert "production:started" in mid_collection.events_after_kill


def test_a_rerun_after_a_kill_mid_collection_seals_once(
    mid_collection: Observed, module_factory: sessionmaker[Session], module_store: Settings
) -> None:
    """The same command, run again, seals and records exactly one package that is deliverable."""
    assert mid_collection.rerun_exit == 0, mid_collection.rerun_output
    assert mid_collection.rows_after_rerun == 1
    with module_factory() as db:
        row = db.scalars(
            select(ProductionRow).where(ProductionRow.request_id == mid_collection.request_id)
        ).one()
    assert deliverable(module_factory, module_store, mid_collection.request_id) == row.sha256
    assert log_problems(module_factory, module_store) == []


def test_a_kill_mid_collection_leaves_no_plaintext_behind_a_rerun(
    mid_collection: Observed,
) -> None:
    """The unsealed working copy of a killed run must not outlive the next run."""
    assert not mid_collection.plaintext_after_rerun


def test_a_kill_between_sealing_and_recording_delivers_nothing(
    sealed_unrecorded: Observed,
) -> None:
    """The sealed file exists, but without its record no agency can download it."""
    assert sealed_unrecorded.package_after_kill
    assert sealed_unrecorded.rows_after_kill == 0
    assert "no sealed package yet" in sealed_unrecorded.deliverable_after_kill
    assert sealed_unrecorded.log_problems_after_kill == []
    assert "production:sealed" not in sealed_unrecorded.events_after_kill


def test_a_rerun_after_a_kill_between_sealing_and_recording_seals_again(
    sealed_unrecorded: Observed,
) -> None:
    """The run after the crash produces the package and records it, with no one's help."""
    assert sealed_unrecorded.rerun_exit == 0, sealed_unrecorded.rerun_output
    assert sealed_unrecorded.rows_after_rerun == 1
