"""Roles and what each may do (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "responder", "viewer", "ingest"]
ROLES: tuple[Role, ...] = ("admin", "responder", "viewer", "ingest")
# Human roles are ordered: each includes the ones below it. Ingest keys stand apart.
RANK: dict[str, int] = {"viewer": 1, "responder": 2, "admin": 3}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a token, an ingest key or a signed-in user."""

    name: str
    role: Role
    token_id: int | None = None


def has_role(principal: Principal, needed: Role) -> bool:
    """True when the principal's role covers `needed`."""
    if needed == "ingest":
        return principal.role in ("ingest", "admin")
    return RANK.get(principal.role, 0) >= RANK[needed]
