"""First start on an empty database: an admin user, an admin token and an ingest key, shown once."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from firebreak.kernel.errors import ConfigError, InvalidInput
from firebreak.security import passwords, tokens, users
from firebreak.security.secrets import resolve_secret

ADMIN_USER = "admin"
ENV_ADMIN_TOKEN = "FIREBREAK_ADMIN_TOKEN"  # noqa: S105 - a variable name, not a secret
ENV_INGEST_KEY = "FIREBREAK_INGEST_KEY"
ENV_ADMIN_PASSWORD = "FIREBREAK_ADMIN_PASSWORD"  # noqa: S105 - a variable name, not a secret


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """Credentials created at first start (None when the database already had tokens)."""

    admin_token: str
    ingest_key: str
    admin_user: str | None = None
    admin_password: str | None = None


def bootstrap(session: Session, *, now: datetime, admin_token: str | None = None,
              ingest_key: str | None = None) -> Bootstrap | None:
    """Create the first admin token and ingest key unless tokens exist already."""
    if tokens.has_tokens(session):
        return None
    admin = tokens.create_token(session, name="bootstrap-admin", role="admin", now=now, secret=admin_token)
    ingest = tokens.create_token(session, name="default-ingest", role="ingest", now=now, secret=ingest_key)
    return Bootstrap(admin_token=admin.secret, ingest_key=ingest.secret)


def supplied(environ: Mapping[str, str], name: str) -> str | None:
    """A credential given in the environment, itself possibly an `env:` or `file:` reference."""
    value = environ.get(name)
    if not value:
        return None
    return resolve_secret(value, environ=environ, field=name)


def first_start(session: Session, *, now: datetime, environ: Mapping[str, str],
                hasher: PasswordHasher = passwords.DEFAULT_HASHER) -> Bootstrap | None:
    """On an empty database: tokens as `bootstrap` does, plus the `admin` console user.

    Each credential comes from the environment when given there, else it is generated.
    """
    if tokens.has_tokens(session) or users.has_users(session):
        return None
    # Resolve and check everything before writing anything.
    admin_token = supplied(environ, ENV_ADMIN_TOKEN)
    ingest_key = supplied(environ, ENV_INGEST_KEY)
    password = supplied(environ, ENV_ADMIN_PASSWORD) or secrets.token_urlsafe(18)
    for name, value in ((ENV_ADMIN_TOKEN, admin_token), (ENV_INGEST_KEY, ingest_key)):
        if value is not None and len(value) < tokens.MIN_SUPPLIED_LENGTH:
            raise ConfigError(f"{name}: a supplied token must be at least {tokens.MIN_SUPPLIED_LENGTH} "
                              "characters long", field=name)
    try:
        passwords.check_password_policy(password)
    except InvalidInput as exc:
        raise ConfigError(f"{ENV_ADMIN_PASSWORD}: {exc.detail}", field=ENV_ADMIN_PASSWORD) from exc
    first = bootstrap(session, now=now, admin_token=admin_token, ingest_key=ingest_key)
    users.create_user(session, name=ADMIN_USER, role="admin", password=password, now=now, hasher=hasher)
    assert first is not None
    return Bootstrap(admin_token=first.admin_token, ingest_key=first.ingest_key, admin_user=ADMIN_USER,
                     admin_password=password)
