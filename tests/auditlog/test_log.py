"""Audit entries: canonical JSON, RFC 9162 leaf hashes, a gap-free sequence, and no user data."""

from __future__ import annotations

import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.auditlog.models import AuditEntryRow, AuditHeadRow
from lawgate.errors import InvalidInputError
from lawgate.store.session import session_factory, transaction
from tests.conftest import corpus_files
from tests.factories import load_case, post_request, register

scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none())


@given(st.dictionaries(st.text(min_size=1, max_size=10), scalars, max_size=6))
def test_canonical_json_is_independent_of_key_order(details: dict[str, object]) -> None:
    reordered = dict(reversed(list(details.items())))
    assert log.canonical_json(details) == log.canonical_json(reordered)
    assert json.loads(log.canonical_json(details)) == details


def test_the_leaf_hash_is_rfc9162_over_the_canonical_entry(engine: Engine) -> None:
    with transaction(session_factory(engine)) as session:
        appended = log.append(session, "test:written", "tester", "s-1", {"n": 1, "ok": True})
    with session_factory(engine)() as session:
        row = session.get(AuditEntryRow, appended.index)
        assert row is not None
        assert row.leaf_hash == hashlib.sha256(b"\x00" + row.canonical.encode()).digest()
        entry = json.loads(row.canonical)
    assert entry["index"] == 0
    assert entry["event"] == "test:written"
    assert entry["details"] == {"n": 1, "ok": True}
    assert row.canonical == log.canonical_json(entry)


def test_indexes_run_from_zero_without_gaps(engine: Engine) -> None:
    factory = session_factory(engine)
    for number in range(5):
        with transaction(factory) as session:
            log.append(session, "test:written", "tester", f"s-{number}")
    with factory() as session:
        indexes = list(session.scalars(select(AuditEntryRow.index).order_by(AuditEntryRow.index)))
        head = session.get(AuditHeadRow, 1)
    assert indexes == [0, 1, 2, 3, 4]
    assert head is not None and head.size == 5


def test_a_failed_transaction_leaves_no_entry_and_no_gap(engine: Engine) -> None:
    factory = session_factory(engine)
    with pytest.raises(RuntimeError), transaction(factory) as session:
        log.append(session, "test:written", "tester", "lost")
        raise RuntimeError("crash after the append")
    with transaction(factory) as session:
        assert log.append(session, "test:written", "tester", "kept").index == 0


def test_an_event_tag_must_look_like_one(engine: Engine) -> None:
    with (
        pytest.raises(InvalidInputError, match="noun:verb"),
        transaction(session_factory(engine)) as session,
    ):
        log.append(session, "Approved!", "tester", "s")


def test_the_log_holds_no_target_or_officer_data(client: TestClient, session: Session) -> None:
    cases = [load_case(path) for path in corpus_files()]
    if not cases:
        pytest.skip("../shared/corpus is absent: no corpus requests to submit")
    for agency in {c["agency"]["id"]: c["agency"] for c in cases}.values():
        register(session, agency)
    secrets: list[str] = []
    for case in cases:
        assert post_request(client, case["request"], case["agency"]["id"]).status_code == 201
        secrets += [t["value"] for t in case["request"]["targets"]]
        secrets.append(case["request"]["officer"]["email"])
    session.rollback()
    text = "\n".join(session.scalars(select(AuditEntryRow.canonical)))
    assert text.count("request:received") == len(cases)
    for value in secrets:
        assert value not in text
