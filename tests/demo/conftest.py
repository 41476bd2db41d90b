"""Fixtures for the demo marketplace tests: one small generated SQLite marketplace per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from lawgate.demo.marketplace import generate
from tests.demo.helpers import SMALL, Built, sqlite_url


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """One small marketplace per test module (generation is the slow part)."""
    url = sqlite_url(tmp_path_factory.mktemp("demo") / "marketplace.sqlite")
    events: list[tuple[str, int, int]] = []
    counts = generate(url, users=SMALL, seed=3, progress=lambda *e: events.append(e))
    yield Built(url, counts, events)


@pytest.fixture(scope="module")
def engine(built: Built) -> Iterator[sa.Engine]:
    """An engine on the small marketplace."""
    engine = sa.create_engine(built.url)
    yield engine
    engine.dispose()
