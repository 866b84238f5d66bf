"""The transition table: every legal move allowed, every other refused naming the allowed ones."""

from __future__ import annotations

import itertools

import pytest

from firebreak.incident.lifecycle import STATES, TRANSITIONS, allowed_from, plan_transition
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
