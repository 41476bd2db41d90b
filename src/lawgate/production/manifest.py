"""Value rendering, manifest and certificate text for production packages.

Kept apart from the writer so the exact bytes an agency verifies are defined in one place.
"""

from __future__ import annotations

import base64
import csv
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from lawgate.auditlog import merkle
from lawgate.auditlog.checkpoint import open_checkpoint
from lawgate.errors import LawgateError
from lawgate.production.sealing import sha256_file

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
CERTIFICATE = "CERTIFICATE.txt"
SIGNATURE = "manifest.json.sig"
FIXED_FILES = frozenset({MANIFEST, SUMS, CERTIFICATE, SIGNATURE})
DATA_DIR = "data"
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
KEY_IN_LINE = re.compile(r"(?:^|\s)(ssh-ed25519\s+[A-Za-z0-9+/=]+)")


class PackageError(LawgateError):
    """A production package cannot be written or its arguments are unusable."""


@dataclass(frozen=True)
class PackageScope:
    """The approved scope, recorded so the agency sees exactly what was authorised."""

    request_id: str
    agency_id: str
    categories: list[str]
    date_from: date | None
    date_to: date | None
    targets: list[dict[str, str]]


@dataclass(frozen=True)
class ManifestFacts:
    """What a package is about: the request, the decision, its scope, and who made it when."""

    request: dict[str, Any]
    decision: dict[str, Any]
    scope: PackageScope
    audit_index: int | None
    generated_at: datetime
    platform_name: str
    audit_proof: dict[str, Any] | None = None
    """Inclusion proof of the audit entry against a signed checkpoint (note, proof, hashes)."""


@dataclass(frozen=True)
class TableFile:
    """What one table became on disk, so the manifest can pin every byte."""

    table: str
    columns: tuple[str, ...]
    jsonl: str
    csv: str
    jsonl_sha256: str
    csv_sha256: str
    rows: int


def json_value(value: object) -> Any:
    """Render one cell JSON-safe, so both formats carry identical, unambiguous values."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise PackageError(f"cannot export non-finite number {value!r}")
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise PackageError(f"cannot export a value of type {type(value).__name__}")


def csv_value(value: object) -> str:
    """Render one cell for CSV with the same text as JSON Lines; None becomes empty."""
    rendered = json_value(value)
    if rendered is None:
        return ""
    if isinstance(rendered, bool):
        return "true" if rendered else "false"
    return str(rendered)


def _default(value: object) -> Any:
    """json.dumps hook, so request and decision dicts may hold dates and decimals."""
    rendered = json_value(value)
    if rendered is value:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return rendered


def canonical_json(document: object) -> bytes:
    """Sorted, 2-space, UTF-8 JSON with a trailing newline: one byte form to sign."""
    text = json.dumps(
        document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False, default=_default
    )
    return (text + "\n").encode("utf-8")


def check_name(name: str, what: str) -> str:
    """Refuse names that could escape the package folder or confuse `sha256sum -c`."""
    if not SAFE_NAME.fullmatch(name) or name in {".", ".."}:
        raise PackageError(f"{what} {name!r} must be letters, digits, '_', '.' or '-'")
    return name


def build_manifest(tables: Sequence[TableFile], facts: ManifestFacts) -> dict[str, Any]:
    """The manifest document: what was asked, what was approved and what was released."""
    files: dict[str, dict[str, Any]] = {}
    for table in tables:
        for fmt, path, digest in (
            ("jsonl", table.jsonl, table.jsonl_sha256),
            ("csv", table.csv, table.csv_sha256),
        ):
            files[path] = {
                "format": fmt,
                "rows": table.rows,
                "sha256": digest,
                "table": table.table,
            }
    return {
        "format_version": FORMAT_VERSION,
        "platform": facts.platform_name,
        "generated_at": facts.generated_at.isoformat(),
        "audit_index": facts.audit_index,
        "audit_proof": facts.audit_proof,
        "request": facts.request,
        "decision": facts.decision,
        "scope": asdict(facts.scope),
        "tables": {t.table: {"columns": list(t.columns), "rows": t.rows} for t in tables},
        "files": files,
    }


def sums_text(digests: dict[str, str]) -> str:
    """`sha256sum -c` input ("<hex>  <path>"), sorted so the file is reproducible."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(digests.items()))


def certificate_text(
    manifest: dict[str, Any], manifest_sha256: str, public_key: str, principal: str
) -> str:
    """The human-readable certificate of authenticity, with the exact commands to check it."""
    lines = [
        "CERTIFICATE OF AUTHENTICITY",
        "",
        f"Produced by:      {manifest['platform']}",
        f"Request:          {manifest['scope']['request_id']}",
        f"Agency:           {manifest['scope']['agency_id']}",
        f"Generated at:     {manifest['generated_at']}",
        f"Audit log entry:  {_or_none(manifest['audit_index'])}",
        f"Format version:   {manifest['format_version']}",
        f"manifest.json SHA-256: {manifest_sha256}",
        "",
        "The platform signed manifest.json with its Ed25519 key (SSH signature,",
        "namespace lawgate-production). The manifest lists the SHA-256 of every data file.",
        "Signing key (compare with the copy you received separately from the platform):",
        f"  {public_key}",
        "",
        "To verify, inside this folder:",
        f"  echo '{principal} namespaces=\"lawgate-production\" {public_key}' > ../allowed_signers",
        f"  ssh-keygen -Y verify -f ../allowed_signers -I {principal} -n lawgate-production"
        " -s manifest.json.sig < manifest.json",
        "  sha256sum -c SHA256SUMS",
        "",
        "Both checks must succeed; any other result means the package was altered.",
    ]
    return "\n".join(lines) + "\n"


def _or_none(value: object) -> str:
    """Show a missing value as the word "none" rather than Python's None."""
    return "none" if value is None else str(value)


def signer_key(allowed_signers: str, principal: str) -> str:
    """The `ssh-ed25519 ...` key the allowed_signers text trusts for `principal`."""
    for raw in allowed_signers.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        principals = line.split(None, 1)[0].split(",")
        found = KEY_IN_LINE.search(line)
        if principal in principals and found:
            return found.group(1)
    raise PackageError(f"allowed_signers has no ssh-ed25519 key for {principal!r}")


# --- verification helpers ------------------------------------------------------------------


def load_manifest(data: bytes) -> dict[str, Any] | None:
    """The manifest if it parses with the fields verification needs."""
    try:
        document = json.loads(data)
    except ValueError:
        return None
    ok = isinstance(document, dict) and all(
        isinstance(document.get(key), dict) for key in ("files", "tables")
    )
    return document if ok else None


def file_problems(root: Path, files: dict[str, dict[str, Any]]) -> list[str]:
    """Every listed file must exist with the recorded hash and row count."""
    problems = []
    for name, entry in files.items():
        path = root / name
        if not isinstance(entry, dict) or not _inside(root, path) or not path.is_file():
            problems.append(f"{name} is missing")
        elif sha256_file(path) != entry.get("sha256"):
            problems.append(f"{name} SHA-256 differs from the manifest")
        elif _count_rows(path, entry.get("format")) != entry.get("rows"):
            problems.append(f"{name} row count differs from the manifest")
    return problems


def _inside(root: Path, path: Path) -> bool:
    """Whether a manifest path stays within the package."""
    return path.resolve().is_relative_to(root.resolve())


def _count_rows(path: Path, fmt: object) -> int:
    """Rows in a data file: lines for JSONL, records after the header for CSV."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            if fmt == "csv":
                return max(sum(1 for _ in csv.reader(handle)) - 1, 0)
            return sum(1 for _ in handle)
    except (ValueError, csv.Error):
        return -1


def unlisted_problems(root: Path, files: dict[str, dict[str, Any]]) -> list[str]:
    """Files the manifest does not list (beyond the four fixed files)."""
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir()}
    extra = sorted(present - set(files) - FIXED_FILES)
    return [f"{name} is not listed in the manifest" for name in extra]


def table_problems(
    root: Path, files: dict[str, dict[str, Any]], tables: dict[str, Any]
) -> list[str]:
    """Each data file belongs to a manifest table and uses exactly its columns."""
    problems = []
    for name, entry in files.items():
        table = tables.get(str(entry.get("table"))) if isinstance(entry, dict) else None
        if not isinstance(table, dict):
            problems.append(f"{name} names no table of the manifest")
        elif (root / name).is_file() and not _columns_fit(root / name, entry, table.get("columns")):
            problems.append(f"{name} has rows outside table {entry['table']!r}")
    return problems


def _columns_fit(path: Path, entry: dict[str, Any], columns: object) -> bool:
    """Whether the file is named for its table and every row carries exactly its columns."""
    if not isinstance(columns, list) or path.name != f"{entry['table']}.{entry.get('format')}":
        return False
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            if entry.get("format") == "csv":
                return all(len(row) == len(columns) for row in csv.reader(handle)) and (
                    _csv_header(path) == columns
                )
            return all(_json_keys(line) == columns for line in handle)
    except (ValueError, csv.Error):
        return False


def _csv_header(path: Path) -> list[str]:
    """The CSV header row."""
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def _json_keys(line: str) -> list[str] | None:
    """The keys of one JSON Lines row, in order, or None if it is not an object."""
    row = json.loads(line)
    return list(row) if isinstance(row, dict) else None


def audit_proof_problems(proof: Any) -> tuple[list[str], str]:
    """Check the manifest's proof that the production is in the signed audit log."""
    try:
        vkey = str(proof["verifier_key"])
        signed = open_checkpoint(str(proof["checkpoint"]), vkey)
        leaf = base64.b64decode(proof["leaf_hash"], validate=True)
        path = [base64.b64decode(p, validate=True) for p in proof["proof"]]
        index, size = int(proof["index"]), int(proof["tree_size"])
    except (KeyError, TypeError, ValueError):
        return ["the audit proof is malformed"], ""
    if signed is None:
        return ["the audit checkpoint's signature does not verify"], ""
    if signed.size != size or not merkle.verify_inclusion(leaf, index, size, path, signed.root):
        return [f"entry {index} is not proven in the signed log of {size} entries"], ""
    return [], f"entry {index} is in the log checkpoint signed by {vkey}"
