"""Shops and their listings: who sells what, at what price, since when."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lawgate.demo import text, vocab
from lawgate.demo.common import (
    DAY,
    END,
    Columns,
    Floats,
    Ints,
    Objects,
    between,
    objects,
    spans,
    stream,
)
from lawgate.demo.lookup import tables
from lawgate.demo.people import POWER_SELLERS, People

SHOPS_PER_USER = 0.1
LISTING_ID_BASE = 10_000_001


@dataclass(frozen=True)
class Catalog:
    """Shop and listing facts for orders and messages; shops 0..4 are the power sellers'."""

    owner: Ints
    shop_created: Ints
    shop_weight: Floats
    listing_shop: Ints
    listing_created: Ints
    price: Ints
    region: Ints
    item: Ints
    ids: Objects

    @property
    def shops(self) -> int:
        """How many shops there are."""
        return len(self.owner)

    def seller(self, listing: Ints) -> Ints:
        """The account index selling each listing."""
        return self.owner[self.listing_shop[listing]]


def plan_catalog(people: People, seed: int) -> Catalog:
    """Draw the shops, how many listings each has, and each listing's price and age."""
    rng = stream(seed, "catalog")
    owner = _owners(rng, people)
    created = between(rng, people.created[owner] + 3600, END - 2 * DAY, skew=2.0)
    created[:POWER_SELLERS] = people.created[owner[:POWER_SELLERS]] + 3600
    later = POWER_SELLERS + np.argsort(created[POWER_SELLERS:], kind="stable")
    order = np.concatenate([np.arange(POWER_SELLERS), later])
    owner, created = owner[order], created[order]
    shop = np.repeat(np.arange(len(owner)), _listing_counts(rng, people.n, len(owner)))
    listed = between(rng, created[shop] + 600, END - DAY, skew=1.5)
    first_two = np.flatnonzero(shop == 0)[:2]
    listed[first_two] = created[0] + 3600 * (1 + np.arange(len(first_two)))
    chronological = np.argsort(listed, kind="stable")
    shop, listed = shop[chronological], listed[chronological]
    region = people.region[owner[shop]]
    return Catalog(
        owner=owner,
        shop_created=created,
        shop_weight=rng.lognormal(0.0, 1.2, len(owner)),
        listing_shop=shop,
        listing_created=listed,
        price=_prices(rng, region),
        region=region,
        item=rng.integers(0, len(vocab.ITEMS), len(shop)),
        ids=objects(text.prefixed("LST-", LISTING_ID_BASE + np.arange(len(shop)), 8)),
    )


def _owners(rng: np.random.Generator, people: People) -> Ints:
    """The power sellers first, then a tenth of the other accounts, chosen at random."""
    count = max(POWER_SELLERS + 1, int(people.n * SHOPS_PER_USER))
    others = np.setdiff1d(np.arange(people.n), people.power)
    chosen = rng.choice(others, count - POWER_SELLERS, replace=False)
    return np.concatenate([people.power, chosen]).astype(np.int64)


def _listing_counts(rng: np.random.Generator, users: int, shops: int) -> Ints:
    """Most shops list a handful of items; power sellers list thousands at full scale."""
    counts = np.ceil(rng.lognormal(2.0, 1.0, shops)).astype(np.int64)
    counts = np.clip(counts, 1, 1000)
    counts[:POWER_SELLERS] = max(10, users // 100)
    return counts


def _prices(rng: np.random.Generator, region: Ints) -> Ints:
    """Prices in minor units of the seller's currency, ending in .99 (whole tens of yen)."""
    t = tables()
    local = rng.lognormal(3.0, 0.8, len(region)) * t.usd_rate[region]
    yen = t.currency[region] == "JPY"
    cents = np.maximum(np.round(local), 1).astype(np.int64) * 100 - 1
    whole = np.maximum(np.round(local / 10), 10).astype(np.int64) * 10
    return np.where(yen, whole, cents)


def shop_chunks(people: People, catalog: Catalog, seed: int) -> Iterator[Columns]:
    """Rows of `shops`."""
    rng = stream(seed, "shops")
    for low, high in spans(catalog.shops):
        owner = catalog.owner[low:high]
        prefix = objects(vocab.SHOP_PREFIXES)[rng.integers(0, len(vocab.SHOP_PREFIXES), len(owner))]
        word = objects(vocab.SHOP_WORDS)[rng.integers(0, len(vocab.SHOP_WORDS), len(owner))]
        named = rng.random(len(owner)) < 0.4
        first = people.first[owner]
        names = [
            f"{f}'s {w}" if own else f"{p} {w}"
            for own, f, p, w in zip(named.tolist(), first, prefix, word, strict=True)
        ]
        if low == 0:
            names[0] = "Seller One Supply Co."
        created = text.timestamps(catalog.shop_created[low:high])
        yield [list(range(low + 1, high + 1)), people.ids[owner].tolist(), names, created]


def listing_chunks(catalog: Catalog, seed: int) -> Iterator[Columns]:
    """Rows of `listings` (public: titles, descriptions, prices)."""
    rng = stream(seed, "listings")
    t = tables()
    for low, high in spans(len(catalog.ids)):
        rows = slice(low, high)
        titles, descriptions = _wording(rng, catalog.item[rows])
        yield [
            catalog.ids[rows].tolist(),
            (catalog.listing_shop[rows] + 1).tolist(),
            titles,
            descriptions,
            catalog.price[rows].tolist(),
            t.currency[catalog.region[rows]].tolist(),
            text.timestamps(catalog.listing_created[rows]),
        ]


def _wording(rng: np.random.Generator, item: Ints) -> tuple[list[str], list[str]]:
    """Listing titles and descriptions composed from adjective, material and item."""
    n = len(item)
    adj = objects(vocab.ADJECTIVES)[rng.integers(0, len(vocab.ADJECTIVES), n)].tolist()
    mat = objects(vocab.MATERIALS)[rng.integers(0, len(vocab.MATERIALS), n)].tolist()
    suffix = objects(vocab.TITLE_SUFFIXES)[rng.integers(0, len(vocab.TITLE_SUFFIXES), n)]
    form = rng.integers(0, len(vocab.DESCRIPTIONS), n).tolist()
    names = objects(vocab.ITEMS)[item].tolist()
    parts = list(zip(adj, mat, names, suffix.tolist(), form, strict=True))
    titles = [f"{a} {m} {i} {s}".rstrip() for a, m, i, s, _ in parts]
    bodies = [
        vocab.DESCRIPTIONS[f].format(adj=a.lower(), mat=m.lower(), item=i.lower())
        for a, m, i, _, f in parts
    ]
    return titles, bodies
