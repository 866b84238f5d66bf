"""Roles and what each may do (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from firebreak.kernel.errors import PermissionDenied

Role = Literal["admin", "responder", "viewer", "ingest"]
ROLES: tuple[Role, ...] = ("admin", "responder", "viewer", "ingest")
HUMAN_ROLES: tuple[Role, ...] = ("admin", "responder", "viewer")
# Human roles are ordered: each includes the ones below it. Ingest keys stand apart.
RANK: dict[str, int] = {"viewer": 1, "responder": 2, "admin": 3}
Via = Literal["token", "session"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a token, an ingest key or a signed-in user."""

    name: str
    role: Role
    token_id: int | None = None
    via: Via = "token"
    session_id: int | None = None


def has_role(principal: Principal, needed: Role) -> bool:
    """True when the principal's role covers `needed`."""
    if needed == "ingest":
        return principal.role in ("ingest", "admin")
    return RANK.get(principal.role, 0) >= RANK[needed]


def check_second_approver(approver: Principal, *, requested_by: str) -> None:
    """A destructive step needs a responder other than the one who asked for it."""
    if not has_role(approver, "responder"):
        raise PermissionDenied(f"role {approver.role!r} may not approve steps; responder or above is needed")
    if approver.name == requested_by:
        raise PermissionDenied("a destructive step must be approved by a second responder, "
                               f"not by {requested_by!r} who requested it")
