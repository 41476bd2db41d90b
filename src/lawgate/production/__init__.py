"""Sealed, signed production packages for approved disclosures."""
