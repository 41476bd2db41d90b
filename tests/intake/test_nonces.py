"""Signature nonces: one INSERT per call, replays refused by the key, old nonces pruned rarely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.config import Settings
from lawgate.errors import UnauthenticatedError
from lawgate.intake import signatures
from lawgate.intake.models import NonceRow
from lawgate.store.base import utcnow
from lawgate.store.session import make_engine, session_factory
from tests.factories import FBI, agency_key, agency_key_id, register

STATUS = "http://testserver/api/v1/requests/none"


@pytest.fixture
def factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """The store's session factory, as the application holds one, with the FBI registered."""
    engine = make_engine(settings.database_url)
    made = session_factory(engine)
    with made() as session:
        register(session)
    yield made
    engine.dispose()


def signed_call(nonce: str | None = None) -> signatures.HttpMessage:
    """A signed status poll, as an agency sends it."""
    message = signatures.HttpMessage("GET", STATUS, {}, b"")
    signatures.sign(message, agency_key(FBI["id"]), agency_key_id(FBI["id"]), nonce=nonce)
    return message


def add_nonce(factory: sessionmaker[Session], nonce: str, age: dt.timedelta) -> None:
    """A nonce seen `age` ago."""
    with factory() as session:
        session.add(NonceRow(nonce=nonce, key_id="x", seen_at=utcnow() - age))
        session.commit()


def nonces(factory: sessionmaker[Session]) -> set[str]:
    """Every nonce the store remembers."""
    with factory() as session:
        return set(session.scalars(select(NonceRow.nonce)))


def test_a_replay_is_refused_by_the_primary_key(factory: sessionmaker[Session]) -> None:
    call = signed_call()
    assert signatures.verify_request(factory, call).agency.id == FBI["id"]
    with pytest.raises(UnauthenticatedError, match="already used"):
        signatures.verify_request(factory, call)
    assert len(nonces(factory)) == 1


def test_a_nonce_inside_its_window_is_never_forgotten(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signatures, "NONCE_PRUNE_EVERY", dt.timedelta(0))
    recent = "r" * 20
    add_nonce(factory, recent, signatures.NONCE_MEMORY - dt.timedelta(seconds=5))
    signatures.verify_request(factory, signed_call())
    assert recent in nonces(factory)
    with pytest.raises(UnauthenticatedError, match="already used"):
        signatures.verify_request(factory, signed_call(nonce=recent))


def test_expired_nonces_are_deleted_once_per_interval_not_per_call(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    hour = dt.timedelta(hours=1)
    add_nonce(factory, "a" * 20, hour)
    signatures.verify_request(factory, signed_call())
    assert "a" * 20 not in nonces(factory), "the first call of a process prunes"
    add_nonce(factory, "b" * 20, hour)
    signatures.verify_request(factory, signed_call())
    assert "b" * 20 in nonces(factory), "the next call, within the interval, does not"
    later = signatures.time.monotonic() + signatures.NONCE_PRUNE_EVERY.total_seconds() + 1
    monkeypatch.setattr(signatures, "time", SimpleNamespace(monotonic=lambda: later))
    signatures.verify_request(factory, signed_call())
    assert "b" * 20 not in nonces(factory)
    assert len(nonces(factory)) == 3
