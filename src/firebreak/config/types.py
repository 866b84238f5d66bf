"""Field types the configuration file is written in: durations like `5m`, names, time zones,
label matchers and threshold conditions. Each parses text and fails with a message that names
what is wrong, which the loader turns into file, line and field.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from firebreak.incident.auto_resolve import SOURCES
from firebreak.kernel.errors import InvalidInput
from firebreak.route.matchers import Matcher, parse_matcher
from firebreak.route.thresholds import Condition, parse_condition

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|w|d|h|m|s)", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}$")


class Strict(BaseModel):
    """Base of every configuration model: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              arbitrary_types_allowed=True)


def parse_duration(value: object) -> timedelta:
    """`90s`, `5m`, `1h30m`, `2d`, `1w` (or a number of seconds) as a timedelta; never negative."""
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, bool):
        raise ValueError("a duration must be text like '5m' or a number of seconds")
    elif isinstance(value, int | float):
        result = timedelta(seconds=value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if text in ("0", ""):
            if not text:
                raise ValueError("empty duration; write e.g. '5m', '1h30m' or '2d'")
            return timedelta(0)
        position = 0
        seconds = 0.0
        for part in _DURATION_PART.finditer(text):
            if part.start() != position:
                break
            seconds += float(part.group(1)) * _UNIT_SECONDS[part.group(2).lower()]
            position = part.end()
        if position != len(text) or position == 0:
            raise ValueError(f"invalid duration {value!r}; write e.g. '5m', '1h30m', '2d' or '1w'")
        result = timedelta(seconds=seconds)
    else:
        raise ValueError("a duration must be text like '5m' or a number of seconds")
    if result < timedelta(0):
        raise ValueError(f"duration {value!r} is negative")
    return result


def positive_duration(text: str, *, field: str) -> timedelta:
    """A duration typed by a person (API parameter, CLI option); InvalidInput names `field`."""
    try:
        value = parse_duration(text)
    except ValueError as exc:
        raise InvalidInput(f"{field}: {exc}", field=field) from exc
    if value <= timedelta(0):
        raise InvalidInput(f"{field} must be longer than zero", field=field)
    return value


def format_duration(value: timedelta) -> str:
    """The shortest `1h30m`-style spelling of a duration."""
    total = value.total_seconds()
    if total == 0:
        return "0s"
    parts: list[str] = []
    for unit in ("w", "d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        count = int(total // size)
        if count:
            parts.append(f"{count}{unit}")
            total -= count * size
    if total > 1e-9:
        parts.append(f"{round(total * 1000)}ms")
    return "".join(parts)


def check_time_zone(name: str) -> str:
    """An IANA time zone name such as `Europe/London`; ValueError if unknown."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/London'") from exc
    return name


def check_name(name: str) -> str:
    """A reference-able name: letters, digits and `_.@:+-`, starting with a letter or digit."""
    if not _NAME_RE.match(name):
        raise ValueError(
            f"invalid name {name!r}: use letters, digits and _ . @ : + - (starting with a letter or digit)"
        )
    return name


def _coerce_matcher(value: Any) -> Matcher:
    if isinstance(value, Matcher):
        return value
    if isinstance(value, str):
        return parse_matcher(value)
    raise ValueError('a matcher is text like \'severity=~"critical|warning"\'')


def _coerce_condition(value: Any) -> Condition:
    if isinstance(value, Condition):
        return value
    if isinstance(value, str):
        return parse_condition(value)
    raise ValueError("a condition is text like 'value > 85'")


def _coerce_regex(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a regular expression must be text")
    from_text = Matcher.of("x", "=~", value)  # compiles, raising ValueError when invalid
    return from_text.value


Duration = Annotated[timedelta, BeforeValidator(parse_duration), PlainSerializer(format_duration)]
TimeZone = Annotated[str, AfterValidator(check_time_zone)]
Name = Annotated[str, AfterValidator(check_name)]
LabelMatcher = Annotated[Matcher, BeforeValidator(_coerce_matcher), PlainSerializer(str)]
ThresholdCondition = Annotated[Condition, BeforeValidator(_coerce_condition), PlainSerializer(str)]
Regex = Annotated[str, BeforeValidator(_coerce_regex)]

SourceName = Literal[SOURCES]  # type: ignore[valid-type]


def _every_source(value: Any) -> Any:
    return dict.fromkeys(SOURCES, value) if isinstance(value, bool) else value


# `auto_resolve`: true/false for every source, or per source (`{pagerduty: true, alertmanager: false}`).
AutoResolveField = Annotated[dict[SourceName, bool], BeforeValidator(_every_source)]
