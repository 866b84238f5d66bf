"""Source adapter: Prometheus Alertmanager webhook, payload version 4 (and Grafana's variant)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from firebreak.ingest.alert import Alert
from firebreak.ingest.fingerprint import label_fingerprint, scoped
from firebreak.ingest.validation import parse_model
from firebreak.kernel.clock import as_utc
from firebreak.kernel.errors import InvalidInput

MAX_ALERTS = 10_000


class WebhookAlert(BaseModel):
    """One alert inside an Alertmanager-style webhook."""

    model_config = ConfigDict(extra="allow")

    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: datetime | None = None
    endsAt: datetime | None = None
    generatorURL: str | None = None
    fingerprint: str | None = None


class AlertmanagerWebhook(BaseModel):
    """The Alertmanager webhook body (version 4)."""

    model_config = ConfigDict(extra="allow")

    version: str
    status: Literal["firing", "resolved"] | None = None
    receiver: str | None = None
    groupKey: str | None = None
    truncatedAlerts: int = 0
    groupLabels: dict[str, str] = Field(default_factory=dict)
    commonLabels: dict[str, str] = Field(default_factory=dict)
    commonAnnotations: dict[str, str] = Field(default_factory=dict)
    externalURL: str | None = None
    alerts: list[WebhookAlert] = Field(max_length=MAX_ALERTS)


def real_time(value: datetime | None) -> datetime | None:
    """Alertmanager writes the zero time (year 1) for "not set"."""
    if value is None or value.year <= 1:
        return None
    return as_utc(value)


def to_alert(item: WebhookAlert, *, source: str, raw: dict[str, Any]) -> Alert:
    """Normalise one webhook alert."""
    labels = dict(item.labels)
    annotations = dict(item.annotations)
    key = item.fingerprint or label_fingerprint(labels)
    summary = (annotations.get("summary") or annotations.get("description")
               or labels.get("alertname") or "alert")
    return Alert(
        source=source,
        fingerprint=scoped(source, key),
        status=item.status,
        labels=labels,
        annotations=annotations,
        summary=summary,
        severity_hint=labels.get("severity"),
        starts_at=real_time(item.startsAt),
        ends_at=real_time(item.endsAt) if item.status == "resolved" else None,
        generator_url=item.generatorURL,
        runbook_url=annotations.get("runbook_url") or annotations.get("runbook"),
        raw=raw,
    )


def parse_alertmanager(body: Any) -> list[Alert]:
    """Parse an Alertmanager webhook; only payload version 4 is accepted."""
    if isinstance(body, dict) and "version" in body and body["version"] != "4":
        raise InvalidInput(f"unsupported Alertmanager payload version {body['version']!r}; expected '4'",
                           field="version")
    hook = parse_model(AlertmanagerWebhook, body)
    if hook.version != "4":
        raise InvalidInput(f"unsupported Alertmanager payload version {hook.version!r}; expected '4'",
                           field="version")
    return [to_alert(item, source="alertmanager", raw=body["alerts"][i])
            for i, item in enumerate(hook.alerts)]
