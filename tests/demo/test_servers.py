"""The demo marketplace on real PostgreSQL and MariaDB servers (skipped when unreachable)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from lawgate.demo import schema
from lawgate.demo.marketplace import generate
from tests.demo.helpers import content_hash, scalar, sqlite_url

PG_ADMIN = os.environ.get(
    "LAWGATE_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MYSQL_ADMIN = os.environ.get("LAWGATE_TEST_MYSQL_ADMIN", "mysql+pymysql://root@127.0.0.1:3306/")
USERS = 300


def _scratch_database(admin_url: str, quote: Callable[[str], str], drop: str) -> Iterator[str]:
    """A fresh database of our own on a server, dropped afterwards; skip if unreachable."""
    name = f"lawgate_demo_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {quote(name)}"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"database server at {admin_url} is unreachable: {exc.orig}")
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(drop.format(name=quote(name))))
        admin.dispose()


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A scratch PostgreSQL database."""
    yield from _scratch_database(
        PG_ADMIN, lambda n: f'"{n}"', "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )


@pytest.fixture(scope="module")
def mysql_url() -> Iterator[str]:
    """A scratch MariaDB/MySQL database."""
    yield from _scratch_database(MYSQL_ADMIN, lambda n: f"`{n}`", "DROP DATABASE IF EXISTS {name}")


def _check_server_build(url: str) -> dict[str, int]:
    """Generate, then check counts, planted records and indexes as on SQLite."""
    counts = generate(url, users=USERS, seed=4)
    engine = sa.create_engine(url)
    try:
        for table in schema.TABLES:
            assert scalar(engine, f"SELECT COUNT(*) FROM {table.name}") == counts[table.name]
        email = "SELECT account_id FROM users WHERE email = 'seller.one@example.com'"
        assert scalar(engine, email) == "A000000001"
        order = "SELECT buyer_account_id FROM orders WHERE order_id = 'ORD-1000042'"
        assert scalar(engine, order) == "A000000003"
        inspector = sa.inspect(engine)
        for index in schema.INDEXES:
            assert index.table is not None
            names = {i["name"] for i in inspector.get_indexes(index.table.name)}
            assert index.name in names
    finally:
        engine.dispose()
    return counts


@pytest.mark.postgres
def test_postgres_build_matches_sqlite(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """COPY into PostgreSQL yields the same rows as the SQLite build of the same seed."""
    counts = _check_server_build(postgres_url)
    reference = sqlite_url(tmp_path_factory.mktemp("pg") / "same.sqlite")
    assert generate(reference, users=USERS, seed=4) == counts
    assert content_hash(postgres_url) == content_hash(reference)


def test_mariadb_build_matches_sqlite(
    mysql_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Batched INSERTs into MariaDB yield the same rows as the SQLite build of the same seed."""
    counts = _check_server_build(mysql_url)
    reference = sqlite_url(tmp_path_factory.mktemp("my") / "same.sqlite")
    assert generate(reference, users=USERS, seed=4) == counts
    assert content_hash(mysql_url) == content_hash(reference)


def test_postgres_rerun_replaces_tables(postgres_url: str) -> None:
    """Generating again into the same PostgreSQL database drops and refills the tables."""
    counts = generate(postgres_url, users=50, seed=1)
    engine = sa.create_engine(postgres_url)
    try:
        assert scalar(engine, "SELECT COUNT(*) FROM users") == counts["users"] == 50
    finally:
        engine.dispose()
