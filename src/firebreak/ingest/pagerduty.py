"""Source adapter: PagerDuty Events API v2 (`POST /v2/enqueue`), trigger / acknowledge / resolve.

An event is named and labelled by what it is, never by its wording (the summary changes as a
sender's alerts come and go):

- labels `source`, `severity`, `component`, `group` and `class` come from the payload fields of
  those names, and `service` from `component`;
- every `custom_details` entry whose key is a label name and whose value is a short single-line
  text, number or boolean is a label too, and wins over the payload's (so `custom_details.service`
  beats `component`, `custom_details.severity` beats `severity`); Alertmanager's default group
  counters (`firing`, `resolved`, `num_firing`, `num_resolved`) are not labels;
- the name (label `alertname`) is `custom_details.alertname`, else `class`;
- an event with neither names nothing but its dedup key: it forms its own group, so one sender
  group (one Alertmanager group, one `dedup_key`) is one incident.

Text details stay annotations, as before.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from firebreak.ingest.alert import Alert
from firebreak.ingest.fingerprint import scoped
from firebreak.ingest.validation import parse_model
from firebreak.kernel.clock import as_utc
from firebreak.kernel.errors import InvalidInput
from firebreak.kernel.redact import MASK

SUMMARY_MAX = 1024
DEDUP_KEY_MAX = 255
LABEL_VALUE_MAX = 256
LABEL_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# What Alertmanager's default pagerduty_configs put in `details`: they describe the group, not an alert.
GROUP_COUNTERS = frozenset({"firing", "resolved", "num_firing", "num_resolved"})


class Link(BaseModel):
    """A link attached to an event."""

    model_config = ConfigDict(extra="allow")
    href: str
    text: str | None = None


class Image(BaseModel):
    """An image attached to an event."""

    model_config = ConfigDict(extra="allow")
    src: str
    href: str | None = None
    alt: str | None = None


class EventPayload(BaseModel):
    """`payload` of a trigger event."""

    model_config = ConfigDict(extra="allow")
    summary: str = Field(min_length=1)
    source: str = Field(min_length=1)
    severity: Literal["critical", "error", "warning", "info"]
    timestamp: datetime | None = None
    component: str | None = None
    group: str | None = None
    class_: str | None = Field(default=None, alias="class")
    custom_details: Any = None


class Event(BaseModel):
    """An Events API v2 event."""

    model_config = ConfigDict(extra="allow")
    routing_key: str = Field(min_length=1)
    event_action: Literal["trigger", "acknowledge", "resolve"]
    dedup_key: str | None = Field(default=None, max_length=DEDUP_KEY_MAX)
    payload: EventPayload | None = None
    images: list[Image] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    client: str | None = None
    client_url: str | None = None


def pagerduty_fingerprint(routing_key: str, dedup_key: str) -> str:
    """A dedup key matches only within its routing key."""
    return scoped("pagerduty", f"{routing_key}:{dedup_key}")


def bind_integration(alert: Alert, integration: str) -> Alert:
    """Key an event by its integration's name instead of its routing key, which is a secret:
    the key is then never stored, shown in a fingerprint or echoed in the raw payload."""
    raw = {**alert.raw, "routing_key": MASK} if "routing_key" in alert.raw else alert.raw
    fingerprint = pagerduty_fingerprint(integration, alert.dedup_key or "")
    return replace(alert, routing_key=integration, raw=raw, fingerprint=fingerprint,
                   sender_group=fingerprint if alert.sender_group is not None else None)


def detail_label(key: object, value: object) -> str | None:
    """A `custom_details` entry as a label value, or None when it is not label-like."""
    if not isinstance(key, str) or not LABEL_NAME_RE.match(key) or key in GROUP_COUNTERS:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or "\n" in text or len(text) > LABEL_VALUE_MAX:
        return None
    return text


def event_labels(payload: EventPayload) -> dict[str, str]:
    """Labels of a trigger event: payload fields, then label-like custom details (see the module doc)."""
    labels = {"source": payload.source, "severity": payload.severity}
    for name, value in (("service", payload.component), ("component", payload.component),
                        ("group", payload.group), ("class", payload.class_)):
        if value:
            labels[name] = value
    if isinstance(payload.custom_details, dict):
        for key, raw in payload.custom_details.items():
            value = detail_label(key, raw)
            if value is not None:
                labels[key] = value
    if "alertname" not in labels and payload.class_:
        labels["alertname"] = payload.class_
    return labels


def parse_pagerduty(body: Any) -> Alert:
    """Parse one Events API v2 event; a trigger without a dedup_key gets a generated one."""
    event = parse_model(Event, body)
    if event.event_action == "trigger":
        if event.payload is None:
            raise InvalidInput("payload is required for a trigger event", field="payload")
    elif not event.dedup_key:
        raise InvalidInput(f"dedup_key is required for {event.event_action} events", field="dedup_key")
    dedup_key = event.dedup_key or uuid.uuid4().hex
    payload = event.payload
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    summary = ""
    if payload is not None:
        summary = payload.summary[:SUMMARY_MAX]
        labels = event_labels(payload)
        annotations["summary"] = summary
        if isinstance(payload.custom_details, dict):
            for key, value in payload.custom_details.items():
                if isinstance(value, str) and key not in annotations:
                    annotations[key] = value
    links = [link.model_dump(exclude_none=True) for link in event.links]
    links += [{"href": img.href or img.src, "text": img.alt or "image", "image": img.src}
              for img in event.images]
    runbook = next((link.href for link in event.links if "runbook" in (link.text or "").lower()), None)
    fingerprint = pagerduty_fingerprint(event.routing_key, dedup_key)
    return Alert(
        source="pagerduty",
        fingerprint=fingerprint,
        status="resolved" if event.event_action == "resolve" else "firing",
        labels=labels,
        annotations=annotations,
        summary=summary,
        severity_hint=labels.get("severity"),
        starts_at=as_utc(payload.timestamp) if payload and payload.timestamp else None,
        ends_at=None,
        generator_url=event.client_url,
        runbook_url=runbook or annotations.get("runbook_url"),
        dedup_key=dedup_key,
        routing_key=event.routing_key,
        action=event.event_action,
        links=links,
        raw=body,
        sender_group=fingerprint if payload is not None and "alertname" not in labels else None,
    )
