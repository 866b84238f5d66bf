"""Console users: create, sign in with a password, change password, disable, list."""

from __future__ import annotations

import functools
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.security import UserRecord
from firebreak.kernel.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from firebreak.security import passwords
from firebreak.security.roles import HUMAN_ROLES
from firebreak.security.sessions import revoke_user_sessions

NAME_MAX = 255
WRONG = "wrong user name or password"


def check_name(name: str) -> str:
    """A user name: non-empty, printable, at most 255 characters."""
    name = name.strip()
    if not name:
        raise InvalidInput("a user needs a name", field="name")
    if len(name) > NAME_MAX or any(not ch.isprintable() for ch in name):
        raise InvalidInput("a user name is at most 255 printable characters", field="name")
    return name


def get_user(session: Session, *, name: str) -> UserRecord:
    record = session.scalars(select(UserRecord).where(UserRecord.name == name)).one_or_none()
    if record is None:
        raise NotFound(f"no user named {name!r}")
    return record


def create_user(session: Session, *, name: str, role: str, password: str, now: datetime,
                hasher: PasswordHasher = passwords.DEFAULT_HASHER) -> UserRecord:
    """Create a console user with an argon2-hashed password."""
    name = check_name(name)
    if role not in HUMAN_ROLES:
        raise InvalidInput(f"unknown user role {role!r}; roles are {', '.join(HUMAN_ROLES)}", field="role")
    passwords.check_password_policy(password)
    if session.scalars(select(UserRecord.id).where(UserRecord.name == name)).first() is not None:
        raise Conflict(f"a user named {name!r} already exists")
    record = UserRecord(name=name, role=role, password_hash=passwords.hash_password(password, hasher=hasher),
                        created_at=now, password_changed_at=now)
    session.add(record)
    session.flush()
    return record


def sign_in(session: Session, *, name: str, password: str, now: datetime,
            hasher: PasswordHasher = passwords.DEFAULT_HASHER) -> UserRecord:
    """The user whose password this is; unknown names cost as much as wrong passwords."""
    record = session.scalars(select(UserRecord).where(UserRecord.name == name.strip())).one_or_none()
    if record is None:
        passwords.verify_password(dummy_hash(hasher), password, hasher=hasher)
        raise Unauthenticated(WRONG)
    if not passwords.verify_password(record.password_hash, password, hasher=hasher):
        raise Unauthenticated(WRONG)
    if record.disabled_at is not None:
        raise Unauthenticated("this user is disabled")
    if passwords.needs_rehash(record.password_hash, hasher=hasher):
        record.password_hash = passwords.hash_password(password, hasher=hasher)
    record.last_login_at = now
    return record


@functools.cache
def dummy_hash(hasher: PasswordHasher) -> str:
    """A hash with the hasher's parameters, to spend the same time on unknown user names."""
    return hasher.hash("firebreak-no-such-user")


def set_password(session: Session, *, name: str, password: str, now: datetime,
                 hasher: PasswordHasher = passwords.DEFAULT_HASHER) -> UserRecord:
    """Change a password; every open session of the user ends."""
    passwords.check_password_policy(password)
    record = get_user(session, name=name)
    record.password_hash = passwords.hash_password(password, hasher=hasher)
    record.password_changed_at = now
    revoke_user_sessions(session, user_id=record.id, now=now)
    return record


def disable_user(session: Session, *, name: str, now: datetime) -> UserRecord:
    """Disable a user and end their sessions."""
    record = get_user(session, name=name)
    record.disabled_at = record.disabled_at or now
    revoke_user_sessions(session, user_id=record.id, now=now)
    return record


def enable_user(session: Session, *, name: str) -> UserRecord:
    record = get_user(session, name=name)
    record.disabled_at = None
    return record


def list_users(session: Session) -> list[UserRecord]:
    return list(session.scalars(select(UserRecord).order_by(UserRecord.id)))


def has_users(session: Session) -> bool:
    return session.scalars(select(UserRecord.id).limit(1)).first() is not None
