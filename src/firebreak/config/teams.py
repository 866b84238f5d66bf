"""The `teams`, `users` and `services` sections: who exists and what they own."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, field_validator

from firebreak.config.escalate import ContactMethodSpec, NotificationAddress
from firebreak.config.route import LabelValue
from firebreak.config.targets import LabelPlaceholder, TargetSpec
from firebreak.config.types import AutoResolveField, Name, Strict, TimeZone
from firebreak.kernel.errors import ConfigError
from firebreak.security.secrets import is_reference, resolve_secret

ENV_PREFIX = "env:"


class TeamSpec(Strict):
    """A team: owns services and has a default escalation policy.

    `low_urgency_contacts` are notification URLs (an e-mail address, a chat webhook) told once
    about the team's low-urgency incidents; `tracker` is a webhook (e.g. `json://…`) that gets
    incidents of urgency `none`, as a ticket would. `chat_targets` (chat webhooks) get the messages
    about the team's incidents: updates, role, severity and status changes (see `communicate.chat`).
    """

    name: Name
    description: str = ""
    escalation_policy: Name | None = None
    members: list[Name] = Field(default_factory=list)
    chat_channel: str | None = None
    chat_targets: list[NotificationAddress] = Field(default_factory=list)
    low_urgency_contacts: list[NotificationAddress] = Field(default_factory=list)
    tracker: NotificationAddress | None = None


class UserSpec(Strict):
    """A person who can be paged or take an incident role."""

    name: str = Field(min_length=1)
    handle: Name
    email: str | None = None
    chat_handle: str | None = None
    time_zone: TimeZone = "UTC"
    contact: list[ContactMethodSpec] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and (value.count("@") != 1 or value.startswith("@") or value.endswith("@")):
            raise ValueError(f"invalid e-mail address {value!r}")
        return value


class ServiceSpec(Strict):
    """A service: its owner, dependencies, status-page component, runbook variables, the execution
    targets its runbook commands run on, and which extra placeholders alert labels may fill.

    A runbook variable written `env:NAME` (or `file:/path`) is read from the environment (or the
    file) when a runbook runs, so secrets such as database DSNs stay out of the file.
    """

    name: Name
    team: Name
    tier: int | None = Field(default=None, ge=0, le=9)
    description: str = ""
    dependencies: list[Name] = Field(default_factory=list)
    component: str | None = None
    escalation_policy: Name | None = None
    runbook_vars: dict[str, LabelValue] = Field(default_factory=dict)
    # Whether this service's incidents resolve when their last alert resolves (None: the top-level setting).
    auto_resolve: AutoResolveField | None = None
    targets: list[TargetSpec] = Field(default_factory=list)
    label_placeholders: list[LabelPlaceholder] = Field(default_factory=list)

    def runbook_values(self, environ: Mapping[str, str]) -> dict[str, str | None]:
        """Runbook variables with `env:NAME` and `file:/path` references resolved (None when unavailable)."""
        values: dict[str, str | None] = {}
        for key, raw in self.runbook_vars.items():
            if not is_reference(raw):
                values[key] = raw
                continue
            try:
                values[key] = resolve_secret(raw, environ=environ)
            except ConfigError:
                values[key] = None  # a step that needs it is blocked and says which variable is missing
        return values
