"""The collector's query plans for a target, checked for reads of whole marketplace tables.

For each table a package of traffic data holds, the collector's own SELECT (with the target's
account id) is planned as the collector runs it: a server-side cursor planned for all its rows
with lawgate.production.prefetch's POSTGRES_PLANNING settings. A plan breaks the promise
"no code path scans a user table" if, on a table above ``SMALL_TABLE`` rows, it has a
sequential scan, or an index scan with no index condition (a walk of the whole index in key
order, filtering every row). Bitmap and index scans bounded by a condition on an account or key
column are what lawgate wants: their work follows the target's rows, not the platform's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from production_worker import statements
from rich.table import Table
from scale_marketplace import libpq, out

from lawgate.production.prefetch import POSTGRES_PLANNING

SMALL_TABLE = 10_000
"""Below this many rows the planner may rightly read a whole table; above, it must not."""
SCAN_NODES = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan")


@dataclass(frozen=True)
class Read:
    """One scan node of a plan: how a table is read, and whether it reads all of it."""

    table: str
    node: str
    index: str | None
    condition: str | None
    whole: bool


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A plan node and all below it, sub-plans included."""
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _reads(plan: dict[str, Any], sizes: dict[str, int]) -> list[Read]:
    """Every scan in a plan, marked whole when it reads a large table end to end."""
    found = []
    for node in _nodes(plan):
        kind = node["Node Type"]
        if kind not in SCAN_NODES:
            continue
        index = node.get("Index Name")
        table = node.get("Relation Name") or _table_of(index, sizes)
        condition = node.get("Index Cond")
        large = sizes.get(table, 0) > SMALL_TABLE
        unbounded = kind == "Seq Scan" or (kind != "Bitmap Index Scan" and condition is None)
        found.append(Read(table, kind, index, condition, large and unbounded))
    return found


def _table_of(index: str | None, sizes: dict[str, int]) -> str:
    """The table of a bitmap index scan (its node names only the index)."""
    if index is None:
        return "?"
    return max((t for t in sizes if f"_{t}_" in f"_{index}_"), key=len, default=index)


def _table_rows(url: str) -> dict[str, int]:
    """Rows per marketplace table, as the planner believes."""
    with libpq(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT relname, reltuples::bigint FROM pg_class"
            " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        ).fetchall()
    return {name: int(count) for name, count in rows}


def explain(url: str, account: str) -> dict[str, list[Read]]:
    """Each released table's scans for one target, planned as the collector's cursor is."""
    sizes = _table_rows(url)
    found: dict[str, list[Read]] = {}
    with libpq(url) as conn:
        for setting in POSTGRES_PLANNING:
            conn.execute(setting)
        for table, sql in statements(url, account).items():
            row = conn.execute(f"EXPLAIN (FORMAT JSON) DECLARE plan_check CURSOR FOR {sql}")
            document = row.fetchone()
            assert document is not None
            found[table] = _reads(document[0][0]["Plan"], sizes)
        conn.rollback()
    return found


def plans(url: str, accounts: dict[str, str]) -> dict[str, Any]:
    """The scans of every target's collection, and how many read a whole large table."""
    per_target = {label: explain(url, account) for label, account in accounts.items()}
    whole = sum(r.whole for reads in per_target.values() for rs in reads.values() for r in rs)
    return {
        "targets": {
            label: {"account": accounts[label], "tables": _as_json(reads)}
            for label, reads in per_target.items()
        },
        "whole_table_reads": whole,
    }


def _as_json(reads: dict[str, list[Read]]) -> dict[str, list[dict[str, Any]]]:
    """Reads as plain dictionaries for the figures file."""
    return {table: [asdict(r) for r in rs] for table, rs in reads.items()}


def print_plans(found: dict[str, Any]) -> None:
    """One line per scan: target, table, how it is read, and whether it reads the whole table."""
    table = Table(title="how the collector reads each table (EXPLAIN of its cursor)")
    for column in ("target", "collecting", "reads", "scan", "index", "condition", "whole?"):
        table.add_column(column)
    for label, target in found["targets"].items():
        for name, reads in target["tables"].items():
            for r in reads:
                verdict = "[bold red]YES[/]" if r["whole"] else "no"
                condition = (r["condition"] or "")[:60]
                cells = (r["table"], r["node"], r["index"] or "", condition, verdict)
                table.add_row(label, name, *cells)
    out.print(table)
    whole = found["whole_table_reads"]
    verdict = "[green]none: index-bounded reads only[/]" if not whole else "[bold red]SCANS[/]"
    out.print(f"whole reads of tables over {SMALL_TABLE:,} rows in collection: {whole} ({verdict})")
