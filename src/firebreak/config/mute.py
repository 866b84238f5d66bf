"""The `silences`, `maintenance` and `inhibit` sections: what keeps noise from paging anyone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, Field, field_validator, model_validator

from firebreak.config.route import LabelValue, Matching
from firebreak.config.types import Duration, LabelMatcher, Name, Strict, TimeZone
from firebreak.route.maintenance import DEFAULT_ANCHOR, MaintenanceWindow, Recurrence, check_recurrence
from firebreak.route.matchers import Matcher, equality_matchers
from firebreak.route.silences import Silence

_DAWN = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))


class SilenceSpec(Matching):
    """A silence kept in the configuration file (the API adds more at run time)."""

    name: Name | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime
    created_by: str = Field(default="configuration", min_length=1)
    comment: str = Field(min_length=1)

    @model_validator(mode="after")
    def _sane(self) -> SilenceSpec:
        if not self.all_matchers():
            raise ValueError("a silence needs at least one matcher ('match', 'match_re' or 'matchers')")
        if self.starts_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("'ends_at' must be after 'starts_at'")
        return self

    def to_silence(self, index: int) -> Silence:
        return Silence(
            id=self.name or f"config-{index}",
            matchers=self.all_matchers(),
            starts_at=self.starts_at or _DAWN,
            ends_at=self.ends_at,
            created_by=self.created_by,
            comment=self.comment,
            created_at=self.starts_at,
        )


class MaintenanceSpec(Matching):
    """A maintenance window: one-off (`start` + `end`/`duration`) or recurring (`cron`/`rrule` + `duration`)."""

    name: Name | None = None
    service: Name | None = None
    services: list[Name] = Field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    cron: str | None = None
    rrule: str | None = None
    duration: Duration | None = None
    tz: TimeZone = "UTC"
    comment: str = ""

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            check_recurrence("cron", value)
        return value

    @field_validator("rrule")
    @classmethod
    def _rrule(cls, value: str | None) -> str | None:
        if value is not None:
            check_recurrence("rrule", value)
        return value

    @model_validator(mode="after")
    def _sane(self) -> MaintenanceSpec:
        if not self.all_services() and not self.all_matchers():
            raise ValueError("a maintenance window needs 'service', 'services' or matchers")
        if self.cron is not None and self.rrule is not None:
            raise ValueError("give either 'cron' or 'rrule', not both")
        if self.cron is not None or self.rrule is not None:
            if self.duration is None or self.duration <= timedelta(0):
                raise ValueError("a recurring window needs a positive 'duration'")
            if self.end is not None:
                raise ValueError("'end' is for one-off windows; a recurring window uses 'duration'")
            if self.cron is not None and self.start is not None:
                raise ValueError("'start' anchors an 'rrule'; a cron window has no start")
            return self
        if self.start is None:
            raise ValueError("a window needs 'start' with 'end' or 'duration', or a 'cron' or 'rrule'")
        if (self.end is None) == (self.duration is None):
            raise ValueError("a one-off window needs exactly one of 'end' or 'duration'")
        start = self._aware(self.start)
        end = self._aware(self.end) if self.end is not None else start + (self.duration or timedelta(0))
        if end <= start:
            raise ValueError("'end' must be after 'start'")
        return self

    def all_services(self) -> list[str]:
        return ([self.service] if self.service else []) + list(self.services)

    def label(self, index: int) -> str:
        return self.name or f"maintenance-{index}"

    def _aware(self, moment: datetime) -> datetime:
        """A naive time in the file is wall-clock time in the window's `tz`."""
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(self.tz))

    def to_window(self, index: int) -> MaintenanceWindow:
        common = {
            "name": self.label(index),
            "services": frozenset(self.all_services()),
            "matchers": self.all_matchers(),
            "comment": self.comment,
        }
        if self.cron is not None or self.rrule is not None:
            anchor = DEFAULT_ANCHOR
            if self.start is not None:
                anchor = self._aware(self.start).astimezone(ZoneInfo(self.tz)).replace(tzinfo=None)
            recurrence = Recurrence(
                kind="cron" if self.cron is not None else "rrule",
                expression=self.cron if self.cron is not None else str(self.rrule),
                tz=self.tz, anchor=anchor,
            )
            return MaintenanceWindow(recurrence=recurrence, duration=self.duration, **common)
        assert self.start is not None
        start = self._aware(self.start)
        end = self._aware(self.end) if self.end is not None else start + (self.duration or timedelta(0))
        return MaintenanceWindow(start=start, end=end, **common)


class InhibitRuleSpec(Strict):
    """While an alert matching `source` fires, alerts matching `target` with the same `equal`
    labels are inhibited (Alertmanager semantics)."""

    name: Name | None = None
    source: dict[str, LabelValue] = Field(default_factory=dict)
    source_matchers: list[LabelMatcher] = Field(default_factory=list)
    target: dict[str, LabelValue] = Field(default_factory=dict)
    target_matchers: list[LabelMatcher] = Field(default_factory=list)
    equal: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sane(self) -> InhibitRuleSpec:
        if not self.source_all():
            raise ValueError("an inhibition rule needs source matchers ('source' or 'source_matchers')")
        if not self.target_all():
            raise ValueError("an inhibition rule needs target matchers ('target' or 'target_matchers')")
        return self

    def source_all(self) -> tuple[Matcher, ...]:
        return equality_matchers(self.source) + tuple(self.source_matchers)

    def target_all(self) -> tuple[Matcher, ...]:
        return equality_matchers(self.target) + tuple(self.target_matchers)

    def label(self, index: int) -> str:
        return self.name or f"inhibit-{index}"
