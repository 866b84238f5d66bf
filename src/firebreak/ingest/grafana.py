"""Source adapter: Grafana unified alerting webhook (Alertmanager-shaped, version 1).

Grafana reports what each query or expression of the rule measured: `values` (`{"A": 91.2}`),
or in older versions only `valueString` (`[ var='A' labels={…} value=91.2 ]`). Both become the
alert's values, which threshold rules read as `values.A`.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

from pydantic import ConfigDict

from firebreak.ingest.alert import Alert
from firebreak.ingest.alertmanager import AlertmanagerWebhook, WebhookAlert, to_alert
from firebreak.ingest.validation import parse_model
from firebreak.kernel.errors import InvalidInput

SUPPORTED_VERSIONS = {"1", "4"}
_VALUE_STRING_RE = re.compile(r"var='([^']+)'[^\]]*?\bvalue=([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)")


class GrafanaAlert(WebhookAlert):
    """A Grafana alert: the Alertmanager fields plus dashboard and panel links."""

    model_config = ConfigDict(extra="allow")

    dashboardURL: str | None = None
    panelURL: str | None = None
    silenceURL: str | None = None
    valueString: str | None = None
    values: dict[str, Any] | None = None


class GrafanaWebhook(AlertmanagerWebhook):
    """Grafana's webhook body."""

    alerts: list[GrafanaAlert]  # type: ignore[assignment]
    title: str | None = None
    message: str | None = None
    orgId: int | None = None


def measured_values(item: GrafanaAlert) -> dict[str, float]:
    """The alert's values by name, from `values` or else from `valueString`."""
    if item.values:
        # Only numbers count; anything else Grafana might put there is ignored, not an error.
        return {name: float(value) for name, value in item.values.items()
                if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)}
    return {name: float(number) for name, number in _VALUE_STRING_RE.findall(item.valueString or "")}


def parse_grafana(body: Any) -> list[Alert]:
    """Parse a Grafana unified alerting webhook."""
    hook = parse_model(GrafanaWebhook, body)
    if hook.version not in SUPPORTED_VERSIONS:
        raise InvalidInput(f"unsupported Grafana webhook version {hook.version!r}", field="version")
    alerts = []
    for i, item in enumerate(hook.alerts):
        alert = to_alert(item, source="grafana", raw=body["alerts"][i])
        links = [{"href": url, "text": text} for url, text in (
            (item.dashboardURL, "Dashboard"), (item.panelURL, "Panel"), (item.silenceURL, "Silence"))
            if url]
        alerts.append(replace(alert, links=links, values=measured_values(item)))
    return alerts
