"""Helpers for the demo marketplace tests: comparing builds and querying them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from lawgate.demo import schema

SMALL = 500


@dataclass(frozen=True)
class Built:
    """A generated marketplace: where it is, what generate() returned, what progress said."""

    url: str
    counts: dict[str, int]
    events: list[tuple[str, int, int]]


def content_hash(url: str) -> str:
    """A digest of every table's rows in primary-key order, to compare two builds."""
    digest = hashlib.sha256()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for table in schema.TABLES:
            query = sa.select(table).order_by(*table.primary_key.columns)
            for row in conn.execute(query):
                digest.update(repr(tuple(row)).encode("utf-8"))
    engine.dispose()
    return digest.hexdigest()


def sqlite_url(path: Path) -> str:
    """A SQLAlchemy URL for a SQLite file."""
    return f"sqlite:///{path}"


def scalar(engine: sa.Engine, sql: str, **params: object) -> object:
    """The single value a query returns."""
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()
