"""Every package lawful when it leaves: the policy re-run at production start, before the sealed
package is recorded, and at the agency's first download; one package per request, however many
productions start at once."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lawgate.app import create_app
from lawgate.cases import lapses
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.cli import app
from lawgate.config import Settings
from lawgate.domain import Verdict
from lawgate.errors import ConflictError
from lawgate.intake import keys
from lawgate.lifecycle.production import CaseGate
from lawgate.policy import engine as policy
from lawgate.production.models import ProductionRow
from lawgate.production.produce import Production
from lawgate.store.session import transaction
from tests.cases.test_lapses import LAST_SECOND, PAST_IT, RECEIVED, WARRANT
from tests.demo.conftest import built, engine
from tests.factories import FBI, agency_key, agency_key_id, public_bytes, signed
from tests.production.test_package import unpack_with_age
from tests.production.test_produce import (
    cli_env,
    decide,
    factory,
    file_request,
    production,
    trail,
)

__all__ = ["built", "cli_env", "engine", "factory", "production"]

NON_CONTENT = {"subscriber": "allow", "traffic": "allow"}


def expiring(factory: sessionmaker[Session], settings: Settings, recipient: str) -> str:
    """A request under a warrant expiring 2026-11-27, filed and approved on 2026-11-25."""
    changes: dict[str, Any] = {
        "legal_process": WARRANT,
        "categories": ["subscriber", "traffic"],
        "non_disclosure": None,
    }
    with time_machine.travel(RECEIVED, tick=False):
        request_id = file_request(factory, settings, recipient, **changes)
        decide(factory, request_id, NON_CONTENT)
    return request_id


@pytest.fixture
def lapsing(factory: sessionmaker[Session], settings: Settings, agency: tuple[str, Path]) -> str:
    """The id of an approved request whose warrant expires at the end of 2026-11-27."""
    return expiring(factory, settings, agency[0])


def state_of(factory: sessionmaker[Session], request_id: str) -> CaseState:
    """The case's state now."""
    with factory() as session:
        return cases.locked_state(session, request_id)


def steps(factory: sessionmaker[Session], request_id: str) -> list[str]:
    """At which step each lapse of the request was found."""
    return [
        json.loads(e.canonical)["details"]["step"]
        for e in trail(factory, request_id)
        if e.event == "request:policy:lapsed"
    ]


def test_production_starting_a_second_late_seals_nothing(
    production: Production, factory: sessionmaker[Session], lapsing: str, tmp_path: Path
) -> None:
    request_id = lapsing
    with (
        time_machine.travel(PAST_IT, tick=False),
        pytest.raises(lapses.PolicyLapsedError, match="expired on 2026-11-27"),
    ):
        production.run(request_id, tmp_path)
    assert list(tmp_path.glob("*.age")) == []
    assert state_of(factory, request_id) is CaseState.IN_REVIEW
    assert steps(factory, request_id) == ["production start"]
    with factory() as session:
        assert cases.latest_ruling(session, request_id) is None
        assert session.scalars(select(ProductionRow)).first() is None


def test_a_warrant_expiring_during_collection_destroys_the_package(
    production: Production, factory: sessionmaker[Session], lapsing: str, tmp_path: Path
) -> None:
    """The clock passes midnight while tables are read: the sealed file is never recorded."""
    request_id = lapsing
    out = tmp_path / "out"
    out.mkdir()
    with time_machine.travel(LAST_SECOND, tick=False) as clock:
        production.on_progress = lambda _table, _count: clock.move_to(PAST_IT)
        with pytest.raises(lapses.PolicyLapsedError):
            production.run(request_id, out)
    assert list(out.iterdir()) == []  # neither the package nor the plaintext working folder
    assert steps(factory, request_id) == ["sealing"]
    events = [e.event for e in trail(factory, request_id)]
    assert "production:discarded" in events and "production:sealed" not in events
    assert state_of(factory, request_id) is CaseState.IN_REVIEW


def test_the_agency_cannot_download_after_expiry(
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: tuple[str, Path],
) -> None:
    """Sealed in time, fetched a second too late: withheld, and withheld again after."""
    request_id = expiring(factory, settings, agency[0])
    out = settings.home / "productions"
    out.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(RECEIVED + dt.timedelta(hours=5), tick=False):
        production.run(request_id, out)
    with transaction(factory) as session:
        key = public_bytes(agency_key(FBI["id"]))
        keys.add_key(session, FBI["id"], agency_key_id(FBI["id"]), key, "test")
    with TestClient(create_app(settings)) as client:
        url = f"/api/v1/requests/{request_id}/package"
        with time_machine.travel(PAST_IT, tick=False):
            first = client.get(url, auth=signed())
            again = client.get(url, auth=signed())
    assert first.status_code == 409, first.text
    assert "expired on 2026-11-27" in first.text
    assert again.status_code == 409 and "withheld" in again.text
    assert steps(factory, request_id) == ["delivery"]
    events = [e.event for e in trail(factory, request_id)]
    assert "production:delivered" not in events and "production:downloaded" not in events


def test_two_productions_at_once_make_one_package(
    production: Production, factory: sessionmaker[Session], lapsing: str, tmp_path: Path
) -> None:
    """Two runs into two folders: the second is refused while the first holds the request."""
    request_id = lapsing
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    reading, go_on = threading.Event(), threading.Event()

    def pause(_table: str, _count: int) -> None:
        reading.set()
        go_on.wait(timeout=60)

    results: dict[str, Any] = {}

    def first_run() -> None:
        production.on_progress = pause
        results["first"] = production.run(request_id, first_dir)

    with time_machine.travel(RECEIVED + dt.timedelta(hours=5), tick=True):
        thread = threading.Thread(target=first_run)
        thread.start()
        assert reading.wait(timeout=120)
        second = Production(
            factory, production.marketplace, production.signing_key, actor="x", case=CaseGate()
        )
        with pytest.raises(ConflictError, match="already producing"):
            second.run(request_id, second_dir)
        go_on.set()
        thread.join(timeout=300)
    assert results["first"].path.parent == first_dir
    assert list(second_dir.iterdir()) == []
    with factory() as session:
        assert len(session.scalars(select(ProductionRow)).all()) == 1


def test_the_store_refuses_a_second_package_record(
    production: Production, factory: sessionmaker[Session], lapsing: str, tmp_path: Path
) -> None:
    """The last wall: whatever a process does, the store keeps one package per request."""
    with time_machine.travel(RECEIVED + dt.timedelta(hours=5), tick=False):
        production.run(lapsing, tmp_path)
    with pytest.raises(IntegrityError), transaction(factory) as session:
        row = session.scalars(select(ProductionRow)).one()
        clone = {c.name: getattr(row, c.name) for c in ProductionRow.__table__.columns}
        session.add(ProductionRow(**{**clone, "id": row.id + 1, "file_name": "other.age"}))


@hsettings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hours=st.integers(min_value=1, max_value=24 * 8))
def test_a_released_package_holds_only_what_the_policy_allows_at_that_moment(
    hours: int,
    production: Production,
    factory: sessionmaker[Session],
    settings: Settings,
    agency: tuple[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Property: produce at any moment after approval; what is sealed is allowed then."""
    request_id = expiring(factory, settings, agency[0])
    moment = RECEIVED + dt.timedelta(hours=hours)
    out = tmp_path_factory.mktemp("out")
    with factory() as session:
        source = lapses.policy_input(session, request_id, moment)
    allowed_then = {
        c.value for c, v in policy.evaluate(source).categories.items() if v is Verdict.ALLOW
    }
    with time_machine.travel(moment, tick=False):
        try:
            produced = production.run(request_id, out)
        except lapses.PolicyLapsedError:
            assert allowed_then != {"subscriber", "traffic"}
            assert list(out.glob("*.age")) == []
            return
    root = unpack_with_age(produced.path, agency[1], out / "open", request_id)
    manifest = json.loads((root / "manifest.json").read_text())
    assert set(manifest["scope"]["categories"]) <= allowed_then


@pytest.mark.usefixtures("cli_env")
def test_lawgate_produce_past_expiry_names_the_lapse_and_seals_nothing(
    factory: sessionmaker[Session], lapsing: str, tmp_path: Path
) -> None:
    """The command a reviewer runs: exit 2, the fact and the rule said, no package."""
    out = tmp_path / "out"
    out.mkdir()
    with time_machine.travel(PAST_IT, tick=False):
        result = CliRunner().invoke(app, ["produce", lapsing, "--out", str(out)])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "the search warrant expired on 2026-11-27" in said and "baseline.in_force" in said
    assert list(out.iterdir()) == []
    assert state_of(factory, lapsing) is CaseState.IN_REVIEW


def test_a_request_rewritten_during_collection_destroys_the_package(
    production: Production, factory: sessionmaker[Session], lapsing: str, tmp_path: Path
) -> None:
    """An insider edits the stored request while tables are read: nothing sealed is recorded."""
    from lawgate.intake.models import RequestRow  # the insider writes the row itself

    request_id = lapsing
    out = tmp_path / "out"
    out.mkdir()

    def rewrite(_table: str, _count: int) -> None:
        with transaction(factory) as session:
            row = session.get(RequestRow, request_id)
            assert row is not None
            process = {**row.body["legal_process"], "expires_on": "2099-12-31"}
            row.body = {**row.body, "legal_process": process}

    with time_machine.travel(LAST_SECOND, tick=False):
        production.on_progress = rewrite
        with pytest.raises(ConflictError, match="not the request received"):
            production.run(request_id, out)
    assert list(out.iterdir()) == []
    events = [e.event for e in trail(factory, request_id)]
    assert "production:discarded" in events and "production:sealed" not in events
    with factory() as session:
        assert session.scalars(select(ProductionRow)).first() is None
