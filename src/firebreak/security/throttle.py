"""Sign-in throttling: failed attempts per user name and per client within a sliding window."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from firebreak.kernel.errors import RateLimited


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `failures` failed attempts within `window`."""

    failures: int
    window: timedelta


def recent(failures: Iterable[datetime], *, now: datetime, window: timedelta) -> tuple[datetime, ...]:
    """The failures still inside the window."""
    return tuple(at for at in failures if now - at < window)


def wait_seconds(failures: tuple[datetime, ...], *, now: datetime, limit: Limit) -> int:
    """Seconds until another attempt is allowed (0: allowed now)."""
    live = recent(failures, now=now, window=limit.window)
    if len(live) < limit.failures:
        return 0
    # The attempt is allowed again once enough of the oldest failures have aged out.
    unblock = sorted(live)[len(live) - limit.failures] + limit.window
    return max(1, math.ceil((unblock - now).total_seconds()))


class LoginThrottle:
    """Remembers failed sign-ins per key (`user:<name>`, `client:<address>`) in this process."""

    def __init__(self, *, per_user: Limit, per_client: Limit, max_keys: int = 50_000) -> None:
        self.limits = {"user": per_user, "client": per_client}
        self._failures: dict[str, tuple[datetime, ...]] = {}
        self._max_keys = max_keys
        self._lock = threading.Lock()

    @staticmethod
    def keys(user: str, client: str | None) -> list[str]:
        return [f"user:{user.strip().lower()}", f"client:{client or 'unknown'}"]

    def check(self, keys: list[str], *, now: datetime) -> None:
        """Raise RateLimited when any key has failed too often recently."""
        with self._lock:
            wait = max((wait_seconds(self._failures.get(k, ()), now=now, limit=self._limit(k)) for k in keys),
                       default=0)
        if wait:
            raise RateLimited(f"too many failed sign-in attempts; try again in {wait} s", retry_after=wait)

    def failed(self, keys: list[str], *, now: datetime) -> None:
        with self._lock:
            if len(self._failures) >= self._max_keys:
                self._prune(now)
            for key in keys:
                live = recent(self._failures.get(key, ()), now=now, window=self._limit(key).window)
                self._failures[key] = (*live, now)

    def succeeded(self, user_key: str) -> None:
        """A correct password clears the user's failures (the client's stay: spraying is still visible)."""
        with self._lock:
            self._failures.pop(user_key, None)

    def _limit(self, key: str) -> Limit:
        return self.limits[key.split(":", 1)[0]]

    def _prune(self, now: datetime) -> None:
        for key, times in list(self._failures.items()):
            live = recent(times, now=now, window=self._limit(key).window)
            if live:
                self._failures[key] = live
            else:
                del self._failures[key]
        if len(self._failures) >= self._max_keys:
            self._failures.clear()
