"""Console sessions: a random cookie value whose SHA-256 is stored; CSRF token derived from it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from firebreak.db.models.security import ConsoleSessionRecord, UserRecord
from firebreak.kernel.errors import Unauthenticated
from firebreak.security.roles import Principal

PREFIX = "fbs_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token(secret: str) -> str:
    """The CSRF token that goes with a session: derived from the cookie, so nothing else is stored.

    A page on another site can make the browser send the cookie but cannot read it, so it
    cannot produce this value.
    """
    return hmac.new(secret.encode(), b"firebreak-csrf", hashlib.sha256).hexdigest()


def csrf_matches(secret: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(csrf_token(secret), presented)


@dataclass(frozen=True, slots=True)
class NewSession:
    """A fresh session: `secret` goes into the cookie and is never stored."""

    id: int
    secret: str
    csrf_token: str
    expires_at: datetime


def create_session(session: Session, *, user: UserRecord, now: datetime, lifetime: timedelta,
                   client: str | None) -> NewSession:
    secret = PREFIX + secrets.token_urlsafe(32)
    record = ConsoleSessionRecord(user_id=user.id, token_hash=hash_secret(secret), created_at=now,
                                  expires_at=now + lifetime, client=(client or "")[:255] or None)
    session.add(record)
    session.flush()
    return NewSession(record.id, secret, csrf_token(secret), record.expires_at)


def authenticate_session(session: Session, *, secret: str, now: datetime) -> Principal:
    """The user a session cookie stands for; expired, ended and disabled ones are refused."""
    row = session.execute(
        select(ConsoleSessionRecord, UserRecord).join(UserRecord, UserRecord.id == ConsoleSessionRecord.user_id)
        .where(ConsoleSessionRecord.token_hash == hash_secret(secret))).one_or_none()
    if row is None:
        raise Unauthenticated("unknown session; sign in again")
    record, user = row
    if record.revoked_at is not None:
        raise Unauthenticated("session ended; sign in again")
    if record.expires_at <= now:
        raise Unauthenticated("session expired; sign in again")
    if user.disabled_at is not None:
        raise Unauthenticated("this user is disabled")
    return Principal(name=user.name, role=user.role, via="session", session_id=record.id)  # type: ignore[arg-type]


def end_session(session: Session, *, session_id: int, now: datetime) -> None:
    session.execute(update(ConsoleSessionRecord).where(ConsoleSessionRecord.id == session_id,
                                                       ConsoleSessionRecord.revoked_at.is_(None))
                    .values(revoked_at=now))


def revoke_user_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(update(ConsoleSessionRecord).where(ConsoleSessionRecord.user_id == user_id,
                                                       ConsoleSessionRecord.revoked_at.is_(None))
                    .values(revoked_at=now))
