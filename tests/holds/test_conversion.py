"""A production that follows a preservation converts its holds when the package is sealed."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from lawgate.datamap.sources import Source
from lawgate.domain import Agency
from lawgate.holds import services as holds
from lawgate.holds.models import HoldRow
from lawgate.intake import services as intake
from lawgate.lifecycle.production import CaseGate
from lawgate.production.produce import Production
from lawgate.production.signing import SigningKey
from tests.factories import FBI
from tests.holds.conftest import REVIEWER, approve, file
from tests.production.test_package import agency
from tests.production.test_signing import key, key_path

__all__ = ["agency", "key", "key_path"]


def test_sealing_the_production_converts_the_holds(
    factory: sessionmaker[Session],
    settings: object,
    marketplace: sa.Engine,
    marketplace_source: Source,
    agency: tuple[str, Path],
    key: SigningKey,
    tmp_path: Path,
) -> None:
    """Held accounts stay held until the production is sealed, then the holds say converted."""
    with factory.begin() as session:
        intake.register_agency(
            session, Agency.model_validate({**FBI, "age_recipient": agency[0]}), "test"
        )
    preservation = file(factory, settings)  # type: ignore[arg-type]
    with factory.begin() as session:
        approve(session, preservation)
        holds.after_decision(
            session,
            preservation,
            settings,  # type: ignore[arg-type]
            marketplace_source,
            REVIEWER,
        )
    production = file(
        factory,
        settings,  # type: ignore[arg-type]
        kind="production",
        preservation=None,
        preservation_ref=preservation,
        categories=["subscriber"],
    )
    with factory.begin() as session:
        approve(session, production, ["subscriber"])
    Production(factory, marketplace, key, actor=REVIEWER, case=CaseGate()).run(production, tmp_path)
    with factory() as session:
        statuses = set(session.scalars(sa.select(HoldRow.status)))
    assert statuses == {"converted"}
