"""The policy file: defaults when absent; every wrong value is an error naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawgate.errors import ConfigError
from lawgate.policy.catalog import default_catalog
from lawgate.policy.config import PolicyConfig, load_policy_config
from lawgate.policy.deadlines import preservation_limit


def test_no_file_means_the_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAWGATE_POLICY_FILE", raising=False)
    config = load_policy_config()
    assert config == PolicyConfig()
    assert (config.max_targets, config.max_targets_emergency) == (50, 5)
    assert (config.preservation_days, config.extension_days) == ({}, {})  # the packs' law
    assert preservation_limit("FR", config) == 60
    assert preservation_limit("FR", config, extension=True) == 30
    assert config.political_statutes is None  # the packs' statutes
    assert any("293" in s.articles for s in default_catalog().political_statutes)


def test_a_file_overrides_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "policy.yml"
    path.write_text("max_targets: 20\npreservation_days: {us: 60, eu: 60, other: 45}\n")
    config = load_policy_config(path)
    assert config.max_targets == 20
    assert [preservation_limit(c, config) for c in ("IN", "GB", "US", "FR")] == [45, 45, 60, 60]
    assert preservation_limit("FR", config, extension=True) == 30  # not named: the law's
    assert config.max_span_days == 730


def test_a_pack_the_file_does_not_name_keeps_its_law(tmp_path: Path) -> None:
    path = tmp_path / "policy.yml"
    path.write_text("preservation_days: {eu: 30}\n")
    config = load_policy_config(path)
    assert [preservation_limit(c, config) for c in ("FR", "US", "IN")] == [30, 90, 90]


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("max_targets: 0\n", "max_targets"),
        ("max_targets: many\n", "max_targets"),
        ("preservation_days: {uss: 90}\n", "preservation_days: .*unknown pack 'uss'"),
        ("extension_days: {baseline: 9}\n", "unknown pack 'baseline'"),
        ("preservation_days: {eu: 0}\n", "preservation_days.eu"),
        ("deadline_dayz: 3\n", "deadline_dayz"),
        ("political_statutes: [{id: x}]\n", "political_statutes.0"),
        ("- just\n- a list\n", "mapping"),
        ("max_targets: [unclosed\n", "cannot be read"),
    ],
)
def test_a_wrong_value_names_its_key(tmp_path: Path, content: str, named: str) -> None:
    path = tmp_path / "policy.yml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=named) as caught:
        load_policy_config(path)
    assert str(path) in caught.value.message


def test_the_environment_variable_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAWGATE_POLICY_FILE", str(tmp_path / "missing.yml"))
    with pytest.raises(ConfigError, match="LAWGATE_POLICY_FILE"):
        load_policy_config()
