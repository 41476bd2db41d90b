"""Preservation holds: accounts whose data the platform must not delete while a hold runs."""
