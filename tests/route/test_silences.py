"""Silences: the exact start and end instants, matching, and the expiry and usage reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firebreak.route.matchers import parse_matchers
from firebreak.route.silences import Silence, SilenceIndex, expiring_soon, matching_silences, unused, validate_window

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
TICK = timedelta(microseconds=1)


def silence(sid: str = "s1", matchers: str = 'service="api"', start: datetime = START,
            end: datetime = END, **extra: object) -> Silence:
    return Silence(id=sid, matchers=parse_matchers(matchers), starts_at=start, ends_at=end,
                   created_by="ops", comment="deploy", **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("moment", "state"),
    [(START - TICK, "pending"), (START, "active"), (END - TICK, "active"), (END, "expired"),
     (END + TICK, "expired")],
)
def test_start_inclusive_end_exclusive(moment: datetime, state: str) -> None:
    s = silence()
    assert s.state(moment) == state
    assert s.is_active(moment) is (state == "active")
    assert bool(matching_silences([s], {"service": "api"}, moment)) is (state == "active")


def test_matching_needs_every_matcher() -> None:
    s = silence(matchers='service="api", severity=~"warning|info"')
    assert matching_silences([s], {"service": "api", "severity": "info"}, START) == [s]
    assert matching_silences([s], {"service": "api", "severity": "critical"}, START) == []


def test_a_silence_without_matchers_mutes_nothing() -> None:
    assert not silence(matchers="").matches({"service": "api"})


def test_all_matching_silences_are_returned_in_order() -> None:
    first, second, other = silence("a"), silence("b", 'service=~"api|web"'), silence("c", 'service="db"')
    assert [s.id for s in matching_silences([first, other, second], {"service": "api"}, START)] == ["a", "b"]


def test_expiring_soon() -> None:
    s = silence()
    assert expiring_soon([s], END - timedelta(minutes=30), timedelta(minutes=30)) == [s]
    assert expiring_soon([s], END - timedelta(minutes=31), timedelta(minutes=30)) == []
    assert expiring_soon([s], END, timedelta(hours=1)) == []  # already expired


def test_unused_for_a_week() -> None:
    long_end = START + timedelta(days=30)
    never = silence("never", end=long_end, created_at=START)
    recent = silence("recent", end=long_end, created_at=START, last_matched_at=START + timedelta(days=3))
    now = START + timedelta(days=7)
    assert [s.id for s in unused([never, recent], now)] == ["never"]
    assert [s.id for s in unused([never, recent], now - TICK)] == []
    assert [s.id for s in unused([never, recent], START + timedelta(days=10))] == ["never", "recent"]


def test_window_validation() -> None:
    validate_window(START, END)
    with pytest.raises(ValueError, match="before or when it starts"):
        validate_window(START, START)
    with pytest.raises(ValueError, match="time zone"):
        validate_window(START.replace(tzinfo=None), END)


SILENCE_TEXT = st.sampled_from([
    'service="api"', 'service="web", env="prod"', 'env!="prod"', 'service=~"api|web"', 'team="a", env=~".+"',
    'team=""', 'service="api", team!="b"', 'env="staging"'])


@given(texts=st.lists(SILENCE_TEXT, max_size=12),
       labels=st.fixed_dictionaries({"service": st.sampled_from(["api", "web", ""]),
                                     "env": st.sampled_from(["prod", "staging", ""]),
                                     "team": st.sampled_from(["a", "b", ""])}),
       offset=st.integers(min_value=-2, max_value=3))
def test_index_finds_exactly_what_a_full_scan_finds(texts: list[str], labels: dict[str, str], offset: int) -> None:
    silences = [silence(f"s{i}", text, start=START + timedelta(hours=i % 3)) for i, text in enumerate(texts)]
    present = {k: v for k, v in labels.items() if v}
    now = START + timedelta(hours=offset)
    assert SilenceIndex(silences).matching(present, now) == matching_silences(silences, present, now)
