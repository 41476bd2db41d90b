"""Background read-ahead: same rows in the same order, bounded, stoppable, errors passed on."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from lawgate.production import prefetch


@pytest.fixture
def numbers(tmp_path: Path) -> sa.Engine:
    """A SQLite table of the numbers 0..9999."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'n.sqlite'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE n (i INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO n VALUES (:i)"), [{"i": i} for i in range(10_000)])
    return engine


QUERY = sa.text("SELECT i FROM n ORDER BY i")


def test_every_row_arrives_in_order_in_bounded_batches(numbers: sa.Engine) -> None:
    """Batches are at most batch_rows long and together are the whole result."""
    got = list(prefetch.batches(numbers, QUERY, 300))
    assert max(len(b) for b in got) == 300
    assert [row[0] for batch in got for row in batch] == list(range(10_000))


def test_a_consumer_that_stops_early_stops_the_reader(numbers: sa.Engine) -> None:
    """Closing the generator ends the reader thread instead of leaving it blocked."""
    before = threading.active_count()
    stream = prefetch.batches(numbers, QUERY, 100, depth=1)
    next(stream)
    stream.close()
    assert threading.active_count() == before


def test_a_failing_query_raises_in_the_consumer(numbers: sa.Engine) -> None:
    """The reader's database error reaches the caller, who fails closed."""
    with pytest.raises(sa.exc.OperationalError, match="no such table"):
        list(prefetch.batches(numbers, sa.text("SELECT * FROM missing"), 100))
