"""Notify: signed, expiring acknowledge links carried by every page (pure)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from firebreak.kernel.errors import InvalidInput, Unauthenticated


@dataclass(frozen=True, slots=True)
class AckClaim:
    """What a valid link says: who may acknowledge which incident until when."""

    incident_id: int
    user: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, b"firebreak-ack." + body.encode("ascii"), hashlib.sha256).digest())


def sign(secret: bytes, *, incident_id: int, user: str, now: datetime, ttl: timedelta) -> str:
    """A URL-safe token acknowledging `incident_id` as `user`, valid for `ttl` from `now`."""
    if not secret:
        raise ValueError("an acknowledge link needs a non-empty signing secret")
    expires = int((now + ttl).timestamp())
    body = _b64(json.dumps({"i": incident_id, "u": user, "e": expires}, separators=(",", ":")).encode())
    return f"{body}.{_signature(secret, body)}"


def verify(secret: bytes, token: str, *, now: datetime) -> AckClaim:
    """Check the signature and expiry; raise Unauthenticated for forged or stale links."""
    body, dot, signature = token.partition(".")
    if not dot or not body or not signature or not token.isascii():
        raise InvalidInput("malformed acknowledge link", field="token")
    if not hmac.compare_digest(_signature(secret, body), signature):
        raise Unauthenticated("acknowledge link signature does not match")
    try:
        data = json.loads(_unb64(body))
        claim = AckClaim(int(data["i"]), str(data["u"]), datetime.fromtimestamp(int(data["e"]), UTC))
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("malformed acknowledge link", field="token") from exc
    if now >= claim.expires_at:
        raise Unauthenticated(f"acknowledge link expired at {claim.expires_at.isoformat()}")
    return claim
