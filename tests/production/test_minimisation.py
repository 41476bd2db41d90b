"""Property tests: whatever is approved, a package holds that and nothing else.

Over the small generated marketplace on SQLite, PostgreSQL and MariaDB, Hypothesis draws
approved categories, a date range and target accounts; the released tables are written with
the real package writer and read back from their JSON Lines files. Checked against the data map
and hand-written SQL: no field of an unapproved category, no row outside the date range, no row
of an account that is not a target, no subscriber value of a third party, and every approved row
present.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawgate.datamap.categories import LegalCategory
from lawgate.datamap.model import DataMap
from lawgate.datamap.traverse import DateWindow, Plan, plan
from lawgate.production.collect import Collector, Pseudonyms
from lawgate.production.package import PackageWriter
from tests.datamap.conftest import (
    built,
    engine,
    mariadb_engine,
    marketplace,
    mysql_url,
    postgres_engine,
    postgres_url,
    shipped,
)
from tests.demo.helpers import SMALL

__all__ = [
    "built",
    "engine",
    "mariadb_engine",
    "marketplace",
    "mysql_url",
    "postgres_engine",
    "postgres_url",
    "shipped",
]

CATEGORIES = ("subscriber", "identification", "traffic", "content")
ACCOUNT = "users.account_id"
KEY = b"p" * 32
SUBSCRIBER_COLUMNS = ("email", "phone", "username", "full_name", "created_ip")


@st.composite
def scopes(draw: st.DrawFn) -> tuple[frozenset[str], DateWindow | None, tuple[str, ...]]:
    """Approved categories, an optional date range, and one to three target accounts."""
    categories = frozenset(draw(st.sets(st.sampled_from(CATEGORIES), min_size=1)))
    window = None
    if draw(st.booleans()):
        first = draw(st.dates(dt.date(2021, 1, 1), dt.date(2026, 10, 1)))
        window = DateWindow.from_dates(first, first + dt.timedelta(days=draw(st.integers(0, 700))))
    numbers = draw(st.sets(st.integers(1, SMALL), min_size=1, max_size=3))
    return categories, window, tuple(sorted(f"A{n:09d}" for n in numbers))


def released(
    engine: sa.Engine, datamap: DataMap, traversal: Plan, targets: tuple[str, ...], root: Path
) -> dict[str, list[dict[str, Any]]]:
    """Write the released tables with the real writer and read their JSON Lines back."""
    writer = PackageWriter(root, "package")
    collector = Collector(engine, datamap, traversal, targets, Pseudonyms(KEY), lambda *_: None)
    for table, columns, rows in collector.tables():
        writer.add_table(table, columns, rows)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in writer.tables:
        lines = (writer.root / table.jsonl).read_text(encoding="utf-8").splitlines()
        tables[table.table] = [json.loads(line) for line in lines]
    return tables


def third_party_values(engine: sa.Engine, targets: tuple[str, ...]) -> set[str]:
    """Subscriber values of accounts that are not targets (and that no target shares)."""
    columns = ", ".join(SUBSCRIBER_COLUMNS)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT account_id, {columns} FROM users")).all()
    theirs = {str(v) for row in rows if row[0] not in targets for v in row[1:] if v}
    ours = {str(v) for row in rows if row[0] in targets for v in row[1:] if v}
    return theirs - ours


def expected_count(
    engine: sa.Engine, table: str, owners: tuple[str, ...], time: str | None, scope: Any
) -> int:
    """Rows a table must release, counted by hand: owned by a target, inside the range."""
    _, window, targets = scope
    where = " OR ".join(f"{owner} IN :targets" for owner in owners)
    query = sa.text(f"SELECT {time or 'NULL'} AS t FROM {table} WHERE {where}")
    query = query.bindparams(sa.bindparam("targets", expanding=True))
    query = query.columns(t=sa.DateTime)
    with engine.connect() as conn:
        times = conn.execute(query, {"targets": list(targets)}).scalars().all()
    if window is None or time is None:
        return len(times)
    return sum(1 for t in times if window.start <= t < window.end)


OWNERS = {
    "users": ("account_id",),
    "addresses": ("account_id",),
    "orders": ("buyer_account_id", "seller_account_id"),
    "payments": ("payer_account_id",),
    "logins": ("account_id",),
    "messages": ("sender_account_id", "recipient_account_id"),
}


def check(
    engine: sa.Engine, datamap: DataMap, scope: Any, tables: dict[str, list[dict[str, Any]]]
) -> None:
    """Every promise of minimisation, on one package."""
    categories, window, targets = scope
    approved = {LegalCategory(c) for c in categories} | {LegalCategory.PUBLIC}
    pseudonyms = Pseudonyms(KEY)
    own = set(targets) if "subscriber" in categories else set()
    own |= {pseudonyms.of(ACCOUNT, t) for t in targets}
    strangers = third_party_values(engine, targets)
    for name, rows in tables.items():
        collection = datamap.collection(name)
        assert collection is not None
        time = collection.event_time
        for row in rows:
            for column, value in row.items():
                field = collection.field(column)
                assert field is not None
                assert field.is_key or field.legal_category in approved, (name, column)
                assert str(value) not in strangers, (name, column)
                if any(r.collection == "users" for r in field.references) or column == "account_id":
                    assert value in own or str(value).startswith("P-"), (name, column)
            assert any(row[owner] in own for owner in OWNERS[name]), name
            if window is not None and time is not None and time.name in row:
                moment = dt.datetime.fromisoformat(row[time.name])
                assert window.start <= moment < window.end, (name, moment)
        time_name = time.name if time else None
        assert len(rows) == expected_count(engine, name, OWNERS[name], time_name, scope), name


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scope=scopes())
def test_a_package_holds_exactly_the_approved_scope(
    marketplace: sa.Engine, shipped: DataMap, tmp_path_factory: pytest.TempPathFactory, scope: Any
) -> None:
    """No unapproved field, date or target; no third party's subscriber data; nothing missing."""
    categories, window, targets = scope
    traversal = plan(shipped, categories, window)
    root = tmp_path_factory.mktemp("package")
    tables = released(marketplace, shipped, traversal, targets, root)
    assert set(tables) == {t.collection for t in traversal.released}
    check(marketplace, shipped, scope, tables)


def _planted_orders(engine: sa.Engine) -> Iterator[str]:
    """Seller One's orders bought by others, to show the buyer stays a pseudonym."""
    with engine.connect() as conn:
        query = "SELECT buyer_account_id FROM orders WHERE seller_account_id = 'A000000001'"
        yield from conn.execute(sa.text(query)).scalars()


def test_the_other_party_of_an_order_is_only_a_pseudonym(
    marketplace: sa.Engine, shipped: DataMap, tmp_path: Path
) -> None:
    """Everything approved, target Seller One: the buyers appear as P-… and nothing else."""
    scope = (frozenset(CATEGORIES), None, ("A000000001",))
    tables = released(marketplace, shipped, plan(shipped, CATEGORIES, None), scope[2], tmp_path)
    buyers = {b for b in _planted_orders(marketplace) if b != "A000000001"}
    assert buyers and tables["orders"]
    shown = {row["buyer_account_id"] for row in tables["orders"]}
    assert not shown & buyers
    assert {Pseudonyms(KEY).of(ACCOUNT, b) for b in buyers} <= shown
    assert {row["account_id"] for row in tables["users"]} == {"A000000001"}
    check(marketplace, shipped, scope, tables)


def test_an_owned_key_is_clear_only_on_the_targets_own_rows(
    marketplace: sa.Engine, shipped: DataMap, tmp_path: Path
) -> None:
    """A buyer's shipping address id leaves in clear; the same id on a stranger's order does not."""
    with marketplace.connect() as conn:
        buyer, address = conn.execute(
            sa.text(
                "SELECT o.buyer_account_id, o.shipping_address_id FROM orders o"
                " JOIN addresses a ON a.address_id = o.shipping_address_id"
                " WHERE o.seller_account_id = 'A000000001' AND a.account_id = o.buyer_account_id"
                " ORDER BY o.order_id LIMIT 1"
            )
        ).one()
    everything = plan(shipped, CATEGORIES, None)
    (tmp_path / "buyer").mkdir()
    (tmp_path / "seller").mkdir()
    as_buyer = released(marketplace, shipped, everything, (buyer,), tmp_path / "buyer")
    theirs = [r for r in as_buyer["orders"] if r["shipping_address_id"] == address]
    assert theirs, "the buyer's own order shows the address id in clear"
    as_seller = released(marketplace, shipped, everything, ("A000000001",), tmp_path / "seller")
    shown = {r["shipping_address_id"] for r in as_seller["orders"]}
    assert address not in shown
    assert Pseudonyms(KEY).of("addresses.address_id", address) in shown
