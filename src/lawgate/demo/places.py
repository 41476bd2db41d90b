"""Postal addresses of the accounts: a shipping address each, some a second one or billing."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from lawgate.demo import text
from lawgate.demo.common import Columns, Ints, objects, spans, stream
from lawgate.demo.lookup import tables
from lawgate.demo.people import People

KINDS = objects(["shipping", "billing"])


def address_chunks(people: People, seed: int) -> Iterator[Columns]:
    """Rows of `addresses`, grouped by account, a chunk of accounts at a time."""
    rng = stream(seed, "addresses")
    for low, high in spans(people.n):
        yield _address_columns(people, rng, np.arange(low, high))


def _address_columns(people: People, rng: np.random.Generator, users: Ints) -> Columns:
    """One chunk of `addresses` columns, in table order."""
    t = tables()
    count = people.address_count[users]
    owner = np.repeat(users, count)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    billing = (position == 2) | ((position == 1) & ~people.has_second[owner])
    region = people.region[owner]
    return [
        (people.address_base[owner] + position).tolist(),
        people.ids[owner].tolist(),
        KINDS[billing.astype(np.int64)].tolist(),
        _street_lines(rng, region),
        t.cities.values[t.cities.draw(rng, region)].tolist(),
        postal_codes(rng, region),
        t.codes[region].tolist(),
    ]


def _street_lines(rng: np.random.Generator, region: Ints) -> list[str]:
    """'12 Main St' or 'Hauptstraße 12', as each country writes a street address."""
    t = tables()
    street = t.streets.values[t.streets.draw(rng, region)].tolist()
    number = rng.integers(1, 300, len(region)).tolist()
    first = t.number_first[region].tolist()
    parts = zip(first, street, number, strict=True)
    return [f"{k} {s}" if nf else f"{s} {k}" for nf, s, k in parts]


def postal_codes(rng: np.random.Generator, region: Ints) -> list[str]:
    """Postal codes in each country's pattern ('#' digit, '@' letter)."""
    out = np.empty(len(region), dtype=object)
    for code in np.unique(region).tolist():
        rows = np.flatnonzero(region == code)
        out[rows] = _fill(rng, tables().postal[code], len(rows))
    return out.tolist()


def _fill(rng: np.random.Generator, pattern: str, n: int) -> list[str]:
    """n random codes following one pattern."""
    columns = []
    for ch in pattern:
        if ch == "#":
            columns.append(rng.integers(48, 58, size=(n, 1)).astype(np.uint8))
        elif ch == "@":
            columns.append(rng.integers(65, 91, size=(n, 1)).astype(np.uint8))
        else:
            columns.append(text.literal(ch, n))
    return text.strings(columns)
