"""The stored tree: every root and proof read from the store matches the RFC's definitions."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, select, text

from lawgate.auditlog import log, merkle, tree
from lawgate.auditlog.models import AuditEntryRow, AuditHeadRow
from lawgate.config import sqlite_url
from lawgate.errors import InvalidInputError
from lawgate.store import migrate
from lawgate.store.session import make_engine, session_factory, transaction


def grow(engine: Engine, counts: list[int]) -> list[bytes]:
    """Append batches of entries (one transaction each); returns every leaf hash in order."""
    factory = session_factory(engine)
    for number, count in enumerate(counts):
        with transaction(factory) as session:
            events = [log.Event("test:written", "tester", f"s-{number}-{i}") for i in range(count)]
            log.append_many(session, events)
    with factory() as session:
        query = select(AuditEntryRow.leaf_hash).order_by(AuditEntryRow.index)
        return [bytes(h) for h in session.scalars(query)]


def test_roots_and_proofs_for_every_size(engine: Engine) -> None:
    """Single appends and batches; each size's root, inclusion and consistency proofs check out."""
    leaves = grow(engine, [1, 1, 3, 7, 1, 12, 2, 6])
    with session_factory(engine)() as session:
        for size in range(1, len(leaves) + 1):
            root = tree.root(session, size)
            assert root == merkle.root_of(leaves[:size])
            for index in range(size):
                proof = tree.inclusion(session, index, size)
                assert proof.leaf_hash == leaves[index] and proof.root == root
                assert merkle.verify_inclusion(leaves[index], index, size, proof.proof, root)
            for first in range(1, size + 1):
                step = tree.consistency(session, first, size)
                assert merkle.verify_consistency(
                    first, size, step.proof, merkle.root_of(leaves[:first]), root
                )
        head = session.get(AuditHeadRow, log.HEAD_ID)
        assert head is not None
        frontier = log.Frontier.unpack(head.size, head.frontier)
        assert frontier.root() == merkle.root_of(leaves)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: tree.root(s, 99), "size"),
        (lambda s: tree.inclusion(s, 3, 3), "index"),
        (lambda s: tree.inclusion(s, 0, 99), "size"),
        (lambda s: tree.consistency(s, 0, 2), "from"),
        (lambda s: tree.consistency(s, 3, 2), "from"),
        (lambda s: tree.entries(s, 2, 2), "start"),
        (lambda s: tree.entries(s, 0, 4), "end"),
    ],
)
def test_impossible_sizes_are_refused_naming_the_parameter(
    engine: Engine, call: object, field: str
) -> None:
    """Sizes beyond the log, empty ranges and reversed sizes are input errors, not crashes."""
    grow(engine, [3])
    with session_factory(engine)() as session, pytest.raises(InvalidInputError) as caught:
        call(session)  # type: ignore[operator]
    assert caught.value.field == field


def test_the_empty_log_has_the_empty_root(engine: Engine) -> None:
    """Size 0 is SHA-256 of nothing."""
    with session_factory(engine)() as session:
        assert tree.root(session, 0) == merkle.EMPTY_ROOT


def test_upgrading_builds_the_tree_of_entries_logged_before_it(tmp_path: Path) -> None:
    """Entries from before migration 0004 get their nodes and frontier, and appends go on."""
    engine = make_engine(sqlite_url(tmp_path / "old.sqlite"))
    config = migrate.alembic_config(str(engine.url))
    old = [log.leaf_hash(f'{{"n":{i}}}') for i in range(11)]
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        for index, digest in enumerate(old):
            connection.execute(
                text(
                    'INSERT INTO audit_entries ("index", event, actor, subject, at, canonical,'
                    " leaf_hash) VALUES (:i, 'test:old', 'a', 's', '2026-01-01 00:00:00',"
                    " :c, :h)"
                ),
                {"i": index, "c": f'{{"n":{index}}}', "h": digest},
            )
        connection.execute(text("UPDATE audit_head SET size = 11"))
        connection.commit()
    migrate.upgrade(engine)
    leaves = grow(engine, [5])
    assert leaves[:11] == old
    with session_factory(engine)() as session:
        assert tree.root(session, 11) == merkle.root_of(old)
        assert tree.root(session, 16) == merkle.root_of(leaves)
    engine.dispose()
