"""`python -m tests.resilience.appender URL`: append audit entries until killed (crash tests)."""

from __future__ import annotations

import itertools
import sys

from lawgate.auditlog import log
from lawgate.store.session import make_engine, session_factory, transaction


def main(url: str) -> None:
    """Transactions of one to three entries, forever: the shape of real appends."""
    factory = session_factory(make_engine(url))
    for round_ in itertools.count():
        with transaction(factory) as session:
            events = [
                log.Event("test:written", "appender", f"r{round_}-{n}")
                for n in range(1 + round_ % 3)
            ]
            log.append_many(session, events)


if __name__ == "__main__":
    main(sys.argv[1])
