"""The traversal plan on a made-up data map: dependency order, parent links, column treatments.

The shipped dataset finds every collection through an account reference; this one also has
collections reached only through other collections (items of orders, notes on items) and a
public catalogue reached only by a ``to`` reference, which must never be read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from lawgate.datamap.model import DataMap, DataMapError, load_datamap
from lawgate.datamap.traverse import DateWindow, ParentLink, Treatment, plan
from lawgate.production.collect import Collector, Pseudonyms


def field(name: str, category: str, **meta: Any) -> dict[str, Any]:
    """A field entry of a Fides dataset."""
    return {"name": name, "fides_meta": {"legal_category": category, **meta}}


def ref(target: str, direction: str = "from") -> list[dict[str, str]]:
    """A references list pointing at target (collection.field)."""
    return [{"dataset": "shop", "field": target, "direction": direction}]


DATASET = {
    "dataset": [
        {
            "fides_key": "shop",
            "collections": [
                {
                    "name": "items",
                    "fields": [
                        field("item_id", "traffic", primary_key=True),
                        field("order_id", "traffic", references=ref("orders.order_id")),
                        field("sku", "traffic", references=ref("catalogue.sku", "to")),
                        field("quantity", "traffic"),
                    ],
                },
                {
                    "name": "notes",
                    "fields": [
                        field("note_id", "content", primary_key=True),
                        field("item_id", "traffic", references=ref("items.item_id")),
                        field("text", "content"),
                    ],
                },
                {
                    "name": "catalogue",
                    "fields": [
                        field("sku", "public", primary_key=True),
                        field("title", "public"),
                    ],
                },
                {
                    "name": "accounts",
                    "fields": [
                        field("account_id", "subscriber", primary_key=True, identity="account_id"),
                        field("email", "subscriber", identity="email"),
                    ],
                },
                {
                    "name": "orders",
                    "fields": [
                        field("order_id", "traffic", primary_key=True),
                        field("buyer", "traffic", references=ref("accounts.account_id")),
                        field("total", "traffic"),
                        field("at", "traffic", event_time=True),
                    ],
                },
            ],
        }
    ]
}

ROWS = {
    "accounts": [("A1", "a1@example.com"), ("A2", "a2@example.com")],
    "orders": [
        ("O1", "A1", 10, dt.datetime(2026, 1, 5)),
        ("O2", "A2", 20, dt.datetime(2026, 1, 6)),
        ("O3", "A1", 30, dt.datetime(2025, 6, 1)),
    ],
    "items": [(1, "O1", "S1", 1), (2, "O2", "S1", 2), (3, "O3", "S2", 3)],
    "notes": [(1, 1, "gift wrap"), (2, 2, "not ours"), (3, 3, "out of range")],
    "catalogue": [("S1", "Lamp"), ("S2", "Chair")],
}


@pytest.fixture
def datamap(tmp_path: Path) -> DataMap:
    """The made-up data map, validated like any other."""
    path = tmp_path / "shop.yml"
    path.write_text(yaml.safe_dump(DATASET), encoding="utf-8")
    return load_datamap(path)


@pytest.fixture
def shop(tmp_path: Path, datamap: DataMap) -> sa.Engine:
    """A SQLite database holding the made-up shop."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    metadata = sa.MetaData()
    types = {
        "quantity": sa.Integer,
        "total": sa.Integer,
        "item_id": sa.Integer,
        "note_id": sa.Integer,
        "at": sa.DateTime,
    }
    for collection in datamap.collections:
        columns = [sa.Column(f.name, types.get(f.name, sa.String)) for f in collection.fields]
        sa.Table(collection.name, metadata, *columns)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for name, rows in ROWS.items():
            table = metadata.tables[name]
            conn.execute(table.insert(), [dict(zip(table.c.keys(), r, strict=True)) for r in rows])
    return engine


def test_collections_come_in_dependency_order(datamap: DataMap) -> None:
    """Accounts, then what refers to them, then children of those; never the catalogue."""
    traversal = plan(datamap, ["traffic", "content"], None)
    assert [t.collection for t in traversal.tables] == ["accounts", "orders", "items", "notes"]
    assert traversal.table("items").parent_links == (ParentLink("order_id", "orders", "order_id"),)
    assert traversal.table("notes").parent_links == (ParentLink("item_id", "items", "item_id"),)
    assert [t.collection for t in traversal.released] == ["orders", "items", "notes"]


def test_keys_of_unapproved_categories_become_pseudonyms(datamap: DataMap) -> None:
    """With content alone, the traffic keys that join notes to items are pseudonyms."""
    notes = plan(datamap, ["content"], None).table("notes")
    treatments = {c.name: c.treatment for c in notes.columns}
    assert treatments == {
        "note_id": Treatment.CLEAR,
        "item_id": Treatment.PSEUDONYM,
        "text": Treatment.CLEAR,
    }


def test_rows_reached_through_parents_respect_targets_and_dates(
    datamap: DataMap, shop: sa.Engine
) -> None:
    """Items and notes of A1's orders in January 2026 only: not A2's, not last year's."""
    window = DateWindow.from_dates(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    traversal = plan(datamap, ["traffic", "content"], window)
    reads: list[tuple[str, int, bool]] = []
    collector = Collector(
        shop, datamap, traversal, ("A1",), Pseudonyms(b"x" * 32), lambda *read: reads.append(read)
    )
    got = {name: list(rows) for name, _, rows in collector.tables()}
    assert [row[0] for row in got["orders"]] == ["O1"]
    assert got["items"] == [(1, "O1", "S1", 1)]
    assert got["notes"] == [(1, 1, "gift wrap")]
    assert reads == [("orders", 1, True), ("items", 1, True), ("notes", 1, True)]


def test_a_plan_needs_approved_categories(datamap: DataMap) -> None:
    """Nothing approved, or only 'public', is not a scope to collect."""
    for categories in ([], ["public"]):
        with pytest.raises(DataMapError, match="approved legal categories"):
            plan(datamap, categories, None)


def test_a_described_column_missing_from_the_database_is_named(
    datamap: DataMap, shop: sa.Engine
) -> None:
    """The data map and the database disagree: refuse before reading, naming the column."""
    with shop.begin() as conn:
        conn.execute(sa.text("ALTER TABLE notes DROP COLUMN text"))
    traversal = plan(datamap, ["content"], None)
    collector = Collector(shop, datamap, traversal, ("A1",), Pseudonyms(), lambda *_: None)
    with pytest.raises(DataMapError, match="collection 'notes', field 'text'"):
        list(collector.tables())
