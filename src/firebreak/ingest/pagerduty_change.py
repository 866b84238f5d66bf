"""Source adapter: PagerDuty Change Events (`POST /v2/change/enqueue`): something changed (a deploy,
a configuration push), nothing is wrong. A change is labelled as alert events are (`source` and
label-like `custom_details`, see `firebreak.ingest.pagerduty`), so routes give it a service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from firebreak.ingest.alert import Alert
from firebreak.ingest.pagerduty import SUMMARY_MAX, Image, Link, detail_label
from firebreak.ingest.validation import parse_model
from firebreak.kernel.clock import as_utc


class ChangePayload(BaseModel):
    """`payload` of a change event."""

    model_config = ConfigDict(extra="allow")
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX)
    source: str | None = None
    timestamp: datetime | None = None
    custom_details: Any = None


class ChangeEvent(BaseModel):
    """A Change Events API body."""

    model_config = ConfigDict(extra="allow")
    routing_key: str = Field(min_length=1)
    payload: ChangePayload
    links: list[Link] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Change:
    """One change, normalised."""

    summary: str
    source: str | None
    timestamp: datetime | None
    labels: dict[str, str]
    details: Any
    routing_key: str
    links: list[dict[str, Any]] = field(default_factory=list)

    def as_alert(self) -> Alert:
        """The change in the shape routes read (labels), to find the service it belongs to."""
        return Alert(source="pagerduty", fingerprint="change", status="firing", labels=self.labels,
                     annotations={}, summary=self.summary, severity_hint=None, starts_at=self.timestamp,
                     ends_at=None)


def parse_change(body: Any) -> Change:
    """Parse one change event."""
    event = parse_model(ChangeEvent, body)
    payload = event.payload
    labels: dict[str, str] = {"source": payload.source} if payload.source else {}
    if isinstance(payload.custom_details, dict):
        for key, raw in payload.custom_details.items():
            value = detail_label(key, raw)
            if value is not None:
                labels[key] = value
    links = [link.model_dump(exclude_none=True) for link in event.links]
    links += [{"href": img.href or img.src, "text": img.alt or "image", "image": img.src} for img in event.images]
    return Change(summary=payload.summary, source=payload.source,
                  timestamp=as_utc(payload.timestamp) if payload.timestamp else None, labels=labels,
                  details=payload.custom_details, routing_key=event.routing_key, links=links)


def bind_change(change: Change, integration: str) -> Change:
    """Keep the integration's name, never the routing key (a secret)."""
    return Change(summary=change.summary, source=change.source, timestamp=change.timestamp,
                  labels=change.labels, details=change.details, routing_key=integration, links=change.links)


__all__ = ["Change", "ChangeEvent", "bind_change", "parse_change"]
