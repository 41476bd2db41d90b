"""The second process of a two-process SQLite build (see lawgate.demo.sidecar).

Run as ``python -m lawgate.demo.worker PATH USERS SEED``: it loads the side tables into the
SQLite file PATH and writes ``progress STAGE DONE TOTAL`` lines, then ``done {counts}``.
"""

from __future__ import annotations

import json
import sys

from lawgate.demo import marketplace
from lawgate.demo.sidecar import SIDE_TABLES
from lawgate.demo.writers import open_loader


def _report(stage: str, done: int, total: int) -> None:
    """One progress line for the parent."""
    print("progress", stage, done, total, flush=True)


def main(argv: list[str]) -> int:
    """Plan the same world as the parent, then load, fill and index the side tables."""
    path, users, seed = argv[0], int(argv[1]), int(argv[2])
    world = marketplace.plan_world(users, seed)
    with open_loader(f"sqlite:///{path}") as loader:
        counts = marketplace.load_only(loader, world, SIDE_TABLES, _report)
    print("done", json.dumps(counts), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
