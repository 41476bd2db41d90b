"""The demo marketplace on SQLite: counts, planted records, realism, indexes, determinism."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
import sqlalchemy as sa

from lawgate.demo import schema, sidecar
from lawgate.demo.marketplace import DEFAULT_USERS, build, generate
from tests.demo.helpers import SMALL, Built, content_hash, scalar, sqlite_url


def test_counts_match_the_tables(built: Built, engine: sa.Engine) -> None:
    """generate() reports exactly what is in the database, for every table."""
    assert set(built.counts) == {t.name for t in schema.TABLES}
    for table in schema.TABLES:
        assert scalar(engine, f"SELECT COUNT(*) FROM {table.name}") == built.counts[table.name]


def test_sizes_scale_with_users(built: Built) -> None:
    """Ten orders per user, one payment per order, and every table populated."""
    counts = built.counts
    assert counts["users"] == SMALL
    assert counts["orders"] == 10 * SMALL
    assert counts["payments"] == counts["orders"]
    assert counts["logins"] == 5 * SMALL
    assert counts["shops"] == SMALL // 10
    assert SMALL < counts["listings"] < 4 * SMALL
    assert SMALL < counts["addresses"] < 2 * SMALL
    assert counts["messages"] == round(1.5 * SMALL)
    assert DEFAULT_USERS == 200_000


@pytest.mark.parametrize(
    ("where", "value", "account"),
    [
        ("email", "seller.one@example.com", "A000000001"),
        ("email", "a@example.com", "A000000002"),
        ("username", "bargainhunter77", "A000000003"),
        ("username", "sellerone", "A000000001"),
    ],
)
def test_planted_accounts(engine: sa.Engine, where: str, value: str, account: str) -> None:
    """The corpus's target identifiers exist, always on the same accounts."""
    sql = f"SELECT account_id FROM users WHERE {where} = :v"
    assert scalar(engine, sql, v=value) == account


def test_planted_order_and_its_messages(engine: sa.Engine) -> None:
    """ORD-1000042: bargainhunter77 bought from Seller One, and they exchanged two messages."""
    with engine.connect() as conn:
        order = conn.execute(sa.text("SELECT * FROM orders WHERE order_id = 'ORD-1000042'")).one()
        notes = conn.execute(
            sa.text("SELECT sender_account_id FROM messages WHERE order_id = 'ORD-1000042'")
        ).scalars()
        paid = conn.execute(
            sa.text("SELECT COUNT(*) FROM payments WHERE order_id = 'ORD-1000042'")
        ).scalar_one()
    assert (order.buyer_account_id, order.seller_account_id) == ("A000000003", "A000000001")
    assert {"A000000001", "A000000003"} <= set(notes)
    assert paid == 1


def test_a_example_has_an_order(engine: sa.Engine) -> None:
    """a@example.com buys ORD-1000007 from Seller One, whatever the seed."""
    sql = "SELECT buyer_account_id FROM orders WHERE order_id = 'ORD-1000007'"
    assert scalar(engine, sql) == "A000000002"


def test_power_sellers_dwarf_the_median(engine: sa.Engine) -> None:
    """Five sellers (Seller One first) hold far more orders than a typical seller."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT seller_account_id, COUNT(*) FROM orders GROUP BY 1 ORDER BY 2 DESC, 1")
        ).all()
    top = [count for _, count in rows[:5]]
    median = statistics.median(count for _, count in rows[5:])
    assert "A000000001" in {seller for seller, _ in rows[:5]}
    assert min(top) > 2 * median
    assert min(top) >= 0.025 * 10 * SMALL
    for seller, _ in rows[:5]:
        sql = "SELECT status FROM users WHERE account_id = :a"
        assert scalar(engine, sql, a=seller) == "active"


def test_orders_follow_both_parties_signups(engine: sa.Engine) -> None:
    """No order predates its buyer's or seller's account, or the listing it bought."""
    sql = """
        SELECT COUNT(*) FROM orders o
        JOIN users b ON b.account_id = o.buyer_account_id
        JOIN users s ON s.account_id = o.seller_account_id
        JOIN listings l ON l.listing_id = o.listing_id
        WHERE o.created_at <= b.created_at OR o.created_at <= s.created_at
           OR o.created_at <= l.created_at OR o.buyer_account_id = o.seller_account_id
    """
    assert scalar(engine, sql) == 0


def test_every_reference_resolves(engine: sa.Engine) -> None:
    """Foreign keys are not declared, so check that every id points at a real row."""
    checks = [
        ("orders", "buyer_account_id", "users", "account_id"),
        ("orders", "seller_account_id", "users", "account_id"),
        ("orders", "listing_id", "listings", "listing_id"),
        ("orders", "shipping_address_id", "addresses", "address_id"),
        ("payments", "order_id", "orders", "order_id"),
        ("logins", "account_id", "users", "account_id"),
        ("messages", "order_id", "orders", "order_id"),
        ("messages", "sender_account_id", "users", "account_id"),
        ("listings", "shop_id", "shops", "shop_id"),
        ("shops", "owner_account_id", "users", "account_id"),
        ("addresses", "account_id", "users", "account_id"),
    ]
    for table, column, target, key in checks:
        sql = (
            f"SELECT COUNT(*) FROM {table} t LEFT JOIN {target} r ON r.{key} = t.{column} "
            f"WHERE t.{column} IS NOT NULL AND r.{key} IS NULL"
        )
        assert scalar(engine, sql) == 0, f"{table}.{column} has dangling values"


def test_orders_ship_to_the_buyers_address(engine: sa.Engine) -> None:
    """The shipping address of an order belongs to its buyer and is a shipping address."""
    sql = """
        SELECT COUNT(*) FROM orders o JOIN addresses a ON a.address_id = o.shipping_address_id
        WHERE a.account_id <> o.buyer_account_id OR a.kind <> 'shipping'
    """
    assert scalar(engine, sql) == 0


FORMATS = {
    ("users", "account_id"): r"A\d{9}",
    ("users", "email"): r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+",
    ("users", "phone"): r"\+[1-9]\d{7,14}",
    ("users", "region"): r"[A-Z]{2}",
    ("users", "created_ip"): r"[0-9.]+|[0-9a-f:]+",
    ("orders", "order_id"): r"ORD-\d{7}",
    ("listings", "listing_id"): r"LST-\d{8}",
    ("payments", "card_masked"): r"\*{4} \*{4} \*{4} \d{4}",
    ("payments", "processor_reference"): r"ch_[0-9A-Za-z]{24}",
    ("logins", "ip_address"): r"[0-9.]+|[0-9a-f:]+",
}


@pytest.mark.parametrize(("table", "column"), sorted(FORMATS))
def test_identifier_formats(engine: sa.Engine, table: str, column: str) -> None:
    """Identifiers look like the real thing, in the documented formats."""
    pattern = re.compile(FORMATS[table, column])
    with engine.connect() as conn:
        values = conn.execute(sa.text(f"SELECT {column} FROM {table}")).scalars().all()
    bad = [v for v in values if not pattern.fullmatch(v)]
    assert not bad, bad[:5]


def test_unique_identifiers_are_unique(engine: sa.Engine) -> None:
    """E-mails, usernames and processor references never repeat."""
    unique = [("users", "email"), ("users", "username"), ("payments", "processor_reference")]
    for table, column in unique:
        sql = f"SELECT COUNT(*) - COUNT(DISTINCT {column}) FROM {table}"
        assert scalar(engine, sql) == 0


def test_order_ids_follow_time(engine: sa.Engine, built: Built) -> None:
    """Order numbers run from ORD-1000000 without gaps; times stay in the documented window."""
    with engine.connect() as conn:
        first, last = conn.execute(sa.text("SELECT MIN(order_id), MAX(order_id) FROM orders")).one()
        start, end = conn.execute(
            sa.text("SELECT MIN(created_at), MAX(created_at) FROM users")
        ).one()
    assert first == "ORD-1000000"
    assert last == f"ORD-{1_000_000 + built.counts['orders'] - 1}"
    assert str(start) >= "2022-01-01" and str(end) < "2026-11-29"


def test_indexes_exist(engine: sa.Engine) -> None:
    """Every identifier used for lookups is indexed, with the uniqueness documented."""
    inspector = sa.inspect(engine)
    for index in schema.INDEXES:
        assert index.table is not None
        found = {i["name"]: i for i in inspector.get_indexes(index.table.name)}
        assert index.name in found, index.name
        assert found[index.name]["column_names"] == [c.name for c in index.columns]
        assert bool(found[index.name]["unique"]) == index.unique


def test_lookups_use_the_indexes(engine: sa.Engine) -> None:
    """SQLite plans the typical target lookups as index searches, not scans."""
    lookups = [
        "SELECT * FROM users WHERE email = 'a@example.com'",
        "SELECT * FROM orders WHERE seller_account_id = 'A000000001'",
        "SELECT * FROM payments WHERE processor_reference = 'ch_x'",
        "SELECT * FROM logins WHERE ip_address = '192.0.2.77' AND at > '2024-01-01'",
        "SELECT * FROM messages WHERE recipient_account_id = 'A000000003'",
    ]
    with engine.connect() as conn:
        for sql in lookups:
            plan = " ".join(str(r[-1]) for r in conn.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (sql, plan)


def test_progress_reports_every_stage(built: Built) -> None:
    """Progress starts at plan, covers each table to its total, and ends with the indexes."""
    finals = {stage: (done, total) for stage, done, total in built.events}
    assert built.events[0] == ("plan", 0, 1)
    for table in schema.TABLES:
        assert finals[table.name] == (built.counts[table.name], built.counts[table.name])
    assert finals["indexes"] == (len(schema.INDEXES), len(schema.INDEXES))
    assert all(0 <= done <= total for _, done, total in built.events)


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    """Generation is deterministic: a hash of all rows repeats for a seed and changes with it."""
    urls = [sqlite_url(tmp_path / f"{name}.sqlite") for name in ("a", "b", "c")]
    generate(urls[0], users=120, seed=11)
    generate(urls[1], users=120, seed=11)
    generate(urls[2], users=120, seed=12)
    first, again, other = (content_hash(url) for url in urls)
    assert first == again
    assert first != other


def test_two_process_build_is_identical(tmp_path: Path) -> None:
    """The parallel SQLite build (second process plus merge) writes the very same rows."""
    one, two = sqlite_url(tmp_path / "one.sqlite"), sqlite_url(tmp_path / "two.sqlite")
    events: list[tuple[str, int, int]] = []
    counts = build(two, 150, 5, lambda *e: events.append(e), parallel=True)
    assert counts == build(one, 150, 5, parallel=False)
    assert content_hash(one) == content_hash(two)
    assert ("merge", 2, 2) in events
    assert not list(tmp_path.glob(".demo-side-*"))
    engine = sa.create_engine(two)
    names = {i["name"] for i in sa.inspect(engine).get_indexes("payments")}
    engine.dispose()
    assert "ux_payments_processor_reference" in names


def test_regenerating_replaces_the_tables(tmp_path: Path) -> None:
    """A second run into the same file drops the old tables and leaves other tables alone."""
    url = sqlite_url(tmp_path / "m.sqlite")
    generate(url, users=200, seed=1)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE keep_me (x INTEGER)"))
    counts = generate(url, users=100, seed=1)
    assert scalar(engine, "SELECT COUNT(*) FROM users") == counts["users"] == 100
    assert "keep_me" in sa.inspect(engine).get_table_names()
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "users", "seed", "message"),
    [
        ("sqlite:///x.sqlite", 9, 1, "users must be between 10"),
        ("sqlite:///x.sqlite", 0, 1, "users must be between 10"),
        ("sqlite:///x.sqlite", "500", 1, "users must be an integer"),
        ("sqlite:///x.sqlite", 100, -1, "seed must be a non-negative integer"),
        ("oracle://scott@db/x", 100, 1, "unsupported database URL scheme 'oracle'"),
        ("mssql+pyodbc://sa@db/x", 100, 1, "unsupported database URL scheme"),
        ("not a url", 100, 1, "not a database URL"),
        ("sqlite://", 100, 1, "needs a SQLite file"),
        ("sqlite:///:memory:", 100, 1, "needs a SQLite file"),
    ],
)
def test_bad_arguments_are_refused(url: str, users: object, seed: int, message: str) -> None:
    """Unusable sizes, seeds and URLs raise ValueError naming the problem, before any work."""
    with pytest.raises(ValueError, match=re.escape(message)):
        generate(url, users=users, seed=seed)  # type: ignore[arg-type]


def test_missing_folders_are_created(tmp_path: Path) -> None:
    """A SQLite file in a folder that does not exist yet is fine."""
    url = sqlite_url(tmp_path / "new" / "deeper" / "m.sqlite")
    assert generate(url, users=10, seed=1)["users"] == 10


def test_a_failing_second_process_is_reported(tmp_path: Path) -> None:
    """If the second process dies, the build fails loudly and leaves no side file behind."""
    side = sidecar.Sidecar(str(tmp_path / "m.sqlite"), 10, -5)
    with side, pytest.raises(RuntimeError, match="second generator process failed"):
        side.wait(lambda *_: None)
    assert not list(tmp_path.glob(".demo-side-*"))
