"""The one error tree of Firebreak.

    FirebreakError
    ├── InvalidInput        bad request data; names the field at fault (HTTP 422/400)
    │   ├── MalformedBody   body that is not JSON at all (HTTP 400)
    │   └── PayloadTooLarge body over the cap (HTTP 413)
    ├── NotFound            no such object (HTTP 404)
    ├── Conflict            a move the current state forbids; lists the allowed ones (HTTP 409)
    ├── Unauthenticated     no or bad credentials (HTTP 401)
    ├── PermissionDenied    credentials lack the role (HTTP 403)
    ├── RateLimited         over a rate limit; says when to retry (HTTP 429)
    └── ConfigError         configuration file invalid; names file, line and field

Only the HTTP edge maps these to status codes; the CLI prints them. Expected outcomes
(duplicate, silenced, inhibited) are return values, never exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence


class FirebreakError(Exception):
    """Base of every error Firebreak raises on purpose."""

    title = "Firebreak error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(FirebreakError):
    """Request data that cannot be accepted; `field` is a dotted path to the culprit."""

    title = "Invalid input"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class MalformedBody(InvalidInput):
    """A body that cannot be parsed at all."""

    title = "Malformed body"


class PayloadTooLarge(InvalidInput):
    """A request body over the configured cap."""

    title = "Payload too large"


class NotFound(FirebreakError):
    """The named object does not exist."""

    title = "Not found"


class Conflict(FirebreakError):
    """The object's current state forbids the move; `allowed` lists what is possible."""

    title = "Conflict"

    def __init__(self, detail: str, *, allowed: Sequence[str] = ()) -> None:
        super().__init__(detail)
        self.allowed = list(allowed)


class Unauthenticated(FirebreakError):
    """Missing, unknown, expired or revoked credentials."""

    title = "Unauthenticated"


class PermissionDenied(FirebreakError):
    """The caller's role does not allow the action."""

    title = "Forbidden"


class RateLimited(FirebreakError):
    """Too many requests; retry after `retry_after` seconds."""

    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class TryLater(RateLimited):
    """Over a limit, told to a sender that retries only server errors (HTTP 503 with Retry-After).

    Alertmanager's webhook and Grafana's contact points drop a notification answered 4xx and
    retry a 5xx; a 429 would lose the alerts of a storm, a 503 delays them.
    """

    title = "Try again later"


class ConfigError(FirebreakError):
    """An invalid configuration; the message names file, line and field."""

    title = "Invalid configuration"

    def __init__(self, detail: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        super().__init__(detail)
        self.file = file
        self.line = line
        self.field = field
