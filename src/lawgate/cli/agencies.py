"""`lawgate agencies`: the agency registry, its records and their API keys."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lawgate import boot, jsonfiles
from lawgate.cli import agency_keys
from lawgate.cli.common import out, reported, settings_or_exit
from lawgate.domain import Agency
from lawgate.intake import services as intake
from lawgate.store.session import session_factory, transaction

app = typer.Typer(help="The agency registry: agencies and their API keys.")
app.add_typer(agency_keys.app, name="key")


@app.command("add")
def add_agency(file: Annotated[Path, typer.Argument(help="Agency record JSON")]) -> None:
    """Register an agency from its registry record (spec/request-format.md)."""
    settings = settings_or_exit()
    with reported():
        data = jsonfiles.read_json(file)
        if isinstance(data, dict) and "agency" in data and "request" in data:
            data = data["agency"]
        agency = jsonfiles.validated(file, Agency, data)
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            intake.register_agency(session, agency, f"cli:{getpass.getuser()}")
    out.print(f"registered {agency.id}")


@app.command("list")
def list_agencies() -> None:
    """Every registered agency."""
    settings = settings_or_exit()
    with reported():
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            agencies = intake.list_agencies(session)
    table = Table("id", "name", "country", "kind", "domains", "call-back")
    for a in agencies:
        table.add_row(a.id, a.name, a.country, a.kind.value, ", ".join(a.domains), a.callback_phone)
    out.print(table)
