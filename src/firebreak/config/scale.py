"""The `severity_scale` section: a preset name, or levels written out, resolved into a SeverityScale."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PlainSerializer, ValidatorFunctionWrapHandler, WrapValidator, model_validator

from firebreak.config.types import Duration, Strict, format_duration
from firebreak.route.severity import ReviewPolicy, SeverityLevel, SeverityScale, Urgency
from firebreak.route.severity_presets import PRESETS, preset


class SeverityLevelSpec(Strict):
    """One level as written in the file.

    `urgency` is `high` (page through the escalation policy), `low` (notify the team's
    low-urgency contacts once) or `none` (record only, optionally post to the team's tracker);
    without it, `pages: true` means high and anything else low. `outside_support_hours` is the
    urgency outside the configured `support_hours` (a high one pages when they start).
    `review: optional` lets its incidents close without a completed post-incident review.
    """

    name: str = Field(min_length=1, max_length=64)
    description: str = ""
    ack_deadline: Duration
    update_cadence: Duration | None = None
    pages: bool | None = None
    urgency: Urgency | None = None
    outside_support_hours: Urgency | None = None
    review: ReviewPolicy = "required"
    aliases: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _pages_agrees(self) -> SeverityLevelSpec:
        if self.pages is not None and self.urgency is not None and self.pages != (self.urgency == "high"):
            raise ValueError(f"level {self.name!r}: pages: {str(self.pages).lower()} contradicts "
                             f"urgency: {self.urgency} (only urgency high pages)")
        return self

    def resolved_urgency(self) -> Urgency:
        if self.urgency is not None:
            return self.urgency
        return "high" if self.pages else "low"


class SeverityScaleSpec(Strict):
    """A scale: either `preset: sev1-sev4` or `levels:` listed most severe first."""

    preset: str | None = None
    name: str | None = None
    levels: list[SeverityLevelSpec] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> SeverityScaleSpec:
        if (self.preset is None) == (self.levels is None):
            raise ValueError(f"give either 'preset' (one of {', '.join(PRESETS)}) or 'levels', not both")
        if self.levels is not None and not self.levels:
            raise ValueError("'levels' needs at least one level")
        return self

    def resolve(self) -> SeverityScale:
        if self.preset is not None:
            return _preset(self.preset)
        assert self.levels is not None
        return SeverityScale(
            name=self.name or "custom",
            levels=tuple(
                SeverityLevel(
                    name=level.name, description=level.description, ack_deadline=level.ack_deadline,
                    update_cadence=level.update_cadence, pages=level.resolved_urgency() == "high",
                    aliases=tuple(level.aliases), urgency=level.resolved_urgency(),
                    outside_support_hours=level.outside_support_hours, review=level.review,
                )
                for level in self.levels
            ),
        )


def _preset(name: str) -> SeverityScale:
    try:
        return preset(name)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from exc


def _validate_scale(value: Any, handler: ValidatorFunctionWrapHandler) -> SeverityScale:
    if isinstance(value, SeverityScale):
        return value
    if isinstance(value, str):
        return _preset(value)
    return SeverityScaleSpec.model_validate(value).resolve()


def scale_as_dict(scale: SeverityScale) -> dict[str, Any]:
    """A JSON-friendly description of a scale (for the API and `config check`)."""
    return {
        "name": scale.name,
        "levels": [
            {
                "name": level.name,
                "description": level.description,
                "ack_deadline": format_duration(level.ack_deadline),
                "update_cadence": None if level.update_cadence is None else format_duration(level.update_cadence),
                "pages": level.pages,
                "urgency": level.base_urgency,
                "outside_support_hours": level.outside_support_hours,
                "review": level.review,
                "aliases": list(level.aliases),
            }
            for level in scale.levels
        ],
    }


ScaleField = Annotated[SeverityScale, WrapValidator(_validate_scale), PlainSerializer(scale_as_dict)]
