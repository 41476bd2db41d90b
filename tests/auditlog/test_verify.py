"""`lawgate audit verify` catches every kind of tampering and names what was touched.

Each test builds a 40-entry log with three signed checkpoints, then edits the stored tables the
way an insider with database access could (the append-only triggers switched off first), and
checks that verification fails naming the entry, tree node or checkpoint.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from lawgate.auditlog import log, publish
from lawgate.auditlog.checkpoint import Checkpoint, sign_checkpoint
from lawgate.auditlog.verify import Report, verify_log
from lawgate.cli import app
from lawgate.config import DEFAULT_LOG_ORIGIN, Settings
from lawgate.store.session import session_factory, transaction

ORIGIN = DEFAULT_LOG_ORIGIN
GUARDED = ("audit_entries", "audit_nodes", "audit_checkpoints")


def build(engine: Engine, settings: Settings, sizes: tuple[int, ...] = (10, 25, 40)) -> str:
    """Append entries in uneven transactions, checkpointing at each size; returns the vkey."""
    key = publish.ensure_log_key(settings.home)
    factory = session_factory(engine)
    done = 0
    for size in sizes:
        while done < size:
            with transaction(factory) as session:
                step = min(size - done, 1 + done % 4)
                events = [
                    log.Event("test:written", "tester", f"s-{done + i}", {"n": done + i})
                    for i in range(step)
                ]
                log.append_many(session, events)
                done += step
        with transaction(factory) as session:
            publish.make_checkpoint(session, key, ORIGIN)
    return publish.verifier_key(ORIGIN, key)


def check(engine: Engine, vkey: str) -> Report:
    """Run the verifier on the store."""
    with session_factory(engine)() as session:
        return verify_log(session, vkey)


@contextmanager
def unguarded(engine: Engine) -> Iterator[None]:
    """Switch off the append-only triggers, as an insider with database rights could."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in GUARDED:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            for (name,) in list(names):
                conn.execute(text(f"DROP TRIGGER {name}"))
    try:
        yield
    finally:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                for table in GUARDED:
                    conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def tamper(engine: Engine, *statements: str, **params: object) -> None:
    """Run raw SQL on the log's tables with the triggers off."""
    with unguarded(engine), engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)


def canonical(engine: Engine, index: int) -> str:
    """One entry's stored content."""
    with engine.connect() as conn:
        query = text('SELECT canonical FROM audit_entries WHERE "index" = :i')
        return str(conn.execute(query, {"i": index}).scalar_one())


def test_an_intact_log_verifies(engine: Engine, settings: Settings) -> None:
    """Every entry, node and checkpoint checks out."""
    vkey = build(engine, settings)
    report = check(engine, vkey)
    assert report.ok, report.problems
    assert (report.entries, report.nodes, report.checkpoints) == (40, 40 - 2, 3)


def test_checkpoints_with_another_key_fail(engine: Engine, settings: Settings) -> None:
    """A verifier pinning another key accepts no checkpoint."""
    build(engine, settings)
    other = publish.verifier_key(ORIGIN, Ed25519PrivateKey.generate())
    report = check(engine, other)
    assert [p.where for p in report.problems] == [
        "checkpoint 1 (size 10)",
        "checkpoint 2 (size 25)",
        "checkpoint 3 (size 40)",
    ]
    assert "signature does not verify" in report.problems[0].message


def _edit_byte(engine: Engine, index: int) -> None:
    """Change one character of an entry's stored JSON, leaving its hash alone."""
    edited = canonical(engine, index).replace('"tester"', '"tester!"')
    tamper(engine, 'UPDATE audit_entries SET canonical = :c WHERE "index" = 17', c=edited)


def _forge_entry_40(engine: Engine) -> None:
    """Add a well-formed entry with a correct leaf hash behind the log's back."""
    body = {
        "index": 40,
        "event": "request:decision:recorded",
        "actor": "mallory",
        "subject": "s-40",
        "at": "2026-11-29T00:00:00+00:00",
        "details": {},
    }
    text_ = log.canonical_json(body)
    tamper(
        engine,
        'INSERT INTO audit_entries ("index", event, actor, subject, at, canonical, leaf_hash) '
        "VALUES (40, :event, :actor, :subject, :at, :c, :h)",
        event=body["event"],
        actor=body["actor"],
        subject=body["subject"],
        at=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
        c=text_,
        h=log.leaf_hash(text_),
    )


@pytest.mark.parametrize(
    ("edit", "where", "message"),
    [
        (lambda e: _edit_byte(e, 17), "entry 17", "leaf hash does not match its content"),
        (
            lambda e: tamper(e, "UPDATE audit_entries SET actor = 'mallory' WHERE \"index\" = 17"),
            "entry 17",
            "column actor differs",
        ),
        (
            lambda e: tamper(
                e, 'UPDATE audit_entries SET leaf_hash = :h WHERE "index" = 17', h=b"\0" * 32
            ),
            "entry 17",
            "leaf hash does not match",
        ),
        (
            lambda e: tamper(e, 'DELETE FROM audit_entries WHERE "index" = 17'),
            "entry 17",
            "missing: the next stored entry has index 18",
        ),
        (
            lambda e: tamper(e, 'DELETE FROM audit_entries WHERE "index" = 39'),
            "entry 39",
            "missing: the head says 40 entries",
        ),
        (_forge_entry_40, "entry 40", "stored beyond the head's size"),
        (
            lambda e: tamper(e, "UPDATE audit_nodes SET hash = :h WHERE seq = 7", h=b"\1" * 32),
            "tree node 7",
            "does not match entries",
        ),
    ],
)
def test_each_edit_is_named(
    engine: Engine, settings: Settings, edit: object, where: str, message: str
) -> None:
    """Edits, deletions, insertions and forged nodes fail verification, named."""
    vkey = build(engine, settings)
    edit(engine)  # type: ignore[operator]
    report = check(engine, vkey)
    assert not report.ok
    assert report.problems[0].where == where
    assert message in report.problems[0].message


def test_reordered_entries_are_caught(engine: Engine, settings: Settings) -> None:
    """Swapping two entries' contents (hashes and columns too) is a move, and named."""
    vkey = build(engine, settings)
    columns = "event, actor, subject, at, canonical, leaf_hash"
    rows = {}
    with engine.connect() as conn:
        for index in (5, 6):
            query = text(f'SELECT {columns} FROM audit_entries WHERE "index" = :i')
            rows[index] = dict(conn.execute(query, {"i": index}).mappings().one())
    sets = ", ".join(f"{c} = :{c}" for c in columns.split(", "))
    for index, source in ((5, 6), (6, 5)):
        tamper(engine, f'UPDATE audit_entries SET {sets} WHERE "index" = {index}', **rows[source])
    report = check(engine, vkey)
    assert report.problems[0].where == "entry 5"
    assert "says index 6: entries were moved" in report.problems[0].message


def test_a_consistent_rewrite_is_caught_by_the_signed_checkpoints(
    engine: Engine, settings: Settings
) -> None:
    """Entries, nodes and head all recomputed for a changed entry: only signatures catch it."""
    vkey = build(engine, settings)
    with engine.connect() as conn:
        original = [
            json.loads(str(c))
            for c in conn.execute(
                text('SELECT canonical FROM audit_entries ORDER BY "index"')
            ).scalars()
        ]
    tamper(
        engine,
        "DELETE FROM audit_entries",
        "DELETE FROM audit_nodes",
        "UPDATE audit_head SET size = 0, frontier = :f, last_hash = NULL",
        f=b"",
    )
    original[17]["actor"] = "someone else"
    with transaction(session_factory(engine)) as session:
        log.append_many(
            session,
            [log.Event(e["event"], e["actor"], e["subject"], e["details"]) for e in original],
        )
    report = check(engine, vkey)
    assert report.entries == 40 and len(report.problems) == 3
    assert all("the log was rewritten" in p.message for p in report.problems)


def test_a_replaced_checkpoint_is_caught(engine: Engine, settings: Settings) -> None:
    """A checkpoint re-signed by another key, or moved from another size, is named."""
    vkey = build(engine, settings)
    forged = sign_checkpoint(
        Checkpoint(ORIGIN, 25, b"\2" * 32), ORIGIN, Ed25519PrivateKey.generate()
    )
    tamper(engine, "UPDATE audit_checkpoints SET note = :n WHERE id = 2", n=forged)
    with engine.connect() as conn:
        newest = conn.execute(text("SELECT note FROM audit_checkpoints WHERE id = 3")).scalar_one()
    tamper(engine, "UPDATE audit_checkpoints SET note = :n WHERE id = 1", n=newest)
    report = check(engine, vkey)
    assert [str(p) for p in report.problems] == [
        "checkpoint 1 (size 10): its stored size or root differs from its signed note",
        "checkpoint 2 (size 25): its signature does not verify with the log key",
    ]


def test_the_cli_names_the_first_bad_entry_and_exits_1(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lawgate audit verify`: 0 when intact, 1 and the entry's index after a one-byte edit."""
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAWGATE_LOG_ORIGIN", ORIGIN)
    build(engine, settings)
    runner = CliRunner()
    intact = runner.invoke(app, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "checked 40 entries" in intact.output and "intact" in intact.output
    _edit_byte(engine, 17)
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "entry 17: its stored leaf hash does not match its content" in broken.output
