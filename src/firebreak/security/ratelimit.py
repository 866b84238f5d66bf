"""Per-integration ingest rate limits: a token bucket per key (pure step) and a keyed store."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime

from firebreak.kernel.errors import RateLimited


@dataclass(frozen=True, slots=True)
class Bucket:
    """Tokens left in a bucket at a moment."""

    tokens: float
    at: datetime


def take(bucket: Bucket | None, *, now: datetime, rate: float, burst: int, cost: float = 1.0
         ) -> tuple[Bucket, float]:
    """Spend `cost` tokens: the new bucket and how long to wait (0 when the request may go).

    The bucket refills at `rate` tokens per second up to `burst`; a new key starts full.
    """
    if bucket is None:
        tokens = float(burst)
    else:
        elapsed = max(0.0, (now - bucket.at).total_seconds())
        tokens = min(float(burst), bucket.tokens + elapsed * rate)
    if tokens >= cost:
        return Bucket(tokens - cost, now), 0.0
    return Bucket(tokens, now), (cost - tokens) / rate


class RateLimiter:
    """Token buckets keyed by integration, shared by the threads of one process."""

    def __init__(self, *, rate: float, burst: int, max_keys: int = 10_000) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._max_keys = max_keys
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def check(self, key: str, *, now: datetime, what: str = "requests", cost: int = 1,
              refusal: type[RateLimited] = RateLimited) -> None:
        """Admit `cost` units (requests, alerts) for `key` or raise `refusal` with the seconds to wait.

        More than a whole burst at once is admitted when the bucket is full (a sender cannot split
        one request), and then leaves the bucket empty.
        """
        if not self.enabled or cost <= 0:
            return
        with self._lock:
            if key not in self._buckets and len(self._buckets) >= self._max_keys:
                self._forget_full(now)
            bucket, wait = take(self._buckets.get(key), now=now, rate=self.rate, burst=self.burst,
                                cost=min(float(cost), float(self.burst)))
            self._buckets[key] = bucket
        if wait > 0:
            raise refusal(f"too many {what} for this integration key: the limit is {self.rate:g} per "
                          f"second (bursts of {self.burst}); retry in {math.ceil(wait)} s",
                          retry_after=max(1, math.ceil(wait)))

    def _forget_full(self, now: datetime) -> None:
        """Drop buckets that have refilled completely (they carry no state worth keeping)."""
        for key, bucket in list(self._buckets.items()):
            if take(bucket, now=now, rate=self.rate, burst=self.burst, cost=0)[0].tokens >= self.burst:
                del self._buckets[key]
        if len(self._buckets) >= self._max_keys:
            self._buckets.clear()
