"""Named data sources: each one's URL, data map and pooled engine, built once per process.

Requests are resolved and collected from the source named ``marketplace``, whose URL is
LAWGATE_MARKETPLACE_URL (the demo marketplace by default). LAWGATE_SOURCES_FILE may name further
sources, or give the marketplace its own data map, in a YAML (or JSON) file::

    sources:
      - name: marketplace
        url: postgresql+psycopg://reader@db-main/marketplace
        datamap: marketplace            # a data map shipped with lawgate, by name
      - name: payments
        url: mysql+pymysql://reader@db-pay/payments
        datamap: maps/payments.yml      # or a Fides dataset file (relative to this file)

Each process (the web application, one CLI command, one job run) builds one ``Sources``, hands a
``Source`` (engine and data map) to the domain functions, and disposes it when it ends, so no
pooled connection outlives the work: a test's dropped database is never "being accessed".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from lawgate.datamap import DATASETS, dataset_path
from lawgate.datamap.model import DataMap, load_datamap
from lawgate.errors import ConfigError, LawgateError

MARKETPLACE = "marketplace"
"""The source requests are resolved and collected from (and the data map it ships with)."""
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
KEYS = ("name", "url", "datamap")
URL_EXAMPLE = "e.g. postgresql+psycopg://user@host/db"


@dataclass(frozen=True)
class SourceConfig:
    """One configured source: its name, its SQLAlchemy URL and the data map describing it."""

    name: str
    url: str
    datamap: str = MARKETPLACE
    """A data map shipped with lawgate (by name) or a Fides dataset YAML file (by path)."""

    @property
    def datamap_file(self) -> Path:
        """The data map's file: a shipped one by name, else the path as given."""
        return dataset_path(self.datamap) if is_shipped(self.datamap) else Path(self.datamap)


def is_shipped(datamap: str) -> bool:
    """Whether a data map reference names one shipped with lawgate (not a path)."""
    return NAME.fullmatch(datamap) is not None and dataset_path(datamap).is_file()


def connect(url: str | URL, **options: Any) -> sa.Engine:
    """An engine on a platform database: the one place lawgate makes one outside its store."""
    return sa.create_engine(url, **options)


def _text(entry: dict[Any, Any], key: str, where: str, default: str | None = None) -> str:
    """A required (or defaulted) string value of an entry, or an error naming it."""
    value = entry.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: '{key}' must be a non-empty string", f"{where}.{key}")
    return value.strip()


def _checked_url(url: str, where: str) -> str:
    """The URL if SQLAlchemy can parse it; the error never repeats it (it may hold a password)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(
            f"{where}: url cannot be parsed as a database URL ({URL_EXAMPLE})", f"{where}.url"
        ) from exc
    if "://" not in url or not parsed.drivername:
        raise ConfigError(f"{where}: url is not a database URL ({URL_EXAMPLE})", f"{where}.url")
    return url


def _checked_datamap(datamap: str, where: str, base: Path) -> str:
    """A shipped data map's name, or the absolute path of an existing data map file."""
    if is_shipped(datamap):
        return datamap
    path = Path(datamap).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        shipped = ", ".join(sorted(p.stem for p in DATASETS.glob("*.yml")))
        raise ConfigError(
            f"{where}: unknown data map {datamap!r}: neither shipped ({shipped}) nor a file",
            f"{where}.datamap",
        )
    return str(path.resolve())


def check_entry(entry: object, where: str, base: Path) -> SourceConfig:
    """One entry of a sources file as a SourceConfig, or an error naming the entry and key."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a mapping of name, url and (optional) datamap", where)
    unknown = sorted(str(key) for key in entry if key not in KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}", where)
    name = _text(entry, "name", where)
    if not NAME.fullmatch(name):
        raise ConfigError(
            f"{where}: bad name {name!r}: lower-case letters, digits and '_', starting with a "
            "letter, at most 40 characters",
            f"{where}.name",
        )
    where = f"{where} ({name})"
    url = _checked_url(_text(entry, "url", where), where)
    datamap = _checked_datamap(_text(entry, "datamap", where, MARKETPLACE), where, base)
    return SourceConfig(name, url, datamap)


def load_sources_file(path: Path) -> tuple[SourceConfig, ...]:
    """Read a sources file, refusing bad entries and duplicate names with where they are."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"sources file {path}: cannot be read ({exc})") from exc
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"sources file {path}: must hold 'sources:', a list of sources")
    found: dict[str, int] = {}
    configs: list[SourceConfig] = []
    for number, entry in enumerate(entries):
        config = check_entry(entry, f"{path}: sources[{number}]", path.parent)
        if config.name in found:
            raise ConfigError(
                f"{path}: sources[{number}]: duplicate name {config.name!r} "
                f"(first given at sources[{found[config.name]}])",
                f"sources[{number}].name",
            )
        found[config.name] = number
        configs.append(config)
    return tuple(configs)


class Configured(Protocol):
    """What names the sources (lawgate.config.Settings), without this layer importing config."""

    @property
    def sources(self) -> tuple[SourceConfig, ...]:
        """Every configured source, by name."""


class Source:
    """A named data source; its engine and data map are made on first use, then shared."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._engine: sa.Engine | None = None
        self._datamap: DataMap | None = None

    @property
    def name(self) -> str:
        """What the source is called in the settings."""
        return self.config.name

    @property
    def engine(self) -> sa.Engine:
        """The pooled engine, made once however many threads ask for it at the same moment."""
        with self._lock:
            if self._engine is None:
                self._engine = connect(self.config.url, pool_pre_ping=True)
            return self._engine

    @property
    def datamap(self) -> DataMap:
        """The source's data map, read and validated once."""
        with self._lock:
            if self._datamap is None:
                self._datamap = load_datamap(self.config.datamap_file)
            return self._datamap

    def dispose(self) -> None:
        """Close the engine's pooled connections; a later use would make a fresh engine."""
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()

    def __repr__(self) -> str:
        return f"Source({self.name!r}, datamap={self.config.datamap!r})"


class Sources:
    """A process's data sources by name; dispose it (or use it in `with`) when the work ends."""

    def __init__(self, configs: Iterable[SourceConfig]) -> None:
        self._sources: dict[str, Source] = {}
        for config in configs:
            if config.name in self._sources:
                raise ConfigError(f"duplicate data source name {config.name!r}", "sources")
            self._sources[config.name] = Source(config)

    @classmethod
    def from_settings(cls, settings: Configured) -> Sources:
        """The registry of every source the settings name (nothing is connected yet)."""
        return cls(settings.sources)

    @property
    def names(self) -> tuple[str, ...]:
        """The configured names, in the order given."""
        return tuple(self._sources)

    def __getitem__(self, name: str) -> Source:
        """The source called `name`, or an error listing the ones there are."""
        try:
            return self._sources[name]
        except KeyError:
            known = ", ".join(self.names) or "none"
            raise ConfigError(
                f"no data source named {name!r} (configured: {known})", "source"
            ) from None

    @property
    def marketplace(self) -> Source:
        """The source requests are resolved and collected from."""
        return self[MARKETPLACE]

    def check(self) -> None:
        """Read every source's data map now, so a broken one stops start-up naming its source."""
        for name in self.names:
            try:
                self[name].datamap  # noqa: B018 - reading it is the check
            except LawgateError as exc:
                raise ConfigError(f"data source {name!r}: {exc.message}", "sources") from exc

    def dispose(self) -> None:
        """Close every engine made so far, so no connection outlives the process's work."""
        for source in self._sources.values():
            source.dispose()

    def __enter__(self) -> Sources:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.dispose()


@contextmanager
def marketplace_for(settings: Configured) -> Iterator[Source]:
    """The marketplace of a registry made for one command or job run, and disposed after it."""
    with Sources.from_settings(settings) as sources:
        yield sources.marketplace
