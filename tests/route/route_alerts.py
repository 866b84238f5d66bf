"""Alert builders for route tests."""

from __future__ import annotations

from datetime import datetime

from firebreak.ingest.alert import Alert, AlertStatus


def make_alert(labels: dict[str, str], *, annotations: dict[str, str] | None = None,
               fingerprint: str | None = None, status: AlertStatus = "firing", hint: str | None = None,
               ends_at: datetime | None = None) -> Alert:
    return Alert(
        source="test",
        fingerprint=fingerprint or "fp-" + "-".join(f"{k}={v}" for k, v in sorted(labels.items())),
        status=status, labels=dict(labels), annotations=dict(annotations or {}),
        summary=labels.get("alertname", "alert"), severity_hint=hint, starts_at=None, ends_at=ends_at,
    )
