"""Pack folders: each packs/<name>/pack.yml read and checked, so a country is added as a folder."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lawgate.domain import IssuerRole, LegalProcessType
from lawgate.errors import ConfigError
from lawgate.policy.political import PoliticalStatute, warm

PACKS_DIR = Path(__file__).parent / "packs"
PACK_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
EVERY_COUNTRY = "all"
"""`countries: all`: the company-wide pack, applied to every request (baseline)."""
UNCLAIMED = "unclaimed"
"""`countries: unclaimed`: the pack of every country no other pack claims (rest_of_world)."""

Days = Annotated[int, Field(ge=1, le=3650)]
Hours = Annotated[int, Field(ge=1, le=8760)]
Model = TypeVar("Model", bound=BaseModel)


class PackError(ConfigError):
    """A pack folder, the schema or a citations file is wrong; the message names the file."""


class _Strict(BaseModel):
    """A pack.yml section: an unknown key is a typo, so it is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Deadlines(_Strict):
    """When an answer is due under the pack's law, counted from receipt."""

    response_days: Days
    emergency_response_hours: Hours
    basis: str = ""


class Preservation(_Strict):
    """How long data is kept on a preservation request, and its one extension (B9)."""

    days: Days
    extension_days: Days
    basis: str = ""


class EmergencyValidation(_Strict):
    """An emergency order from an issuer not exempt lapses unless validated within the hours."""

    hours: Hours
    exempt_issuers: tuple[IssuerRole, ...]
    basis: str = ""


class Authorisation(_Strict):
    """An instrument that lapses some hours after its issue date, fewer when urgent."""

    instrument: LegalProcessType
    hours: Hours
    urgent_hours: Hours
    basis: str = ""

    def hours_for(self, urgent: bool) -> int:
        """How long this authorisation lasts: the urgent window for an emergency."""
        return self.urgent_hours if urgent else self.hours


class TimeLimits(_Strict):
    """Windows that run from the legal process's issue date."""

    emergency_validation: EmergencyValidation | None = None
    authorisation: Authorisation | None = None


class Effective(_Strict):
    """A dated provision, kept as data for reviewers and reports; the engine does not gate on it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: dt.date = Field(alias="from")
    until: dt.date | None = None
    what: str


class PoliticalCode(_Strict):
    """A criminal code named every usual way: "Thai Criminal Code", "Criminal Code of Thailand"."""

    adjectives: list[str]
    codes: list[str]
    places: list[str]
    native: list[str] = []

    def names(self) -> list[str]:
        """Every "adjective code", then every "code of place", then the native names."""
        return [
            *(f"{adjective} {code}" for adjective in self.adjectives for code in self.codes),
            *(f"{code} of {place}" for code in self.codes for place in self.places),
            *self.native,
        ]


class PoliticalEntry(_Strict):
    """A B7 political offence: id `<country>-<code words>-<article>`, its code and keywords."""

    id: str
    code: str
    description: str
    keywords: list[str] = []


class PackFile(_Strict):
    """pack.yml: the countries a pack speaks for and the law's numbers it brings."""

    title: str
    countries: list[str] | str
    effective: list[Effective] = []
    deadlines: Deadlines | None = None
    preservation: Preservation | None = None
    time_limits: TimeLimits = TimeLimits()
    political_codes: dict[str, PoliticalCode] = {}
    political_statutes: list[PoliticalEntry] = []

    @field_validator("countries", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: Any) -> Any:
        """YAML reads a bare NO (Norway) as false; say so rather than fail obscurely."""
        if isinstance(value, list) and any(isinstance(code, bool) for code in value):
            raise ValueError("a code was read as true/false: quote it, as in 'NO' for Norway")
        return value

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, value: list[str] | str) -> list[str] | str:
        """ISO 3166-1 alpha-2 codes, each once, or one of the two words for the special packs."""
        if isinstance(value, str):
            if value not in (EVERY_COUNTRY, UNCLAIMED):
                raise ValueError(f"a list of country codes, {EVERY_COUNTRY!r} or {UNCLAIMED!r}")
            return value
        for code in value:
            if not COUNTRY_CODE.fullmatch(code):
                raise ValueError(f"{code!r} is not a country code of two upper-case letters")
        twice = sorted({code for code in value if value.count(code) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed twice")
        return value


@dataclass(frozen=True)
class Pack:
    """One pack folder: its name, where it lies, its pack.yml and the B7 statutes it lists."""

    name: str
    folder: Path
    info: PackFile
    statutes: tuple[PoliticalStatute, ...]


@dataclass(frozen=True)
class Catalog:
    """Every pack folder, and which pack speaks for each country."""

    packs: dict[str, Pack]
    by_country: dict[str, str]
    baseline: str
    fallback: str

    def pack_of(self, country: str) -> str:
        """The pack that speaks for a requesting country: its claimant, else the fallback."""
        return self.by_country.get(country, self.fallback)

    def info(self, country: str) -> PackFile:
        """The pack.yml of the pack that speaks for a country."""
        return self.packs[self.pack_of(country)].info

    @property
    def company_deadlines(self) -> Deadlines:
        """The company-wide deadlines, for packs whose law sets none."""
        return _required(self.packs[self.baseline], self.packs[self.baseline].info.deadlines)

    @property
    def company_preservation(self) -> Preservation:
        """The company-wide preservation periods, for packs whose law sets none."""
        return _required(self.packs[self.baseline], self.packs[self.baseline].info.preservation)

    @property
    def jurisdictions(self) -> list[str]:
        """The packs a request can be decided under (all but the company-wide one)."""
        return [name for name in self.packs if name != self.baseline]

    @property
    def political_statutes(self) -> tuple[PoliticalStatute, ...]:
        """Every pack's B7 statutes, in folder order."""
        return tuple(statute for pack in self.packs.values() for statute in pack.statutes)


Section = TypeVar("Section", Deadlines, Preservation)


def _required(pack: Pack, section: Section | None) -> Section:
    """A section the company-wide pack must have, since other packs fall back on it."""
    if section is None:
        raise PackError(f"{pack.folder / 'pack.yml'}: needs deadlines and preservation")
    return section


def read_yaml(path: Path) -> Any:
    """A YAML file's data; a missing file or bad YAML is an error naming the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: cannot be read ({exc})") from exc


def problem(exc: ValidationError) -> str:
    """The first validation error in words; an unknown key first, as it is likely the typo."""
    errors = exc.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        return f"unknown key {where!r}"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def read_model(path: Path, model: type[Model]) -> Model:
    """A YAML file checked against a model; errors name the file."""
    try:
        return model.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise PackError(f"{path}: {problem(exc)}") from exc


def pack_folders(root: Path) -> list[Path]:
    """The pack folders under root, sorted by name; hidden and `_` folders are not packs."""
    if not root.is_dir():
        raise PackError(f"{root}: the packs folder is missing")
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _statutes(path: Path, info: PackFile) -> tuple[PoliticalStatute, ...]:
    """The pack's B7 statutes, each naming a code of the pack; country and article from the id."""
    unused = set(info.political_codes) - {entry.code for entry in info.political_statutes}
    if unused:
        raise PackError(f"{path}: political_codes used by no statute: {', '.join(sorted(unused))}")
    built = []
    for entry in info.political_statutes:
        code = info.political_codes.get(entry.code)
        if code is None:
            raise PackError(f"{path}: {entry.id}: no political_codes entry {entry.code!r}")
        country, *_, article = entry.id.split("-")
        if not COUNTRY_CODE.fullmatch(country.upper()):
            raise PackError(f"{path}: {entry.id}: an id starts with its country's code, as cn-")
        try:
            built.append(
                PoliticalStatute(
                    id=entry.id,
                    country=country,
                    code_names=code.names(),
                    articles=[article],
                    keywords=entry.keywords,
                    description=entry.description,
                )
            )
        except ValidationError as exc:
            raise PackError(f"{path}: {entry.id}: {problem(exc)}") from exc
    return tuple(built)


def _load_pack(folder: Path) -> Pack:
    """One folder: its name checked, pack.cedar present, pack.yml valid."""
    if not PACK_NAME.fullmatch(folder.name):
        raise PackError(f"{folder}: a pack's folder name is lower-case letters, digits and _")
    for required in ("pack.cedar", "pack.yml"):
        if not (folder / required).is_file():
            raise PackError(f"{folder}: {required} is missing")
    path = folder / "pack.yml"
    info = read_model(path, PackFile)
    return Pack(folder.name, folder, info, _statutes(path, info))


def _the_one(root: Path, packs: dict[str, Pack], kind: str) -> str:
    """The single pack whose countries are `kind` (all, or unclaimed)."""
    found = [name for name, pack in packs.items() if pack.info.countries == kind]
    if len(found) != 1:
        named = ", ".join(found) or "none"
        raise PackError(f"{root}: exactly one pack needs `countries: {kind}` (found: {named})")
    return found[0]


def _claims(packs: dict[str, Pack]) -> dict[str, str]:
    """Country → pack, refusing a country claimed by two packs."""
    by_country: dict[str, str] = {}
    for pack in packs.values():
        countries = pack.info.countries
        for code in countries if isinstance(countries, list) else []:
            other = by_country.setdefault(code, pack.name)
            if other != pack.name:
                where, first = pack.folder / "pack.yml", packs[other].folder / "pack.yml"
                raise PackError(f"{where}: country {code} is also claimed by {first}")
    return by_country


def _check_statute_countries(catalog: Catalog) -> None:
    """A B7 statute belongs to a country its pack speaks for, so it is found in one place."""
    for name, pack in catalog.packs.items():
        for statute in pack.statutes:
            if name != catalog.baseline and catalog.pack_of(statute.country) != name:
                raise PackError(
                    f"{pack.folder / 'pack.yml'}: {statute.id} is a statute of "
                    f"{statute.country}, which the {name} pack does not speak for"
                )


def load_catalog(root: Path = PACKS_DIR) -> Catalog:
    """Every pack folder under root, checked; any problem names its folder or file."""
    packs = {folder.name: _load_pack(folder) for folder in pack_folders(root)}
    baseline = _the_one(root, packs, EVERY_COUNTRY)
    _required(packs[baseline], packs[baseline].info.deadlines)
    _required(packs[baseline], packs[baseline].info.preservation)
    catalog = Catalog(packs, _claims(packs), baseline, _the_one(root, packs, UNCLAIMED))
    _check_statute_countries(catalog)
    return catalog


@cache
def default_catalog() -> Catalog:
    """The shipped packs' pack.yml files, read once per process."""
    catalog = load_catalog()
    warm(catalog.political_statutes)
    return catalog
