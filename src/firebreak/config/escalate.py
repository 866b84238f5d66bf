"""Escalation configuration: on-call schedules, escalation policies, contact methods and notifications."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from firebreak.config.types import Duration, Name, Strict, TimeZone

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {"weekdays": DAY_NAMES[:5], "weekends": DAY_NAMES[5:], "all": DAY_NAMES}
_HANDOFF = re.compile(r"^(?:(?P<day>[A-Za-z]{3})[a-z]*\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})$")
TARGET_KINDS = ("user", "schedule", "team")
LOCAL_SCHEMES = ("console", "log")


def parse_clock_time(value: object) -> time:
    """`09:00` (24-hour local time) as a time."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        # YAML 1.1 reads an unquoted 17:30 as the base-60 number 1050
        return time(*divmod(value, 60))
    text = str(value).strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        raise ValueError(f"invalid time of day {value!r}; write 24-hour local time like '09:00'")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24:
        if minute:
            raise ValueError(f"invalid time of day {value!r}")
        return time(0)
    return time(hour, minute)


def parse_days(value: object) -> tuple[int, ...]:
    """Weekday names (`mon`…`sun`, `weekdays`, `weekends`, `all`) as numbers, Monday = 0."""
    words = [value] if isinstance(value, str) else value
    if not isinstance(words, list | tuple) or not words:
        raise ValueError("days must be a list such as [mon, tue] or 'weekdays'")
    days: set[int] = set()
    for word in words:
        key = str(word).strip().lower()
        if key in DAY_GROUPS:
            days.update(DAY_NAMES.index(day) for day in DAY_GROUPS[key])
        elif len(key) >= 3 and key[:3] in DAY_NAMES:
            days.add(DAY_NAMES.index(key[:3]))
        else:
            raise ValueError(f"unknown day {word!r}; use mon … sun, weekdays, weekends or all")
    return tuple(sorted(days))


def check_target(value: str) -> str:
    """`user:<handle>`, `schedule:<name>` or `team:<name>`."""
    kind, sep, name = value.partition(":")
    if not sep or kind not in TARGET_KINDS or not name:
        raise ValueError(f"invalid target {value!r}; write user:<handle>, schedule:<name> or team:<name>")
    return value


ClockTime = Annotated[time, BeforeValidator(parse_clock_time)]
Days = Annotated[tuple[int, ...], BeforeValidator(parse_days)]
Target = Annotated[str, AfterValidator(check_target)]


class ContactMethodSpec(Strict):
    """One way to reach a user (`via` is a notification URL) and how long after paging to use it.

    `via` is any address apprise understands (`slack://…`, `msteams://…`, `discord://…`,
    `tgram://…`, `mmost://…`, `mailto://…`, `json://…` …) or `console://` / `log://`.
    """

    via: str = Field(min_length=1)
    after: Duration = timedelta(0)

    @field_validator("via")
    @classmethod
    def _address(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError(f"invalid contact address {value!r}; write a URL such as 'mailto://…' "
                             "or 'slack://…'")
        return value


class RotationSpec(Strict):
    """Participants taking turns of `every` (1d, 1w, 12h …), handing off at `handoff` local time.

    `handoff` is `HH:MM`, or `Day HH:MM` to pin weekly turns to a weekday. Turn 0 starts at the
    first handoff on or after `start`. A `null` among `users` is a turn when this rotation has
    nobody on call (a lower layer's person, if any, is then on call), as an imported rotation
    with an empty slot needs.
    """

    users: list[Name | None] = Field(min_length=1)
    every: Duration = timedelta(weeks=1)
    handoff: str = "Mon 09:00"
    start: date = date(2024, 1, 1)
    time_zone: TimeZone | None = None

    @field_validator("users")
    @classmethod
    def _someone(cls, value: list[str | None]) -> list[str | None]:
        if all(user is None for user in value):
            raise ValueError("a rotation needs at least one user (null marks a turn with nobody on call)")
        return value

    @field_validator("every")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value < timedelta(minutes=1):
            raise ValueError("a rotation's turn must last at least one minute")
        return value

    @field_validator("handoff", mode="before")
    @classmethod
    def _handoff(cls, value: object) -> str:
        if isinstance(value, int):
            value = parse_clock_time(value).strftime("%H:%M")
        text = str(value).strip()
        match = _HANDOFF.match(text)
        if not match:
            raise ValueError(f"invalid handoff {value!r}; write '09:00' or 'Mon 09:00'")
        if match.group("day") and match.group("day").lower() not in DAY_NAMES:
            raise ValueError(f"invalid handoff day in {value!r}; use Mon … Sun")
        parse_clock_time(f"{match.group('hour')}:{match.group('minute')}")
        return text

    def handoff_parts(self) -> tuple[int | None, time]:
        """(weekday or None, local time) of the handoff."""
        match = _HANDOFF.match(self.handoff)
        assert match is not None
        day = match.group("day")
        return (DAY_NAMES.index(day.lower()) if day else None,
                parse_clock_time(f"{match.group('hour')}:{match.group('minute')}"))


class RestrictionSpec(Strict):
    """A weekly window (e.g. working hours) when a layer is on duty; `end` ≤ `start` runs past midnight."""

    days: Days = tuple(range(7))
    start: ClockTime = time(0)
    end: ClockTime = time(0)


class SupportHoursSpec(Strict):
    """When the team is at work: weekly windows in one time zone (e.g. weekdays 09:00–17:30).

    A severity level's `outside_support_hours` urgency applies outside them; when they start,
    an incident still unacknowledged that was low urgency only because of the hour is paged.
    """

    time_zone: TimeZone = "UTC"
    windows: list[RestrictionSpec] = Field(min_length=1)


def check_notification_address(value: str) -> str:
    """A notification URL (`mailto://…`, `json://…`, `slack://…`, `log://` …)."""
    if "://" not in value:
        raise ValueError(f"invalid notification address {value!r}; write a URL such as 'mailto://…' "
                         "or 'json://…'")
    return value


NotificationAddress = Annotated[str, AfterValidator(check_notification_address)]


class LayerSpec(Strict):
    """A rotation or an iCalendar feed, limited to its restrictions and its optional [since, until).

    `ical` is a file path (relative to the configuration file) or the calendar text itself; each
    event's summary or attendee names a user by handle, name or e-mail address.
    """

    name: Name
    rotation: RotationSpec | None = None
    ical: str | None = None
    restrictions: list[RestrictionSpec] = Field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None

    @model_validator(mode="after")
    def _one_source(self) -> LayerSpec:
        if (self.rotation is None) == (self.ical is None):
            raise ValueError("a layer needs exactly one of 'rotation' or 'ical'")
        for moment in (self.since, self.until):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("'since' and 'until' need a time zone, e.g. 2025-01-01T09:00:00Z")
        return self


class OverrideSpec(Strict):
    """`user` covers the schedule from `start` to `end` (only while `replaces` is on, when given)."""

    user: Name
    start: datetime
    end: datetime
    replaces: Name | None = None
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> OverrideSpec:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("override times need a time zone, e.g. 2025-01-01T09:00:00Z")
        if self.end <= self.start:
            raise ValueError("an override must end after it starts")
        return self


class ScheduleSpec(Strict):
    """An on-call schedule, referenced by escalation policies as `schedule:<name>`.

    Layers listed later win wherever they have someone on duty; `rotations` is shorthand for
    one unrestricted layer per rotation; overrides beat every layer.
    """

    name: Name
    description: str = ""
    time_zone: TimeZone = "UTC"
    rotations: list[RotationSpec] = Field(default_factory=list)
    layers: list[LayerSpec] = Field(default_factory=list)
    overrides: list[OverrideSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_layers(self) -> ScheduleSpec:
        if not self.rotations and not self.layers:
            raise ValueError(f"schedule {self.name!r} needs at least one rotation or layer")
        names = [layer.name for layer in self.layers]
        if len(set(names)) != len(names):
            raise ValueError(f"schedule {self.name!r} has two layers with the same name")
        return self

    def all_layers(self) -> list[LayerSpec]:
        """Shorthand rotations first (lowest), then the layers as written."""
        return [LayerSpec(name=f"rotation-{index + 1}", rotation=rotation)
                for index, rotation in enumerate(self.rotations)] + list(self.layers)


class EscalationLevelSpec(Strict):
    """One level of an escalation policy: whom to notify and how long to wait for an acknowledgement.

    Without `wait`, a level waits for the incident severity's acknowledge deadline.
    """

    notify: list[Target] = Field(min_length=1)
    wait: Duration | None = None
    only_for: list[str] = Field(default_factory=list)


class EscalationPolicySpec(Strict):
    """An ordered escalation policy, referenced by teams, services and routes by name.

    `repeat` walks the levels again that many times; `ack_timeout` pages again (from the first
    level) when an acknowledged incident is still open that long after the acknowledgement.
    """

    name: Name
    description: str = ""
    levels: list[EscalationLevelSpec] = Field(default_factory=list)
    repeat: int = Field(default=0, ge=0, le=20)
    ack_timeout: Duration | None = None


class TemplateSpec(Strict):
    """Jinja2 text (sandboxed) for one channel family; an omitted part keeps the built-in one."""

    title: str | None = None
    body: str | None = None


class NotificationSpec(Strict):
    """How pages are delivered: retries, acknowledge links and per-channel templates.

    Template keys are channel families (`slack`, `msteams`, `discord`, `tgram`, `mmost`, `mailto`,
    `json`, `console` …) or `default`.
    """

    max_attempts: int = Field(default=5, ge=1, le=50)
    retry_backoff: Duration = timedelta(seconds=10)
    retry_backoff_cap: Duration = timedelta(minutes=5)
    ack_link_ttl: Duration = timedelta(hours=24)
    default_wait: Duration = timedelta(minutes=5)
    default_policy: Name | None = None
    templates: dict[str, TemplateSpec] = Field(default_factory=dict)
