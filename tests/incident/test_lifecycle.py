"""The transition table: every legal move allowed, every other refused naming the allowed ones."""

from __future__ import annotations

import itertools

import pytest

from firebreak.incident.lifecycle import STATES, TRANSITIONS, allowed_from, is_open, plan_merge, plan_transition
from firebreak.kernel.errors import Conflict, InvalidInput


@pytest.mark.parametrize(("source", "target"), sorted(itertools.product(STATES, STATES)))
def test_every_pair(source: str, target: str) -> None:
    if (source, target) in TRANSITIONS:
        move = plan_transition(source, target)
        assert move.rule_id.split("-")[0] in {"ACK", "INV", "IDN", "MIT", "MON", "RES", "CLS", "REO"}
    else:
        with pytest.raises(Conflict) as info:
            plan_transition(source, target)
        assert info.value.allowed == allowed_from(source)
        assert target in info.value.detail


def test_lifecycle_shape() -> None:
    assert allowed_from("closed") == []
    assert "triggered" in allowed_from("resolved") and "investigating" in allowed_from("resolved")
    # the happy path is walkable in order
    for a, b in itertools.pairwise(STATES):
        assert (a, b) in TRANSITIONS
    with pytest.raises(InvalidInput):
        plan_transition("triggered", "panicking")


@pytest.mark.parametrize("state", STATES)
def test_merging_closes_any_incident_but_a_closed_one_into_an_open_one(state: str) -> None:
    if state == "closed":
        with pytest.raises(Conflict, match="incident 2 is closed"):
            plan_merge(merged_id=2, merged_status=state, survivor_id=1, survivor_status="triggered")
    else:
        move = plan_merge(merged_id=2, merged_status=state, survivor_id=1, survivor_status="investigating")
        assert (move.source, move.target, move.rule_id) == (state, "closed", "MRG-1")
    if not is_open(state):
        with pytest.raises(Conflict, match=f"it is {state}"):
            plan_merge(merged_id=2, merged_status="triggered", survivor_id=1, survivor_status=state)


def test_an_incident_is_never_merged_into_itself() -> None:
    with pytest.raises(InvalidInput, match="into itself") as info:
        plan_merge(merged_id=3, merged_status="triggered", survivor_id=3, survivor_status="triggered")
    assert info.value.field == "into"
    # The merge rule stays outside the table: a responder cannot close an open incident by a move.
    assert ("triggered", "closed") not in TRANSITIONS
