"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from firebreak import __version__
from firebreak.http.deps import PUBLIC, RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[PUBLIC])
def healthz(runtime: RuntimeDep) -> dict[str, str]:
    """Ok when the database answers."""
    with runtime.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}
