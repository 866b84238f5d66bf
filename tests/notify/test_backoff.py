"""Retry timing: exponential growth, the cap, jitter bounds and the attempt limit."""

from __future__ import annotations

import random
from datetime import timedelta

from firebreak.notify.backoff import RetryPolicy

POLICY = RetryPolicy(max_attempts=4, base=timedelta(seconds=10), cap=timedelta(seconds=60))


def test_delays_double_within_jitter_bounds_and_stop_at_the_cap() -> None:
    rng = random.Random(7)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (4, 60), (9, 60)]:
        for _ in range(50):
            delay = POLICY.delay(attempt, rng)
            assert timedelta(seconds=ceiling / 2) <= delay <= timedelta(seconds=ceiling)


def test_jitter_spreads_retries() -> None:
    rng = random.Random(1)
    assert len({POLICY.delay(3, rng) for _ in range(20)}) > 10


def test_attempt_limit() -> None:
    assert not POLICY.exhausted(3)
    assert POLICY.exhausted(4)
