"""Source adapter: PagerDuty Events API v2 (`POST /v2/enqueue`), trigger / acknowledge / resolve."""

from __future__ import annotations

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
    return replace(alert, routing_key=integration, raw=raw,
                   fingerprint=pagerduty_fingerprint(integration, alert.dedup_key or ""))


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
        labels = {"alertname": summary, "source": payload.source, "severity": payload.severity}
        for name, value in (("service", payload.component), ("component", payload.component),
                            ("group", payload.group), ("class", payload.class_)):
            if value:
                labels[name] = value
        annotations["summary"] = summary
        if isinstance(payload.custom_details, dict):
            for key, value in payload.custom_details.items():
                if isinstance(value, str) and key not in annotations:
                    annotations[key] = value
    links = [link.model_dump(exclude_none=True) for link in event.links]
    links += [{"href": img.href or img.src, "text": img.alt or "image", "image": img.src}
              for img in event.images]
    runbook = next((link.href for link in event.links if "runbook" in (link.text or "").lower()), None)
    return Alert(
        source="pagerduty",
        fingerprint=pagerduty_fingerprint(event.routing_key, dedup_key),
        status="resolved" if event.event_action == "resolve" else "firing",
        labels=labels,
        annotations=annotations,
        summary=summary,
        severity_hint=payload.severity if payload else None,
        starts_at=as_utc(payload.timestamp) if payload and payload.timestamp else None,
        ends_at=None,
        generator_url=event.client_url,
        runbook_url=runbook or annotations.get("runbook_url"),
        dedup_key=dedup_key,
        routing_key=event.routing_key,
        action=event.event_action,
        links=links,
        raw=body,
    )
