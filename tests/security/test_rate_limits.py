"""Token bucket and the keyed limiter: bursts, refill, Retry-After, and independent keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from firebreak.kernel.errors import RateLimited
from firebreak.security.ratelimit import Bucket, RateLimiter, take

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_new_bucket_starts_full_and_drains() -> None:
    bucket, wait = take(None, now=T0, rate=1, burst=3)
    assert (bucket.tokens, wait) == (2, 0)
    bucket, _ = take(bucket, now=T0, rate=1, burst=3)
    bucket, _ = take(bucket, now=T0, rate=1, burst=3)
    bucket, wait = take(bucket, now=T0, rate=1, burst=3)
    assert bucket.tokens == 0 and wait == pytest.approx(1.0)


def test_refill_is_capped_at_burst() -> None:
    bucket, wait = take(Bucket(0, T0), now=T0 + timedelta(hours=1), rate=2, burst=5)
    assert wait == 0 and bucket.tokens == 4


def test_partial_refill_gives_exact_wait() -> None:
    _, wait = take(Bucket(0.5, T0), now=T0 + timedelta(milliseconds=100), rate=1, burst=5)
    assert wait == pytest.approx(0.4)


def test_limiter_raises_with_retry_after_and_keys_are_independent() -> None:
    limiter = RateLimiter(rate=0.5, burst=2)
    limiter.check("a", now=T0)
    limiter.check("a", now=T0)
    with pytest.raises(RateLimited) as info:
        limiter.check("a", now=T0)
    assert info.value.retry_after == 2
    limiter.check("b", now=T0)  # another integration is unaffected
    limiter.check("a", now=T0 + timedelta(seconds=2))


def test_zero_rate_disables() -> None:
    limiter = RateLimiter(rate=0, burst=1)
    for _ in range(100):
        limiter.check("a", now=T0)


def test_key_table_is_bounded() -> None:
    limiter = RateLimiter(rate=1, burst=1, max_keys=10)
    for i in range(50):
        limiter.check(f"k{i}", now=T0 + timedelta(seconds=i * 2))
    assert len(limiter._buckets) <= 10


def test_a_cost_spends_that_many_tokens_and_more_than_a_burst_needs_a_full_bucket() -> None:
    limiter = RateLimiter(rate=10, burst=30)
    limiter.check("a", now=T0, cost=25)
    with pytest.raises(RateLimited) as info:
        limiter.check("a", now=T0, cost=25)  # 5 left, 20 missing at 10/s
    assert info.value.retry_after == 2
    limiter.check("a", now=T0 + timedelta(seconds=2), cost=25)
    limiter.check("b", now=T0, cost=1000)  # a full bucket admits one request larger than the burst
    with pytest.raises(RateLimited):
        limiter.check("b", now=T0, cost=1)
