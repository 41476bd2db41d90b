"""Streaming collection: run a traversal plan against the platform's database, minimise each row.

Rows come through server-side cursors in bounded batches (``yield_per``), are minimised as they
pass (pseudonyms for keys that may not leave in clear) and go straight to the package writer, so
memory stays flat however many rows a table has. Every table read is reported through
``on_read`` with its row count, even when reading stops early, so it can be audited.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa

from lawgate.datamap.categories import LegalCategory
from lawgate.datamap.model import DataMap
from lawgate.datamap.query import reflect, select_rows
from lawgate.datamap.traverse import Plan, TablePlan, Treatment
from lawgate.production import prefetch

BATCH_ROWS = 5_000
PSEUDONYM_PREFIX = "P-"

OnRead = Callable[[str, int, bool], None]
"""Called once per table read: collection, rows read, whether the read completed."""
OnProgress = Callable[[str, int], None]
"""Called after each batch: collection, rows read so far."""


class Pseudonyms:
    """Opaque per-package stand-ins: keyed BLAKE2b, the key random and never stored."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)
        self.of = lru_cache(maxsize=65_536)(self._compute)

    def _compute(self, domain: str, value: object) -> str | None:
        """The same value of the same key always gets the same pseudonym in one package."""
        if value is None:
            return None
        message = f"{domain}\x00{value}".encode()
        digest = hashlib.blake2b(message, key=self._key, digest_size=10).hexdigest()
        return PSEUDONYM_PREFIX + digest


@dataclass(frozen=True)
class _Minimiser:
    """Turns one database row into its released form."""

    width: int
    steps: tuple[Callable[[Sequence[object]], object] | None, ...]

    def __call__(self, row: Sequence[object]) -> list[object]:
        """Released values, in column order; hidden owner columns dropped."""
        out = list(row[: self.width])
        for index, step in enumerate(self.steps):
            if step is not None:
                out[index] = step(row)
        return out


def _step(
    table: TablePlan,
    index: int,
    owner_at: dict[int, tuple[int, ...]],
    targets: frozenset[str],
    show_accounts: bool,
    pseudonyms: Pseudonyms,
) -> Callable[[Sequence[object]], object] | None:
    """How one column's value is released (None: as it is)."""
    column = table.columns[index]
    domain, of = column.domain, pseudonyms.of
    if column.treatment is Treatment.CLEAR:
        return None
    if column.treatment is Treatment.PSEUDONYM:
        return lambda row: of(domain, row[index])
    if column.treatment is Treatment.ACCOUNT:
        visible = targets if show_accounts else frozenset()
        return lambda row: row[index] if row[index] in visible else of(domain, row[index])
    owners = owner_at[index]
    return lambda row: (
        row[index] if any(row[o] in targets for o in owners) else of(domain, row[index])
    )


def minimiser(
    plan: Plan, table: TablePlan, targets: Iterable[str], pseudonyms: Pseudonyms
) -> _Minimiser:
    """The row transformation for a released table of the plan."""
    width = len(table.columns)
    owner_at: dict[int, tuple[int, ...]] = {}
    position = width
    for index, column in enumerate(table.columns):
        if column.treatment is Treatment.OWNED and column.owner_join is not None:
            count = len(column.owner_join.owners)
            owner_at[index] = tuple(range(position, position + count))
            position += count
    show = LegalCategory.SUBSCRIBER in plan.categories
    frozen = frozenset(targets)
    steps = tuple(_step(table, i, owner_at, frozen, show, pseudonyms) for i in range(width))
    return _Minimiser(width, steps)


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

    def tables(self) -> Iterator[tuple[str, tuple[str, ...], Iterator[list[object]]]]:
        """(collection, columns, rows) per released table, for PackageWriter/write_sealed."""
        reflected = reflect(self.engine, self.datamap, self.plan)
        for table in self.plan.released:
            columns = tuple(c.name for c in table.columns)
            statement = select_rows(self.plan, table, reflected, self.accounts)
            yield table.collection, columns, self._rows(table, statement)

    def _rows(
        self, table: TablePlan, statement: sa.Select[tuple[object, ...]]
    ) -> Iterator[list[object]]:
        """Stream one table, minimised, reporting the read however it ends."""
        minimise = minimiser(self.plan, table, self.accounts, self.pseudonyms)
        count, complete = 0, False
        try:
            for batch in prefetch.batches(self.engine, statement, self.batch_rows):
                count += len(batch)
                for row in batch:
                    yield minimise(row)
                if self.on_progress is not None:
                    self.on_progress(table.collection, count)
            complete = True
        finally:
            self.on_read(table.collection, count, complete)
