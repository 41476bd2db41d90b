"""Every query the resolver issues is an indexed equality lookup: checked with SQLite's planner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from lawgate.datamap.model import DataMap
from lawgate.datamap.resolve import Hop, Route, resolve_targets, routes
from lawgate.demo import schema
from lawgate.domain import Target, TargetType

T = TargetType
INDEXED = ("USING INDEX", "USING COVERING INDEX", "PRIMARY KEY")

PLANTED = [
    Target(type=T.ACCOUNT_ID, value="A000000001"),
    Target(type=T.EMAIL, value="Seller.One@example.com"),
    Target(type=T.PHONE, value="+1 415 555 0102"),
    Target(type=T.USERNAME, value="bargainhunter77"),
    Target(type=T.ORDER_ID, value="ORD-1000042"),
]


def _every_type(engine: sa.Engine) -> list[Target]:
    """One real target of each type: the planted ones plus a listing, payment and sign-in."""
    with engine.connect() as conn:
        listing = conn.execute(sa.select(schema.listings.c.listing_id).limit(1)).scalar_one()
        payment = conn.execute(
            sa.select(schema.payments.c.processor_reference).limit(1)
        ).scalar_one()
        login = conn.execute(sa.select(schema.logins.c.ip_address, schema.logins.c.at)).first()
    assert login is not None
    return [
        *PLANTED,
        Target(type=T.LISTING_ID, value=listing),
        Target(type=T.PAYMENT_REFERENCE, value=payment),
        Target(type=T.IP_ADDRESS, value=login.ip_address, at=login.at),
    ]


Statement = tuple[str, Any]


@pytest.fixture
def issued(engine: sa.Engine) -> Iterator[list[Statement]]:
    """The SQL text and parameters of every statement sent to the database while resolving."""
    seen: list[Statement] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        seen.append((statement, params))

    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def _plan(engine: sa.Engine, statement: Statement) -> list[str]:
    """SQLite's query plan lines for one issued statement, with its own parameters."""
    sql, params = statement
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
    return [str(row[-1]) for row in rows]


def test_every_lookup_uses_an_index(
    engine: sa.Engine, shipped: DataMap, issued: list[Statement]
) -> None:
    """No statement scans a table or uses LIKE; each searches a key or an index."""
    targets = _every_type(engine)
    issued.clear()
    resolution = resolve_targets(engine, shipped, targets)
    assert resolution.unmatched == ()
    statements = list(issued)
    assert len(statements) == len(targets) + 1  # the listing takes two hops
    for statement in statements:
        sql = statement[0].upper()
        assert "LIKE" not in sql and "SELECT" in sql, sql
        plan = _plan(engine, statement)
        assert plan, sql
        for line in plan:
            assert "SCAN" not in line, (sql, plan)
            assert line.startswith("SEARCH") and any(i in line for i in INDEXED), (sql, plan)


def test_routes_come_from_the_data_map(shipped: DataMap) -> None:
    """Each target type has routes from its identity fields; listings reach owners via shops."""
    assert routes(shipped, T.LISTING_ID) == (
        Route(
            T.LISTING_ID,
            (Hop("listings", "listing_id", "shop_id"), Hop("shops", "shop_id", "owner_account_id")),
        ),
    )
    assert routes(shipped, T.ORDER_ID)[0].hops == (Hop("orders", "order_id", "buyer_account_id"),)
    (ip,) = routes(shipped, T.IP_ADDRESS)
    assert ip.hops == (Hop("logins", "ip_address", "account_id"),) and ip.time_column == "at"
    assert all(routes(shipped, t) for t in T)
