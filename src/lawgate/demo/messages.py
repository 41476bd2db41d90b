"""Private buyer-seller messages: their metadata is traffic data, their bodies are content."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lawgate.demo import text, vocab
from lawgate.demo.catalog import Catalog
from lawgate.demo.common import DAY, END, Bools, Columns, Ints, between, spans, stream, weighted
from lawgate.demo.lookup import tables
from lawgate.demo.orders import ORDER_BASE, Orders
from lawgate.demo.people import People

MESSAGES_PER_USER = 1.5
ABOUT_ORDERS = 0.7
PLANTED_ORDER = 42
# kinds: 0 buyer after ordering, 1 seller after, 2 buyer asking before, 3 seller answering
TEMPLATES = (vocab.BUYER_AFTER, vocab.SELLER_AFTER, vocab.BUYER_BEFORE, vocab.SELLER_BEFORE)


@dataclass(frozen=True)
class Messages:
    """Every message's parties, order (or -1), listing, wording and time, sorted by time."""

    sender: Ints
    recipient: Ints
    order: Ints
    listing: Ints
    kind: Ints
    template: Ints
    at: Ints

    @property
    def n(self) -> int:
        """How many messages there are."""
        return len(self.at)


def plan_messages(people: People, catalog: Catalog, orders: Orders, seed: int) -> Messages:
    """Conversations about orders (most) and questions before buying (the rest)."""
    rng = stream(seed, "messages")
    total = max(4, round(MESSAGES_PER_USER * people.n))
    linked = round(total * ABOUT_ORDERS)
    parts = [
        _about_orders(rng, catalog, orders, linked),
        _before(rng, people, catalog, total - linked),
    ]
    merged = [np.concatenate(p) for p in zip(*parts, strict=True)]
    buyer, seller, order, listing, from_buyer, at = merged
    kind = np.where(order >= 0, 0, 2) + (~from_buyer).astype(np.int64)
    sizes = np.array([len(group) for group in TEMPLATES])
    template = (rng.random(total) * sizes[kind]).astype(np.int64)
    template[:2] = 0
    when = np.argsort(at, kind="stable")
    sender = np.where(from_buyer, buyer, seller)
    recipient = np.where(from_buyer, seller, buyer)
    columns = (sender, recipient, order, listing, kind, template, at)
    return Messages(*(c[when] for c in columns))


Parts = tuple[Ints, Ints, Ints, Ints, Bools, Ints]


def _about_orders(rng: np.random.Generator, catalog: Catalog, orders: Orders, count: int) -> Parts:
    """Messages on random orders within days of ordering; ORD-1000042 always has two."""
    order = rng.integers(0, orders.n, count)
    order[:2] = PLANTED_ORDER
    from_buyer = rng.random(count) < 0.55
    from_buyer[:2] = (True, False)
    delay = rng.exponential(1.5 * DAY, count).astype(np.int64) + 60
    delay[:2] = (600, 3 * 3600)
    at = np.minimum(orders.at[order] + delay, END)
    listing = orders.listing[order]
    return orders.buyer[order], catalog.seller(listing), order, listing, from_buyer, at


def _before(rng: np.random.Generator, people: People, catalog: Catalog, count: int) -> Parts:
    """Questions about a listing from a would-be buyer, and the seller's answers."""
    listing = rng.integers(0, len(catalog.ids), count)
    seller = catalog.seller(listing)
    buyer = weighted(rng, people.buy_weight, count)
    clash = buyer == seller
    buyer[clash] = (buyer[clash] + 1) % people.n
    earliest = np.maximum(people.created[buyer], catalog.listing_created[listing]) + 60
    at = between(rng, earliest, END)
    from_buyer = rng.random(count) < 0.7
    return buyer, seller, np.full(count, -1, np.int64), listing, from_buyer, at


def message_chunks(
    people: People, catalog: Catalog, messages: Messages, seed: int
) -> Iterator[Columns]:
    """Rows of `messages`."""
    rng = stream(seed, "message-rows")
    for low, high in spans(messages.n):
        rows = slice(low, high)
        order = messages.order[rows]
        yield [
            list(range(low + 1, high + 1)),
            _order_ids(order),
            people.ids[messages.sender[rows]].tolist(),
            people.ids[messages.recipient[rows]].tolist(),
            _bodies(rng, people, catalog, messages, rows),
            text.timestamps(messages.at[rows]),
        ]


def _order_ids(order: Ints) -> list[str | None]:
    """The order a message is about, or None for questions before buying."""
    ids: list[str | None] = list(text.prefixed("ORD-", ORDER_BASE + np.maximum(order, 0), 7))
    for row in np.flatnonzero(order < 0).tolist():
        ids[row] = None
    return ids


def _bodies(
    rng: np.random.Generator, people: People, catalog: Catalog, messages: Messages, rows: slice
) -> list[str]:
    """Short messages in the voice of each side, naming the item, order and recipient."""
    t = tables()
    kind = messages.kind[rows]
    n = len(kind)
    choice = messages.template[rows].tolist()
    sender = messages.sender[rows]
    city = t.cities.values[t.cities.draw(rng, people.region[sender])].tolist()
    item = np.asarray(vocab.ITEMS, dtype=object)[catalog.item[messages.listing[rows]]].tolist()
    name = people.first[messages.recipient[rows]].tolist()
    order = (ORDER_BASE + messages.order[rows]).tolist()
    track = rng.integers(10**9, 10**10, n).tolist()
    parts = zip(kind.tolist(), choice, city, item, name, order, track, strict=True)
    return [
        TEMPLATES[k][c].format(order=f"ORD-{o}", item=i.lower(), name=nm, city=ct, track=tr)
        for k, c, ct, i, nm, o, tr in parts
    ]
