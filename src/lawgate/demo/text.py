"""Vectorised string building: millions of ids and timestamps without a Python loop per row.

Fixed-width fields are assembled as byte matrices (one row per value, one column per
character) and turned into Python strings in a single decode-and-split, which is several
times faster than formatting each value.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Bytes = NDArray[np.uint8]
Ints = NDArray[np.int64]

ALNUM = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8)
_NEWLINE = ord("\n")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def digits(values: NDArray[Any], width: int, base: int = 10) -> Bytes:
    """Non-negative integers below base**width as zero-padded digits (base 10, or 62)."""
    rest = np.asarray(values, dtype=np.int64).copy()
    out = np.empty((rest.shape[0], width), dtype=np.uint8)
    for col in range(width - 1, -1, -1):
        rest, rem = np.divmod(rest, base)
        out[:, col] = ALNUM[rem] if base > 10 else rem + 48
    return out


def literal(text: str, rows: int) -> Bytes:
    """The same ASCII text on every row, as a (rows, len) byte matrix."""
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(raw, (rows, raw.shape[0]))


def random_alnum(rng: np.random.Generator, rows: int, width: int) -> Bytes:
    """Random letters and digits, as processors use for their references."""
    return ALNUM[rng.integers(0, ALNUM.shape[0], size=(rows, width))]


def strings(parts: Sequence[Bytes]) -> list[str]:
    """Concatenate byte matrices column-wise and decode each row to one str."""
    if not parts or parts[0].shape[0] == 0:
        return []
    rows = parts[0].shape[0]
    matrix = np.concatenate([*parts, np.full((rows, 1), _NEWLINE, np.uint8)], axis=1)
    return matrix.tobytes().decode("ascii").split("\n")[:-1]


def prefixed(prefix: str, numbers: NDArray[Any], width: int) -> list[str]:
    """Identifiers such as 'ORD-1000042' or 'A000000042': zero-padded to at least `width`."""
    if len(numbers) and int(np.max(numbers)) >= 10**width:  # too wide for the fast path
        return [f"{prefix}{n:0{width}d}" for n in np.asarray(numbers).tolist()]
    return strings([literal(prefix, len(numbers)), digits(numbers, width)])


@functools.cache
def _clock_table() -> Bytes:
    """'HH:MM:SS' for every second of a day, looked up instead of computed per row."""
    second = np.arange(86400, dtype=np.int64)
    hour, rest = np.divmod(second, 3600)
    minute, sec = np.divmod(rest, 60)
    colon = literal(":", 86400)
    parts = [digits(hour, 2), colon, digits(minute, 2), colon, digits(sec, 2)]
    return np.concatenate(parts, axis=1)


def _date_table(first_day: int, last_day: int) -> Bytes:
    """'YYYY-MM-DD ' for each day in a range (a few thousand rows at most)."""
    days = [dt.date.fromordinal(_EPOCH_ORDINAL + d) for d in range(first_day, last_day + 1)]
    text = "".join(f"{day.isoformat()} " for day in days).encode("ascii")
    return np.frombuffer(text, dtype=np.uint8).reshape(len(days), 11)


def timestamps(seconds: NDArray[Any]) -> list[str]:
    """UTC 'YYYY-MM-DD HH:MM:SS' texts of epoch seconds; every engine parses this form."""
    seconds = np.asarray(seconds, dtype=np.int64)
    if seconds.shape[0] == 0:
        return []
    days, of_day = np.divmod(seconds, 86400)
    first = int(days.min())
    dates = _date_table(first, int(days.max()))
    return strings([dates[days - first], _clock_table()[of_day]])


def ipv4(octets: Sequence[NDArray[Any]]) -> list[str]:
    """Dotted quads from four octet columns, written without leading zeros."""
    return [f"{a}.{b}.{c}.{d}" for a, b, c, d in zip(*(o.tolist() for o in octets), strict=True)]
