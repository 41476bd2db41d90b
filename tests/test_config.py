"""Configuration: sane defaults, and a wrong value is an error naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawgate.config import load_settings, sqlite_url
from lawgate.errors import ConfigError
from lawgate.store.session import make_engine


def test_defaults_put_everything_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "LAWGATE_HOME",
        "LAWGATE_DATABASE_URL",
        "LAWGATE_MARKETPLACE_URL",
        "LAWGATE_PORT",
        "LAWGATE_HOST",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.home == Path("var")
    assert settings.database_url == sqlite_url(Path("var/lawgate.sqlite"))
    assert settings.uses_default_database
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_lawgate_home_moves_the_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAWGATE_HOME", str(tmp_path))
    monkeypatch.delenv("LAWGATE_DATABASE_URL", raising=False)
    assert load_settings().database_url == sqlite_url(tmp_path / "lawgate.sqlite")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LAWGATE_PORT", "eighty"),
        ("LAWGATE_PORT", "70000"),
        ("LAWGATE_POLICY_FILE", "/nonexistent/policy.yml"),
        ("LAWGATE_DATABASE_URL", "lawgate.db"),
        ("LAWGATE_MARKETPLACE_URL", "nowhere"),
    ],
)
def test_a_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


@pytest.mark.parametrize("url", ["mysql+pymysql://root@127.0.0.1/x", "not a url://"])
def test_an_unsupported_store_is_refused(url: str) -> None:
    with pytest.raises(ConfigError):
        make_engine(url)


@pytest.mark.parametrize("value", ["250", "750", "abc"])
def test_the_band_size_is_500_or_1000(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """50 U.S.C. §1874 allows bands of 500 or 1000 only; anything else names the variable."""
    monkeypatch.setenv("LAWGATE_REPORT_BAND_SIZE", value)
    with pytest.raises(ConfigError, match="LAWGATE_REPORT_BAND_SIZE"):
        load_settings()
    monkeypatch.setenv("LAWGATE_REPORT_BAND_SIZE", "1000")
    assert load_settings().report_band_size == 1000


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("smtp://mail.example:587", True),
        ("smtp://127.0.0.1:2525?tls=off", True),
        ("smtp://mail.example?tls=on", False),
        ("smtps://mail.example", False),
    ],
)
def test_the_smtp_url_allows_only_an_explicit_plaintext_opt_in(
    monkeypatch: pytest.MonkeyPatch, value: str, accepted: bool
) -> None:
    """`?tls=off` is the one option; anything else is refused naming the variable."""
    monkeypatch.setenv("LAWGATE_SMTP_URL", value)
    if accepted:
        assert load_settings().smtp_url == value
        return
    with pytest.raises(ConfigError, match="LAWGATE_SMTP_URL"):
        load_settings()
