"""Tests of the OWASP ASVS 4.0.3 level 2 requirements no other suite checks (docs/security.md)."""
