"""The incident lifecycle as a transition table with named rules, and the rule that closes a merged incident (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from firebreak.kernel.errors import Conflict, InvalidInput

STATES: tuple[str, ...] = (
    "triggered", "acknowledged", "investigating", "identified",
    "mitigating", "monitoring", "resolved", "closed",
)
OPEN_STATES = frozenset(STATES[:6])
ROLES: tuple[str, ...] = ("incident_commander", "technical_lead", "communications_lead",
                          "on_call_engineer")

# (from, to) -> rule id and meaning. Every legal move is listed; anything else is refused.
# CLS-1 also needs the incident's post-incident review marked complete, unless its severity makes the
# review optional: the review stage refuses the move otherwise (`review/gate.py`).
TRANSITIONS: dict[tuple[str, str], str] = {
    ("triggered", "acknowledged"): "ACK-1 a responder acknowledges the page",
    ("triggered", "investigating"): "INV-1 a responder starts investigating (acknowledges)",
    ("acknowledged", "investigating"): "INV-2 investigation starts",
    ("acknowledged", "identified"): "IDN-2 cause known at once",
    ("acknowledged", "mitigating"): "MIT-2 mitigation starts at once",
    ("investigating", "identified"): "IDN-1 cause identified",
    ("investigating", "mitigating"): "MIT-3 mitigation before the cause is known",
    ("identified", "mitigating"): "MIT-1 mitigation of the identified cause",
    ("identified", "investigating"): "INV-3 the suspected cause was wrong",
    ("mitigating", "monitoring"): "MON-1 fix applied, watching",
    ("mitigating", "investigating"): "INV-4 mitigation did not help",
    ("monitoring", "mitigating"): "MIT-4 the problem came back while monitoring",
    ("monitoring", "investigating"): "INV-5 monitoring showed a new lead",
    ("triggered", "resolved"): "RES-1 resolved before acknowledgement",
    ("acknowledged", "resolved"): "RES-2 resolved",
    ("investigating", "resolved"): "RES-2 resolved",
    ("identified", "resolved"): "RES-2 resolved",
    ("mitigating", "resolved"): "RES-2 resolved",
    ("monitoring", "resolved"): "RES-3 resolved after monitoring",
    ("resolved", "closed"): "CLS-1 closed after review",
    ("resolved", "triggered"): "REO-1 reopened by a new alert",
    ("resolved", "investigating"): "REO-2 reopened by a responder",
}


@dataclass(frozen=True, slots=True)
class Transition:
    """A legal move and the rule that allows it."""

    source: str
    target: str
    rule: str

    @property
    def rule_id(self) -> str:
        return self.rule.split(" ", 1)[0]


def allowed_from(state: str) -> list[str]:
    """The states reachable from `state` in one move, in lifecycle order."""
    return [target for target in STATES if (state, target) in TRANSITIONS]


def plan_transition(current: str, target: str) -> Transition:
    """Decide whether `current → target` is legal; raise Conflict naming the allowed moves."""
    if target not in STATES:
        raise InvalidInput(f"unknown state {target!r}; states are {', '.join(STATES)}", field="status")
    rule = TRANSITIONS.get((current, target))
    if rule is None:
        allowed = allowed_from(current)
        moves = ", ".join(allowed) if allowed else "none (the incident is closed)"
        raise Conflict(f"cannot move an incident from {current} to {target}; allowed: {moves}",
                       allowed=allowed)
    return Transition(current, target, rule)


def is_open(state: str) -> bool:
    """True while the incident still needs people."""
    return state in OPEN_STATES


MERGE_RULE = "MRG-1 merged into another incident"


def plan_merge(*, merged_id: int, merged_status: str, survivor_id: int, survivor_status: str) -> Transition:
    """Decide whether incident `merged_id` may be merged into `survivor_id`: the move that closes it.

    Any incident but a closed one may be merged (a resolved one too), into an open incident other
    than itself; the merged one is closed by rule MRG-1, outside the table of a responder's moves.
    """
    if merged_id == survivor_id:
        raise InvalidInput(f"cannot merge incident {merged_id} into itself", field="into")
    if not is_open(survivor_status):
        raise Conflict(f"cannot merge into incident {survivor_id}: it is {survivor_status}; "
                       "merge into an open incident (or reopen it first)")
    if merged_status == "closed":
        raise Conflict(f"incident {merged_id} is closed; a closed incident cannot be merged")
    return Transition(merged_status, "closed", MERGE_RULE)
