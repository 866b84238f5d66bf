"""The audit log over HTTP (admins only): newest entries first, and verification of the chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from firebreak.db.models.security import AuditEntryRecord
from firebreak.http.deps import DB, Admin
from firebreak.http.schemas import VerifyOut
from firebreak.security import audit

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Outcome = Annotated[str | None, Query(pattern="^(success|denied|rejected|limited|error)$")]


class AuditEntryOut(BaseModel):
    """One audited request with its chain hashes."""

    seq: int
    at: datetime
    actor: str
    role: str | None
    via: str
    method: str
    path: str
    action: str
    target: dict[str, Any]
    client: str | None
    request_id: str
    status: int
    outcome: str
    detail: str | None
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, record: AuditEntryRecord) -> AuditEntryOut:
        return cls.model_validate(record, from_attributes=True)


@router.get("", response_model=list[AuditEntryOut])
def list_audit(db: DB, _caller: Admin,
               before: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="entries before this seq")] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               actor: Annotated[str | None, Query(max_length=255)] = None,
               outcome: Outcome = None) -> list[AuditEntryOut]:
    return [AuditEntryOut.of(r) for r in audit.entries(db, before=before, limit=limit, actor=actor,
                                                        outcome=outcome)]


@router.get("/verify", response_model=VerifyOut)
def verify_audit(db: DB, _caller: Admin) -> VerifyOut:
    verdict = audit.verify(db)
    return VerifyOut(ok=verdict.ok, entries=verdict.entries, problems=list(verdict.problems),
                          first_bad_seq=verdict.first_bad_seq)
