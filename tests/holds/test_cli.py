"""`lawgate holds check|expire|list`, and the demo seed placing holds so the console shows some."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lawgate.cli import app
from lawgate.config import Settings
from lawgate.demo import seed_cases
from lawgate.holds import services as holds
from lawgate.holds.models import HoldRow
from tests.demo.helpers import Built
from tests.holds.conftest import approve, file


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose environment points at the test's store and marketplace."""
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAWGATE_MARKETPLACE_URL", settings.marketplace_url)
    return CliRunner()


def test_check_list_and_expire(
    runner: CliRunner,
    factory: sessionmaker[Session],
    settings: Settings,
    marketplace: sa.Engine,
    session: Session,
) -> None:
    request_id = file(factory, settings)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    with factory.begin() as db:
        approve(db, request_id)
        holds.place_holds(db, marketplace, request_id, settings, now=past)
    account = session.scalars(select(HoldRow.account_id)).first()
    assert account is not None
    assert runner.invoke(app, ["holds", "check", "A999999999"]).exit_code == 0
    listed = runner.invoke(app, ["holds", "list"])
    assert listed.exit_code == 0 and request_id in listed.stdout and "active" in listed.stdout
    expired = runner.invoke(app, ["holds", "expire"])
    assert expired.exit_code == 0 and "expired 2 hold(s)" in expired.stdout
    assert runner.invoke(app, ["holds", "check", account]).exit_code == 0
    assert "expired" in runner.invoke(app, ["holds", "list"]).stdout


def test_check_exits_1_while_held(
    runner: CliRunner,
    factory: sessionmaker[Session],
    settings: Settings,
    marketplace: sa.Engine,
    session: Session,
) -> None:
    request_id = file(factory, settings)
    with factory.begin() as db:
        approve(db, request_id)
        holds.place_holds(db, marketplace, request_id, settings)
    account = session.scalars(select(HoldRow.account_id)).first()
    assert account is not None
    checked = runner.invoke(app, ["holds", "check", account])
    assert checked.exit_code == 1 and f"held by {request_id}" in checked.stdout


def test_the_demo_seed_places_holds_for_its_granted_preservation(
    built: Built, session: Session, settings: Settings
) -> None:
    made = seed_cases.seed(session, settings, seed_cases.marketplace_identities(built.url))
    session.commit()
    groups = holds.list_holds(session)
    assert groups, "the demo's approved preservation should hold accounts"
    assert {g.request_id for g in groups} <= set(made)
    assert all(g.accounts >= 1 and g.status == "active" for g in groups)
