"""Getting a store ready: make the data directory, migrate, and seed a demo on the default."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from lawgate.config import Settings, sqlite_url
from lawgate.demo import marketplace, seed_cases
from lawgate.intake.queries import agency_count
from lawgate.reports import publish as reports
from lawgate.reports.model import Period
from lawgate.staff import demo as staff_demo
from lawgate.store import migrate
from lawgate.store.session import session_factory, transaction

Progress = Callable[[str, int, int], None]


def open_store(settings: Settings) -> Engine:
    """An engine on lawgate's own database, migrated to the newest schema."""
    return migrate.open_store(settings.database_url, settings.home)


def default_marketplace_path(settings: Settings) -> Path | None:
    """The demo marketplace's SQLite file when the default location is in use."""
    path = settings.home / "marketplace.sqlite"
    return path if settings.marketplace_url == sqlite_url(path) else None


def ensure_marketplace(settings: Settings, users: int, progress: Progress | None = None) -> bool:
    """Generate the demo marketplace once, atomically: a crash never leaves a half-built file."""
    path = default_marketplace_path(settings)
    if path is None or path.exists():
        return False
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    marketplace.generate(sqlite_url(partial), users=users, progress=progress)
    os.replace(partial, path)
    return True


def needs_demo_requests(engine: Engine) -> bool:
    """True on an empty registry, the sign of a first start."""
    with session_factory(engine)() as session:
        return agency_count(session) == 0


def seed_demo_requests(
    settings: Settings, engine: Engine, progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """File the demo agencies and requests in one transaction: all of them or none."""
    ids = seed_cases.marketplace_identities(settings.marketplace_url)
    with transaction(session_factory(engine)) as session:
        return seed_cases.seed(session, settings, ids, progress)


def publish_demo_report(settings: Settings, engine: Engine, render: reports.PageRenderer) -> Path:
    """Publish the current half-year's transparency report, so /transparency has one to show."""
    now = dt.datetime.now(dt.UTC)
    period = Period.of(now.date())
    return reports.publish(session_factory(engine), settings, period, now, render)[2]


def seed_demo_staff(settings: Settings, engine: Engine) -> list[str]:
    """Create the demo's console accounts; their passwords go to a 0600 file in the home."""
    with transaction(session_factory(engine)) as session:
        return staff_demo.seed_demo_staff(session, settings.home)
