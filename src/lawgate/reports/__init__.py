"""Transparency reports: aggregation, Google-compatible CSV, JSON and the public HTML page."""
