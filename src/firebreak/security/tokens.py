"""API tokens and ingest keys: create (shown once), verify by hash, list and revoke."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.security import ApiTokenRecord
from firebreak.kernel.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from firebreak.security.roles import ROLES, Principal

PREFIXES = {"admin": "fbk_", "responder": "fbk_", "viewer": "fbk_", "ingest": "fbi_"}
NAME_MAX = 255
MIN_SUPPLIED_LENGTH = 16
# Recording every use would write on every request; once a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    """Tokens are random and long, so a plain SHA-256 is the right hash (no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewToken:
    """A freshly created token; `secret` is shown once and never stored."""

    id: int
    name: str
    role: str
    secret: str
    expires_at: datetime | None


def create_token(session: Session, *, name: str, role: str, now: datetime,
                 expires_at: datetime | None = None, secret: str | None = None) -> NewToken:
    """Create a token; `secret` may be supplied (e.g. from the environment at bootstrap)."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}; roles are {', '.join(ROLES)}", field="role")
    name = name.strip()
    if not name:
        raise InvalidInput("a token needs a name", field="name")
    if len(name) > NAME_MAX or any(not ch.isprintable() for ch in name):
        raise InvalidInput(f"a token name is at most {NAME_MAX} printable characters", field="name")
    if secret is not None and len(secret) < MIN_SUPPLIED_LENGTH:
        raise InvalidInput(f"a supplied token must be at least {MIN_SUPPLIED_LENGTH} characters long",
                           field="secret")
    if session.scalars(select(ApiTokenRecord).where(ApiTokenRecord.name == name)).first():
        raise Conflict(f"a token named {name!r} already exists")
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("expiry must be in the future", field="expires_at")
    secret = secret or PREFIXES[role] + secrets.token_urlsafe(32)
    record = ApiTokenRecord(name=name, role=role, token_hash=hash_token(secret), prefix=secret[:8],
                            created_at=now, expires_at=expires_at)
    session.add(record)
    session.flush()
    return NewToken(record.id, name, role, secret, expires_at)


def authenticate(session: Session, *, secret: str, now: datetime) -> Principal:
    """The principal a token stands for; unknown, expired and revoked tokens are refused."""
    record = session.scalars(select(ApiTokenRecord).where(
        ApiTokenRecord.token_hash == hash_token(secret))).one_or_none()
    if record is None:
        raise Unauthenticated("unknown token")
    if record.revoked_at is not None:
        raise Unauthenticated("token revoked")
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthenticated("token expired")
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        record.last_used_at = now
    return Principal(name=record.name, role=record.role, token_id=record.id)  # type: ignore[arg-type]


def list_tokens(session: Session) -> list[ApiTokenRecord]:
    """All tokens (hashes are never shown)."""
    return list(session.scalars(select(ApiTokenRecord).order_by(ApiTokenRecord.id)))


def revoke_token(session: Session, *, name: str, now: datetime) -> ApiTokenRecord:
    """Revoke a token by name."""
    record = session.scalars(select(ApiTokenRecord).where(ApiTokenRecord.name == name)).one_or_none()
    if record is None:
        raise NotFound(f"no token named {name!r}")
    record.revoked_at = record.revoked_at or now
    return record


def get_token(session: Session, *, token_id: int) -> ApiTokenRecord:
    record = session.get(ApiTokenRecord, token_id)
    if record is None:
        raise NotFound(f"no token with id {token_id}")
    return record


def is_active(record: ApiTokenRecord, *, now: datetime) -> bool:
    return record.revoked_at is None and (record.expires_at is None or record.expires_at > now)


def has_tokens(session: Session) -> bool:
    """True once any token exists (bootstrap runs only on an empty database)."""
    return session.scalars(select(ApiTokenRecord.id).limit(1)).first() is not None
