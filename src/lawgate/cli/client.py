"""`lawgate client`: what an agency runs to call a lawgate server, every call signed (RFC 9421)."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, cast
from urllib.parse import quote

import http_sf
import httpx
import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.console import Console

from lawgate import jsonfiles
from lawgate.errors import LawgateError
from lawgate.intake import keys, signatures

app = typer.Typer(help="Call a lawgate server as an agency: submit, follow, download.")
err = Console(stderr=True, soft_wrap=True)
SIGNED_HEADERS = ("Content-Digest", "Signature-Input", "Signature")
TIMEOUT = httpx.Timeout(30.0, read=300.0)
CHUNK = 1 << 16

Url = Annotated[
    str,
    typer.Option("--url", envvar="LAWGATE_URL", help="The server, e.g. https://lawgate.example"),
]
KeyFile = Annotated[
    Path,
    typer.Option(
        "--key", envvar="LAWGATE_KEY", help="The agency's Ed25519 private key file (PEM or OpenSSH)"
    ),
]
KeyId = Annotated[
    str, typer.Option("--key-id", envvar="LAWGATE_KEY_ID", help="The key id lawgate registered")
]


class SignatureAuth(httpx.Auth):
    """Sign each request as lawgate requires: Ed25519, tag "lawgate", fresh nonce and time."""

    requires_request_body = True

    def __init__(self, key: Ed25519PrivateKey, key_id: str) -> None:
        self.key = key
        self.key_id = key_id

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add Content-Digest, Signature-Input and Signature, then send."""
        message = signatures.HttpMessage(
            request.method, signed_url(request), dict(request.headers.items()), request.content
        )
        signatures.sign(message, self.key, self.key_id)
        for name in SIGNED_HEADERS:
            request.headers[name] = signatures.header(message.headers, name.lower()) or ""
        yield request


def signed_url(request: httpx.Request) -> str:
    """The URL as the server rebuilds it: scheme, the Host header, the raw path and query."""
    host = request.headers.get("host") or request.url.netloc.decode("ascii")
    return f"{request.url.scheme}://{host}{request.url.raw_path.decode('ascii')}"


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error the agency can act on and stop."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@contextmanager
def calling(url: str) -> Iterator[None]:
    """Local errors exit 2 naming the problem; an unreachable server says which URL."""
    try:
        yield
    except LawgateError as exc:
        fail(f"{exc.field}: {exc.message}" if exc.field else exc.message)
    except httpx.TransportError as exc:
        fail(f"cannot reach {url}: {exc.__class__.__name__}: {exc}")
    except httpx.InvalidURL as exc:
        fail(f"--url {url!r} is not a usable URL: {exc}")


def _client(url: str, key_file: Path, key_id: str) -> httpx.Client:
    """An HTTP client for one server that signs every call with the agency's key."""
    if not url.startswith(("http://", "https://")):
        fail(f"--url {url!r} must start with http:// or https://")
    auth = SignatureAuth(keys.load_private_key(key_file), keys.check_key_id(key_id))
    return httpx.Client(base_url=url.rstrip("/"), auth=auth, timeout=TIMEOUT)


def refused(answer: httpx.Response) -> NoReturn:
    """The server's error answer, each field and message on its own line; exit 1."""
    try:
        errors = answer.json().get("errors", [])
        lines = [f"{e.get('field') or 'request'}: {e.get('message')}" for e in errors]
    except (ValueError, AttributeError):
        lines = [answer.text[:500] or answer.reason_phrase]
    fail(f"the server answered {answer.status_code}:\n  " + "\n  ".join(lines), 1)


def _request_body(file: Path, agency_id: str) -> bytes:
    """The request file (or the request inside a policy case file) as JSON for one agency."""
    data: Any = jsonfiles.read_json(file)
    if isinstance(data, dict) and "request" in data and "expect" in data:
        data = data["request"]
    if not isinstance(data, dict):
        fail(f"{file}: a request is a JSON object")
    named = data.setdefault("agency_id", agency_id)
    if named != agency_id:
        fail(f"{file}: agency_id is {named!r} but --agency is {agency_id!r}")
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@app.command()
def submit(
    file: Annotated[Path, typer.Argument(help="Request JSON (spec/request-format.md)")],
    agency: Annotated[str, typer.Option("--agency", envvar="LAWGATE_AGENCY", help="Agency id")],
    key: KeyFile,
    key_id: KeyId,
    url: Url,
) -> None:
    """Submit a request; prints its id (its state goes to stderr)."""
    with calling(url):
        body = _request_body(file, agency)
        with _client(url, key, key_id) as client:
            headers = {"Content-Type": "application/json"}
            answer = client.post("/api/v1/requests", content=body, headers=headers)
    if answer.status_code != httpx.codes.CREATED:
        refused(answer)
    made = answer.json()
    sys.stdout.write(f"{made['id']}\n")
    err.print(f"state: {made['state']}")


@app.command()
def status(
    request_id: Annotated[str, typer.Argument(help="Request id, e.g. LG-7KQ2M9XA")],
    key: KeyFile,
    key_id: KeyId,
    url: Url,
) -> None:
    """Print the request's state and the decision once taken, as JSON."""
    with calling(url), _client(url, key, key_id) as client:
        answer = client.get(f"/api/v1/requests/{quote(request_id, safe='')}")
    if answer.status_code != httpx.codes.OK:
        refused(answer)
    sys.stdout.write(json.dumps(answer.json(), indent=2) + "\n")


@app.command()
def download(
    request_id: Annotated[str, typer.Argument(help="Request id, e.g. LG-7KQ2M9XA")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to save REQUEST_ID.age in")],
    key: KeyFile,
    key_id: KeyId,
    url: Url,
) -> None:
    """Save the sealed package, checking it against the server's Repr-Digest (SHA-256)."""
    if not out_dir.is_dir():
        fail(f"--out {out_dir} is not a directory")
    target = out_dir / f"{request_id}.age"
    if target.exists():
        fail(f"{target} already exists; move it away first")
    partial = target.with_name(target.name + ".partial")
    try:
        with calling(url), _client(url, key, key_id) as client:
            with client.stream(
                "GET", f"/api/v1/requests/{quote(request_id, safe='')}/package"
            ) as answer:
                if answer.status_code != httpx.codes.OK:
                    answer.read()
                    refused(answer)
                digest = _save(answer, partial)
            _check_digest(answer, digest, partial)
            os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    sys.stdout.write(f"{target}\n")
    err.print(f"sha256 {digest.hex()}; decrypt with: age -d -i YOUR_AGE_KEY {target}")


def _save(answer: httpx.Response, partial: Path) -> bytes:
    """Write the streamed body to a partial file; returns its SHA-256."""
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as handle:
            for chunk in answer.iter_bytes(CHUNK):
                digest.update(chunk)
                handle.write(chunk)
    except OSError as exc:
        fail(f"{partial}: cannot be written ({exc})")
    return digest.digest()


def _check_digest(answer: httpx.Response, digest: bytes, partial: Path) -> None:
    """A package that does not match the digest the server recorded is deleted, never kept."""
    field = answer.headers.get("repr-digest", "")
    try:
        parsed = cast(dict[str, Any], http_sf.parse(field.encode("ascii"), tltype="dictionary"))
    except (ValueError, TypeError, UnicodeError):
        parsed = {}
    member = parsed.get("sha-256")
    if member is None or member[0] != digest:
        partial.unlink(missing_ok=True)
        fail("the downloaded package does not match the server's Repr-Digest; it was deleted", 1)
