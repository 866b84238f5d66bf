"""Roles and what each may do (pure)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from firebreak.kernel.errors import InvalidInput, PermissionDenied

Role = Literal["admin", "responder", "viewer", "ingest"]
ROLES: tuple[Role, ...] = ("admin", "responder", "viewer", "ingest")
HUMAN_ROLES: tuple[Role, ...] = ("admin", "responder", "viewer")
# Human roles are ordered: each includes the ones below it. Ingest keys stand apart.
RANK: dict[str, int] = {"viewer": 1, "responder": 2, "admin": 3}
Via = Literal["token", "session", "os-user"]
ACT_AS_MAX = 100


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a token, an ingest key or a signed-in user."""

    name: str
    role: Role
    token_id: int | None = None
    via: Via = "token"
    session_id: int | None = None
    # Set when an admin records a change under another name: the admin's own name.
    set_by: str | None = None


def acting_as(principal: Principal, name: str) -> Principal:
    """The principal an admin becomes to record a change under another name ("NAME (as set by ADMIN)").

    Only admins may do this; anyone else is refused, naming their role.
    """
    if principal.role != "admin":
        raise PermissionDenied(f"only an admin may act as someone else (--as); {principal.name!r} is "
                               f"{principal.role}")
    if principal.set_by is not None:
        raise PermissionDenied("already acting as someone else")
    wanted = " ".join(name.split())
    if not wanted or len(wanted) > ACT_AS_MAX:
        raise InvalidInput(f"--as needs a name of 1 to {ACT_AS_MAX} characters", field="as")
    return replace(principal, name=f"{wanted} (as set by {principal.name})", set_by=principal.name)


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
