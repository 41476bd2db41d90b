"""The word lists of vocab.py flattened into numpy arrays, so a million rows pick words at once."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lawgate.demo import vocab
from lawgate.demo.common import Ints, Objects, objects


@dataclass(frozen=True)
class Flat:
    """Per-region lists laid end to end: values[offset[r] : offset[r] + count[r]]."""

    values: Objects
    offset: Ints
    count: Ints

    def draw(self, rng: np.random.Generator, region: Ints) -> Ints:
        """A uniformly drawn position in each row's region list."""
        local = (rng.random(len(region)) * self.count[region]).astype(np.int64)
        return self.offset[region] + local


def flat(groups: Sequence[Sequence[Any]]) -> Flat:
    """Flatten one list per region into a Flat."""
    counts = np.array([len(g) for g in groups], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    values = np.empty(int(counts.sum()), dtype=object)
    values[:] = [v for g in groups for v in g]
    return Flat(values, offsets, counts)


@dataclass(frozen=True)
class Tables:
    """Everything the generator looks up by region index."""

    codes: Objects
    weights: tuple[float, ...]
    currency: Objects
    usd_rate: np.ndarray[Any, np.dtype[np.float64]]
    dial: Objects
    digits: Ints
    ipv6: Objects
    postal: tuple[str, ...]
    number_first: np.ndarray[Any, np.dtype[np.bool_]]
    order: tuple[str, ...]
    first: Flat
    first_ascii: Flat
    last: Flat
    last_ascii: Flat
    leads: Flat
    domains: Flat
    octets: Flat
    cities: Flat
    streets: Flat


@functools.cache
def tables() -> Tables:
    """The region tables, built once per process."""
    regions = vocab.REGIONS
    return Tables(
        codes=objects([r.code for r in regions]),
        weights=tuple(r.weight for r in regions),
        currency=objects([r.currency for r in regions]),
        usd_rate=np.array([r.usd_rate for r in regions], dtype=np.float64),
        dial=objects([r.dial for r in regions]),
        digits=np.array([r.digits for r in regions], dtype=np.int64),
        ipv6=objects([r.ipv6 for r in regions]),
        postal=tuple(r.postal for r in regions),
        number_first=np.array([r.number_first for r in regions], dtype=np.bool_),
        order=tuple(r.order for r in regions),
        first=flat([r.first for r in regions]),
        first_ascii=flat([r.first_ascii for r in regions]),
        last=flat([r.last for r in regions]),
        last_ascii=flat([r.last_ascii for r in regions]),
        leads=flat([r.leads for r in regions]),
        domains=flat([r.domains for r in regions]),
        octets=flat([r.octets for r in regions]),
        cities=flat([r.cities for r in regions]),
        streets=flat([r.streets for r in regions]),
    )
