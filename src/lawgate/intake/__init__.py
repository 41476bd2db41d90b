"""Intake: the agency registry and the acceptance of requests."""
