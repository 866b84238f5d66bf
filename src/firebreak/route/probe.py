"""Probe alerts: alerts described by hand (route tests, CLI) that the route stage can judge but nobody stores."""

from __future__ import annotations

from collections.abc import Mapping

from firebreak.ingest.alert import Alert
from firebreak.ingest.fingerprint import label_fingerprint

PROBE_SOURCE = "route-test"


def probe_alert(labels: Mapping[str, str], *, annotations: Mapping[str, str] | None = None,
                severity: str | None = None, fingerprint: str | None = None) -> Alert:
    """A firing alert with these labels, fingerprinted from them unless told otherwise."""
    return Alert(source=PROBE_SOURCE, fingerprint=fingerprint or label_fingerprint(labels), status="firing",
                 labels=dict(labels), annotations=dict(annotations or {}),
                 summary=labels.get("alertname", "route test"), severity_hint=severity,
                 starts_at=None, ends_at=None)
