"""Traversal plan: which collections, rows and columns an approved scope lets out, in what order.

The plan is pure (no database): lawgate.datamap.query turns it into SQL. Rules, in order:

- Rows: the account collection is read for the target accounts; a collection that refers to the
  account key is read where *any* of its account references is a target (an order the target
  bought or sold, a message sent or received). Such a collection is never read through another
  reference (payments through orders would hand over other buyers' cards): that is how a third
  party's own data stays out. A collection without an account reference is read through its
  ``direction: from`` references to collections already read, in dependency order as Fides does.
- Dates: a collection with an ``event_time`` field keeps only rows inside the approved range;
  one without is a current record (an account, an address) and is not filtered by date.
- Tables: a collection leaves only if one of its descriptive (non-key) fields is in an approved
  category; keys alone say nothing worth disclosing.
- Columns: descriptive fields leave only in an approved (or public) category. Keys always leave,
  so tables join, but as opaque per-package pseudonyms unless disclosure is allowed:
  account ids in clear only for target accounts and only when subscriber data is approved;
  other keys in clear only when their home field's category is approved, and, for a key of
  another account-owned collection (an order's shipping address), only when that row belongs to
  a target. Everyone else (the other party of an order or message) is a pseudonym.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from lawgate.datamap.categories import LegalCategory
from lawgate.datamap.model import Collection, DataMap, DataMapError, Field
from lawgate.datamap.resolve import account_key


class Treatment(StrEnum):
    """How one output column's values are disclosed."""

    CLEAR = "clear"
    ACCOUNT = "account"
    PSEUDONYM = "pseudonym"
    OWNED = "owned"


@dataclass(frozen=True)
class OwnerJoin:
    """The home row of a key and the account fields that own it, to test ownership per row."""

    collection: str
    key: str
    owners: tuple[str, ...]


@dataclass(frozen=True)
class OutputColumn:
    """One column of a released table and how its values leave."""

    name: str
    treatment: Treatment
    domain: str
    owner_join: OwnerJoin | None = None


@dataclass(frozen=True)
class ParentLink:
    """Rows found through a reference to rows of an earlier collection: ``field IN parent``."""

    field: str
    parent: str
    parent_field: str


@dataclass(frozen=True)
class DateWindow:
    """The approved period as a half-open UTC interval [start, end)."""

    start: dt.datetime
    end: dt.datetime

    @classmethod
    def from_dates(cls, first: dt.date, last: dt.date) -> DateWindow:
        """Whole days, both ends included, in UTC."""
        start = dt.datetime.combine(first, dt.time())
        return cls(start, dt.datetime.combine(last, dt.time()) + dt.timedelta(days=1))


@dataclass(frozen=True)
class TablePlan:
    """How one collection is read and what of it is released."""

    collection: str
    account_fields: tuple[str, ...]
    parent_links: tuple[ParentLink, ...]
    time_field: str | None
    order_by: str | None
    columns: tuple[OutputColumn, ...]
    released: bool


@dataclass(frozen=True)
class Plan:
    """Every collection reached from the target accounts, parents before children."""

    account_domain: str
    categories: frozenset[LegalCategory]
    window: DateWindow | None
    tables: tuple[TablePlan, ...]

    def table(self, collection: str) -> TablePlan:
        """The plan of one reached collection."""
        return next(t for t in self.tables if t.collection == collection)

    @property
    def released(self) -> tuple[TablePlan, ...]:
        """The tables that go into the package, in reading order."""
        return tuple(t for t in self.tables if t.released)


def _domain(field: Field) -> str:
    """The key a field holds values of: what it refers to, else itself."""
    if field.references:
        ref = field.references[0]
        return f"{ref.collection}.{ref.field}"
    return f"{field.collection}.{field.name}"


def _account_fields(collection: Collection, account: str) -> tuple[str, ...]:
    """The fields of a collection holding account ids (the key itself on the account table)."""
    return tuple(f.name for f in collection.fields if _domain(f) == account)


def _reach_order(datamap: DataMap, account: str) -> list[tuple[Collection, tuple[ParentLink, ...]]]:
    """Collections reached from the accounts, in dependency order, with how each is found."""
    reached: list[tuple[Collection, tuple[ParentLink, ...]]] = []
    names: set[str] = set()
    pending = list(datamap.collections)
    progress = True
    while progress:
        progress = False
        for collection in list(pending):
            links = _links(collection, account, names)
            if links is None:
                continue
            reached.append((collection, links))
            names.add(collection.name)
            pending.remove(collection)
            progress = True
    return reached


def _links(
    collection: Collection, account: str, reached: set[str]
) -> tuple[ParentLink, ...] | None:
    """How rows of a collection are found now; None while it cannot be reached yet."""
    if _account_fields(collection, account):
        return ()
    links = tuple(
        ParentLink(field.name, ref.collection, ref.field)
        for field in collection.fields
        for ref in field.references
        if ref.direction == "from" and ref.collection in reached
    )
    return links or None


def _owner_join(datamap: DataMap, field: Field, account: str) -> OwnerJoin | None:
    """For a key into another account-owned collection, the join that tells who owns the row."""
    if not field.references:
        return None
    ref = field.references[0]
    home = datamap.collection(ref.collection)
    if home is None or home.name == field.collection:
        return None
    owners = _account_fields(home, account)
    return OwnerJoin(home.name, ref.field, owners) if owners else None


def _home_category(datamap: DataMap, field: Field) -> LegalCategory:
    """The legal category of the field a key refers to (its own, if it refers to nothing)."""
    collection, _, name = _domain(field).partition(".")
    home = datamap.collection(collection)
    target = home.field(name) if home else None
    return (target or field).legal_category


def _key_column(
    datamap: DataMap, field: Field, account: str, approved: frozenset[LegalCategory]
) -> OutputColumn:
    """A key's column: account, owned, clear or pseudonym."""
    domain = _domain(field)
    if domain == account:
        return OutputColumn(field.name, Treatment.ACCOUNT, domain)
    if _home_category(datamap, field) not in approved:
        return OutputColumn(field.name, Treatment.PSEUDONYM, domain)
    join = _owner_join(datamap, field, account)
    if join is not None:
        return OutputColumn(field.name, Treatment.OWNED, domain, join)
    return OutputColumn(field.name, Treatment.CLEAR, domain)


def _columns(
    datamap: DataMap, collection: Collection, account: str, approved: frozenset[LegalCategory]
) -> tuple[OutputColumn, ...]:
    """The released columns of a collection, in data-map order."""
    visible = approved | {LegalCategory.PUBLIC}
    columns: list[OutputColumn] = []
    for field in collection.fields:
        if field.is_key or _domain(field) == account:
            columns.append(_key_column(datamap, field, account, visible))
        elif field.legal_category in visible:
            columns.append(OutputColumn(field.name, Treatment.CLEAR, _domain(field)))
    return tuple(columns)


def _released(collection: Collection, account: str, approved: frozenset[LegalCategory]) -> bool:
    """A table leaves only for a descriptive field in an approved, non-public category."""
    return any(
        f.legal_category in approved and f.legal_category is not LegalCategory.PUBLIC
        for f in collection.fields
        if not f.is_key and _domain(f) != account
    )


def plan(
    datamap: DataMap, categories: Iterable[LegalCategory | str], window: DateWindow | None
) -> Plan:
    """The traversal for an approved scope; refuses an empty or unknown category list."""
    approved = frozenset(LegalCategory(str(c)) for c in categories)
    if not approved or LegalCategory.PUBLIC in approved:
        raise DataMapError(datamap.source, "a plan needs approved legal categories (not public)")
    key = account_key(datamap)
    account = f"{key.collection}.{key.name}"
    tables = []
    for collection, links in _reach_order(datamap, account):
        time_field = collection.event_time
        primary = collection.primary_key
        tables.append(
            TablePlan(
                collection=collection.name,
                account_fields=_account_fields(collection, account),
                parent_links=links,
                time_field=time_field.name if time_field else None,
                order_by=primary.name if primary else None,
                columns=_columns(datamap, collection, account, approved),
                released=_released(collection, account, approved),
            )
        )
    return Plan(account, approved, window, tuple(tables))
