"""First start on an empty database: create an admin token and an ingest key, shown once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from firebreak.security import tokens


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """Credentials created at first start (None when the database already had tokens)."""

    admin_token: str
    ingest_key: str


def bootstrap(session: Session, *, now: datetime, admin_token: str | None = None,
              ingest_key: str | None = None) -> Bootstrap | None:
    """Create the first admin token and ingest key unless tokens exist already."""
    if tokens.has_tokens(session):
        return None
    admin = tokens.create_token(session, name="bootstrap-admin", role="admin", now=now, secret=admin_token)
    ingest = tokens.create_token(session, name="default-ingest", role="ingest", now=now, secret=ingest_key)
    return Bootstrap(admin_token=admin.secret, ingest_key=ingest.secret)
