"""Notify: when to try a failed delivery again — exponential backoff with jitter (pure)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Up to `max_attempts` tries per contact method, waits doubling from `base` up to `cap`."""

    max_attempts: int = 5
    base: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(minutes=5)

    def delay(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """Wait after failed attempt number `attempt` (1-based): half fixed, half random ("equal jitter")."""
        exponent = min(max(attempt - 1, 0), 32)
        ceiling = min(self.cap, self.base * (2**exponent))
        draw = (rng or random).random()
        return ceiling / 2 + ceiling / 2 * draw

    def exhausted(self, attempts: int) -> bool:
        """True when no further attempt is allowed after `attempts` tries."""
        return attempts >= self.max_attempts
