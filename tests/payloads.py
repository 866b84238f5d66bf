"""Real payload shapes of each source, as the senders emit them."""

from __future__ import annotations

from typing import Any


def am_alert(name: str = "HighErrorRate", status: str = "firing", service: str = "checkout",
             severity: str = "critical", **labels: str) -> dict[str, Any]:
    all_labels = {"alertname": name, "service": service, "severity": severity, "job": "checkout",
                  "instance": "10.0.3.7:9090", **labels}
    return {
        "status": status,
        "labels": all_labels,
        "annotations": {"summary": f"{name} on {service}", "description": "5xx ratio above 5% for 5m",
                        "runbook_url": f"https://runbooks.example.com/{name.lower()}"},
        "startsAt": "2026-11-22T11:58:00.123456789Z",
        "endsAt": "2026-11-22T12:05:00Z" if status == "resolved" else "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=rate%28http_requests_total%5B5m%5D%29",
        "fingerprint": f"{abs(hash((name, service, tuple(sorted(labels.items()))))) % 16**16:016x}",
    }


def alertmanager(*alerts: dict[str, Any], status: str | None = None) -> dict[str, Any]:
    status = status or ("firing" if any(a["status"] == "firing" for a in alerts) else "resolved")
    return {
        "receiver": "firebreak",
        "status": status,
        "alerts": list(alerts),
        "groupLabels": {"alertname": alerts[0]["labels"]["alertname"]},
        "commonLabels": {"alertname": alerts[0]["labels"]["alertname"]},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "version": "4",
        "groupKey": '{}:{alertname="HighErrorRate"}',
        "truncatedAlerts": 0,
    }


def pagerduty(routing_key: str, action: str = "trigger", dedup_key: str | None = "db-pool-1",
              summary: str = "Database connection pool exhausted on orders-db",
              severity: str = "critical", event_class: str = "connections") -> dict[str, Any]:
    body: dict[str, Any] = {"routing_key": routing_key, "event_action": action}
    if dedup_key is not None:
        body["dedup_key"] = dedup_key
    if action == "trigger":
        body["payload"] = {
            "summary": summary, "source": "orders-db-01", "severity": severity,
            "timestamp": "2026-11-22T11:59:30.000+00:00", "component": "orders-db", "group": "prod",
            "class": event_class, "custom_details": {"active": 100, "max": 100, "pool": "primary"},
        }
        body["links"] = [{"href": "https://grafana.example.com/d/db", "text": "Dashboard"}]
        body["images"] = [{"src": "https://grafana.example.com/render/db.png", "href": "https://grafana.example.com/d/db",
                           "alt": "connections graph"}]
        body["client"] = "CI"
        body["client_url"] = "https://ci.example.com/job/42"
    return body


def grafana(status: str = "firing") -> dict[str, Any]:
    return {
        "receiver": "firebreak", "status": status, "orgId": 1, "version": "1",
        "groupKey": "{}:{alertname=\"DiskSpaceLow\"}", "truncatedAlerts": 0,
        "title": "[FIRING:1] DiskSpaceLow", "state": "alerting", "message": "disk 91% full",
        "groupLabels": {"alertname": "DiskSpaceLow"}, "commonLabels": {"alertname": "DiskSpaceLow"},
        "commonAnnotations": {}, "externalURL": "http://grafana:3000/",
        "alerts": [{
            "status": status,
            "labels": {"alertname": "DiskSpaceLow", "service": "storage", "grafana_folder": "infra",
                       "severity": "warning"},
            "annotations": {"summary": "Disk 91% full on node-3"},
            "startsAt": "2026-11-22T11:50:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://grafana:3000/alerting/grafana/abc/view",
            "fingerprint": "5c1f3b1e2a9d4c77",
            "silenceURL": "http://grafana:3000/alerting/silence/new",
            "dashboardURL": "http://grafana:3000/d/node", "panelURL": "http://grafana:3000/d/node?viewPanel=4",
            "values": {"B": 91.2}, "valueString": "[ var='B' value=91.2 ]",
        }],
    }
