"""The demo marketplace: a realistic, deterministic synthetic platform database.

It stands in for the platform's user data that lawgate collects from: accounts, addresses,
shops, public listings, orders, card payments, sign-ins and private buyer-seller messages
(tables in lawgate.demo.schema, described field by field in datamap/datasets/marketplace.yml).
The same seed and size always give the same rows. All times are naive UTC, spread over
2022-01-01 .. 2026-11-28; account, listing, order, payment, login and message numbers follow
time.

Sizes per 200,000 users (the default; everything scales with `users`): ~20,000 shops,
~260,000 listings, ~300,000 addresses, 2,000,000 orders and as many payments, 1,000,000
sign-ins and 300,000 messages. Five power sellers take 3% of all orders each (60,000 at the
default size; more in small marketplaces, so they still stand out); other shops and buyers
follow long-tailed (log-normal) popularity, no ordinary shop reaching half a power seller.

Fixed records, present for every seed and size (the policy conformance corpus targets them):

- ``A000000001``: username ``sellerone``, e-mail ``seller.one@example.com``, phone
  ``+14155550101``, "Sam O'Neil", US, signed up 2022-01-01 09:00 from ``198.51.100.23``.
  The first power seller: shop 1, "Seller One Supply Co.".
- ``A000000002``: username ``ada_a``, e-mail ``a@example.com``, phone ``+14155550102``,
  "Ada Abbott", US, signed up 2022-01-01 10:30 from ``203.0.113.42``.
- ``A000000003``: username ``bargainhunter77``, e-mail ``bargainhunter77@example.net``,
  phone ``+14155550177``, "Brenda Hunt", US, signed up 2022-01-01 11:00 from ``192.0.2.77``;
  a keen buyer (about 25 times the usual number of orders).
- ``ORD-1000042``: bargainhunter77 buys Seller One's first listing; it has two messages, the
  buyer's and Seller One's reply.
- ``ORD-1000007``: a@example.com buys Seller One's second listing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from lawgate.demo import catalog, logins, messages, orders, people, places, schema, sidecar
from lawgate.demo.common import Columns
from lawgate.demo.writers import Loader, SQLiteLoader, normalise_url, open_loader

DEFAULT_USERS = 200_000
MIN_USERS = 10
MAX_USERS = 5_000_000
Progress = Callable[[str, int, int], None]
Rows = tuple[int, Iterator[Columns]]
Stage = tuple[sa.Table, Callable[[], Rows]]


@dataclass(frozen=True)
class World:
    """The drawn plan that every table's rows are rendered from."""

    seed: int
    people: people.People
    catalog: catalog.Catalog
    orders: orders.Orders


def plan_world(users: int, seed: int) -> World:
    """Draw accounts, shops, listings and orders (numbers only; text comes per chunk)."""
    crowd = people.plan_people(users, seed)
    shops = catalog.plan_catalog(crowd, seed)
    return World(seed, crowd, shops, orders.plan_orders(crowd, shops, seed))


def stages(world: World) -> list[Stage]:
    """Each table with a function giving its row count and chunks, in load order."""
    p, c, o, s = world.people, world.catalog, world.orders, world.seed

    def signins() -> Rows:
        """Plan sign-ins only when their turn comes, to keep memory low."""
        plan = logins.plan_logins(p, s)
        return plan.n, logins.login_chunks(p, plan, s)

    def talk() -> Rows:
        """Plan messages only when their turn comes."""
        plan = messages.plan_messages(p, c, o, s)
        return plan.n, messages.message_chunks(p, c, plan, s)

    return [
        (schema.users, lambda: (p.n, people.user_chunks(p, s))),
        (schema.addresses, lambda: (int(p.address_count.sum()), places.address_chunks(p, s))),
        (schema.shops, lambda: (c.shops, catalog.shop_chunks(p, c, s))),
        (schema.listings, lambda: (len(c.ids), catalog.listing_chunks(c, s))),
        (schema.orders, lambda: (o.n, orders.order_chunks(p, c, o, s))),
        (schema.payments, lambda: (o.n, orders.payment_chunks(p, c, o, s))),
        (schema.logins, signins),
        (schema.messages, talk),
    ]


def check_arguments(url: str, users: int, seed: int) -> None:
    """Refuse sizes, seeds and URLs the generator cannot serve, saying which and why."""
    if isinstance(users, bool) or not isinstance(users, int):
        raise ValueError(f"users must be an integer, not {users!r}")
    if not MIN_USERS <= users <= MAX_USERS:
        raise ValueError(f"users must be between {MIN_USERS} and {MAX_USERS:,}, not {users}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    normalise_url(url)


def generate(
    url: str,
    users: int = DEFAULT_USERS,
    seed: int = 1,
    progress: Progress | None = None,
) -> dict[str, int]:
    """(Re)create the demo marketplace at `url` and return row counts per table.

    `url` is any SQLAlchemy URL of a SQLite file, PostgreSQL (psycopg) or MySQL/MariaDB
    (pymysql) database; existing marketplace tables there are dropped first. `progress` is
    called as ``progress(stage, done, total)``; stage is "plan", a table name, "indexes" or,
    when a large SQLite build runs in two processes, "merge" (table stages may then
    interleave). Raises ValueError for fewer than 10 users or an unusable URL.
    """
    return build(url, users, seed, progress)


def build(
    url: str,
    users: int,
    seed: int,
    progress: Progress | None = None,
    *,
    parallel: bool | None = None,
) -> dict[str, int]:
    """generate(), with the two-process SQLite build forced on or off (None: when it pays)."""
    check_arguments(url, users, seed)
    report = progress or _quiet
    parsed = normalise_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    if parallel is None:
        parallel = sidecar.worthwhile(parsed, users)
    if parallel and sqlite:
        return _build_in_two(url, str(parsed.database), users, seed, report)
    with open_loader(url) as loader:
        return load_tables(loader, _planned(users, seed, report), None, report)


def _planned(users: int, seed: int, report: Progress) -> World:
    """The world, with the planning reported as a stage of its own."""
    report("plan", 0, 1)
    world = plan_world(users, seed)
    report("plan", 1, 1)
    return world


def _build_in_two(url: str, path: str, users: int, seed: int, report: Progress) -> dict[str, int]:
    """Load the side tables in a second process while this one loads the rest, then merge."""
    with sidecar.Sidecar(path, users, seed) as side:

        def relay(stage: str, done: int, total: int) -> None:
            """Report our progress and pass on the second process's."""
            report(stage, done, total)
            side.relay(report)

        world = _planned(users, seed, relay)
        with open_loader(url) as loader:
            assert isinstance(loader, SQLiteLoader)
            counts = load_tables(loader, world, side.tables, relay)
            counts.update(side.wait(report))
            side.merge(loader, report)
    return {table.name: counts[table.name] for table in schema.TABLES}


def load_tables(
    loader: Loader, world: World, skip: Collection[str] | None, report: Progress
) -> dict[str, int]:
    """Create all tables, fill those not skipped, then index all of them (skipped ones empty)."""
    skip = skip or ()
    loader.reset(schema.TABLES)
    counts = {}
    for table, rows in stages(world):
        if table.name not in skip:
            counts[table.name] = _load(loader, table, *rows(), report)
    loader.finish_load()
    loader.build_indexes(schema.INDEXES, lambda done, total: report("indexes", done, total))
    return counts


def load_only(
    loader: Loader, world: World, names: Collection[str], report: Progress
) -> dict[str, int]:
    """Create, fill and index just the named tables (the second process's share)."""
    tables = [t for t in schema.TABLES if t.name in names]
    loader.reset(tables)
    counts = {
        t.name: _load(loader, t, *rows(), report) for t, rows in stages(world) if t.name in names
    }
    loader.finish_load()
    loader.build_indexes(
        [i for i in schema.INDEXES if i.table is not None and i.table.name in names],
        _no_index_report,
    )
    return counts


def _load(
    loader: Loader, table: sa.Table, total: int, chunks: Iterator[Columns], report: Progress
) -> int:
    """Insert one table chunk by chunk, reporting rows done."""
    done = 0
    report(table.name, 0, total)
    for columns in chunks:
        loader.insert(table, columns)
        done += len(columns[0])
        report(table.name, done, total)
    return done


def _no_index_report(done: int, total: int) -> None:
    """The second process's index progress is not shown: the first reports merging."""


def _quiet(stage: str, done: int, total: int) -> None:
    """Progress sink when the caller wants none."""
