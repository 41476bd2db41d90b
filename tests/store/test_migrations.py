"""One migration tree that matches the models, and an audit table the database itself guards."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from lawgate.auditlog import log
from lawgate.store import migrate
from lawgate.store.metadata import metadata
from lawgate.store.session import session_factory, transaction


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
