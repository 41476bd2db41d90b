"""One migration tree that matches the models, and an audit table the database itself guards."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from lawgate.auditlog import log
from lawgate.config import sqlite_url
from lawgate.store import migrate
from lawgate.store.session import make_engine, session_factory, transaction
from lawgate.tables import metadata


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []
    assert migrate.is_current(engine)


def test_every_table_of_the_models_exists(engine: Engine) -> None:
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrading_twice_is_harmless(engine: Engine) -> None:
    migrate.upgrade(engine)
    assert migrate.is_current(engine)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET actor = 'someone else' WHERE \"index\" = 0",
        'DELETE FROM audit_entries WHERE "index" = 0',
    ],
)
def test_the_database_refuses_to_rewrite_audit_entries(engine: Engine, statement: str) -> None:
    with transaction(session_factory(engine)) as session:
        log.append(session, "test:written", "test", "subject-1")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_entries")).scalar_one() == "test"


def test_upgrading_from_the_first_revision_keeps_agencies(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "old.sqlite"))
    config = migrate.alembic_config(str(engine.url))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO agencies (id, name, country, kind, level, domains, callback_phone,"
                " created_at) VALUES ('x-police', 'X', 'US', 'police', '', '[]', '', "
                "'2026-11-29 00:00:00')"
            )
        )
        connection.commit()
    migrate.upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT id, age_recipient FROM agencies")).one()
    engine.dispose()
    assert tuple(row) == ("x-police", None)
