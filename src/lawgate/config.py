"""One place for configuration: environment variables with safe defaults, checked on load."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lawgate.datamap.sources import MARKETPLACE, SourceConfig, load_sources_file
from lawgate.errors import ConfigError
from lawgate.policy.config import PolicyConfig, load_policy_config

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_LOG_ORIGIN = "lawgate.localhost/audit-log"
DEFAULT_CHECKPOINT_SECONDS = 300
DEFAULT_RATE_LIMIT_PER_HOUR = 60
DEFAULT_NOTICE_FROM = "privacy@marketplace.example"
DEFAULT_REPORT_BAND_SIZE = 500


@dataclass(frozen=True)
class Settings:
    """Where lawgate keeps its state and how it is served."""

    home: Path
    database_url: str
    marketplace_url: str
    """The URL of the data source named "marketplace", which requests are resolved against."""
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    log_origin: str = DEFAULT_LOG_ORIGIN
    checkpoint_seconds: int = DEFAULT_CHECKPOINT_SECONDS
    rate_limit_per_hour: int = DEFAULT_RATE_LIMIT_PER_HOUR
    """Requests one agency may submit per hour, over every channel."""
    smtp_url: str | None = None
    """smtp://host:port for user notices; None writes them to $LAWGATE_HOME/outbox instead."""
    notice_from: str = DEFAULT_NOTICE_FROM
    jobs_url: str | None = None
    """redis://host:port/db for background jobs; None queues them in $LAWGATE_HOME/jobs.sqlite3."""
    alert_to: tuple[str, ...] = ()
    """Who is e-mailed when a case nears or passes its deadline; empty writes to the outbox."""
    report_band_size: int = DEFAULT_REPORT_BAND_SIZE
    """US national-security counts are published in bands of 500 or 1000 (50 U.S.C. §1874)."""
    listed_sources: tuple[SourceConfig, ...] = ()
    """The sources LAWGATE_SOURCES_FILE lists; "marketplace" takes its URL from marketplace_url."""

    @property
    def sources(self) -> tuple[SourceConfig, ...]:
        """Every data source by name: "marketplace" first (at marketplace_url), then the rest."""
        listed = {source.name: source for source in self.listed_sources}
        main = listed.pop(MARKETPLACE, SourceConfig(MARKETPLACE, self.marketplace_url))
        return (dataclasses.replace(main, url=self.marketplace_url), *listed.values())

    @property
    def uses_default_database(self) -> bool:
        """True on the embedded default, where lawgate may seed demo data."""
        return self.database_url == sqlite_url(self.home / "lawgate.sqlite")


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path.resolve()}"


def _int_env(name: str, default: int, low: int, high: int) -> int:
    """Read an integer variable, refusing nonsense with the variable's name."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} is outside {low}..{high}")
    return value


def _url_env(name: str, default: str) -> str:
    """Read a database URL, refusing one that SQLAlchemy could never use."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if "://" not in raw:
        raise ConfigError(f"{name}={raw!r} is not a database URL (e.g. postgresql+psycopg://...)")
    return raw


def _origin_env(name: str, default: str) -> str:
    """The log's origin line: printable, no spaces and no '+' (it is also the key's name)."""
    raw = os.environ.get(name, "").strip() or default
    if any(c.isspace() or c == "+" or not c.isprintable() for c in raw):
        raise ConfigError(f"{name}={raw!r} may not contain spaces, '+' or control characters")
    return raw


SMTP_HOST = re.compile(r"[A-Za-z0-9.-]+")


def _smtp_env(name: str) -> str | None:
    """Read an smtp://host:port URL, or None when unset (notices then go to the outbox)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    address = raw.removesuffix("?tls=off")
    host, _, port = address.removeprefix("smtp://").partition(":")
    well_formed = SMTP_HOST.fullmatch(host) and (port == "" or port.isdigit())
    if not raw.startswith("smtp://") or not well_formed:
        raise ConfigError(f"{name}={raw!r} is not an smtp://host:port URL (optionally ?tls=off)")
    return raw


JOBS_SCHEMES = ("redis", "rediss")


def check_jobs_url(name: str, raw: str) -> str:
    """Refuse a jobs URL no supported broker understands, naming the setting."""
    scheme = raw.partition("://")[0].lower()
    if "://" not in raw or scheme not in JOBS_SCHEMES:
        raise ConfigError(
            f"{name}={raw!r} is not a Redis URL (redis://host:port/db); "
            "leave it unset to queue jobs in $LAWGATE_HOME/jobs.sqlite3"
        )
    return raw


def _jobs_env(name: str) -> str | None:
    """Read the job broker's URL, or None for the embedded SQLite queue."""
    raw = os.environ.get(name, "").strip()
    return check_jobs_url(name, raw) if raw else None


def _addresses_env(name: str) -> tuple[str, ...]:
    """Read comma-separated e-mail addresses, refusing anything that is not one."""
    raw = os.environ.get(name, "")
    addresses = tuple(part.strip() for part in raw.split(",") if part.strip())
    for address in addresses:
        local, at, domain = address.rpartition("@")
        if not at or not local or "." not in domain or any(c.isspace() for c in address):
            raise ConfigError(f"{name}: {address!r} is not an e-mail address")
    return addresses


SOURCES_FILE = "LAWGATE_SOURCES_FILE"
MARKETPLACE_URL = "LAWGATE_MARKETPLACE_URL"


def _sources_env(name: str) -> tuple[SourceConfig, ...]:
    """The sources a file lists (none when unset), its errors prefixed with the variable."""
    named = os.environ.get(name, "").strip()
    if not named:
        return ()
    try:
        return load_sources_file(Path(named))
    except ConfigError as exc:
        raise ConfigError(f"{name}: {exc.message}", exc.field) from exc


def _marketplace_url(home: Path, sources: tuple[SourceConfig, ...]) -> str:
    """The marketplace's URL, from the sources file or LAWGATE_MARKETPLACE_URL but not both."""
    listed = [source.url for source in sources if source.name == MARKETPLACE]
    if listed and os.environ.get(MARKETPLACE_URL, "").strip():
        raise ConfigError(
            f"{SOURCES_FILE} gives the source {MARKETPLACE!r} a URL and {MARKETPLACE_URL} "
            "is set too: give it in one place",
            MARKETPLACE_URL,
        )
    if listed:
        return listed[0]
    return _url_env(MARKETPLACE_URL, sqlite_url(home / "marketplace.sqlite"))


def load_settings() -> Settings:
    """Build settings from the environment, failing with the variable's name on bad values."""
    home = Path(os.environ.get("LAWGATE_HOME", "") or "./var")
    sources = _sources_env(SOURCES_FILE)
    return Settings(
        home=home,
        database_url=_url_env("LAWGATE_DATABASE_URL", sqlite_url(home / "lawgate.sqlite")),
        marketplace_url=_marketplace_url(home, sources),
        listed_sources=sources,
        host=os.environ.get("LAWGATE_HOST", "") or DEFAULT_HOST,
        port=_int_env("LAWGATE_PORT", DEFAULT_PORT, 1, 65535),
        policy=load_policy_config(),
        log_origin=_origin_env("LAWGATE_LOG_ORIGIN", DEFAULT_LOG_ORIGIN),
        checkpoint_seconds=_int_env(
            "LAWGATE_CHECKPOINT_SECONDS", DEFAULT_CHECKPOINT_SECONDS, 10, 86_400
        ),
        rate_limit_per_hour=_int_env(
            "LAWGATE_RATE_LIMIT_PER_HOUR", DEFAULT_RATE_LIMIT_PER_HOUR, 1, 1_000_000
        ),
        smtp_url=_smtp_env("LAWGATE_SMTP_URL"),
        notice_from=os.environ.get("LAWGATE_NOTICE_FROM", "").strip() or DEFAULT_NOTICE_FROM,
        jobs_url=_jobs_env("LAWGATE_JOBS_URL"),
        alert_to=_addresses_env("LAWGATE_ALERT_TO"),
        report_band_size=_band_env("LAWGATE_REPORT_BAND_SIZE"),
    )


def _band_env(name: str) -> int:
    """The national-security band size: 500 or 1000, the two the statute allows."""
    size = _int_env(name, DEFAULT_REPORT_BAND_SIZE, 500, 1000)
    if size not in (500, 1000):
        raise ConfigError(f"{name} must be 500 or 1000 (50 U.S.C. §1874), not {size}", name)
    return size
