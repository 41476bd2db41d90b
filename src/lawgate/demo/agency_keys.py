"""Keys for the demo agencies: age identities, so a demo production can really be decrypted and
checked, and Ed25519 API keys, so `lawgate client` can call the demo server as an agency.

A real agency makes its own keys and gives lawgate only the public halves. The demo plays
both sides: it keeps each demo agency's private keys under $LAWGATE_HOME/demo-agencies/, readable
only by their owner, and registers the matching public keys.
"""

from __future__ import annotations

from pathlib import Path

from pyrage import x25519  # type: ignore[import-untyped]

from lawgate import secretfiles
from lawgate.intake import keys

KEYS_DIR = "demo-agencies"


def identity_path(home: Path, agency_id: str) -> Path:
    """Where the demo keeps one agency's age identity (the file `age -d -i` reads)."""
    return home / KEYS_DIR / f"{agency_id}.agekey"


def demo_recipient(home: Path, agency_id: str) -> str:
    """The agency's age recipient, creating its identity file on first use."""
    path = identity_path(home, agency_id)
    if not path.exists():
        identity = x25519.Identity.generate()
        secretfiles.write_new(path, f"# demo identity of {agency_id}\n{identity}\n".encode())
    lines = [
        line for line in path.read_text(encoding="ascii").splitlines() if line.startswith("AGE-")
    ]
    return str(x25519.Identity.from_str(lines[0]).to_public())


def api_key_path(home: Path, agency_id: str) -> Path:
    """Where the demo keeps one agency's API signing key (the file `lawgate client --key` reads)."""
    return home / KEYS_DIR / f"{agency_id}.pem"


def demo_api_key(home: Path, agency_id: str) -> bytes:
    """The agency's raw Ed25519 API public key, creating its private key file on first use."""
    path = api_key_path(home, agency_id)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        keys.generate_key_file(path)
    return keys.load_private_key(path).public_key().public_bytes_raw()
