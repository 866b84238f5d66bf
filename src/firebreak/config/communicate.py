"""The `communicate` section: status-update drafts and cadence, chat posting, stakeholders, the status page.

Each severity level's `update_cadence` (the scale) says how often an update is due; this section
says what the drafts look like, how soon the first update is due, how often an overdue one is
reminded, where chat messages go, who the stakeholders are and what the public status page shows.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator

from firebreak.config.escalate import NotificationAddress
from firebreak.config.types import Duration, Name, Strict, TimeZone

UpdateKind = Literal["initial", "progress", "resolved", "status_page", "customer_email", "leadership"]
UPDATE_KINDS: tuple[str, ...] = ("initial", "progress", "resolved", "status_page", "customer_email", "leadership")
ComponentStatus = Literal["operational", "degraded_performance", "partial_outage", "major_outage",
                          "under_maintenance"]
COMPONENT_STATUSES: tuple[str, ...] = ("operational", "degraded_performance", "partial_outage", "major_outage",
                                       "under_maintenance")
ChatEvent = Literal["updates", "roles", "severity", "status"]
StakeholderReceives = Literal["leadership_summary", "public_updates", "internal_updates", "severity", "status"]


def minute_or_more(value: timedelta, message: str) -> timedelta:
    if value < timedelta(minutes=1):
        raise ValueError(message)
    return value


class TemplateSpec(Strict):
    """A draft's title and body as sandboxed Jinja2 (either may be left to the built-in text)."""

    title: str | None = None
    body: str | None = None


class UpdatesSpec(Strict):
    """Status updates: the first is due `initial_within` of opening (seed 002: within 5 minutes), later
    ones every severity's `update_cadence`; an overdue update is reminded every `remind_every`."""

    initial_within: Duration = timedelta(minutes=5)
    remind_every: Duration = timedelta(minutes=5)
    # A top-severity incident open longer than this is "prolonged": the customer e-mail is suggested.
    customer_email_after: Duration = timedelta(hours=1)
    templates: dict[UpdateKind, TemplateSpec] = Field(default_factory=dict)

    @field_validator("remind_every")
    @classmethod
    def _remind_positive(cls, value: timedelta) -> timedelta:
        return minute_or_more(value, "reminders repeat at most once a minute ('remind_every' of 1m or more)")


class ChatSpec(Strict):
    """Chat posting: every incident's channel name, where its messages go, and which changes are posted.

    `channel_name` fills `{date}` (YYYYMMDD of the opening, UTC), `{slug}` (from the title) and `{id}`.
    `targets` get every incident's messages (a shared #incidents channel); `incident_target` is an
    address with `{channel}` in it (the channel name without `#`), the incident's own channel.
    Each team's `chat_targets` get the messages of the team's incidents.
    """

    channel_name: str = Field(default="#incident-{date}-{slug}", min_length=1, max_length=200)
    targets: list[NotificationAddress] = Field(default_factory=list)
    incident_target: NotificationAddress | None = None
    post: list[ChatEvent] = Field(default_factory=lambda: ["updates", "roles", "severity", "status"])

    @field_validator("incident_target")
    @classmethod
    def _has_channel(cls, value: str | None) -> str | None:
        if value is not None and "{channel}" not in value:
            raise ValueError("'incident_target' needs '{channel}' where the incident's channel name goes")
        return value

    @field_validator("channel_name")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        try:
            value.format(date="20260101", slug="slug", id=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"invalid channel name pattern {value!r}: use {{date}}, {{slug}} and {{id}}") from exc
        return value


class StakeholderListSpec(Strict):
    """People outside the response (leadership, support, legal/PR) told about incidents of `severities`.

    They get the leadership summary every `every` (seed 004: every 30 minutes) while the incident is
    open, and whatever else `receive` names: public or internal updates, severity or status changes.
    """

    name: Name
    severities: list[str] = Field(min_length=1)
    contacts: list[NotificationAddress] = Field(min_length=1)
    every: Duration = timedelta(minutes=30)
    receive: list[StakeholderReceives] = Field(default_factory=lambda: ["leadership_summary"])

    @field_validator("every")
    @classmethod
    def _every_positive(cls, value: timedelta) -> timedelta:
        return minute_or_more(value, "a leadership summary goes out at most once a minute ('every' of 1m or more)")


class ComponentSpec(Strict):
    """A status-page component: a name services point at with `component`, with a public description."""

    name: str = Field(min_length=1, max_length=255)
    description: str = ""


class GroupSpec(Strict):
    """Components shown together under one heading."""

    name: str = Field(min_length=1, max_length=255)
    components: list[str] = Field(min_length=1)


class PublicMaintenanceSpec(Strict):
    """A configured maintenance window published on the status page, with the text customers read."""

    window: Name
    title: str = Field(min_length=1, max_length=255)
    description: str = ""


class SubscriptionsSpec(Strict):
    """E-mail subscriptions: `mail` is the sending address (e.g. `mailtos://user:pass@smtp.example?from=…`);
    without it nobody can subscribe."""

    mail: NotificationAddress | None = None


class StatusPageSpec(Strict):
    """The public status page: its title, components and groups, how severity shows, what is published.

    `impact` maps a severity (level or alias) to the status its incidents give their components;
    levels left out follow the scale (most severe: major outage, then partial outage, then degraded
    performance, the rest operational).
    """

    title: str = Field(default="Status", min_length=1, max_length=255)
    url: str | None = None  # where the page is published (default: the server's public URL + /status)
    contact: str = ""  # where customers ask questions (the customer e-mail names it)
    signature: str = ""  # how customer e-mails are signed (default: "The <title> team")
    time_zone: TimeZone = "UTC"
    components: list[ComponentSpec] = Field(default_factory=list)
    groups: list[GroupSpec] = Field(default_factory=list)
    impact: dict[str, ComponentStatus] = Field(default_factory=dict)
    maintenance: list[PublicMaintenanceSpec] = Field(default_factory=list)
    history_days: int = Field(default=90, ge=1, le=366)
    subscriptions: SubscriptionsSpec = Field(default_factory=SubscriptionsSpec)


class CommunicateSpec(Strict):
    """Everything the communicate stage reads."""

    updates: UpdatesSpec = Field(default_factory=UpdatesSpec)
    chat: ChatSpec = Field(default_factory=ChatSpec)
    stakeholders: list[StakeholderListSpec] = Field(default_factory=list)
    status_page: StatusPageSpec = Field(default_factory=StatusPageSpec)
