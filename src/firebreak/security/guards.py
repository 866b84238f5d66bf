"""Process-wide security state built from settings: ingest rate limiter, sign-in throttle, hasher."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher

from firebreak.kernel.settings import Settings
from firebreak.security.passwords import DEFAULT_HASHER
from firebreak.security.ratelimit import RateLimiter
from firebreak.security.throttle import Limit, LoginThrottle


@dataclass
class Guards:
    """What the HTTP edge consults on every request; one per app."""

    ingest_limiter: RateLimiter
    alert_limiter: RateLimiter
    login_throttle: LoginThrottle
    session_lifetime: timedelta
    cookie_secure: bool
    hasher: PasswordHasher = field(default=DEFAULT_HASHER)

    @classmethod
    def from_settings(cls, settings: Settings) -> Guards:
        window = timedelta(seconds=settings.login_window_seconds)
        return cls(
            ingest_limiter=RateLimiter(rate=settings.ingest_rate_per_second, burst=settings.ingest_burst),
            alert_limiter=RateLimiter(rate=settings.ingest_alerts_per_second, burst=settings.ingest_alert_burst),
            login_throttle=LoginThrottle(per_user=Limit(settings.login_max_failures, window),
                                         per_client=Limit(settings.login_max_failures_per_client, window)),
            session_lifetime=timedelta(hours=settings.session_hours),
            cookie_secure=settings.cookie_secure,
        )
