"""Fixtures shared by the production tests: signing key, agency age key, a sealed package."""

from __future__ import annotations

from tests.production.test_package import agency, sealed, signers
from tests.production.test_signing import key, key_path

__all__ = ["agency", "key", "key_path", "sealed", "signers"]
