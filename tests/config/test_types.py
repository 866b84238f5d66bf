"""Field types of the configuration file: durations and names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firebreak.config.types import check_name, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", timedelta(seconds=90)), ("5m", timedelta(minutes=5)), ("1h30m", timedelta(minutes=90)),
     ("2d", timedelta(days=2)), ("1w", timedelta(weeks=1)), ("250ms", timedelta(milliseconds=250)),
     ("0", timedelta(0)), (300, timedelta(minutes=5)), ("1H 5M", timedelta(minutes=65))],
)
def test_durations(text: object, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["", "5", "five minutes", "5x", "m5", "-5m", True, None, [1]])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


@given(st.integers(min_value=0, max_value=10**8))
def test_duration_format_round_trips(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value


def test_names() -> None:
    assert check_name("api-gateway") == "api-gateway"
    assert check_name("team.data_1@eu") == "team.data_1@eu"
    for bad in ("", "-x", "has space", "x" * 200):
        with pytest.raises(ValueError):
            check_name(bad)
