"""Shared fixtures: a migrated store per test (SQLite, or PostgreSQL with LAWGATE_TEST_DATABASE)."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from lawgate.app import create_app
from lawgate.config import Settings, sqlite_url
from lawgate.staff import tokens
from lawgate.staff.accounts import StaffAccount, create_staff
from lawgate.store import migrate
from lawgate.store.session import make_engine, session_factory
from lawgate.tables import metadata
from tests.factories import (
    SECOND_EMAIL,
    SECOND_TOKEN,
    STAFF_EMAIL,
    STAFF_TOKEN,
    bearer,
    console_login,
)

SHARED = Path(os.environ.get("LAWGATE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
PG_ADMIN_URL = os.environ.get(
    "LAWGATE_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKEND = os.environ.get("LAWGATE_TEST_DATABASE", "sqlite")


def pytest_report_header() -> str:
    """Say which database this run uses, so a PostgreSQL pass is visible in the log."""
    return f"lawgate store backend: {BACKEND}"


def shared_dir(name: str) -> Path:
    """A folder of ../shared, or a skip that says it is missing."""
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent: the shared {name} are not on this machine")
    return path


def corpus_files() -> list[Path]:
    """Every policy conformance case of ../shared/corpus (empty when absent)."""
    folder = SHARED / "corpus"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def corpus_params() -> list[Any]:
    """Corpus files as test parameters, or one skipped parameter saying the corpus is absent."""
    files = corpus_files()
    if files:
        return [pytest.param(path, id=path.stem) for path in files]
    reason = f"{SHARED / 'corpus'} is absent: no policy conformance cases on this machine"
    return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=reason))]


def create_pg_database(prefix: str) -> str:
    """A fresh PostgreSQL database of our own; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is external to the suite
        pytest.fail(f"LAWGATE_TEST_DATABASE=postgresql but {PG_ADMIN_URL} is unusable: {exc}")
    finally:
        admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by create_pg_database, ending its connections first."""
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrated_pg_database(prefix: str) -> Iterator[str]:
    """A PostgreSQL database of our own at the newest revision, dropped afterwards."""
    url = create_pg_database(prefix)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database made once per run: a SQLite file to copy, or a PostgreSQL database."""
    if BACKEND == "postgresql":
        yield from migrated_pg_database("lawgate_test")
        return
    path = tmp_path_factory.mktemp("template") / "lawgate.sqlite"
    engine = make_engine(sqlite_url(path))
    migrate.upgrade(engine)
    engine.dispose()
    yield str(path)


def _empty_postgres(url: str) -> None:
    """Empty every table (TRUNCATE skips the audit row trigger) and reset the log head."""
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO audit_head (id, size, frontier) VALUES (1, 0, '')"))
    engine.dispose()


def clean_store(template_store: str, folder: Path) -> str:
    """A clean migrated store: the suite's template emptied (PostgreSQL) or copied into folder."""
    if BACKEND == "postgresql":
        _empty_postgres(template_store)
        return template_store
    path = folder / "lawgate.sqlite"
    shutil.copyfile(template_store, path)
    return sqlite_url(path)


@pytest.fixture
def db_url(template_store: str, tmp_path: Path) -> str:
    """A clean, migrated store for one test."""
    return clean_store(template_store, tmp_path)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test's store and data directory."""
    return Settings(
        home=tmp_path,
        database_url=db_url,
        marketplace_url=sqlite_url(tmp_path / "marketplace.sqlite"),
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """An engine on the test's store."""
    made = make_engine(settings.database_url)
    yield made
    made.dispose()


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    """A session the test commits itself; its reads take no write lock, so the app never waits."""
    plain = create_engine(settings.database_url)
    with session_factory(plain)() as db:
        yield db
    plain.dispose()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The application, called as if from this machine."""
    app = create_app(settings)
    with TestClient(app, client=("127.0.0.1", 50123)) as test_client:
        yield test_client
    app.state.engine.dispose()


STAFF_PASSWORD = "a long staff passphrase"
StaffFactory = Callable[..., tuple[StaffAccount, str, str]]


@pytest.fixture
def staff_member(session: Session) -> StaffFactory:
    """factory(role, email) -> (account, password, TOTP secret): committed, one secret each."""
    numbers = itertools.count(1)

    def make(role: str = "reviewer", email: str | None = None) -> tuple[StaffAccount, str, str]:
        number = next(numbers)
        address = email or f"{role}{number}@staff.lawgate.test"
        name = f"{role.replace('_', ' ').title()} {number}"
        made = create_staff(session, address, name, role, STAFF_PASSWORD, "test")
        session.commit()
        return made.account, STAFF_PASSWORD, made.totp_secret

    return make


@pytest.fixture
def console_client(client: TestClient, staff_member: StaffFactory) -> TestClient:
    """The test client signed in to the console as a reviewer."""
    account, password, secret = staff_member("reviewer")
    console_login(client, account.email, password, secret)
    return client


@pytest.fixture
def api_staff(staff_member: StaffFactory, session: Session) -> tuple[StaffAccount, StaffAccount]:
    """The reviewers whose API tokens tests.factories.STAFF and SECOND carry."""
    first, _, _ = staff_member("reviewer", STAFF_EMAIL)
    second, _, _ = staff_member("reviewer", SECOND_EMAIL)
    tokens.issue(session, STAFF_EMAIL, "test", STAFF_TOKEN)
    tokens.issue(session, SECOND_EMAIL, "test", SECOND_TOKEN)
    session.commit()
    return first, second


@pytest.fixture
def api_token(session: Session) -> Callable[[StaffAccount], dict[str, str]]:
    """factory(account) -> the staff API header with a fresh token for that account."""

    def make(account: StaffAccount) -> dict[str, str]:
        token = tokens.issue(session, account.email, "test")
        session.commit()
        return bearer(token)

    return make


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the store backend at the end of the run, where CI logs are read."""
    terminalreporter.write_line(f"lawgate store backend for this run: {BACKEND}")
