"""Execute: who may request, approve and run a step of each class (pure decisions).

    read-only    runs when requested (and automatically when an incident opens)
    mutating     needs an approval by a responder (the requester may approve it)
    destructive  needs an approval by a second responder, other than the requester
    interactive  never runs as written: adapted first (see adapt), or refused

Requests and approvals come from responders or admins; viewers and ingest keys may do neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from firebreak.security.roles import Principal, has_role

SYSTEM_ACTOR = "firebreak"


@dataclass(frozen=True, slots=True)
class Requirement:
    """Approvals a class needs before a step runs."""

    approvals: int
    other_than_requester: bool

    def describe(self) -> str:
        if self.approvals == 0:
            return "runs without approval"
        if self.other_than_requester:
            return "needs approval by a second responder, other than the requester"
        return "needs approval by a responder"


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed or not, and why not."""

    allowed: bool
    reason: str = ""


REQUIREMENTS = {
    "read-only": Requirement(0, False),
    "mutating": Requirement(1, False),
    "destructive": Requirement(1, True),
}


def requirement(cls: str) -> Requirement:
    """The approvals a step of class `cls` needs; interactive steps must be adapted first."""
    if cls not in REQUIREMENTS:
        raise ValueError(f"a {cls} step cannot run as written")
    return REQUIREMENTS[cls]


def may_request(principal: Principal) -> Decision:
    """Only responders (and admins) ask for steps to run."""
    if has_role(principal, "responder"):
        return Decision(True)
    return Decision(False, f"role {principal.role!r} may not run runbook steps; responder or above is needed")


def may_approve(principal: Principal, *, cls: str, requested_by: str, approvals: list[str]) -> Decision:
    """Whether `principal` may approve a step of `cls` asked for by `requested_by`."""
    if not has_role(principal, "responder"):
        return Decision(False, f"role {principal.role!r} may not approve runbook steps; responder or above "
                               "is needed")
    need = requirement(cls)
    if need.approvals == 0:
        return Decision(False, "a read-only step needs no approval")
    if principal.name in approvals:
        return Decision(False, f"{principal.name} has already approved this step")
    if need.other_than_requester and principal.name == requested_by:
        return Decision(False, f"a destructive step needs a second responder: {principal.name} asked for it "
                               "and cannot also approve it")
    return Decision(True)


def is_ready(*, cls: str, requested_by: str, approvals: list[str]) -> bool:
    """True when the approvals given satisfy the class's requirement."""
    need = requirement(cls)
    counted = [a for a in approvals if not (need.other_than_requester and a == requested_by)]
    return len(set(counted)) >= need.approvals
