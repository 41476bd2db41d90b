"""Orders and their payments: who bought what from whom, when, for how much, paid how."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lawgate.demo import text, vocab
from lawgate.demo.catalog import Catalog
from lawgate.demo.common import (
    DAY,
    END,
    Bools,
    Columns,
    Floats,
    Ints,
    between,
    choose,
    objects,
    spans,
    stream,
    weighted,
)
from lawgate.demo.lookup import tables
from lawgate.demo.people import A_USER, BARGAIN_HUNTER, POWER_SELLERS, People

ORDERS_PER_USER = 10
POWER_SHARE = 0.03
ORDER_BASE = 1_000_000
PLANTED_ORDERS = ((42, BARGAIN_HUNTER), (7, A_USER))  # (row, buyer), Seller One's 1st/2nd listing
QUANTITY_WEIGHTS = (0.85, 0.11, 0.04)
# Payment references end in 8 base-62 digits of (row * MIX + offset) mod 62**8: a bijection
# (MIX is odd and not a multiple of 31), so references are unique for up to 62**8 rows.
REFERENCE_MIX = 2_654_435_761
REFERENCE_SPACE = 62**8
STATUSES = objects(vocab.ORDER_STATUSES)


@dataclass(frozen=True)
class Orders:
    """Every order's buyer, listing, time and quantity, sorted by time (ids follow time)."""

    buyer: Ints
    listing: Ints
    at: Ints
    quantity: Ints
    second_address: Bools

    @property
    def n(self) -> int:
        """How many orders there are."""
        return len(self.at)


def order_ids(low: int, high: int) -> list[str]:
    """'ORD-1000000' onwards for order rows low..high."""
    return text.prefixed("ORD-", ORDER_BASE + np.arange(low, high), 7)


def plan_orders(people: People, catalog: Catalog, seed: int) -> Orders:
    """Draw who buys which listing, skewed to a few power sellers and keen buyers."""
    rng = stream(seed, "orders")
    total = ORDERS_PER_USER * people.n
    listing = _listings(rng, catalog, total)
    buyer = weighted(rng, people.buy_weight, total)
    clash = buyer == catalog.seller(listing)
    buyer[clash] = (buyer[clash] + 1) % people.n
    at = between(rng, _earliest(people, catalog, buyer, listing), END, skew=0.8)
    order = np.argsort(at, kind="stable")
    buyer, listing, at = buyer[order], listing[order], at[order]
    _plant(people, catalog, buyer, listing, at)
    return Orders(
        buyer=buyer,
        listing=listing,
        at=at,
        quantity=choose(rng, QUANTITY_WEIGHTS, total) + 1,
        second_address=rng.random(total) < 0.3,
    )


def _earliest(people: People, catalog: Catalog, buyer: Ints, listing: Ints) -> Ints:
    """An order comes a minute after both the buyer's signup and the listing's creation."""
    return np.maximum(people.created[buyer], catalog.listing_created[listing]) + 60


def _listings(rng: np.random.Generator, catalog: Catalog, total: int) -> Ints:
    """Listings ordered: a fixed share at each power seller, the rest by popularity."""
    shop = catalog.listing_shop
    each = _power_orders(total, catalog.shops)
    picks = []
    for power in range(POWER_SELLERS):
        own = np.flatnonzero(shop == power)
        picks.append(own[rng.integers(0, len(own), each)])
    weight = catalog.shop_weight[shop] * rng.lognormal(0.0, 0.8, len(shop))
    weight[shop < POWER_SELLERS] = 0.0
    rest = total - each * POWER_SELLERS
    picks.append(weighted(rng, _capped(weight, shop, 0.5 * each / rest), rest))
    return np.concatenate(picks)


def _power_orders(total: int, shops: int) -> int:
    """Orders per power seller: 3%, or 4x an ordinary shop's when shops are few (max 80%)."""
    # e = 4 (total - 5e) / (shops - 5)  <=>  e = 4 total / (shops + 15)
    wanted = max(round(total * POWER_SHARE), math.ceil(4 * total / (shops + 15)))
    return min(wanted, int(total * 0.8) // POWER_SELLERS)


def _capped(weight: Floats, shop: Ints, share: float) -> Floats:
    """Scale weights so no lucky ordinary shop expects over `share` and outsells a power one."""
    for _ in range(4):
        per_shop = np.bincount(shop, weights=weight)
        factor = np.minimum(1.0, share * per_shop.sum() / np.maximum(per_shop, 1e-300))
        weight = weight * factor[shop]
    return weight


def _plant(people: People, catalog: Catalog, buyer: Ints, listing: Ints, at: Ints) -> None:
    """ORD-1000042: bargainhunter77 buys from Seller One; ORD-1000007: a@example.com does."""
    sellers_first = np.flatnonzero(catalog.listing_shop == 0)[:2]
    for (row, who), item in zip(PLANTED_ORDERS, sellers_first, strict=True):
        buyer[row], listing[row] = who, item
        earliest = max(people.created[who], catalog.listing_created[item]) + 60
        at[row] = max(int(at[row]), int(earliest))


def order_chunks(people: People, catalog: Catalog, orders: Orders, seed: int) -> Iterator[Columns]:
    """Rows of `orders`."""
    rng = stream(seed, "order-rows")
    currency = tables().currency
    for low, high in spans(orders.n):
        rows = slice(low, high)
        buyer, listing = orders.buyer[rows], orders.listing[rows]
        yield [
            order_ids(low, high),
            people.ids[buyer].tolist(),
            people.ids[catalog.seller(listing)].tolist(),
            catalog.ids[listing].tolist(),
            people.ship(orders.second_address[rows], buyer).tolist(),
            (catalog.price[listing] * orders.quantity[rows]).tolist(),
            currency[catalog.region[listing]].tolist(),
            STATUSES[_statuses(rng, orders.at[rows])].tolist(),
            text.timestamps(orders.at[rows]),
        ]


def _statuses(rng: np.random.Generator, at: Ints) -> Ints:
    """Recent orders are still paid or shipped; older ones mostly delivered."""
    settled = choose(rng, vocab.SETTLED_WEIGHTS, len(at))
    recent = choose(rng, vocab.RECENT_WEIGHTS, len(at))
    return np.where(at > END - 6 * DAY, recent, settled)


def payment_chunks(
    people: People, catalog: Catalog, orders: Orders, seed: int
) -> Iterator[Columns]:
    """Rows of `payments`: one card payment per order, moments after it was placed."""
    rng = stream(seed, "payments")
    offset = int(stream(seed, "reference-offset").integers(0, REFERENCE_SPACE))
    for low, high in spans(orders.n):
        rows = slice(low, high)
        buyer, n = orders.buyer[rows], high - low
        card = (rng.random(n) < 0.2).astype(np.int64)
        unique = (np.arange(low, high, dtype=np.int64) * REFERENCE_MIX + offset) % REFERENCE_SPACE
        reference = text.strings(
            [text.literal("ch_", n), text.random_alnum(rng, n, 16), text.digits(unique, 8, 62)]
        )
        paid = np.minimum(orders.at[rows] + rng.integers(3, 900, n), END)
        yield [
            list(range(low + 1, high + 1)),
            order_ids(low, high),
            people.ids[buyer].tolist(),
            people.cards[buyer, card].tolist(),
            people.brands[buyer, card].tolist(),
            reference,
            (catalog.price[orders.listing[rows]] * orders.quantity[rows]).tolist(),
            text.timestamps(paid),
        ]
