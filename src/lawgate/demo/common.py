"""Shared pieces of the demo generator: its clock, its random streams and its chunking."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Objects = NDArray[np.object_]
Column = Sequence[Any]
Columns = list[Column]

DAY = 86_400
START = int(dt.datetime(2022, 1, 1, tzinfo=dt.UTC).timestamp())
END = int(dt.datetime(2026, 11, 28, 23, 59, 59, tzinfo=dt.UTC).timestamp())
CHUNK = 100_000


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream per purpose, so one table's draws never shift another's."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("ascii"))])


def spans(total: int, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    """Half-open row ranges of at most `size` rows covering 0..total."""
    for low in range(0, total, size):
        yield low, min(low + size, total)


def weighted(rng: np.random.Generator, weights: Floats, size: int) -> Ints:
    """Weighted draws as shuffled multinomial counts: inverse-CDF lookups miss the cache."""
    share = weights / (weights.sum() * (1.0 + 1e-9))
    counts = rng.multinomial(size, share)
    picks: Ints = np.repeat(np.arange(len(weights), dtype=np.int64), counts)
    rng.shuffle(picks)
    return picks


def choose(rng: np.random.Generator, probabilities: Sequence[float], size: int) -> Ints:
    """Category indices drawn from a small fixed distribution."""
    cdf = np.cumsum(np.asarray(probabilities, dtype=np.float64))
    picks: Ints = np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right")
    return picks.clip(0, len(cdf) - 1)


def between(rng: np.random.Generator, low: Ints, high: int | Ints, skew: float = 1.0) -> Ints:
    """A time in [low, high] per row; skew > 1 leans early, < 1 leans late."""
    span: Ints = np.maximum(np.asarray(high, dtype=np.int64) - low, 0)
    offset: Ints = (span * rng.random(len(low)) ** skew).astype(np.int64)
    return low + offset


def objects(values: Sequence[str]) -> Objects:
    """A list of str as an object array, so fancy indexing shares the strings."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out
