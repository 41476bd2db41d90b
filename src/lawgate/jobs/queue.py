"""The job queue: huey on SQLite beside the store by default, or on Redis at scale."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from huey import Huey, RedisExpireHuey, SqliteHuey

from lawgate.config import Settings, check_jobs_url

SETTING = "LAWGATE_JOBS_URL"
DEFAULT_QUEUE = "lawgate"
QUEUE_FILE = "jobs.sqlite3"
LOCK_SECONDS = 30 * 60
"""How long a periodic job's lock outlives a worker killed while running it (Redis only)."""


def queue_file(home: Path) -> Path:
    """The embedded queue's SQLite file: $LAWGATE_HOME/jobs.sqlite3."""
    return home / QUEUE_FILE


def split_queue(url: str) -> tuple[str, str]:
    """The broker URL without its ?queue=NAME parameter, and that name (default 'lawgate')."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    names = [value for key, value in params if key == "queue" and value]
    rest = urlencode([(key, value) for key, value in params if key != "queue"])
    return urlunsplit(parts._replace(query=rest)), names[-1] if names else DEFAULT_QUEUE


def make_queue(settings: Settings) -> Huey:
    """The queue the settings name: Redis for jobs_url, else SQLite in $LAWGATE_HOME."""
    if settings.jobs_url is None:
        settings.home.mkdir(parents=True, exist_ok=True)
        path = queue_file(settings.home)
        return SqliteHuey(DEFAULT_QUEUE, filename=str(path), results=False, fsync=True)
    broker, name = split_queue(check_jobs_url(SETTING, settings.jobs_url))
    # The expiring Redis storage gives locks a time to live on any Redis version.
    return RedisExpireHuey(name, url=broker, results=False, expire_time=LOCK_SECONDS)


def describe(huey: Huey) -> str:
    """Where a queue lives, for people: the SQLite file, or the Redis server (no password)."""
    if isinstance(huey, SqliteHuey):
        return f"queue '{huey.name}' in {huey.storage.filename} (SQLite)"
    kwargs = huey.storage.pool.connection_kwargs
    where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
    return f"queue '{huey.name}' on redis {where} db {kwargs.get('db', 0)}"


def lock_seconds(huey: Huey) -> int | None:
    """A lock's time to live where the storage supports one; SQLite locks are cleared at start."""
    return None if isinstance(huey, SqliteHuey) else LOCK_SECONDS
