"""Revision 0011: tokens minted before owners had to confirm them wait for their owners."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Connection, text

from lawgate.config import sqlite_url
from lawgate.store import migrate
from lawgate.store.session import make_engine

STAFF = (
    "INSERT INTO staff (email, name, role, password_hash, totp_secret, failed_logins, disabled,"
    " demo, created_at, api_token_sha256) VALUES (:email, 'X', 'reviewer', 'h', 's', 0, false,"
    " false, '2026-12-01 00:00:00', :token)"
)
TOKENS = "SELECT email, api_token_sha256, api_token_pending, api_token_origin FROM staff"


def rows(connection: Connection) -> set[tuple[object, ...]]:
    """Each account's token columns."""
    return {tuple(row) for row in connection.execute(text(f"{TOKENS} ORDER BY email"))}


def test_earlier_tokens_wait_for_their_owner_and_share_one_origin(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "old.sqlite"))
    config = migrate.alembic_config(str(engine.url))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
        connection.execute(text(STAFF), {"email": "a@example.org", "token": "a" * 64})
        connection.execute(text(STAFF), {"email": "b@example.org", "token": None})
        connection.commit()
        command.upgrade(config, "0011")
        connection.commit()
        assert rows(connection) == {
            ("a@example.org", "a" * 64, True, "legacy:0011"),
            ("b@example.org", None, False, None),
        }
        command.downgrade(config, "0010")
        connection.commit()
        left = connection.execute(text("SELECT email, api_token_sha256 FROM staff")).all()
    engine.dispose()
    assert {tuple(row) for row in left} == {("a@example.org", None), ("b@example.org", None)}
