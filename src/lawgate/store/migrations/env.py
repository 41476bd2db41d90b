"""Alembic environment: runs the one migration tree against the URL or connection given."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from lawgate.store.session import make_engine
from lawgate.tables import metadata


def _run(connection: Connection) -> None:
    """Migrate over one connection, comparing types so drift is caught."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Use the caller's connection if it gave one, else open the configured URL."""
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


run_online()
