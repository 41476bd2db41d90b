"""Peer figures: imported in one transaction, replaced on re-import, logged, lined up with ours."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lawgate.auditlog.log import entries_for
from lawgate.cli.report import app
from lawgate.config import Settings
from lawgate.errors import InvalidInputError
from lawgate.reports import peers
from lawgate.reports.google import read_google_csv, write_google_csv
from lawgate.reports.model import GOOGLE_COLUMNS, Period, Row
from lawgate.reports.models import PeerFigureRow
from tests.reports.test_google import real_file

H1 = dt.date(2025, 6, 30)
DE = [
    Row(H1, "Germany", "DE", "Other Legal Requests", 120, 60, 150),
    Row(H1, "Germany", "DE", "Emergency Disclosure Requests", 4, 0, 5),
    Row(H1, "Germany", "DE", "Preservation Requests", 9, None, 0),
]
FR = [Row(H1, "France", "FR", "Other Legal Requests", None, None, None)]


def count(session: Session, source: str) -> int:
    """How many figures a source has."""
    query = select(func.count()).where(PeerFigureRow.source == source)
    return session.execute(query).scalar_one()


def test_importing_again_replaces_the_sources_figures_and_logs_each_import(
    session: Session,
) -> None:
    assert peers.import_peer(session, "google", DE + FR) == 4
    assert peers.import_peer(session, "other", FR) == 1
    session.commit()
    assert peers.import_peer(session, "google", DE[:1], sha256="ab" * 32) == 1
    session.commit()
    assert (count(session, "google"), count(session, "other")) == (1, 1)
    first, second = entries_for(session, "peer:google")
    assert first.event == second.event == "report:peer:imported"
    details = json.loads(first.canonical)["details"]
    digest = hashlib.sha256(write_google_csv(DE + FR).encode()).hexdigest()
    assert details == {"source": "google", "rows": 4, "sha256": digest}
    assert json.loads(second.canonical)["details"]["sha256"] == "ab" * 32


def test_blank_comes_back_blank_and_zero_comes_back_zero(session: Session) -> None:
    peers.import_peer(session, "google", DE + FR)
    session.commit()
    assert peers.peer_rows(session, "google", "de", Period(2025, 1)) == DE
    assert peers.peer_rows(session, "google", "FR", Period(2025, 1)) == FR
    assert peers.peer_rows(session, "google", "DE", Period(2024, 2)) == []


def test_sources_periods_and_countries_are_listed(session: Session) -> None:
    earlier = replace(DE[0], period_ending=dt.date(2024, 12, 31))
    peers.import_peer(session, "google", [*DE, earlier])
    session.commit()
    (found,) = peers.peer_sources(session)
    assert (found.source, found.rows, found.latest) == ("google", 4, Period(2025, 1))
    assert found.imported_at.tzinfo is not None
    assert peers.peer_periods(session, "google") == [Period(2025, 1), Period(2024, 2)]
    assert peers.peer_countries(session, "google") == [("DE", "Germany")]


@pytest.mark.parametrize("source", ["", "Google", "a b", "x" * 41, "../etc"])
def test_a_bad_source_name_is_refused(session: Session, source: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        peers.import_peer(session, source, DE)
    assert caught.value.field == "source"


def test_a_row_the_store_cannot_hold_leaves_the_old_figures(session: Session) -> None:
    peers.import_peer(session, "google", DE)
    session.commit()
    too_big = Row(H1, "Germany", "DE", "All", 2**31, 0, 0)
    with pytest.raises(InvalidInputError, match="row 2"):
        peers.import_peer(session, "google", [DE[0], too_big])
    session.rollback()
    assert count(session, "google") == 3
    assert len(entries_for(session, "peer:google")) == 1


def test_compare_lines_rows_up_by_label_in_googles_order() -> None:
    ours = [
        Row(H1, "Germany", "DE", "Preservation Requests", 2, None, 2),
        Row(H1, "Germany", "DE", "Other Legal Requests", 0, None, 0),
        Row(H1, "Germany", "DE", "Our Own Label", 1, 100, 1),
    ]
    lined = peers.compare(ours, DE)
    assert [c.legal_process for c in lined] == [
        "Other Legal Requests",
        "Emergency Disclosure Requests",
        "Preservation Requests",
        "Our Own Label",
    ]
    assert (lined[0].ours, lined[0].theirs) == (ours[1], DE[0])
    assert lined[0].ours is not None and lined[0].ours.percentage_disclosed is None
    assert lined[1].ours is None
    assert lined[3].theirs is None
    assert peers.compare([], []) == []


def test_compare_refuses_a_label_twice() -> None:
    with pytest.raises(InvalidInputError, match="twice"):
        peers.compare(DE + DE[:1], [])


def cli(settings: Settings, *args: str) -> tuple[int, str]:
    """Run `lawgate report …` against the test's store."""
    env = {"LAWGATE_HOME": str(settings.home), "LAWGATE_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_the_command_imports_a_file_and_lists_peers(
    settings: Settings, session: Session, tmp_path: Path
) -> None:
    file = tmp_path / "google.csv"
    file.write_text(write_google_csv(DE), encoding="utf-8")
    code, output = cli(settings, "import-peer", str(file), "--source", "google")
    assert code == 0, output
    assert "imported 3 rows of google" in output
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    (entry,) = entries_for(session, "peer:google")
    assert json.loads(entry.canonical)["details"]["sha256"] == digest
    code, output = cli(settings, "peers")
    assert code == 0 and "google" in output and "2025-H1" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"2025-06-30,Germany,DE,All,1,0,1\n", "line 1, column 1"),
        (",".join(GOOGLE_COLUMNS).encode() + b"\n2025-06-30,Germany,DE,All,x,0,1\n", "line 2"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_bad_file_exits_2_and_stores_nothing(
    settings: Settings, session: Session, tmp_path: Path, content: bytes, message: str
) -> None:
    file = tmp_path / "bad.csv"
    file.write_bytes(content)
    code, output = cli(settings, "import-peer", str(file))
    assert code == 2
    assert message in output
    assert count(session, "google") == 0
    assert entries_for(session, "peer:google") == []


def test_a_missing_file_and_a_bad_source_exit_2(settings: Settings, tmp_path: Path) -> None:
    code, output = cli(settings, "import-peer", str(tmp_path / "absent.csv"))
    assert code == 2 and "cannot read" in output
    file = tmp_path / "google.csv"
    file.write_text(write_google_csv(DE), encoding="utf-8")
    code, output = cli(settings, "import-peer", str(file), "--source", "Not Valid")
    assert code == 2 and "source" in output


def test_the_real_file_imports_and_reads_back(session: Session) -> None:
    rows = read_google_csv(real_file().read_text(encoding="utf-8"))
    assert peers.import_peer(session, "google", rows) == len(rows)
    session.commit()
    germany = peers.peer_rows(session, "google", "DE", Period(2025, 1))
    assert germany == [r for r in rows if r.country == "DE" and r.period_ending == H1]
    assert any(r.percentage_disclosed is None for r in germany)
