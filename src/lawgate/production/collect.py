"""Streaming collection: run a traversal plan against the platform's database, minimise each row.

Rows come through server-side cursors in bounded batches (``yield_per``), are minimised as they
pass (pseudonyms for keys that may not leave in clear) and go straight to the package writer, so
memory stays flat however many rows a table has. Every table read is reported through
``on_read`` with its row count, even when reading stops early, so it can be audited.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from lawgate.datamap.categories import LegalCategory
from lawgate.datamap.model import DataMap
from lawgate.datamap.query import reflect, select_rows
from lawgate.datamap.traverse import Plan, TablePlan, Treatment
from lawgate.production import prefetch

BATCH_ROWS = 5_000
PSEUDONYM_PREFIX = "P-"
REMEMBERED = 65_536
"""Pseudonyms kept per key domain, so repeated values are hashed once; bounded for memory."""

OnRead = Callable[[str, int, bool], None]
"""Called once per table read: collection, rows read, whether the read completed."""
OnProgress = Callable[[str, int], None]
"""Called after each batch: collection, rows read so far."""


class Pseudonyms:
    """Opaque per-package stand-ins: keyed BLAKE2b, the key random and never stored."""

    def __init__(self, key: bytes | None = None) -> None:
        secret = key if key is not None else secrets.token_bytes(32)
        self._keyed = hashlib.blake2b(key=secret, digest_size=10)
        self._domains: dict[str, Any] = {}
        self._seen: dict[str, dict[object, str]] = {}

    def _base(self, domain: str) -> Any:
        """The keyed hash state with the domain absorbed, made once per domain."""
        base = self._domains.get(domain)
        if base is None:
            base = self._domains[domain] = self._keyed.copy()
            base.update(domain.encode() + b"\x00")
        return base

    def of(self, domain: str, value: object) -> str | None:
        """The same value of the same key always gets the same pseudonym in one package."""
        return self.column(domain, (value,))[0]

    def column(self, domain: str, values: Iterable[object]) -> list[str | None]:
        """Pseudonyms of a column's values, in one loop (a million-row table calls this per batch).

        Values seen before in this package are remembered (up to ``REMEMBERED`` per domain), so a
        buyer with many orders is hashed once.
        """
        base, seen = self._base(domain), self._seen.setdefault(domain, {})
        found: list[str | None] = []
        for value in values:
            if value is None:
                found.append(None)
                continue
            pseudonym = seen.get(value)
            if pseudonym is None:
                digest = base.copy()
                digest.update(str(value).encode())
                pseudonym = PSEUDONYM_PREFIX + digest.hexdigest()
                if len(seen) < REMEMBERED:
                    seen[value] = pseudonym
            found.append(pseudonym)
        return found


Columns = list[Sequence[object]]
ColumnStep = Callable[[Columns], list[object]]


@dataclass(frozen=True)
class _Minimiser:
    """Turns a batch of database rows into their released form, a column at a time."""

    width: int
    steps: tuple[tuple[int, ColumnStep], ...]

    def batch(self, rows: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
        """Released rows, in column order; hidden ownership flags dropped."""
        if not rows:
            return []
        columns: Columns = list(zip(*rows, strict=True))
        for index, step in self.steps:
            columns[index] = step(columns)
        return list(zip(*columns[: self.width], strict=True))


def _step(
    table: TablePlan,
    index: int,
    owned_at: dict[int, int],
    targets: frozenset[str],
    show_accounts: bool,
    pseudonyms: Pseudonyms,
) -> ColumnStep | None:
    """How one column's values are released (None: as they are)."""
    column = table.columns[index]
    if column.treatment is Treatment.CLEAR:
        return None
    hidden = functools.partial(pseudonyms.column, column.domain)
    if column.treatment is Treatment.PSEUDONYM:
        return lambda cols: list(hidden(cols[index]))
    if column.treatment is Treatment.ACCOUNT:
        visible = targets if show_accounts else frozenset()
        return lambda cols: _keep_where([v in visible for v in cols[index]], cols[index], hidden)
    flags = owned_at[index]
    return lambda cols: _keep_where([bool(f) for f in cols[flags]], cols[index], hidden)


def _keep_where(
    keep: list[bool], values: Sequence[object], hidden: Callable[[Iterable[object]], list[Any]]
) -> list[object]:
    """Values in clear where `keep` says so, pseudonyms elsewhere (hashed in one column call)."""
    pseudonyms = iter(hidden(v for v, clear in zip(values, keep, strict=True) if not clear))
    return [v if clear else next(pseudonyms) for v, clear in zip(values, keep, strict=True)]


def minimiser(
    plan: Plan, table: TablePlan, targets: Iterable[str], pseudonyms: Pseudonyms
) -> _Minimiser:
    """The row transformation for a released table of the plan."""
    width = len(table.columns)
    owned = [
        index
        for index, column in enumerate(table.columns)
        if column.treatment is Treatment.OWNED and column.owner_join is not None
    ]
    owned_at = {index: width + number for number, index in enumerate(owned)}
    show = LegalCategory.SUBSCRIBER in plan.categories
    frozen = frozenset(targets)
    steps = ((i, _step(table, i, owned_at, frozen, show, pseudonyms)) for i in range(width))
    return _Minimiser(width, tuple((i, step) for i, step in steps if step is not None))


@dataclass
class Collector:
    """Reads the released tables of a plan for some accounts, one streaming query each."""

    engine: sa.Engine
    datamap: DataMap
    plan: Plan
    accounts: tuple[str, ...]
    pseudonyms: Pseudonyms
    on_read: OnRead
    on_progress: OnProgress | None = None
    batch_rows: int = BATCH_ROWS

    def tables(self) -> Iterator[tuple[str, tuple[str, ...], Iterator[Sequence[object]]]]:
        """(collection, columns, rows) per released table, for PackageWriter/write_sealed."""
        reflected = reflect(self.engine, self.datamap, self.plan)
        for table in self.plan.released:
            columns = tuple(c.name for c in table.columns)
            statement = select_rows(self.plan, table, reflected, self.accounts)
            yield table.collection, columns, self._rows(table, statement)

    def _rows(
        self, table: TablePlan, statement: sa.Select[tuple[object, ...]]
    ) -> Iterator[Sequence[object]]:
        """Stream one table, minimised, reporting the read however it ends."""
        minimise = minimiser(self.plan, table, self.accounts, self.pseudonyms)
        count, complete = 0, False
        try:
            for batch in prefetch.batches(self.engine, statement, self.batch_rows):
                count += len(batch)
                yield from minimise.batch(batch)
                if self.on_progress is not None:
                    self.on_progress(table.collection, count)
            complete = True
        finally:
            self.on_read(table.collection, count, complete)
