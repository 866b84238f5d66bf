"""Sign-in throttling: failures per user and per client within a sliding window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from firebreak.kernel.errors import RateLimited
from firebreak.security.throttle import Limit, LoginThrottle, wait_seconds

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def test_wait_seconds_counts_only_recent_failures() -> None:
    limit = Limit(3, WINDOW)
    old = T0 - timedelta(minutes=20)
    assert wait_seconds((old, old, old, T0), now=T0, limit=limit) == 0
    failures = (T0 - timedelta(minutes=10), T0 - timedelta(minutes=5), T0)
    assert wait_seconds(failures, now=T0, limit=limit) == 5 * 60


def throttle() -> LoginThrottle:
    return LoginThrottle(per_user=Limit(3, WINDOW), per_client=Limit(5, WINDOW))


def test_user_is_locked_after_failures_then_released() -> None:
    t = throttle()
    keys = t.keys("Alice", "10.0.0.1")
    for i in range(3):
        t.check(keys, now=T0 + timedelta(seconds=i))
        t.failed(keys, now=T0 + timedelta(seconds=i))
    with pytest.raises(RateLimited) as info:
        t.check(t.keys("alice", "10.0.0.9"), now=T0 + timedelta(seconds=10))  # any client, any case
    assert 0 < info.value.retry_after <= 15 * 60
    t.check(keys, now=T0 + WINDOW + timedelta(seconds=3))


def test_client_spraying_many_users_is_locked() -> None:
    t = throttle()
    for i in range(5):
        t.failed(t.keys(f"user{i}", "10.0.0.1"), now=T0)
    with pytest.raises(RateLimited):
        t.check(t.keys("someone-else", "10.0.0.1"), now=T0)
    t.check(t.keys("someone-else", "10.0.0.2"), now=T0)


def test_success_clears_the_user_but_not_the_client() -> None:
    t = throttle()
    keys = t.keys("bob", "10.0.0.1")
    for _ in range(2):
        t.failed(keys, now=T0)
    t.succeeded(keys[0])
    for _ in range(2):
        t.failed(keys, now=T0)
    t.check(keys, now=T0)  # user has 2 (cleared before), client has 4 of 5
    t.failed(keys, now=T0)
    with pytest.raises(RateLimited):
        t.check(keys, now=T0)  # client reached 5
