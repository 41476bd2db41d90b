"""Choosing the queue: SQLite beside the store by default, Redis by URL, anything else refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from huey import RedisHuey, SqliteHuey
from typer.testing import CliRunner

from lawgate import cli
from lawgate.config import Settings, load_settings
from lawgate.errors import ConfigError
from lawgate.jobs import worker as jobs_worker
from lawgate.jobs.queue import describe, make_queue, split_queue
from lawgate.jobs.tasks import register


def test_the_embedded_queue_is_a_sqlite_file_in_home(settings: Settings) -> None:
    huey = make_queue(settings)
    assert isinstance(huey, SqliteHuey)
    assert Path(huey.storage.filename) == settings.home / "jobs.sqlite3"
    assert describe(huey) == f"queue 'lawgate' in {settings.home / 'jobs.sqlite3'} (SQLite)"


def test_a_redis_url_picks_redis_and_its_queue(settings: Settings) -> None:
    url = "redis://:secret@127.0.0.1:6379/3?queue=exports"
    huey = make_queue(dataclasses.replace(settings, jobs_url=url))
    assert isinstance(huey, RedisHuey)
    assert huey.name == "exports"
    assert describe(huey) == "queue 'exports' on redis 127.0.0.1:6379 db 3"
    assert split_queue("redis://h:1/0") == ("redis://h:1/0", "lawgate")


@pytest.mark.parametrize("url", ["amqp://127.0.0.1/", "sqlite:///x.db", "127.0.0.1:6379"])
def test_another_broker_is_refused_naming_the_setting(settings: Settings, url: str) -> None:
    with pytest.raises(ConfigError, match="LAWGATE_JOBS_URL"):
        make_queue(dataclasses.replace(settings, jobs_url=url))


def test_settings_read_the_jobs_url_and_alert_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAWGATE_JOBS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("LAWGATE_ALERT_TO", " legal@example.com, oncall@example.org ,")
    loaded = load_settings()
    assert loaded.jobs_url == "redis://127.0.0.1:6379/0"
    assert loaded.alert_to == ("legal@example.com", "oncall@example.org")
    monkeypatch.setenv("LAWGATE_JOBS_URL", "kafka://broker")
    with pytest.raises(ConfigError, match="LAWGATE_JOBS_URL"):
        load_settings()
    monkeypatch.delenv("LAWGATE_JOBS_URL")
    monkeypatch.setenv("LAWGATE_ALERT_TO", "legal@example.com, not an address")
    with pytest.raises(ConfigError, match="LAWGATE_ALERT_TO"):
        load_settings()


def test_the_defaults_are_the_embedded_queue_and_the_outbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LAWGATE_JOBS_URL", raising=False)
    monkeypatch.delenv("LAWGATE_ALERT_TO", raising=False)
    assert (load_settings().jobs_url, load_settings().alert_to) == (None, ())


def test_the_app_can_queue_exports(client: Any, settings: Settings) -> None:
    jobs = client.app.state.jobs
    assert isinstance(jobs.huey, SqliteHuey)
    assert sorted(jobs.periodic) == [
        "deadline_alerts",
        "expire_holds",
        "recheck_policy",
        "send_notices",
    ]


class Serving:
    """Stand-ins for uvicorn and the consumer, recording what `lawgate serve` did."""

    def __init__(self) -> None:
        self.started = 0
        self.stopped = 0
        self.served = 0

    def start_in_thread(self, settings: Settings) -> Any:
        self.started += 1
        outer = self

        class Handle:
            tasks = register(make_queue(settings), settings)

            def stop(self) -> None:
                outer.stopped += 1

        return Handle()

    def run(self, *args: Any, **kwargs: Any) -> None:
        self.served += 1


@pytest.mark.parametrize(
    ("flags", "jobs_url", "expected"),
    [
        ([], None, 1),
        (["--no-worker"], None, 0),
        ([], "redis://127.0.0.1:6379/0", 0),
        (["--worker"], "redis://127.0.0.1:6379/0", 1),
    ],
)
def test_serve_runs_the_jobs_on_the_embedded_queue_unless_told_not_to(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    jobs_url: str | None,
    expected: int,
) -> None:
    fake = Serving()
    monkeypatch.setattr(jobs_worker, "start_in_thread", fake.start_in_thread)
    monkeypatch.setattr("uvicorn.run", fake.run)
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAWGATE_JOBS_URL", jobs_url or "")
    result = CliRunner().invoke(cli.app, ["serve", "--no-demo", *flags])
    assert result.exit_code == 0, result.output
    assert (fake.served, fake.started, fake.stopped) == (1, expected, expected)
    assert ("background jobs run here" in result.output) == bool(expected)


def test_run_once_runs_a_periodic_job_now(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAWGATE_MARKETPLACE_URL", settings.marketplace_url)
    runner = CliRunner()
    assert runner.invoke(cli.app, ["jobs", "run-once", "expire-holds"]).output.strip() == (
        "expired 0 hold(s)"
    )
    result = runner.invoke(cli.app, ["jobs", "run-once", "deadline-alerts"])
    assert result.exit_code == 0 and "sent 0 deadline alert(s)" in result.output
    assert runner.invoke(cli.app, ["jobs", "run-once", "nothing"]).exit_code == 2
