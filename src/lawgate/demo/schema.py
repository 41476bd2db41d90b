"""Tables of the demo marketplace, in SQLAlchemy Core so one schema serves SQLite, PostgreSQL
and MySQL/MariaDB alike.

Times are naive UTC timestamps. No foreign keys are declared: the generator loads tables in bulk
and the relations are documented in datamap/datasets/marketplace.yml instead. Indexes are kept
apart from the tables (INDEXES) so the generator can build them after loading, which is much
faster than maintaining them row by row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()


def _id(
    name: str, length: int, *, primary_key: bool = False, nullable: bool = False
) -> sa.Column[str]:
    """A short text column (VARCHAR, since MySQL cannot index TEXT)."""
    return sa.Column(name, sa.String(length), primary_key=primary_key, nullable=nullable)


def _int(name: str, *, primary_key: bool = False, nullable: bool = False) -> sa.Column[int]:
    """An integer column; primary keys never autoincrement: the generator numbers rows."""
    return sa.Column(
        name, sa.Integer, primary_key=primary_key, autoincrement=False, nullable=nullable
    )


def _time(name: str) -> sa.Column[dt.datetime]:
    """A UTC timestamp column."""
    return sa.Column(name, sa.DateTime, nullable=False)


def _table(name: str, *columns: sa.Column[Any]) -> sa.Table:
    """A table; utf8mb4 with binary collation on MySQL, so comparisons match the other engines."""
    return sa.Table(name, metadata, *columns, mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin")


users = _table(
    "users",
    _id("account_id", 10, primary_key=True),
    _id("username", 40),
    _id("email", 120),
    _id("phone", 20),
    _id("full_name", 120),
    _id("status", 10),
    _id("region", 2),
    _time("created_at"),
    _id("created_ip", 45),
)

addresses = _table(
    "addresses",
    _int("address_id", primary_key=True),
    _id("account_id", 10),
    _id("kind", 10),
    _id("line1", 120),
    _id("city", 80),
    _id("postal_code", 16),
    _id("country", 2),
)

shops = _table(
    "shops",
    _int("shop_id", primary_key=True),
    _id("owner_account_id", 10),
    _id("name", 80),
    _time("created_at"),
)

listings = _table(
    "listings",
    _id("listing_id", 16, primary_key=True),
    _int("shop_id"),
    _id("title", 160),
    sa.Column("description", sa.Text, nullable=False),
    _int("price_cents"),
    _id("currency", 3),
    _time("created_at"),
)

orders = _table(
    "orders",
    _id("order_id", 16, primary_key=True),
    _id("buyer_account_id", 10),
    _id("seller_account_id", 10),
    _id("listing_id", 16),
    _int("shipping_address_id"),
    _int("amount_cents"),
    _id("currency", 3),
    _id("status", 12),
    _time("created_at"),
)

payments = _table(
    "payments",
    _int("payment_id", primary_key=True),
    _id("order_id", 16),
    _id("payer_account_id", 10),
    _id("card_masked", 24),
    _id("card_brand", 12),
    _id("processor_reference", 32),
    _int("amount_cents"),
    _time("created_at"),
)

logins = _table(
    "logins",
    _int("login_id", primary_key=True),
    _id("account_id", 10),
    _id("ip_address", 45),
    _time("at"),
    _id("device", 40),
    _id("user_agent", 200),
)

messages = _table(
    "messages",
    _int("message_id", primary_key=True),
    _id("order_id", 16, nullable=True),
    _id("sender_account_id", 10),
    _id("recipient_account_id", 10),
    sa.Column("body", sa.Text, nullable=False),
    _time("sent_at"),
)

TABLES: tuple[sa.Table, ...] = (
    users,
    addresses,
    shops,
    listings,
    orders,
    payments,
    logins,
    messages,
)


def _index(table: sa.Table, *columns: str, unique: bool = False) -> sa.Index:
    """A named index on a table, built after the load (see module docstring)."""
    prefix = "ux" if unique else "ix"
    name = f"{prefix}_{table.name}_{'_'.join(columns)}"
    return sa.Index(name, *(table.c[c] for c in columns), unique=unique)


INDEXES: tuple[sa.Index, ...] = (
    _index(users, "email", unique=True),
    _index(users, "username", unique=True),
    _index(users, "phone"),
    _index(users, "created_ip"),
    _index(addresses, "account_id"),
    _index(shops, "owner_account_id"),
    _index(listings, "shop_id"),
    _index(orders, "buyer_account_id"),
    _index(orders, "seller_account_id"),
    _index(orders, "listing_id"),
    _index(payments, "order_id"),
    _index(payments, "payer_account_id"),
    _index(payments, "processor_reference", unique=True),
    _index(logins, "account_id", "at"),
    _index(logins, "ip_address", "at"),
    _index(messages, "sender_account_id"),
    _index(messages, "recipient_account_id"),
    _index(messages, "order_id"),
)
