"""Hold lifecycle: durations by framework, one extension, expiry, conversion, audit entries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog.models import AuditEntryRow
from lawgate.config import Settings
from lawgate.datamap.sources import Source
from lawgate.errors import ConflictError
from lawgate.holds import services as holds
from lawgate.holds.models import HoldRow
from lawgate.intake.queries import RequestFacts
from lawgate.store.base import as_utc
from tests.holds.conftest import approve, file

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)


def row(country: str, kind: str = "preservation", days: int | None = 90) -> RequestFacts:
    """An unsaved request: all the duration rules read is its country and body."""
    body: dict[str, Any] = {"preservation": {"days": days} if days else None}
    return RequestFacts(
        id="LG-X",
        agency_id="agency",
        kind=kind,
        country=country,
        received_at=NOW,
        preservation_ref=None,
        body=_full(body, kind),
    )


def _full(fields: dict[str, Any], kind: str) -> dict[str, Any]:
    """A valid request body with the given preservation block."""
    from tests.factories import request_body
    from tests.holds.conftest import NO_PROCESS

    ref = "LG-ORIGINAL" if kind == "preservation_extension" else None
    return request_body(
        kind=kind, legal_process=NO_PROCESS, non_disclosure=None, preservation_ref=ref, **fields
    )


@pytest.mark.parametrize(
    ("country", "asked", "granted"),
    [("US", 120, 90), ("US", 30, 30), ("DE", 90, 60), ("FR", 45, 45), ("BR", 200, 90)],
)
def test_preservation_days_by_framework_capped(
    settings: Settings, country: str, asked: int, granted: int
) -> None:
    assert holds.preservation_days(row(country, days=asked), settings) == granted


@pytest.mark.parametrize(
    ("country", "asked", "granted"),
    [("US", 90, 90), ("DE", 60, 30), ("DE", 10, 10), ("IN", 365, 90)],
)
def test_extension_days_by_framework_of_the_original(
    settings: Settings, country: str, asked: int, granted: int
) -> None:
    extension = row("US", kind="preservation_extension", days=asked)
    assert holds.extension_days(extension, row(country), settings) == granted


def events(session: Session, subject: str) -> list[tuple[str, dict[str, Any]]]:
    """The audit events about one request, oldest first, with their details."""
    query = select(AuditEntryRow).where(AuditEntryRow.subject == subject)
    rows = session.scalars(query.order_by(AuditEntryRow.index))
    return [(e.event, json.loads(e.canonical)["details"]) for e in rows]


def held_rows(session: Session, request_id: str) -> list[HoldRow]:
    """The holds of one request, freshly read."""
    session.expire_all()
    return list(session.scalars(select(HoldRow).where(HoldRow.request_id == request_id)))


def placed(
    factory: sessionmaker[Session], settings: Settings, marketplace: sa.Engine, **changes: Any
) -> str:
    """A granted preservation with holds placed at NOW."""
    request_id = file(factory, settings, **changes)
    with factory.begin() as session:
        approve(session, request_id)
        holds.place_holds(session, marketplace, request_id, settings, now=NOW)
    return request_id


def test_a_granted_preservation_holds_every_identified_account_for_the_capped_days(
    factory: sessionmaker[Session], settings: Settings, marketplace: sa.Engine, session: Session
) -> None:
    request_id = placed(factory, settings, marketplace, preservation={"days": 120})
    rows = held_rows(session, request_id)
    assert len(rows) == 2, "Seller One and the buyer a@example.com"
    assert {r.status for r in rows} == {"active"}
    assert {as_utc(r.expires_at) for r in rows} == {NOW + dt.timedelta(days=90)}
    event, details = events(session, request_id)[-1]
    assert event == "hold:placed"
    assert details["count"] == 2 and details["days"] == 90
    assert not any(str(v).startswith("A0") for v in details.values()), "no account ids"


def test_placing_twice_adds_nothing(
    factory: sessionmaker[Session], settings: Settings, marketplace: sa.Engine, session: Session
) -> None:
    request_id = placed(factory, settings, marketplace)
    with factory.begin() as db:
        assert holds.place_holds(db, marketplace, request_id, settings, now=NOW) == 2
    assert len(held_rows(session, request_id)) == 2
    assert [e for e, _ in events(session, request_id)].count("hold:placed") == 1


def test_one_extension_is_allowed_and_a_second_is_refused_naming_the_first(
    factory: sessionmaker[Session],
    settings: Settings,
    marketplace: sa.Engine,
    marketplace_source: Source,
    session: Session,
) -> None:
    original = placed(factory, settings, marketplace)
    first = file(factory, settings, kind="preservation_extension", preservation_ref=original)
    with factory.begin() as db:
        approve(db, first)
        assert holds.after_decision(db, first, settings, marketplace_source, "staff:rita") == 2
    rows = held_rows(session, original)
    assert {r.status for r in rows} == {"extended"}
    assert {r.extended_by for r in rows} == {first}
    assert {as_utc(r.expires_at) for r in rows} == {NOW + dt.timedelta(days=180)}
    assert events(session, original)[-1][0] == "hold:extended"

    second = file(factory, settings, kind="preservation_extension", preservation_ref=original)
    with factory.begin() as db:
        approve(db, second)
        with pytest.raises(ConflictError, match=f"already extended by {first}"):
            holds.extend_holds(db, second, settings)
    assert {as_utc(r.expires_at) for r in held_rows(session, original)} == {
        NOW + dt.timedelta(days=180)
    }


def test_holds_expire_at_their_time_and_no_sooner(
    factory: sessionmaker[Session], settings: Settings, marketplace: sa.Engine, session: Session
) -> None:
    request_id = placed(factory, settings, marketplace)
    accounts = [r.account_id for r in held_rows(session, request_id)]
    almost = NOW + dt.timedelta(days=90, seconds=-1)
    with factory.begin() as db:
        assert holds.expire_holds(db, almost) == 0
        assert all(holds.is_held(db, accounts, almost).values())
    with factory.begin() as db:
        assert holds.expire_holds(db, NOW + dt.timedelta(days=90)) == 2
    assert {r.status for r in held_rows(session, request_id)} == {"expired"}
    assert events(session, request_id)[-1] == ("hold:expired", {"count": 2})
    with factory.begin() as db:
        assert holds.is_held(db, accounts, almost) == {a: [] for a in accounts}


def test_a_production_following_the_preservation_converts_its_holds(
    factory: sessionmaker[Session], settings: Settings, marketplace: sa.Engine, session: Session
) -> None:
    original = placed(factory, settings, marketplace)
    production = file(
        factory,
        settings,
        kind="production",
        preservation=None,
        preservation_ref=original,
        legal_process={**request_legal_process(), "type": "search_warrant", "issuer_role": "judge"},
    )
    with factory.begin() as db:
        assert holds.convert_holds(db, production) == 2
    assert {r.status for r in held_rows(session, original)} == {"converted"}
    assert events(session, original)[-1][0] == "hold:converted"
    with factory.begin() as db, pytest.raises(ConflictError):
        holds.convert_holds(db, original)


def request_legal_process() -> dict[str, Any]:
    """The default warrant of the test request."""
    from tests.factories import WARRANT_REQUEST

    return dict(WARRANT_REQUEST["legal_process"])


def test_other_decisions_place_no_holds(
    factory: sessionmaker[Session],
    settings: Settings,
    marketplace_source: Source,
    session: Session,
) -> None:
    production = file(
        factory,
        settings,
        kind="production",
        preservation=None,
        legal_process=request_legal_process(),
    )
    with factory.begin() as db:
        approve(db, production)
        assert holds.after_decision(db, production, settings, marketplace_source) == 0
    rejected = file(factory, settings)
    with factory.begin() as db:
        assert holds.after_decision(db, rejected, settings, marketplace_source) == 0, (
            "not decided yet"
        )
    assert held_rows(session, production) == [] and held_rows(session, rejected) == []
