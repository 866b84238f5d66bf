"""Source adapter: the generic JSON webhook (`POST /api/v1/alerts`) and the CLI's `alert fire`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from firebreak.ingest.alert import Alert
from firebreak.ingest.fingerprint import label_fingerprint, scoped
from firebreak.ingest.validation import parse_model
from firebreak.kernel.clock import as_utc


class GenericAlert(BaseModel):
    """The generic alert body."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=1024)
    severity: str | None = Field(default=None, max_length=64)
    status: Literal["firing", "resolved"] = "firing"
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    dedup_key: str | None = Field(default=None, min_length=1, max_length=255)
    source: str | None = Field(default=None, max_length=64)
    description: str | None = None
    runbook_url: str | None = None
    generator_url: str | None = None
    starts_at: datetime | None = None


def generic_to_alert(item: GenericAlert, raw: dict[str, Any]) -> Alert:
    """Normalise a generic alert; the dedup key defaults to a hash of the title and labels."""
    labels = dict(item.labels)
    labels.setdefault("alertname", item.title)
    if item.severity:
        labels.setdefault("severity", item.severity)
    annotations = dict(item.annotations)
    annotations.setdefault("summary", item.title)
    if item.description:
        annotations.setdefault("description", item.description)
    key = item.dedup_key or label_fingerprint(labels)
    return Alert(
        source="webhook",
        fingerprint=scoped("webhook", key),
        status=item.status,
        labels=labels,
        annotations=annotations,
        summary=item.title,
        severity_hint=item.severity,
        starts_at=as_utc(item.starts_at) if item.starts_at else None,
        ends_at=None,
        generator_url=item.generator_url,
        runbook_url=item.runbook_url or annotations.get("runbook_url"),
        dedup_key=item.dedup_key,
        raw=raw,
    )


def parse_generic(body: Any) -> Alert:
    """Parse the generic JSON alert."""
    return generic_to_alert(parse_model(GenericAlert, body), body)
