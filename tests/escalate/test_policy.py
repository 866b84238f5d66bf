"""Policy freezing and turn arithmetic: delays, repeats and severity-only levels (seed 000)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firebreak.escalate.policy import LevelRule, Snapshot, freeze, schedule_offsets, turn_at

MIN = timedelta(minutes=1)
SEED_RULES = (
    LevelRule(("schedule:primary",), 5 * MIN),
    LevelRule(("schedule:secondary",), 10 * MIN),
    LevelRule(("user:em",), 15 * MIN),
    LevelRule(("user:cto",), 30 * MIN, only_for=("P0",)),
)


def seed(severity: str, repeat: int = 0) -> Snapshot:
    return freeze(policy="seed", severity=severity, rules=SEED_RULES, repeat=repeat,
                  ack_timeout=None, ack_deadline=5 * MIN, default_wait=10 * MIN)


def test_cto_level_only_for_p0() -> None:
    assert [level.targets for level in seed("P0").levels][-1] == ("user:cto",)
    assert all(level.targets != ("user:cto",) for level in seed("P1").levels)
    assert len(seed("P1").levels) == 3
    # The level keeps its configured number even when others are dropped.
    assert [level.number for level in seed("P1").levels] == [1, 2, 3]


def test_delays_accumulate_level_by_level() -> None:
    assert schedule_offsets(seed("P0")) == [timedelta(0), 5 * MIN, 15 * MIN, 30 * MIN]


def test_repeats_walk_the_levels_again() -> None:
    plan = seed("P2", repeat=2)
    assert plan.total_turns == 9
    offsets = schedule_offsets(plan)
    assert offsets[3] == 30 * MIN and offsets[6] == 60 * MIN
    start = datetime(2024, 1, 1, tzinfo=UTC)
    turn = turn_at(plan, 4, start)
    assert turn is not None and turn.round == 1 and turn.level.number == 2
    assert turn.next_due == start + 10 * MIN
    assert turn_at(plan, 9, start) is None
    last = turn_at(plan, 8, start)
    assert last is not None and last.next_due == start + 15 * MIN


def test_missing_wait_uses_the_severity_deadline_then_the_default() -> None:
    rules = (LevelRule(("user:a",), None), LevelRule(("user:b",), 2 * MIN))
    with_deadline = freeze(policy="p", severity="SEV1", rules=rules, repeat=0, ack_timeout=None,
                           ack_deadline=15 * MIN, default_wait=30 * MIN)
    assert with_deadline.levels[0].wait == 15 * MIN
    without = freeze(policy="p", severity=None, rules=rules, repeat=0, ack_timeout=None,
                     ack_deadline=None, default_wait=30 * MIN)
    assert without.levels[0].wait == 30 * MIN


def test_severity_none_skips_severity_only_levels_and_empty_plans_have_no_turns() -> None:
    assert len(freeze(policy="p", severity=None, rules=SEED_RULES, repeat=0, ack_timeout=None,
                      ack_deadline=None, default_wait=MIN).levels) == 3
    empty = freeze(policy="p", severity="P3", rules=(SEED_RULES[3],), repeat=3, ack_timeout=None,
                   ack_deadline=None, default_wait=MIN)
    assert empty.total_turns == 0 and turn_at(empty, 0, datetime(2024, 1, 1, tzinfo=UTC)) is None


def test_snapshot_json_round_trip() -> None:
    plan = freeze(policy="seed", severity="P0", rules=SEED_RULES, repeat=1, ack_timeout=4 * 60 * MIN,
                  ack_deadline=5 * MIN, default_wait=MIN)
    assert Snapshot.from_json(plan.to_json()) == plan
