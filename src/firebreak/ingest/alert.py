"""The canonical alert: what every source adapter produces and every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

AlertStatus = Literal["firing", "resolved"]
PagerDutyAction = Literal["trigger", "acknowledge", "resolve"]


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert, normalised from any source, with the raw payload kept."""

    source: str
    fingerprint: str
    status: AlertStatus
    labels: dict[str, str]
    annotations: dict[str, str]
    summary: str
    severity_hint: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    generator_url: str | None = None
    runbook_url: str | None = None
    dedup_key: str | None = None
    routing_key: str | None = None
    action: PagerDutyAction | None = None
    links: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    # The sender's own grouping, for an event that names nothing but its key (a PagerDuty event
    # from Alertmanager's default pagerduty_configs): it joins this group instead of one computed
    # from the group labels, so one sender group is one incident.
    sender_group: str | None = None
    # Numbers the sender measured, by name (Grafana's `values`: {"A": 91.2}); threshold rules read
    # them as `values.A`.
    values: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The alert's name: `alertname` label, else the summary."""
        return self.labels.get("alertname") or self.summary
