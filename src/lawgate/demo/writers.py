"""Bulk loading into SQLite, PostgreSQL or MySQL/MariaDB, each by its fastest ordinary path.

SQLite: one raw sqlite3 connection, journal and sync off (this database is a throwaway
generator output), executemany inside one transaction. PostgreSQL: COPY through psycopg 3.
MySQL/MariaDB: pymysql executemany, which batches rows into multi-row INSERTs. In every case
tables are (re)created first and indexes built after the load.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateTable

from lawgate.datamap.sources import connect
from lawgate.demo.common import Columns

DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql"}
BACKENDS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}
MYSQL_BATCH = 5_000
Report = Callable[[int, int], None]


def normalise_url(url: str) -> URL:
    """The URL with the driver this loader uses, or ValueError naming what is wrong with it."""
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise ValueError(f"not a database URL: {url!r} ({exc})") from exc
    backend = BACKENDS.get(parsed.get_backend_name())
    if backend is None:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: "
            "use sqlite, postgresql+psycopg or mysql+pymysql"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ValueError("the demo marketplace needs a SQLite file, not an in-memory database")
    return parsed.set(drivername=DRIVERS[backend])


class Loader:
    """Common shape of the three loaders: reset tables, insert columns, build indexes."""

    def __init__(self, url: URL) -> None:
        """Connect without pooling: the load is one long session."""
        self.engine = connect(url, poolclass=NullPool)
        self.raw = self.engine.raw_connection()

    @property
    def driver(self) -> Any:
        """The DBAPI connection of the driver itself (sqlite3, psycopg, pymysql)."""
        return self.raw.driver_connection

    def quote(self, name: str) -> str:
        """An identifier quoted for this dialect where needed."""
        return str(self.engine.dialect.identifier_preparer.quote(name))

    def columns(self, table: sa.Table) -> str:
        """The table's column names, quoted, comma-separated, in table order."""
        return ", ".join(self.quote(c.name) for c in table.columns)

    def ddl(self, statement: Any) -> str:
        """A DDL construct compiled for this dialect."""
        return str(statement.compile(dialect=self.engine.dialect)).strip()

    def execute(self, sql: str) -> None:
        """Run one statement on the raw connection."""
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()

    def reset(self, tables: Sequence[sa.Table]) -> None:
        """Drop the tables if they exist, then create them without their indexes."""
        for table in reversed(tables):
            self.execute(f"DROP TABLE IF EXISTS {self.quote(table.name)}")
        for table in tables:
            self.execute(self.ddl(CreateTable(table)))
        self.raw.commit()

    def insert(self, table: sa.Table, columns: Columns) -> None:
        """Append rows given column-wise."""
        raise NotImplementedError

    def finish_load(self) -> None:
        """Make the inserted rows durable before indexing."""
        self.raw.commit()

    def build_indexes(self, indexes: Sequence[sa.Index], report: Report) -> None:
        """Create each index after the load, reporting progress per index."""
        report(0, len(indexes))
        for done, index in enumerate(indexes, start=1):
            self.execute(self.ddl(sa.schema.CreateIndex(index)))
            self.raw.commit()
            report(done, len(indexes))

    def close(self) -> None:
        """Release the connection and the engine."""
        with contextlib.suppress(Exception):
            self.raw.close()
        self.engine.dispose()


class SQLiteLoader(Loader):
    """executemany in one transaction on a connection with journal and sync off."""

    PRAGMAS = (
        "journal_mode=OFF",
        "synchronous=OFF",
        "secure_delete=OFF",
        "temp_store=MEMORY",
        "cache_size=-65536",
        "locking_mode=EXCLUSIVE",
    )

    def __init__(self, url: URL) -> None:
        """Open the file and switch it to bulk-load settings for this connection only."""
        super().__init__(url)
        self.path = str(url.database)
        self.driver.isolation_level = None
        for pragma in self.PRAGMAS:
            self.execute(f"PRAGMA {pragma}")

    def reset(self, tables: Sequence[sa.Table]) -> None:
        """Drop and create the tables, then open the one load transaction."""
        super().reset(tables)
        self.execute("BEGIN")

    def insert(self, table: sa.Table, columns: Columns) -> None:
        """Insert through sqlite3's C executemany loop."""
        marks = ", ".join("?" * len(table.columns))
        sql = f"INSERT INTO {self.quote(table.name)} ({self.columns(table)}) VALUES ({marks})"
        self.driver.executemany(sql, zip(*columns, strict=True))

    def finish_load(self) -> None:
        """Commit the load transaction."""
        self.execute("COMMIT")

    def build_indexes(self, indexes: Sequence[sa.Index], report: Report) -> None:
        """Create the indexes in one transaction (nothing to journal)."""
        report(0, len(indexes))
        self.execute("BEGIN")
        for done, index in enumerate(indexes, start=1):
            self.execute(self.ddl(sa.schema.CreateIndex(index)))
            report(done, len(indexes))
        self.execute("COMMIT")


class PostgresLoader(Loader):
    """COPY FROM STDIN through psycopg 3, row tuples written by its C formatter."""

    def insert(self, table: sa.Table, columns: Columns) -> None:
        """Stream the rows into the table with COPY."""
        sql = f"COPY {self.quote(table.name)} ({self.columns(table)}) FROM STDIN"
        with self.driver.cursor() as cursor, cursor.copy(sql) as copy:
            for row in zip(*columns, strict=True):
                copy.write_row(row)

    def build_indexes(self, indexes: Sequence[sa.Index], report: Report) -> None:
        """Create the indexes, then ANALYZE so the planner knows the new tables."""
        super().build_indexes(indexes, report)
        tables = sorted({index.table.name for index in indexes if index.table is not None})
        for name in tables:
            self.execute(f"ANALYZE {self.quote(name)}")
        self.raw.commit()


class MySQLLoader(Loader):
    """pymysql executemany in batches, unique checks off during the load."""

    def __init__(self, url: URL) -> None:
        """Open the connection and relax checks that only slow a bulk load."""
        super().__init__(url)
        self.execute("SET SESSION unique_checks = 0")
        self.execute("SET SESSION foreign_key_checks = 0")

    def insert(self, table: sa.Table, columns: Columns) -> None:
        """Insert in batches; pymysql folds each batch into multi-row INSERT statements."""
        marks = ", ".join(["%s"] * len(table.columns))
        sql = f"INSERT INTO {self.quote(table.name)} ({self.columns(table)}) VALUES ({marks})"
        rows = list(zip(*columns, strict=True))
        cursor = self.driver.cursor()
        try:
            for low in range(0, len(rows), MYSQL_BATCH):
                cursor.executemany(sql, rows[low : low + MYSQL_BATCH])
        finally:
            cursor.close()
        self.raw.commit()


LOADERS: dict[str, type[Loader]] = {
    "sqlite": SQLiteLoader,
    "postgresql": PostgresLoader,
    "mysql": MySQLLoader,
}


@contextlib.contextmanager
def open_loader(url: str) -> Iterator[Loader]:
    """The loader for a URL's database, closed afterwards."""
    parsed = normalise_url(url)
    loader = LOADERS[BACKENDS[parsed.get_backend_name()]](parsed)
    try:
        yield loader
    finally:
        loader.close()
