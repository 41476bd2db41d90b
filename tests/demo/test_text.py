"""Vectorised text helpers of the generator agree with plain Python formatting."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from lawgate.demo import text
from lawgate.demo.common import END, START, spans, weighted
from lawgate.demo.marketplace import MAX_USERS
from lawgate.demo.orders import ORDERS_PER_USER, REFERENCE_MIX, REFERENCE_SPACE


def test_timestamps_match_datetime() -> None:
    """Epoch seconds render exactly as datetime's 'YYYY-MM-DD HH:MM:SS' (UTC)."""
    rng = np.random.default_rng(0)
    seconds = np.concatenate([[START, END, 951_782_400], rng.integers(START, END, 5_000)])
    expected = [
        dt.datetime.fromtimestamp(int(s), dt.UTC).strftime("%Y-%m-%d %H:%M:%S") for s in seconds
    ]
    assert text.timestamps(seconds) == expected
    assert text.timestamps(np.array([], dtype=np.int64)) == []


def test_prefixed_ids_and_base62_digits() -> None:
    """Zero-padded identifiers, and base 62 digits in 0-9a-zA-Z order."""
    assert text.prefixed("A", np.array([1, 42]), 9) == ["A000000001", "A000000042"]
    assert text.prefixed("ORD-", np.array([1_000_042]), 7) == ["ORD-1000042"]
    wide = text.prefixed("ORD-", np.array([9_999_999, 10_000_000]), 7)
    assert wide == ["ORD-9999999", "ORD-10000000"]
    assert text.strings([text.digits(np.array([0, 61, 62, 3843]), 2, base=62)]) == [
        "00", "0Z", "10", "ZZ",
    ]  # fmt: skip


def test_payment_reference_suffix_is_a_bijection() -> None:
    """The mixing constant is coprime with 62, so reference suffixes never repeat."""
    assert math.gcd(REFERENCE_MIX, REFERENCE_SPACE) == 1
    assert ORDERS_PER_USER * MAX_USERS * REFERENCE_MIX < 2**63


def test_spans_cover_everything_once() -> None:
    """Chunks tile the row range without gaps or overlaps."""
    assert list(spans(5, 2)) == [(0, 2), (2, 4), (4, 5)]
    assert list(spans(0, 2)) == []


def test_weighted_draws_follow_the_weights() -> None:
    """Heavier weights are drawn proportionally more often, and zero weights never."""
    rng = np.random.default_rng(1)
    picks = weighted(rng, np.array([0.0, 1.0, 3.0]), 40_000)
    counts = np.bincount(picks, minlength=3)
    assert counts[0] == 0
    assert 2.8 < counts[2] / counts[1] < 3.2
