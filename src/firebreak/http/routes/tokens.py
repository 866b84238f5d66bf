"""Token management (admins only): list, create (the secret is shown once), revoke."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from firebreak.db.models.security import ApiTokenRecord
from firebreak.http.deps import DB, Admin, RuntimeDep
from firebreak.http.responses import RevealingJSONResponse
from firebreak.kernel.errors import Conflict, InvalidInput
from firebreak.security import tokens
from firebreak.security.roles import Role

router = APIRouter(prefix="/api/v1/tokens", tags=["tokens"])
TokenId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_DAYS = 3650


class TokenOut(BaseModel):
    """A token as listed: never its secret or hash."""

    id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    active: bool

    @classmethod
    def of(cls, record: ApiTokenRecord, *, now: datetime) -> TokenOut:
        return cls(id=record.id, name=record.name, role=record.role, prefix=record.prefix,
                   created_at=record.created_at, expires_at=record.expires_at, revoked_at=record.revoked_at,
                   last_used_at=record.last_used_at, active=tokens.is_active(record, now=now))


class TokenCreated(TokenOut):
    """A new token with its secret, shown this once."""

    secret: str


class TokenIn(BaseModel):
    """A token to create; it expires after `expires_in_days` when given."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=tokens.NAME_MAX)
    role: Role
    expires_in_days: int | None = Field(default=None, ge=1, le=MAX_DAYS)


@router.get("", response_model=list[TokenOut])
def list_tokens(db: DB, runtime: RuntimeDep, _caller: Admin) -> list[TokenOut]:
    now = runtime.clock.now()
    return [TokenOut.of(r, now=now) for r in tokens.list_tokens(db)]


@router.post("", response_model=TokenCreated, status_code=201, response_class=RevealingJSONResponse)
def create_token(body: TokenIn, db: DB, runtime: RuntimeDep, _caller: Admin) -> TokenCreated:
    """Create a token or ingest key; store the secret now, it cannot be shown again."""
    now = runtime.clock.now()
    expires = now + timedelta(days=body.expires_in_days) if body.expires_in_days else None
    new = tokens.create_token(db, name=body.name, role=body.role, now=now, expires_at=expires)
    record = tokens.get_token(db, token_id=new.id)
    return TokenCreated(**TokenOut.of(record, now=now).model_dump(), secret=new.secret)


@router.delete("/{token_id}", response_model=TokenOut)
def revoke_token(token_id: TokenId, db: DB, runtime: RuntimeDep, caller: Admin) -> TokenOut:
    """Revoke a token; the one making the request cannot revoke itself (no accidental lock-out)."""
    if caller.token_id == token_id:
        raise Conflict("a token cannot revoke itself; use another admin token or the CLI")
    record = tokens.get_token(db, token_id=token_id)
    if record.revoked_at is not None:
        raise InvalidInput(f"token {token_id} is already revoked", field="token_id")
    now = runtime.clock.now()
    tokens.revoke_token(db, name=record.name, now=now)
    return TokenOut.of(record, now=now)
