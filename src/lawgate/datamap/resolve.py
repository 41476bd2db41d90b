"""Identity resolution: which accounts a request's targets identify, by indexed lookups only.

Each target type is resolved through the data map: the fields whose ``fides_meta.identity`` is
that type find the rows, and the collection's reference to the account key (users.account_id)
names the account; a collection without one is left through its single ``direction: to``
reference (listings.shop_id to shops) until one is reached. Every query is a SQLAlchemy Core
``select`` with bound parameters and equality (``=`` / ``IN``) on an identity or key column, so
each one is an index lookup: never LIKE, never a scan.

Decisions:

- Ownership: an order id resolves to the buyer (the account that placed it), a listing id to the
  shop's owner, a payment reference to the payer. Only orders refer to two accounts (buyer and
  seller); ``OWNER_FIELDS`` settles that, and a collection with several account references and
  no rule there is refused as ambiguous. The counterparty is found later, in collection, from
  the owner's data, never silently added as an identified target.
- IP addresses identify someone only at a moment: they resolve on sign-ins (``WINDOWS``) whose
  time lies within ``window`` (default one hour) either side of the target's ``at``, using the
  (ip_address, at) index. The registration IP (users.created_ip) is not used for resolution.
  A naive ``at`` is taken as UTC, as the databases store naive UTC. On SQLite, times are
  text, so bounds are bound in the stored whole-second form (sub-second parts are dropped).
- Values are normalised first (lawgate.datamap.normalise); one that cannot be normalised
  matches nothing, without a query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from lawgate.datamap.model import DataMap, DataMapError, Field
from lawgate.datamap.normalise import normalise
from lawgate.domain import Target, TargetType

DEFAULT_WINDOW = dt.timedelta(hours=1)
MAX_HOPS = 4

_SQLITE_SECONDS = sqlite.DATETIME(truncate_microseconds=True)  # type: ignore[no-untyped-call]
STORED_TIME = sa.DateTime().with_variant(_SQLITE_SECONDS, "sqlite")
"""Times bound as the demo stores them on SQLite (whole seconds, compared as text)."""

OWNER_FIELDS: dict[str, str] = {"orders": "buyer_account_id"}
"""The owning account of a collection that refers to several accounts: an order's buyer."""

WINDOWS: dict[TargetType, tuple[str, str]] = {TargetType.IP_ADDRESS: ("logins", "at")}
"""Targets valid only at a moment: the one collection resolving them and its time column."""


@dataclass(frozen=True)
class Hop:
    """One lookup: rows of `collection` whose `match` equals the values, giving `take`."""

    collection: str
    match: str
    take: str


@dataclass(frozen=True)
class Route:
    """How a target type reaches account ids, from one identity field."""

    target_type: TargetType
    hops: tuple[Hop, ...]
    time_column: str | None = None


@dataclass(frozen=True)
class TargetAccounts:
    """The accounts one target identifies (sorted; empty when it matched nothing)."""

    target: Target
    account_ids: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    """Every target of a request with the accounts it identifies."""

    results: tuple[TargetAccounts, ...]

    @property
    def unmatched(self) -> tuple[Target, ...]:
        """Targets that identify nobody on the platform."""
        return tuple(r.target for r in self.results if not r.account_ids)

    @property
    def account_ids(self) -> tuple[str, ...]:
        """All accounts identified by any target, sorted."""
        return tuple(sorted({a for r in self.results for a in r.account_ids}))

    @property
    def no_data(self) -> bool:
        """True when no target matched anything: the answer is 'no data', not an error."""
        return not self.account_ids


def account_key(datamap: DataMap) -> Field:
    """The account collection's key: the primary key that answers account_id targets."""
    for field in datamap.identity_fields(TargetType.ACCOUNT_ID):
        if field.primary_key:
            return field
    raise DataMapError(datamap.source, "no primary key field with identity account_id")


def _owner(datamap: DataMap, collection: str, key: Field) -> str | None:
    """The field of a collection naming its owning account, if it refers to accounts."""
    candidates = [
        f.name for f in datamap.referring_to(key.collection, key.name) if f.collection == collection
    ]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    if OWNER_FIELDS.get(collection) in candidates:
        return OWNER_FIELDS[collection]
    raise DataMapError(
        datamap.source, f"ambiguous owner among {candidates}; add to OWNER_FIELDS", collection
    )


def _onward(datamap: DataMap, collection: str) -> tuple[Field, str, str]:
    """The single 'to' reference leading out of a collection without an owner field."""
    found = datamap.collection(collection)
    onward = [
        (f, r.collection, r.field)
        for f in (found.fields if found else ())
        for r in f.references
        if r.direction == "to"
    ]
    if len(onward) != 1:
        raise DataMapError(datamap.source, "no single route to the account key", collection)
    return onward[0]


def _hops(datamap: DataMap, collection: str, match: str, key: Field) -> tuple[Hop, ...]:
    """The lookups from a field to account ids, following references."""
    hops: list[Hop] = []
    while len(hops) < MAX_HOPS:
        if collection == key.collection:
            return (*hops, Hop(collection, match, key.name))
        owner = _owner(datamap, collection, key)
        if owner is not None:
            return (*hops, Hop(collection, match, owner))
        field, next_collection, next_match = _onward(datamap, collection)
        hops.append(Hop(collection, match, field.name))
        collection, match = next_collection, next_match
    raise DataMapError(datamap.source, "route to the account key too long", collection, match)


def routes(datamap: DataMap, target_type: TargetType) -> tuple[Route, ...]:
    """Every route resolving a target type, from the data map's identity fields."""
    key = account_key(datamap)
    fields = datamap.identity_fields(target_type)
    window = WINDOWS.get(target_type)
    if window is not None:
        fields = tuple(f for f in fields if f.collection == window[0])
    time_column = window[1] if window else None
    return tuple(
        Route(target_type, _hops(datamap, f.collection, f.name, key), time_column) for f in fields
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    """Naive UTC, as the databases store times."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class _Window:
    """The time range, on a route's time column, in which a target identifies someone."""

    column: str
    start: dt.datetime
    end: dt.datetime


def _statement(hop: Hop, values: set[object], window: _Window | None) -> sa.Select[tuple[object]]:
    """An equality lookup on one indexed column (plus a time range on the same index)."""
    columns: list[sa.ColumnClause[Any]] = [sa.column(hop.match), sa.column(hop.take)]
    if window is not None:
        columns.append(sa.column(window.column, STORED_TIME))
    table = sa.table(hop.collection, *columns)
    statement = sa.select(table.c[hop.take]).where(table.c[hop.match].in_(sorted(values, key=str)))
    if window is None:
        return statement
    return statement.where(table.c[window.column].between(window.start, window.end))


def _window(route: Route, at: dt.datetime | None, width: dt.timedelta) -> _Window | None:
    """The first hop's time range, if the route is valid only at a moment."""
    if route.time_column is None or at is None:
        return None
    moment = _utc(at)
    return _Window(route.time_column, moment - width, moment + width)


def _follow(
    conn: sa.Connection, route: Route, value: str, at: dt.datetime | None, width: dt.timedelta
) -> set[str]:
    """The account ids one route finds for a normalised value."""
    window = _window(route, at, width)
    if route.time_column is not None and window is None:
        return set()
    values: set[object] = {value}
    for number, hop in enumerate(route.hops):
        statement = _statement(hop, values, window if number == 0 else None)
        values = {v for v in conn.execute(statement).scalars() if v is not None}
        if not values:
            return set()
    return {str(v) for v in values}


def resolve_targets(
    engine: sa.Engine,
    datamap: DataMap,
    targets: Sequence[Target],
    window: dt.timedelta = DEFAULT_WINDOW,
) -> Resolution:
    """Map each target to the sorted account ids it identifies, by indexed lookups only."""
    plans = {t: routes(datamap, t) for t in {target.type for target in targets}}
    results: list[TargetAccounts] = []
    with engine.connect() as conn:
        for target in targets:
            value = normalise(target.type, target.value)
            found: set[str] = set()
            for route in plans[target.type]:
                if value is not None:
                    found |= _follow(conn, route, value, target.at, window)
            results.append(TargetAccounts(target, tuple(sorted(found))))
    return Resolution(tuple(results))
