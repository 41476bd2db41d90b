"""The store and the server of bench/load.py: agencies with keys, a migrated store, `lawgate serve`.

The store is a temporary SQLite file, or with --database-url a PostgreSQL database of the bench's
own (named lawgate_bench_*), dropped and created afresh each run through the admin database, as
bench/auditlog.py does; lawgate's migrations then run on it like on SQLite.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from auditlog import fresh_database
from lawgate.config import Settings, sqlite_url
from lawgate.demo.samples import warrant_request
from lawgate.domain import Agency
from lawgate.intake import keys
from lawgate.intake import services as intake
from lawgate.store.session import session_factory, transaction

HOST = "127.0.0.1"
BENCH_DATABASE_PREFIX = "lawgate_bench"
"""Only a database so named is dropped: the bench never wipes one it does not own."""


@dataclass(frozen=True)
class LoadAgency:
    """One agency of the run: its id, its mail domain and its API key."""

    id: str
    domain: str
    key: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        """The key id registered for the agency."""
        return f"{self.id}-load"

    def record(self) -> Agency:
        """The registry record."""
        return Agency.model_validate(
            {
                "id": self.id,
                "name": f"Load Test Police {self.id[-2:]}",
                "country": "US",
                "kind": "police",
                "level": "federal",
                "domains": [self.domain],
                "callback_phone": "+1 212 384 1000",
            }
        )

    def request(self, number: int) -> dict[str, Any]:
        """A valid request from this agency, with its own case reference."""
        body = warrant_request(agency_id=self.id, case_reference=f"LOAD-{number:06d}")
        body["officer"]["email"] = f"officer@{self.domain}"
        return body


def make_agencies(count: int) -> list[LoadAgency]:
    """Agencies with keys fixed by their ids, so runs are reproducible."""
    made = []
    for number in range(1, count + 1):
        agency_id = f"us-load-test-{number:02d}"
        secret = hashlib.sha256(agency_id.encode()).digest()
        made.append(
            LoadAgency(agency_id, f"load{number}.gov", Ed25519PrivateKey.from_private_bytes(secret))
        )
    return made


def check_database_url(url: str | None) -> str | None:
    """Why --database-url cannot be used by the bench, or None when it can (or is absent)."""
    if url is None:
        return None
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        return f"--database-url {url!r} cannot be parsed: {exc}"
    if parsed.get_backend_name() != "postgresql":
        return "--database-url must be a postgresql+psycopg:// URL (leave it out for SQLite)"
    if not (parsed.database or "").startswith(BENCH_DATABASE_PREFIX):
        return (
            f"--database-url must name a database starting with {BENCH_DATABASE_PREFIX!r}: "
            "the bench drops and re-creates it"
        )
    return None


def fresh_store_url(home: Path, database_url: str | None, admin_url: str) -> str:
    """The run's store: a SQLite file in `home`, or the PostgreSQL database, made afresh."""
    if database_url is None:
        return sqlite_url(home / "lawgate.sqlite")
    name = sa.make_url(database_url).database or ""
    fresh_database(admin_url, name)
    return database_url


def prepare_store(home: Path, agencies: list[LoadAgency], database_url: str) -> Settings:
    """A migrated store at `database_url` with the agencies and their keys registered."""
    from lawgate import boot

    settings = Settings(
        home=home,
        database_url=database_url,
        marketplace_url=sqlite_url(home / "marketplace.sqlite"),
    )
    engine = boot.open_store(settings)
    with transaction(session_factory(engine)) as session:
        for agency in agencies:
            intake.register_agency(session, agency.record(), "bench:load")
            raw = agency.key.public_key().public_bytes_raw()
            keys.add_key(session, agency.id, agency.key_id, raw, "bench:load")
    engine.dispose()
    return settings


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def lawgate_command() -> list[str]:
    """The `lawgate` entry point of this interpreter's environment."""
    script = Path(sys.executable).with_name("lawgate")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from lawgate.cli import app; app()"]


@contextmanager
def served(settings: Settings, port: int, workers: int) -> Iterator[str]:
    """`lawgate serve` on loopback for the run; stopped (by its own pid) whatever happens."""
    home = settings.home
    env = {
        **os.environ,
        "LAWGATE_HOME": str(home),
        "LAWGATE_DATABASE_URL": settings.database_url,
        "LAWGATE_HOST": HOST,
        "LAWGATE_PORT": str(port),
        "LAWGATE_RATE_LIMIT_PER_HOUR": "1000000",
    }
    env.pop("LAWGATE_JOBS_URL", None)
    log = (home / "serve.log").open("wb")
    command = [*lawgate_command(), "serve", "--no-demo", "--no-worker", f"--workers={workers}"]
    server = subprocess.Popen(  # its own group, so its worker processes can be ended with it
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(base, server, home / "serve.log")
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Wait for the server to answer, or stop with its log if it died or never came up."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"lawgate serve exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    sys.exit(f"lawgate serve did not answer within 60 s:\n{log.read_text()[-2000:]}")
