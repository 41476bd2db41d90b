"""Publishing from real records: digests in the audit log, in a signed checkpoint."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lawgate.auditlog import merkle, publish, tree, verify
from lawgate.auditlog.checkpoint import open_checkpoint
from lawgate.cli import app
from lawgate.config import Settings
from lawgate.domain import Decision
from lawgate.errors import ConflictError
from lawgate.reports import publish as reports
from lawgate.reports import store
from lawgate.reports.model import Period
from lawgate.store.session import session_factory
from lawgate.web.report_page import render_report
from tests.factories import request_body, rule
from tests.intake.helpers import file_request, register_agency

NOW = dt.datetime.now(dt.UTC)
CURRENT = Period.of(NOW.date())
REJECT = {
    "outcome": "reject",
    "categories": {"subscriber": "deny"},
    "reasons": [
        {
            "code": "purpose_not_permitted",
            "rule": "B1",
            "citation": "company policy B1",
            "message": "Tax matters are not crime.",
        }
    ],
}


@pytest.fixture
def factory(session: Session, settings: Settings) -> sessionmaker[Session]:
    """Three requests this half-year: one rejected, one in review, one US national-security."""
    register_agency(session)
    rejected = file_request(session, settings, request_body(categories=["subscriber"]))
    rule(session, rejected, Decision.model_validate(REJECT))
    session.commit()
    file_request(session, settings, request_body())
    nsl = request_body(
        purpose="national_security",
        categories=["subscriber"],
        legal_process={
            **request_body()["legal_process"],
            "type": "national_security_letter",
            "issuer_role": "fbi_designee",
        },
    )
    file_request(session, settings, nsl)
    return session_factory(session.get_bind())  # type: ignore[arg-type]


def test_a_published_report_is_anchored_in_the_signed_log(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    """Each data file's SHA-256 is in the entry; the checkpoint includes it and verifies."""
    report, publication, folder = reports.publish(factory, settings, CURRENT, NOW, render_report)
    assert folder == store.period_dir(settings.home, CURRENT)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*store.FILES, store.PUBLICATION])
    for name, digest in publication.sha256.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    vkey = publish.verifier_key(settings.log_origin, publish.ensure_log_key(settings.home))
    checkpoint = open_checkpoint(publication.checkpoint, vkey)
    assert checkpoint is not None and checkpoint.size > publication.audit_index
    with factory() as session:
        entry = tree.entries(session, publication.audit_index, publication.audit_index + 1)[0]
        proof = tree.inclusion(session, publication.audit_index, checkpoint.size)
        assert verify.verify_log(session, vkey).ok
    details = json.loads(entry.canonical)["details"]
    assert details["period"] == str(CURRENT)
    assert details["sha256 google.csv"] == publication.sha256["google.csv"]
    leaf = merkle.leaf_hash(entry.canonical.encode("utf-8"))
    index, size = publication.audit_index, checkpoint.size
    assert merkle.verify_inclusion(leaf, index, size, proof.proof, checkpoint.root)
    us = [r for r in report.rows if r.country == "US"]
    assert sum(r.requests or 0 for r in us) == 2, "the NSL is only in the bands"
    assert str(report.national_security[-1].requests) == "0\u2013499"
    assert report.rejections_by_reason == {"purpose_not_permitted": 1}


def test_a_finished_half_year_is_never_rewritten(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    """Publishing the current half-year again replaces it; a finished one is refused."""
    reports.publish(factory, settings, CURRENT, NOW, render_report)
    reports.publish(factory, settings, CURRENT, NOW, render_report)
    later = dt.datetime.combine(CURRENT.ending + dt.timedelta(days=1), dt.time(), dt.UTC)
    with pytest.raises(ConflictError, match="never rewritten"):
        reports.publish(factory, settings, CURRENT, later, render_report)
    leftovers = [p.name for p in store.reports_dir(settings.home).iterdir()]
    assert leftovers == [str(CURRENT)], "no staging or old folders remain"


def test_a_failure_leaves_nothing_published(
    factory: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If rendering fails, no folder appears for the period and no staging folder is left."""

    def broken(*_args: object, **_kwargs: object) -> str:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        reports.publish(factory, settings, CURRENT, NOW, broken)
    assert store.published_periods(settings.home) == []
    assert list(store.reports_dir(settings.home).iterdir()) == []


def test_the_cli_builds_publishes_and_copies(
    factory: sessionmaker[Session],
    settings: Settings,
    tmp_path: Path,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`lawgate report build --period P --out DIR` publishes and copies; the page serves it."""
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    out = tmp_path / "copy"
    result = CliRunner().invoke(
        app, ["report", "build", "--period", str(CURRENT), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*store.FILES, store.PUBLICATION])
    assert "audit entry" in result.output
    page = client.get("/transparency")
    assert page.status_code == 200 and str(CURRENT) in page.text
    bad = CliRunner().invoke(app, ["report", "build", "--period", "2026-Q4"])
    assert bad.exit_code == 2 and "half-year" in bad.output


def test_the_served_page_links_to_the_peer_comparison_and_the_file_does_not(
    factory: sessionmaker[Session], settings: Settings, client: TestClient
) -> None:
    """On the site the page offers the comparison; the saved report.html has no dead link."""
    _report, _publication, folder = reports.publish(factory, settings, CURRENT, NOW, render_report)
    link = f'href="/transparency/compare?period={CURRENT}"'
    assert link in client.get("/transparency").text
    assert link not in (folder / "report.html").read_text(encoding="utf-8")
    compare = client.get(f"/transparency/compare?period={CURRENT}&country=US")
    assert compare.status_code == 200 and "No peer's figures have been imported" in compare.text
