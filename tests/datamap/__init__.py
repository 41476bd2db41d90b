"""Tests of the data map: loading, validation and identity resolution."""
