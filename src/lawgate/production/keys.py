"""The platform's signing key: made once under the data directory, never overwritten."""

from __future__ import annotations

from pathlib import Path

from lawgate.production.signing import SigningKey, create_signing_key, load_signing_key

KEY_FILE = Path("keys") / "platform_ed25519"
DEFAULT_PRINCIPAL = "platform@lawgate"


def platform_key_path(home: Path) -> Path:
    """Where the private signing key lives ($LAWGATE_HOME/keys/platform_ed25519)."""
    return home / KEY_FILE


def ensure_platform_key(home: Path) -> tuple[SigningKey, bool]:
    """The platform key, created on first use; says whether it was just created."""
    path = platform_key_path(home)
    if path.exists():
        return load_signing_key(path), False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    create_signing_key(path)
    return load_signing_key(path), True
