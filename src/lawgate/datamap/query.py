"""SQL for a traversal plan: one streaming SELECT per released table, on any SQLAlchemy engine.

Tables are reflected from the platform's database (never ``SELECT *``: only the described
columns are named), and a described column the database lacks is refused up front, naming
collection and field. Each SELECT names the released columns in data-map order, then, for every
key into another account-owned collection, whether that row belongs to a target (a correlated
EXISTS on its key), so the collector can tell a target's address from a stranger's without
remembering ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from lawgate.datamap.model import DataMap, DataMapError
from lawgate.datamap.resolve import STORED_TIME
from lawgate.datamap.traverse import OwnerJoin, Plan, TablePlan, Treatment


def _needed(plan: Plan) -> set[str]:
    """Every collection a plan reads or joins."""
    names = {t.collection for t in plan.tables}
    for table in plan.tables:
        names |= {c.owner_join.collection for c in table.columns if c.owner_join is not None}
    return names


def reflect(engine: sa.Engine, datamap: DataMap, plan: Plan) -> dict[str, sa.Table]:
    """The plan's tables as the database has them, checked against the data map."""
    metadata = sa.MetaData()
    tables: dict[str, sa.Table] = {}
    with engine.connect() as conn:
        for name in sorted(_needed(plan)):
            try:
                table = sa.Table(name, metadata, autoload_with=conn)
            except sa.exc.NoSuchTableError:
                raise DataMapError(
                    datamap.source, "table not found in the database", name
                ) from None
            collection = datamap.collection(name)
            for field in collection.fields if collection else ():
                if field.name not in table.c:
                    raise DataMapError(
                        datamap.source, "column not found in the database", name, field.name
                    )
            tables[name] = table
    return tables


def _time_filter(plan: Plan, table: TablePlan, source: sa.Table) -> list[sa.ColumnElement[bool]]:
    """The approved date range on the collection's event time, if it has one."""
    if plan.window is None or table.time_field is None:
        return []
    column = source.c[table.time_field]
    start = sa.bindparam(None, plan.window.start, type_=STORED_TIME)
    end = sa.bindparam(None, plan.window.end, type_=STORED_TIME)
    return [column >= start, column < end]


def _row_filter(
    plan: Plan,
    table: TablePlan,
    tables: dict[str, sa.Table],
    accounts: Sequence[str],
) -> sa.ColumnElement[bool]:
    """Which rows a collection reaches: by account, or through parents (always read earlier)."""
    source = tables[table.collection]
    if table.account_fields:
        found = sa.or_(*(source.c[f].in_(list(accounts)) for f in table.account_fields))
    else:
        found = sa.or_(
            *(
                source.c[link.field].in_(
                    sa.select(tables[link.parent].c[link.parent_field]).where(
                        _row_filter(plan, plan.table(link.parent), tables, accounts)
                    )
                )
                for link in table.parent_links
            )
        )
    return sa.and_(found, *_time_filter(plan, table, source))


def _owned_by_target(
    join: OwnerJoin, home: sa.FromClause, key: sa.ColumnElement[Any], accounts: Sequence[str]
) -> sa.ColumnElement[bool]:
    """Whether the row a key points to belongs to a target: one index probe per row, never a join.

    A correlated EXISTS in the select list is run per row on the home table's key index, so a
    target with millions of rows cannot make the database hash-join (and so read) the whole home
    table; a key with several home rows counts as the target's if any of them is.
    """
    owned = sa.or_(*(home.c[owner].in_(list(accounts)) for owner in join.owners))
    return sa.exists().where(home.c[join.key] == key, owned)


def select_rows(
    plan: Plan, table: TablePlan, tables: dict[str, sa.Table], accounts: Sequence[str]
) -> sa.Select[Any]:
    """The released columns, then for each owned key whether its row is a target's, by primary key.

    Rows are found only through the account indexes (or a parent's keys) and owner checks are
    per-row index probes, so the work follows the target's rows, not the table's size.
    """
    source = tables[table.collection]
    selected: list[sa.ColumnElement[Any]] = [source.c[c.name] for c in table.columns]
    for number, column in enumerate(table.columns):
        join = column.owner_join
        if column.treatment is not Treatment.OWNED or join is None:
            continue
        home = tables[join.collection].alias(f"owner_{number}")
        owned = _owned_by_target(join, home, source.c[column.name], accounts)
        selected.append(owned.label(f"owned_{number}"))
    statement = sa.select(*selected).select_from(source)
    statement = statement.where(_row_filter(plan, table, tables, accounts))
    if table.order_by is not None:
        statement = statement.order_by(source.c[table.order_by])
    return statement
