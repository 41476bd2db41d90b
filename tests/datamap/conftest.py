"""Fixtures: the demo tests' small marketplace on SQLite, PostgreSQL and MariaDB, reused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from lawgate.datamap import dataset_path
from lawgate.datamap.model import DataMap, load_datamap
from lawgate.demo.marketplace import generate
from tests.demo.conftest import built, engine
from tests.demo.helpers import SMALL
from tests.demo.test_servers import mysql_url, postgres_url

__all__ = ["built", "engine", "mysql_url", "postgres_url"]

SEED = 3
BACKENDS = ("sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "mariadb")


@pytest.fixture(scope="session")
def shipped() -> DataMap:
    """The data map lawgate ships for the demo marketplace."""
    return load_datamap(dataset_path())


def _server_engine(url: str) -> Iterator[sa.Engine]:
    """A small marketplace generated on a scratch server database, as on SQLite."""
    generate(url, users=SMALL, seed=SEED)
    server = sa.create_engine(url)
    yield server
    server.dispose()


@pytest.fixture(scope="module")
def postgres_engine(postgres_url: str) -> Iterator[sa.Engine]:
    """The small marketplace on PostgreSQL (skipped when the server is unreachable)."""
    yield from _server_engine(postgres_url)


@pytest.fixture(scope="module")
def mariadb_engine(mysql_url: str) -> Iterator[sa.Engine]:
    """The small marketplace on MariaDB (skipped when the server is unreachable)."""
    yield from _server_engine(mysql_url)


@pytest.fixture(scope="module", params=BACKENDS)
def marketplace(request: pytest.FixtureRequest) -> sa.Engine:
    """The same small marketplace on each database engine lawgate supports."""
    name = {"sqlite": "engine", "postgres": "postgres_engine", "mariadb": "mariadb_engine"}
    found: sa.Engine = request.getfixturevalue(name[request.param])
    return found
