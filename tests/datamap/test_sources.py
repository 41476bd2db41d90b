"""Named data sources: configured by file, found by name, one pooled engine each, disposed."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

import lawgate
from lawgate.app import create_app
from lawgate.config import Settings, load_settings, sqlite_url
from lawgate.datamap import dataset_path
from lawgate.datamap.sources import (
    MARKETPLACE,
    SourceConfig,
    Sources,
    load_sources_file,
    marketplace_for,
)
from lawgate.errors import ConfigError

SRC = Path(lawgate.__file__).parent
ENGINE_PLACES = ("store/", "datamap/sources.py")
"""The only modules that may make an engine: lawgate's store and the source registry."""


def sqlite_with_name(path: Path, name: str) -> str:
    """A SQLite file whose one row says which database it is; returns its URL."""
    engine = sa.create_engine(sqlite_url(path))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE whoami (name TEXT)"))
        conn.execute(sa.text("INSERT INTO whoami VALUES (:n)"), {"n": name})
    engine.dispose()
    return sqlite_url(path)


def write_sources(folder: Path, entries: Any) -> Path:
    """A sources file holding `entries` under `sources:`."""
    path = folder / "sources.json"
    path.write_text(json.dumps({"sources": entries}), encoding="utf-8")
    return path


def use_sources_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, entries: Any) -> None:
    """Point LAWGATE_SOURCES_FILE at a file of `entries`, with no other source settings."""
    monkeypatch.setenv("LAWGATE_HOME", str(tmp_path))
    monkeypatch.delenv("LAWGATE_MARKETPLACE_URL", raising=False)
    monkeypatch.setenv("LAWGATE_SOURCES_FILE", str(write_sources(tmp_path, entries)))


def closes(engine: sa.Engine) -> list[object]:
    """A list that grows each time the engine's pool really closes a connection."""
    closed: list[object] = []
    sa.event.listen(engine, "close", lambda dbapi, _record: closed.append(dbapi))
    return closed


def test_without_a_sources_file_the_one_source_is_the_marketplace_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LAWGATE_HOME", str(tmp_path))
    monkeypatch.delenv("LAWGATE_SOURCES_FILE", raising=False)
    monkeypatch.delenv("LAWGATE_MARKETPLACE_URL", raising=False)
    assert load_settings().sources == (
        SourceConfig(MARKETPLACE, sqlite_url(tmp_path / "marketplace.sqlite"), MARKETPLACE),
    )
    monkeypatch.setenv("LAWGATE_MARKETPLACE_URL", "postgresql+psycopg://reader@db/market")
    settings = load_settings()
    assert [(s.name, s.url) for s in settings.sources] == [
        (MARKETPLACE, "postgresql+psycopg://reader@db/market")
    ]
    moved = dataclasses.replace(settings, marketplace_url="sqlite:///elsewhere.sqlite")
    assert Sources.from_settings(moved).marketplace.config.url == "sqlite:///elsewhere.sqlite"


def test_several_sources_are_configured_and_each_is_found_by_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    shutil.copyfile(dataset_path(), maps / "payments.yml")
    urls = {name: sqlite_with_name(tmp_path / f"{name}.sqlite", name) for name in ("a", "b", "c")}
    use_sources_file(
        monkeypatch,
        tmp_path,
        [
            {"name": "payments", "url": urls["a"], "datamap": "maps/payments.yml"},
            {"name": MARKETPLACE, "url": urls["b"], "datamap": MARKETPLACE},
            {"name": "lake_2", "url": urls["c"]},
        ],
    )
    settings = load_settings()
    assert settings.marketplace_url == urls["b"], "the file gives the marketplace's URL"
    with Sources.from_settings(settings) as sources:
        assert sources.names == (MARKETPLACE, "payments", "lake_2")
        for name, letter in ((MARKETPLACE, "b"), ("payments", "a"), ("lake_2", "c")):
            with sources[name].engine.connect() as conn:
                found = conn.execute(sa.text("SELECT name FROM whoami")).scalar_one()
            assert found == letter, f"{name} talks to its own database"
        payments = sources["payments"].datamap
        assert payments.source == (maps / "payments.yml").resolve()
        assert sources["payments"].datamap is payments, "read once"
        assert sources.marketplace.datamap.source == dataset_path()


def test_an_unknown_source_name_is_a_clear_error(settings: Settings) -> None:
    with (
        Sources.from_settings(settings) as sources,
        pytest.raises(ConfigError, match=r"no data source named 'ledger' \(configured: market"),
    ):
        sources["ledger"]


GOOD = {"name": "payments", "url": "sqlite:///payments.sqlite"}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([GOOD, {**GOOD, "url": "sqlite:///other.sqlite"}], r"sources\[1\]: duplicate name 'pay"),
        ([GOOD, {**GOOD, "name": "Pay Ments"}], r"sources\[1\]: bad name 'Pay Ments'"),
        ([{**GOOD, "name": ""}], r"sources\[0\]: 'name' must be a non-empty string"),
        ([{**GOOD, "url": "no url at all"}], r"sources\[0\] \(payments\): url cannot be parsed"),
        ([{**GOOD, "url": "mysql://x:notaport/db"}], r"sources\[0\] \(payments\): url cannot be"),
        ([{"name": "payments"}], r"sources\[0\] \(payments\): 'url' must be a non-empty string"),
        ([{**GOOD, "datamap": "ledger"}], r"sources\[0\] \(payments\): unknown data map 'ledger'"),
        ([{**GOOD, "datamap": "maps/none.yml"}], r"\(payments\): unknown data map 'maps/none"),
        ([{**GOOD, "host": "db"}], r"sources\[0\]: unknown key\(s\) host"),
        (["payments=sqlite://"], r"sources\[0\]: must be a mapping of name, url and \(opt"),
        ([], r"must hold 'sources:', a list of sources"),
        ({"payments": "sqlite://"}, r"must hold 'sources:', a list of sources"),
    ],
)
def test_each_bad_entry_is_refused_naming_the_variable_and_the_entry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, entries: Any, message: str
) -> None:
    use_sources_file(monkeypatch, tmp_path, entries)
    with pytest.raises(ConfigError, match=f"^LAWGATE_SOURCES_FILE: .*{message}") as caught:
        load_settings()
    assert "notaport" not in caught.value.message, "a URL (maybe with a password) is not echoed"


def test_a_missing_or_unreadable_sources_file_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LAWGATE_SOURCES_FILE", str(tmp_path / "absent.yml"))
    with pytest.raises(ConfigError, match=r"LAWGATE_SOURCES_FILE: sources file .*absent.yml"):
        load_settings()
    (tmp_path / "broken.yml").write_text("sources: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read"):
        load_sources_file(tmp_path / "broken.yml")


def test_the_marketplace_url_is_given_in_one_place_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_sources_file(monkeypatch, tmp_path, [{"name": MARKETPLACE, "url": "sqlite:///m.sqlite"}])
    monkeypatch.setenv("LAWGATE_MARKETPLACE_URL", "sqlite:///n.sqlite")
    with pytest.raises(ConfigError, match="LAWGATE_MARKETPLACE_URL is set too") as caught:
        load_settings()
    assert caught.value.field == "LAWGATE_MARKETPLACE_URL"


def test_an_engine_is_built_once_even_when_threads_ask_together_and_disposed(
    tmp_path: Path,
) -> None:
    url = sqlite_with_name(tmp_path / "m.sqlite", "m")
    sources = Sources([SourceConfig(MARKETPLACE, url)])
    source = sources.marketplace
    start = threading.Barrier(8)
    seen: list[sa.Engine] = []

    def ask() -> None:
        start.wait()
        seen.append(source.engine)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine = seen[0]
    assert all(found is engine for found in seen) and sources["marketplace"].engine is engine
    closed = closes(engine)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert engine.pool.checkedin() == 1 and not closed, "pooled, kept open between uses"
    sources.dispose()
    assert len(closed) == 1, "dispose closed the pooled connection"
    assert source.engine is not engine, "a use after dispose gets a fresh engine"
    sources.dispose()


def test_one_command_or_job_gets_a_registry_disposed_when_it_ends(settings: Settings) -> None:
    with marketplace_for(settings) as marketplace:
        closed = closes(marketplace.engine)
        with marketplace.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        assert not closed
    assert len(closed) == 1


def test_the_app_builds_the_registry_at_start_and_disposes_it_at_shutdown(
    settings: Settings,
) -> None:
    app = create_app(settings)
    with TestClient(app):
        sources: Sources = app.state.sources
        engine = sources.marketplace.engine
        closed = closes(engine)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        assert sources.marketplace.engine is engine and not closed
    app.state.engine.dispose()
    assert len(closed) == 1, "shutdown closed the marketplace's pool"


def test_engines_are_made_only_by_the_store_and_the_source_registry() -> None:
    """Every other module is handed an engine (or a Source): none opens a pool of its own."""
    makers = {
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if re.search(r"\bcreate_engine\b", path.read_text(encoding="utf-8"))
    }
    assert makers, "the scan found the store's own engine factory"
    assert {m for m in makers if not m.startswith(ENGINE_PLACES)} == set()


def test_a_broken_data_map_stops_start_up_naming_its_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A data map that cannot be read fails create_app, not the first case page that needs it."""
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "payments.yml").write_text("dataset: [unclosed\n", encoding="utf-8")
    url = sqlite_with_name(tmp_path / "pay.sqlite", "pay")
    use_sources_file(
        monkeypatch, tmp_path, [{"name": "payments", "url": url, "datamap": "maps/payments.yml"}]
    )
    settings = load_settings()
    with pytest.raises(ConfigError, match=r"data source 'payments': .*payments\.yml"):
        create_app(settings)
    Sources.from_settings(dataclasses.replace(settings, listed_sources=())).check()
