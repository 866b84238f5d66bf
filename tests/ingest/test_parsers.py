"""Source adapters normalise real payloads into canonical alerts (pure)."""

from __future__ import annotations

import pytest

from firebreak.ingest.alertmanager import parse_alertmanager
from firebreak.ingest.generic import parse_generic
from firebreak.ingest.grafana import parse_grafana
from firebreak.ingest.pagerduty import bind_integration, parse_pagerduty
from firebreak.kernel.errors import InvalidInput
from tests.payloads import alertmanager, am_alert, grafana, pagerduty


def test_alertmanager_v4_many_alerts_firing_and_resolved() -> None:
    body = alertmanager(am_alert("HighErrorRate"), am_alert("HighLatency", status="resolved"))
    first, second = parse_alertmanager(body)
    assert first.status == "firing" and second.status == "resolved"
    assert first.fingerprint == "alertmanager:" + body["alerts"][0]["fingerprint"]
    assert first.summary == "HighErrorRate on checkout"
    assert first.severity_hint == "critical"
    assert first.ends_at is None  # the zero time means "not set"
    assert second.ends_at is not None and second.ends_at.isoformat() == "2026-11-22T12:05:00+00:00"
    assert first.runbook_url == "https://runbooks.example.com/higherrorrate"
    assert first.generator_url.startswith("http://prometheus:9090/")
    assert first.raw == body["alerts"][0]


def test_alertmanager_without_fingerprint_hashes_labels_stably() -> None:
    a = am_alert()
    del a["fingerprint"]
    b = dict(a, labels=dict(reversed(list(a["labels"].items()))))
    assert parse_alertmanager(alertmanager(a))[0].fingerprint == parse_alertmanager(alertmanager(b))[0].fingerprint


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda b: b.update(version="3"), "version"),
    (lambda b: b.pop("alerts"), "alerts"),
    (lambda b: b["alerts"][0].update(status="burning"), "alerts[0].status"),
    (lambda b: b["alerts"][0]["labels"].update(severity=3), "alerts[0].labels.severity"),
    (lambda b: b["alerts"][0].update(startsAt="yesterday"), "alerts[0].startsAt"),
])
def test_alertmanager_bad_input_names_the_field(mutate, field) -> None:
    body = alertmanager(am_alert())
    mutate(body)
    with pytest.raises(InvalidInput) as info:
        parse_alertmanager(body)
    assert info.value.field == field


def test_pagerduty_trigger_carries_links_images_details() -> None:
    alert = parse_pagerduty(pagerduty("key-1"))
    assert alert.action == "trigger" and alert.status == "firing"
    assert alert.fingerprint == "pagerduty:key-1:db-pool-1"
    assert alert.labels["service"] == "orders-db" and alert.labels["source"] == "orders-db-01"
    assert alert.annotations["pool"] == "primary"
    assert {link["href"] for link in alert.links} >= {"https://grafana.example.com/d/db"}
    assert any(link.get("image") for link in alert.links)
    assert alert.severity_hint == "critical"


def test_pagerduty_generated_dedup_key_and_required_fields() -> None:
    alert = parse_pagerduty(pagerduty("key-1", dedup_key=None))
    assert alert.dedup_key and len(alert.dedup_key) == 32
    with pytest.raises(InvalidInput) as info:
        parse_pagerduty(pagerduty("key-1", action="resolve", dedup_key=None))
    assert info.value.field == "dedup_key"
    body = pagerduty("key-1")
    body["payload"]["severity"] = "fatal"
    with pytest.raises(InvalidInput) as info:
        parse_pagerduty(body)
    assert info.value.field == "payload.severity"


def test_grafana_webhook() -> None:
    [alert] = parse_grafana(grafana())
    assert alert.source == "grafana" and alert.labels["alertname"] == "DiskSpaceLow"
    assert [link["text"] for link in alert.links] == ["Dashboard", "Panel", "Silence"]


def test_generic_alert_defaults_and_unknown_fields() -> None:
    alert = parse_generic({"title": "Backups late", "severity": "warning", "labels": {"service": "backup"}})
    assert alert.labels == {"service": "backup", "alertname": "Backups late", "severity": "warning"}
    assert alert.status == "firing"
    with pytest.raises(InvalidInput) as info:
        parse_generic({"title": "x", "colour": "red"})
    assert info.value.field == "colour"
    with pytest.raises(InvalidInput) as info:
        parse_generic({"severity": "warning"})
    assert info.value.field == "title"


def am_default_pagerduty(summary: str, firing: int) -> dict:
    """What Alertmanager's default pagerduty_configs send (captured from prometheus-alertmanager 0.25)."""
    instances = "".join(f"Labels:\n - alertname = HighErrorRate\n - instance = {i}\n - service = api\n"
                        f"Annotations:\n - summary = 5xx high\nSource: \n" for i in range(firing))
    return {"routing_key": "key-1", "dedup_key": "f33a7d82b5c8257ab2b703e2b6316262bb6b9c0698d8b46c09b52ec022723b22",
            "event_action": "trigger", "client": "Alertmanager", "client_url": "http://am:9093/#/alerts",
            "payload": {"summary": summary, "source": "Alertmanager", "severity": "error",
                        "custom_details": {"firing": instances, "num_firing": str(firing), "num_resolved": "0",
                                           "resolved": ""}}}


def test_pagerduty_is_named_by_class_and_component_not_its_wording() -> None:
    first = parse_pagerduty(pagerduty("key-1", summary="Pool exhausted on orders-db", dedup_key="a"))
    second = parse_pagerduty(pagerduty("key-1", summary="orders-db: 100/100 connections in use", dedup_key="b"))
    for alert in (first, second):
        assert alert.name == "connections" and alert.labels["alertname"] == "connections"
        assert alert.labels["service"] == "orders-db" and alert.labels["group"] == "prod"
        assert alert.sender_group is None
    # label-like details are labels (numbers included), text stays an annotation too
    assert first.labels["pool"] == "primary" and first.labels["active"] == "100"
    assert first.summary != second.summary


def test_pagerduty_custom_details_name_and_route_it() -> None:
    body = pagerduty("key-1")
    body["payload"]["custom_details"] = {"alertname": "DatabaseConnectionPoolExhausted", "service": "orders",
                                         "severity": "critical", "team": "data",
                                         "firing": "Labels:\n - alertname = X\n", "num_firing": "1",
                                         "nested": {"a": 1}, "bad key": "x", "long": "y" * 300}
    body["payload"]["severity"] = "error"
    alert = parse_pagerduty(body)
    assert alert.name == "DatabaseConnectionPoolExhausted"
    assert alert.labels["service"] == "orders" and alert.labels["component"] == "orders-db"
    assert alert.labels["team"] == "data" and alert.labels["class"] == "connections"
    assert alert.labels["severity"] == "critical" and alert.severity_hint == "critical"
    assert not {"firing", "num_firing", "nested", "bad key", "long"} & set(alert.labels)
    assert alert.annotations["firing"].startswith("Labels:")


def test_pagerduty_from_alertmanager_defaults_is_its_own_group() -> None:
    first = parse_pagerduty(am_default_pagerduty("[FIRING:1] HighErrorRate api (a critical)", 1))
    later = parse_pagerduty(am_default_pagerduty("[FIRING:2] HighErrorRate api (critical)", 2))
    assert "alertname" not in first.labels and first.labels["source"] == "Alertmanager"
    assert not {"firing", "resolved", "num_firing", "num_resolved"} & set(first.labels)
    # one dedup_key, one group, whatever the summary says
    assert first.sender_group == first.fingerprint == later.sender_group
    bound = bind_integration(first, "alertmanager-prod")
    assert bound.sender_group == bound.fingerprint == "pagerduty:alertmanager-prod:" + first.dedup_key


def test_grafana_values_and_value_string() -> None:
    [alert] = parse_grafana(grafana())
    assert alert.values == {"B": 91.2}
    body = grafana()
    del body["alerts"][0]["values"]
    body["alerts"][0]["valueString"] = "[ var='A' labels={instance=node-3} value=87.5 ], [ var='C' labels={} value=1 ]"
    [alert] = parse_grafana(body)
    assert alert.values == {"A": 87.5, "C": 1.0}
    body["alerts"][0]["values"] = {"A": 12, "B": None, "C": "n/a", "D": True}
    [alert] = parse_grafana(body)
    assert alert.values == {"A": 12.0}
